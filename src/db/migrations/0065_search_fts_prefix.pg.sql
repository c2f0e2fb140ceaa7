-- 0065_search_fts_prefix.pg.sql: nothing on PostgreSQL, whose search
-- reads search_word (0060), not FTS5 prefix indexes. On SQLite
-- (0065_search_fts_prefix.sql) search_fts drops its 1-character prefix
-- index.
SELECT 1;
