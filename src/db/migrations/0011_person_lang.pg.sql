-- PostgreSQL text of 0011_person_lang.sql: migrate.c applies it in that file's place on
-- PostgreSQL (tools/pg_dialect.py's text, reviewed).
--
-- 0011_person_lang.sql: the language a person reads mail in: the language
-- of the pages they last logged in with ('en', 'sr-Latn', 'sr-Cyrl'); NULL
-- until their first login, when mail to them follows the language of
-- whoever caused it (the inviter's).
ALTER TABLE person ADD COLUMN lang TEXT COLLATE "C" CHECK (lang IN ('en', 'sr-Latn', 'sr-Cyrl'));
