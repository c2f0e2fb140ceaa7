-- PostgreSQL text of 0019_initiatives_readiness.sql: migrate.c applies it in that file's place on
-- PostgreSQL (tools/pg_dialect.py's text, reviewed).
--
-- 0019_initiatives_readiness.sql: cluster initiatives started by anyone
-- logged in, and the stored answers of the readiness check (issue 15,
-- "Initiatives and readiness").
--
-- An initiative is a directory entry of kind cluster_initiative proposed
-- through the same path as a manager's proposed entry (org_proposal: a
-- draft until the secretariat accepts it; its queue is the secretariat's
-- start page). This table holds what an initiative has beyond an entry:
-- its contact (a person's details, not shown publicly) and its founding
-- organisations, which become membership proposals (consent, membership.h)
-- when the secretariat accepts the initiative.
CREATE TABLE initiative (
    org_id BIGINT PRIMARY KEY REFERENCES org(id) ON DELETE CASCADE,
    contact_name TEXT COLLATE "C" NOT NULL,
    contact_email TEXT COLLATE "C" NOT NULL,
    contact_phone TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    created_by BIGINT REFERENCES person(id),
    is_demo BIGINT NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1))
);

CREATE TABLE initiative_founder (
    org_id BIGINT NOT NULL REFERENCES org(id) ON DELETE CASCADE, -- the initiative
    founder_id BIGINT NOT NULL REFERENCES org(id),
    PRIMARY KEY (org_id, founder_id)
);

-- The readiness criteria the data cannot tell, as answered by the
-- cluster's team or the secretariat: one row per cluster and criterion,
-- replaced by each new answer (the audit log keeps the history). What the
-- data can tell (members, member types, legal entity, figures) is
-- computed when read and never stored here.
CREATE TABLE readiness_answer (
    org_id BIGINT NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    criterion TEXT COLLATE "C" NOT NULL CHECK (criterion IN ('team_fte', 'website_en', 'strategy',
                                                 'fee_scheme', 'services', 'legal_entity')),
    met BIGINT NOT NULL CHECK (met IN (0, 1)),
    url TEXT COLLATE "C",                 -- website_en: the English site (http or https)
    note TEXT COLLATE "C",
    answered_by BIGINT REFERENCES person(id),
    answered_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, criterion)
);
