-- 0011_person_lang.sql: the language a person reads mail in: the language
-- of the pages they last logged in with ('en', 'sr-Latn', 'sr-Cyrl'); NULL
-- until their first login, when mail to them follows the language of
-- whoever caused it (the inviter's).
ALTER TABLE person ADD COLUMN lang TEXT CHECK (lang IN ('en', 'sr-Latn', 'sr-Cyrl'));
