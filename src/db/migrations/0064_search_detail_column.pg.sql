-- 0064_search_detail_column.pg.sql: nothing on PostgreSQL, whose
-- search_fts and search_title are plain tables (0001, 0010): on SQLite
-- the FTS5 tables stop keeping word positions
-- (0064_search_detail_column.sql).
SELECT 1;
