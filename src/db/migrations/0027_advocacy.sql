-- 0027_advocacy.sql: positions that clusters write together, sign and send
-- to government (issue 16). One schema written before the work was split
-- (positions and signatures; submissions, answers, consultations and
-- meetings), so both halves build on the same tables; each may add columns
-- in a later migration of its own.
--
-- Text is Markdown (rendered by src/html/markdown.c, raw HTML off). Dates
-- are 'YYYY-MM-DD'; instants UTC seconds. Every row is written through
-- tx_write, which audits it.

-- The owner is SCAN's entry (kind cluster_association) or a cluster.
-- stage: draft -> consultation (until consult_until) -> signing ->
-- submitted -> answered -> closed; each change is a position_step row.
CREATE TABLE position (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('proposal', 'law_comment', 'consultation_response', 'statement')),
    owner_id INTEGER NOT NULL REFERENCES org(id),
    stage TEXT NOT NULL DEFAULT 'draft' CHECK (stage IN ('draft', 'consultation', 'signing', 'submitted',
                                                         'answered', 'closed')),
    consult_until TEXT,
    version INTEGER NOT NULL DEFAULT 1,         -- the current (latest published) version
    consultation_id INTEGER,                    -- the public consultation it answers (below)
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES person(id)
) STRICT;
CREATE INDEX position_stage ON position(stage, updated_at);
CREATE INDEX position_owner ON position(owner_id);

-- Each published version of the title and text, both languages; the page
-- shows a word-level diff between versions (src/core/diff.c).
CREATE TABLE position_version (
    position_id INTEGER NOT NULL REFERENCES position(id) ON DELETE CASCADE,
    version INTEGER NOT NULL CHECK (version >= 1),
    title_sr TEXT NOT NULL,
    title_en TEXT,
    body_sr TEXT NOT NULL,
    body_en TEXT,
    note TEXT,                                  -- what changed, by the owner
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    PRIMARY KEY (position_id, version)
) STRICT;

-- Topic tags: tag is 'nace:NN' (a NACE division) or 'area:<policy area>'
-- (taxes, skills, innovation, export, procurement, regulation, eu).
CREATE TABLE position_tag (
    position_id INTEGER NOT NULL REFERENCES position(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (position_id, tag)
) STRICT;
CREATE INDEX position_tag_tag ON position_tag(tag);

-- The institutions it addresses: directory entries of the partner kinds.
CREATE TABLE position_addressee (
    position_id INTEGER NOT NULL REFERENCES position(id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES org(id),
    PRIMARY KEY (position_id, org_id)
) STRICT;
CREATE INDEX position_addressee_org ON position_addressee(org_id);

CREATE TABLE position_step (
    id INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES position(id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    at INTEGER NOT NULL,
    by_id INTEGER REFERENCES person(id)
) STRICT;
CREATE INDEX position_step_position ON position_step(position_id, at);

-- A comment during consultation, tied to a paragraph (0-based index of a
-- block of the version's Serbian text) and threaded by parent_id.
CREATE TABLE position_comment (
    id INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES position(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    paragraph INTEGER NOT NULL CHECK (paragraph >= 0),
    parent_id INTEGER REFERENCES position_comment(id),
    org_id INTEGER REFERENCES org(id),          -- on whose behalf (cluster or member)
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES person(id),
    hidden_at INTEGER
) STRICT;
CREATE INDEX position_comment_position ON position_comment(position_id, version, paragraph);

-- A signature on behalf of a cluster (by its manager) or an organisation
-- (by its representative); withdrawn_at set when withdrawn (only before
-- submission). The weight at signature time is kept beside it.
CREATE TABLE position_signature (
    id INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES position(id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES org(id),
    signed_at INTEGER NOT NULL,
    signed_by INTEGER NOT NULL REFERENCES person(id),
    withdrawn_at INTEGER,
    withdrawn_by INTEGER REFERENCES person(id),
    w_year INTEGER,
    w_members INTEGER,
    w_reported INTEGER,
    w_employees INTEGER,
    w_revenue_cents INTEGER,
    w_exports_cents INTEGER
) STRICT;
CREATE INDEX position_signature_position ON position_signature(position_id, withdrawn_at);
CREATE UNIQUE INDEX position_signature_live ON position_signature(position_id, org_id) WHERE withdrawn_at IS NULL;

CREATE TABLE position_submission (
    id INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES position(id) ON DELETE CASCADE,
    institution_id INTEGER NOT NULL REFERENCES org(id),
    sent_on TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'post', 'portal', 'meeting', 'other')),
    reference TEXT,
    document_url TEXT,
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id)
) STRICT;
CREATE INDEX position_submission_institution ON position_submission(institution_id);

CREATE TABLE position_outcome (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES position_submission(id) ON DELETE CASCADE,
    outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'partly', 'rejected', 'no_answer')),
    answered_on TEXT NOT NULL,
    link TEXT,
    note TEXT,
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id)
) STRICT;
CREATE INDEX position_outcome_submission ON position_outcome(submission_id);

-- An open government consultation; positions answer it (position.consultation_id).
CREATE TABLE consultation (
    id INTEGER PRIMARY KEY,
    title_sr TEXT NOT NULL,
    title_en TEXT,
    institution_id INTEGER REFERENCES org(id),
    url TEXT,
    deadline_on TEXT NOT NULL,
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES person(id)
) STRICT;
CREATE INDEX consultation_deadline ON consultation(deadline_on);

-- A meeting with an institution (notes visible to the secretariat only);
-- follow-up meetings of a position carry its id.
CREATE TABLE institution_meeting (
    id INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES org(id),
    position_id INTEGER REFERENCES position(id),
    met_on TEXT NOT NULL,
    attendees TEXT,                             -- who from SCAN
    topics TEXT,
    notes TEXT,                                 -- secretariat only
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id)
) STRICT;
CREATE INDEX institution_meeting_institution ON institution_meeting(institution_id, met_on);
