-- 0064_check_lists.pg.sql: nothing on PostgreSQL. On SQLite
-- (0064_check_lists.sql) the CHECK constraints' IN lists become OR chains,
-- which SQLite checks without a temporary b-tree per statement.
SELECT 1;
