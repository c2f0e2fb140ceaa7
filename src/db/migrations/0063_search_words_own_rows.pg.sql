-- 0063_search_words_own_rows.pg.sql: search_fts's trigger writes a new
-- document's search_word and search_doc_words rows from the words it
-- split, without reading search_word back, and the two tables no longer
-- reference search_fts (the trigger deletes their rows with the
-- document's) (issue 18, PostgreSQL writes).
--
-- Writes run SERIALIZABLE, and every index page a write reads takes a
-- predicate lock: a later insert into that page by a concurrent write is
-- a read/write conflict, and two writes that each read a page the other
-- inserted into fail one of them. A new document's rowid is the largest,
-- so reading its rows back by doc (0060's trigger: search_word_doc) and
-- the foreign keys' checks of its search_fts row (one per word row, on
-- search_fts_pkey) read the last page of those indexes, which every
-- concurrent new document inserts into: at 32 API writers on one server,
-- a fifth of the creates ran again (the server logged "could not
-- serialize access due to read/write dependencies among transactions",
-- as a pivot, at the INSERTs into search_fts and search_title and at
-- COMMIT). The foreign keys' only work was ON DELETE CASCADE; the trigger
-- now fires on DELETE too and does that. Both tables are the trigger's
-- alone (not copied by `scan db copy`; SQLite has neither).
ALTER TABLE search_word DROP CONSTRAINT search_word_doc_fkey;
ALTER TABLE search_doc_words DROP CONSTRAINT search_doc_words_doc_fkey;

CREATE OR REPLACE FUNCTION search_fts_words_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM search_word WHERE doc = OLD.rowid;
        DELETE FROM search_doc_words WHERE doc = OLD.rowid;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN NULL;
    END IF;
    -- the words split once, written to search_word and summed up here
    WITH w AS (SELECT 0 AS col, x COLLATE "C" AS word FROM search_words(NEW.title) AS x
               UNION ALL
               SELECT 1, x COLLATE "C" FROM search_words(NEW.body) AS x),
         kept AS (INSERT INTO search_word(col, word, doc) SELECT col, word, NEW.rowid FROM w)
    INSERT INTO search_doc_words(doc, kind, ref, title, title_words, words, title_mask,
                                 words_mask)
        SELECT NEW.rowid, NEW.kind, NEW.ref, NEW.title,
               coalesce(string_agg(' ' || w.word, '' ORDER BY w.word) FILTER (WHERE w.col = 0), ''),
               coalesce(string_agg(DISTINCT ' ' || w.word, ''), ''),
               coalesce(bit_or(search_word_bit(w.word)) FILTER (WHERE w.col = 0), 0),
               coalesce(bit_or(search_word_bit(w.word)), 0)
          FROM w;
    RETURN NULL;
END $fn$;

DROP TRIGGER search_fts_words ON search_fts;
CREATE TRIGGER search_fts_words AFTER INSERT OR DELETE OR UPDATE OF title, body ON search_fts
    FOR EACH ROW EXECUTE FUNCTION search_fts_words_fn();
