-- 0047_post_fts_words.pg.sql: PostgreSQL text of 0047_post_fts_words.sql
-- (written by hand: a PostgreSQL-only table, nothing to translate).
--
-- The board's words filter (/cooperation?q=, the API's and the feed's q;
-- post_sql.h) is FTS5's MATCH on SQLite. PostgreSQL's post_fts (0039) is a
-- plain table of the same folded documents; post_fts_word holds each
-- document's distinct words, kept by a trigger with the directory search's
-- word splitting (search_words, 0001: runs of letters and digits), so a
-- query word matches a stored word it begins, found as a range of the
-- (word, doc) btree (collation "C" orders by bytes), and the filter finds
-- the posts FTS5 finds. A table of its own rather than a tsvector: the
-- prefix of a folded word must be a byte range, as in search_word.
CREATE TABLE post_fts_word (
    word TEXT COLLATE "C" NOT NULL,
    doc BIGINT NOT NULL REFERENCES post_fts(rowid) ON DELETE CASCADE,
    PRIMARY KEY (word, doc)
);
CREATE INDEX post_fts_word_doc ON post_fts_word(doc, word);

CREATE FUNCTION post_fts_words_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM post_fts_word WHERE doc = OLD.rowid;
    END IF;
    INSERT INTO post_fts_word(word, doc)
        SELECT w, NEW.rowid FROM search_words(coalesce(NEW.text, '')) AS w;
    RETURN NULL;
END $fn$;
CREATE TRIGGER post_fts_words AFTER INSERT OR UPDATE OF text ON post_fts
    FOR EACH ROW EXECUTE FUNCTION post_fts_words_fn();

-- the documents stored before this version
INSERT INTO post_fts_word(word, doc)
    SELECT w, f.rowid FROM post_fts f, search_words(coalesce(f.text, '')) AS w;

-- Organisation ids. The model gives every new entry an explicit id above
-- every id ever used (org_write.c), which never draws from org.id's
-- identity sequence, so an INSERT that leaves the id out (a script, a
-- test's fixture, a copy) would be given 1 and collide. After each INSERT
-- statement the sequence is moved up to the largest id, so such an INSERT
-- takes the next free one, as SQLite's rowid does. (setval is not undone
-- by a rollback: at worst an id is skipped.)
CREATE FUNCTION org_id_seq_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM setval(pg_get_serial_sequence('org', 'id'), m) FROM (SELECT max(id) AS m FROM org) AS x
     WHERE m IS NOT NULL;
    RETURN NULL;
END $fn$;
CREATE TRIGGER org_id_seq AFTER INSERT ON org FOR EACH STATEMENT EXECUTE FUNCTION org_id_seq_fn();
SELECT setval(pg_get_serial_sequence('org', 'id'), m) FROM (SELECT max(id) AS m FROM org) AS x
 WHERE m IS NOT NULL;
