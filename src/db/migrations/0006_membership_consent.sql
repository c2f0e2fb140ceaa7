-- 0006_membership_consent.sql: a cluster membership is a two-sided fact.
--
-- A manager who adds an organisation to their cluster only proposes it
-- (cluster_member_proposal); the organisation's representative accepts or
-- declines, or the secretariat decides when the organisation has no
-- representative. Only an accepted proposal becomes a cluster_member row,
-- so every totals and rights query, which reads cluster_member, counts
-- accepted memberships only. The secretariat's own additions are accepted
-- at once.

-- Proposals, kept after the decision as the history of who proposed, who
-- decided, when and why. At most one pending proposal per (cluster, org).
CREATE TABLE cluster_member_proposal (
    id INTEGER PRIMARY KEY,
    cluster_id INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'founding_member', 'board')),
    joined_on TEXT NOT NULL,
    proposed_by INTEGER REFERENCES person(id),
    proposed_at INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn')),
    decided_by INTEGER REFERENCES person(id),
    decided_at INTEGER,
    reason TEXT,                                   -- optional, given when declining
    member_id INTEGER REFERENCES cluster_member(id), -- the membership an acceptance made
    CHECK (cluster_id <> org_id),
    CHECK ((status = 'pending') = (decided_at IS NULL))
) STRICT;
CREATE UNIQUE INDEX cluster_member_proposal_pending
    ON cluster_member_proposal(cluster_id, org_id) WHERE status = 'pending';
CREATE INDEX cluster_member_proposal_org ON cluster_member_proposal(org_id, status);
CREATE INDEX cluster_member_proposal_status ON cluster_member_proposal(status, cluster_id);

-- Who proposed and who accepted a membership. accepted_at NULL marks a row
-- recorded by the system (migrated databases, demo data): accepted from its
-- joining date. Rights a manager draws from a membership start in the later
-- of the year of joined_on and the year of accepted_at (rights.h).
ALTER TABLE cluster_member ADD COLUMN proposed_by INTEGER REFERENCES person(id);
ALTER TABLE cluster_member ADD COLUMN accepted_by INTEGER REFERENCES person(id);
ALTER TABLE cluster_member ADD COLUMN accepted_at INTEGER;
