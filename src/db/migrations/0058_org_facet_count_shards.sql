-- 0058_org_facet_count_shards.sql: the directory's kept facet counts
-- (org_facet_count, 0009) as sums of counter shards, as the data versions
-- of 0049 (issue 18, PostgreSQL writes).
--
-- Every directory write moves an entry's counts: a create adds 1 to the
-- row of its kind, its status, its region, its district and each of its
-- sectors. The same few rows ('published', 'company', 'kind', 'company')
-- were updated by every create, so on PostgreSQL concurrent creates
-- failed each other under SERIALIZABLE and ran again one by one (32 API
-- writers: 102-125 creates/s against SQLite's 715). A writer now adds and
-- takes on its own shard (tx.c's tx_shard: its thread's on PostgreSQL,
-- always 0 on SQLite, where writers take turns anyway; a shard's n may go
-- below zero when an entry counted on one shard leaves on another), and
-- readers (org_list.c, panorama.c) sum the shards of a key. The counts
-- move to shard 0.
CREATE TABLE org_facet_count_new (
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    facet TEXT NOT NULL,
    code TEXT NOT NULL,
    shard INTEGER NOT NULL CHECK (shard BETWEEN 0 AND 63),
    n INTEGER NOT NULL,
    PRIMARY KEY (status, kind, facet, code, shard)
) STRICT, WITHOUT ROWID;
INSERT INTO org_facet_count_new(status, kind, facet, code, shard, n)
    SELECT status, kind, facet, code, 0, n FROM org_facet_count;
DROP TABLE org_facet_count;
ALTER TABLE org_facet_count_new RENAME TO org_facet_count;
