-- 0059_org_id_sequence.sql: nothing on SQLite. On PostgreSQL new directory
-- entries take their ids from org.id's sequence (0059_org_id_sequence.pg.sql);
-- here writers take turns, and max()+1 over org and org_revision stays.
SELECT 1;
