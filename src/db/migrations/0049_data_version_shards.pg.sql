-- 0049_data_version_shards.sql: the data versions the page caches key on
-- (directory and figures) as a sum of 64 counter rows instead of one row
-- of app_meta each (issue 18, PostgreSQL writes).
--
-- Every cached write bumps a version. With one row per version, writers on
-- PostgreSQL all updated the same row: under SERIALIZABLE the second of two
-- concurrent writers fails and runs again, so writes that touch nothing
-- else in common (two organisations' figures) still queued behind each
-- other. A writer now adds 1 to one shard (tx.c: its thread's own on
-- PostgreSQL, always shard 0 on SQLite, where writers take turns anyway)
-- and a reader sums the shards of the kind. The sum a transaction sees
-- grows by one with every commit it can see, so equal sums mean the same
-- committed writes, which is all a cache key needs ("changed since").
-- The current values move to shard 0; app_meta's two rows go.
CREATE TABLE data_version (
    kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('directory', 'figures')),
    shard BIGINT NOT NULL CHECK (shard BETWEEN 0 AND 63),
    n BIGINT NOT NULL,
    PRIMARY KEY (kind, shard)
);
WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 63),
k(kind, meta_key) AS (SELECT 'directory', 'directory_version' UNION ALL SELECT 'figures', 'figures_version')
INSERT INTO data_version(kind, shard, n)
SELECT k.kind, s.i,
       CASE WHEN s.i = 0 THEN coalesce((SELECT CAST(m.value AS BIGINT) FROM app_meta m WHERE m.key = k.meta_key), 1)
            ELSE 0 END
FROM k, s;
DELETE FROM app_meta WHERE key IN ('directory_version', 'figures_version');
