-- 0060_search_doc_words.pg.sql: PostgreSQL text of 0060_search_doc_words.sql
-- (written by hand: PostgreSQL-only search tables, nothing to translate).
--
-- One row per document with its distinct words as a string, each word
-- after a space (' beograd d o pekara'): a query word w begins a word of
-- the document exactly when ' ' || w occurs in it (words hold no space),
-- so "every query word begins some word" is one LIKE ALL of '% w%'
-- patterns on one row. search.c's title and body stages (see search.c)
-- read it in document order (the walk, for common words) or fetch it by
-- document for the candidates of one word's range of search_word (the
-- sparse plan). Before, each candidate was checked with an index probe
-- of search_word per query word, and the walk read search_word_title
-- (0048) entry by entry: 2-35 ms per title stage for common words (two
-- words: "pr m", "d o o") at 10,000 entries against 0.3-2 ms now.
-- Beside each string, a mask of the words' first characters
-- (search_word_bit: a bit per letter and digit, non-ASCII ones sharing
-- 27 bits): a query word can begin a stored word only if the two begin
-- alike, so a row whose mask lacks a query word's bit is refused by one
-- integer test before any LIKE (the walk for "pr m" tested 4,178 rows
-- with LIKE, most of them without any word beginning with m). kind, ref
-- and the folded title are here too, so a stage answers from this table
-- alone. Kept by search_fts's trigger, as search_word is; not
-- copied by `scan db copy` (SQLite has no such table: the trigger fills
-- it on the target).
CREATE TABLE search_doc_words (
    doc BIGINT PRIMARY KEY REFERENCES search_fts(rowid) ON DELETE CASCADE,
    kind TEXT COLLATE "C" NOT NULL,
    ref BIGINT NOT NULL,
    title TEXT COLLATE "C" NOT NULL,
    title_words TEXT COLLATE "C" NOT NULL, -- the title's words (search_word col 0)
    words TEXT COLLATE "C" NOT NULL,       -- the title's and the body's
    title_mask BIGINT NOT NULL,            -- search_word_bit of title_words, or-ed
    words_mask BIGINT NOT NULL             -- and of words
);

-- The bit of a word's first character: a-z 0-25, 0-9 26-35, any other
-- character 36 + its code point modulo 27 (36-62). Used alike on stored
-- and query words (search.c), so equal first characters give equal bits.
CREATE FUNCTION search_word_bit(w text) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT AS $fn$
    SELECT CAST(1 AS BIGINT) << CAST(CASE WHEN c BETWEEN 97 AND 122 THEN c - 97
                                          WHEN c BETWEEN 48 AND 57 THEN c - 22
                                          ELSE 36 + c % 27 END AS INTEGER)
      FROM (SELECT ascii(w) AS c) AS x
$fn$;

CREATE OR REPLACE FUNCTION search_fts_words_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM search_word WHERE doc = OLD.rowid;
        DELETE FROM search_doc_words WHERE doc = OLD.rowid;
    END IF;
    INSERT INTO search_word(col, word, doc)
        SELECT 0, w, NEW.rowid FROM search_words(NEW.title) AS w;
    INSERT INTO search_word(col, word, doc)
        SELECT 1, w, NEW.rowid FROM search_words(NEW.body) AS w;
    -- the words just split, read back (search_word_doc) rather than split again
    INSERT INTO search_doc_words(doc, kind, ref, title, title_words, words, title_mask,
                                 words_mask)
        SELECT NEW.rowid, NEW.kind, NEW.ref, NEW.title,
               coalesce(string_agg(' ' || x.word, '' ORDER BY x.word) FILTER (WHERE x.col = 0), ''),
               coalesce(string_agg(DISTINCT ' ' || x.word, ''), ''),
               coalesce(bit_or(search_word_bit(x.word)) FILTER (WHERE x.col = 0), 0),
               coalesce(bit_or(search_word_bit(x.word)), 0)
          FROM search_word x WHERE x.doc = NEW.rowid;
    RETURN NULL;
END $fn$;

INSERT INTO search_doc_words(doc, kind, ref, title, title_words, words, title_mask, words_mask)
    SELECT f.rowid, f.kind, f.ref, f.title,
           coalesce(string_agg(' ' || x.word, '' ORDER BY x.word) FILTER (WHERE x.col = 0), ''),
           coalesce(string_agg(DISTINCT ' ' || x.word, ''), ''),
           coalesce(bit_or(search_word_bit(x.word)) FILTER (WHERE x.col = 0), 0),
           coalesce(bit_or(search_word_bit(x.word)), 0)
      FROM search_fts f LEFT JOIN search_word x ON x.doc = f.rowid
     GROUP BY f.rowid, f.kind, f.ref, f.title ORDER BY f.rowid;

-- no longer read: the walk reads search_doc_words (0048's index cost
-- every import a second btree entry per title word)
DROP INDEX search_word_title;
