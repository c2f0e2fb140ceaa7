-- 0039_post_search.pg.sql: PostgreSQL text of 0039_post_search.sql.
--
-- PostgreSQL has no FTS5: post_fts is a plain table with the same columns
-- (rowid = post.id, text = the folded words), so the post writers' SQL is
-- the same on both backends. The board's words filter (post_sql.h, FTS5
-- MATCH) has no PostgreSQL text yet (issue 18: left open).
CREATE TABLE post_fts (
    rowid BIGINT PRIMARY KEY,
    text TEXT COLLATE "C"
);
INSERT INTO app_meta(key, value, updated_at)
    SELECT 'post_fts_fill', '1', CAST(EXTRACT(EPOCH FROM now()) AS BIGINT)
     WHERE EXISTS (SELECT 1 FROM post);
