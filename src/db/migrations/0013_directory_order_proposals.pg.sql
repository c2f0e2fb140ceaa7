-- PostgreSQL text of 0013_directory_order_proposals.sql: migrate.c applies it in that file's place on
-- PostgreSQL (tools/pg_dialect.py's text, reviewed).
--
-- 0013_directory_order_proposals.sql: the directory in Serbian alphabetical
-- order, and entries proposed by cluster managers.
--
-- Sort keys: ICU's sort key of the name in each order a reader can have
-- (i18n/collate.c): the Latin abeceda (sr-Latn), the Cyrillic azbuka
-- (sr-Cyrl), and for English the Latin key of the English name (or the
-- name). Compared as BLOBs (memcmp) they give the collation's order, so
-- an index serves /orgs sorted by name with keyset cursors, as
-- name_folded did, and no backend needs a custom collation. SQL cannot
-- call ICU: the writers (org_write.c) compute them in C, and the server
-- fills the rows this migration leaves NULL before it serves
-- (org_fill_sort_keys, called after migrating).
ALTER TABLE org ADD COLUMN name_key_latn BYTEA;
ALTER TABLE org ADD COLUMN name_key_cyrl BYTEA;
ALTER TABLE org ADD COLUMN name_key_en BYTEA;
CREATE INDEX org_status_key_latn ON org(status, name_key_latn);
CREATE INDEX org_status_key_cyrl ON org(status, name_key_cyrl);
CREATE INDEX org_status_key_en ON org(status, name_key_en);

-- A proposed entry: a cluster manager asks the secretariat to add an
-- organisation the directory does not have. The entry itself is an org
-- row in status 'draft' (hidden from the public and from every list,
-- search, sitemap, export and total as drafts are) until the secretariat
-- accepts it (status 'published') or declines it with a reason (it stays
-- a draft). cluster_id: the proposer's cluster, when a membership
-- proposal went with it (cluster_member_proposal waits for the entry).
CREATE TABLE org_proposal (
    org_id BIGINT PRIMARY KEY REFERENCES org(id) ON DELETE CASCADE,
    proposed_by BIGINT REFERENCES person(id),
    proposed_at BIGINT NOT NULL,
    cluster_id BIGINT REFERENCES org(id) ON DELETE SET NULL,
    joined_on TEXT COLLATE "C",                     -- with cluster_id: the membership's start
    state TEXT COLLATE "C" NOT NULL DEFAULT 'proposed'
        CHECK (state IN ('proposed', 'accepted', 'declined')),
    reason TEXT COLLATE "C",
    decided_by BIGINT REFERENCES person(id),
    decided_at BIGINT,
    CHECK ((state = 'proposed') = (decided_at IS NULL)),
    CHECK (state <> 'declined' OR length(reason) > 0)
);
CREATE INDEX org_proposal_state ON org_proposal(state, proposed_at);
CREATE INDEX org_proposal_by ON org_proposal(proposed_by, state);
