-- 0023_partners.sql: the partner network, joint projects and funding
-- calls (issue 14). One schema written before the work was split, so the
-- agreement, project and call modules build on the same tables; each
-- module may add columns in a later migration of its own.
--
-- Parties and participants are directory entries (org): SCAN itself is the
-- entry of kind cluster_association, clusters and partners are entries of
-- their kinds. Money is euro cents (INTEGER, 64-bit); shares are per mille
-- of the whole (co-financing 150 = 15.0 %). Dates are 'YYYY-MM-DD' text;
-- instants are UTC seconds. Every row is written through tx_write, which
-- audits it; created_by/updated_by say who.

-- An agreement between two or more parties: a memorandum of
-- understanding, a cooperation or grant agreement, a network membership.
CREATE TABLE agreement (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('mou', 'cooperation', 'grant', 'network')),
    title_sr TEXT NOT NULL,
    title_en TEXT,
    summary_sr TEXT,
    summary_en TEXT,
    signed_on TEXT,
    valid_from TEXT,
    valid_until TEXT,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed', 'expired', 'terminated')),
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES person(id),
    CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from)
) STRICT;
CREATE INDEX agreement_until ON agreement(status, valid_until);

CREATE TABLE agreement_party (
    agreement_id INTEGER NOT NULL REFERENCES agreement(id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES org(id),
    PRIMARY KEY (agreement_id, org_id)
) STRICT;
CREATE INDEX agreement_party_org ON agreement_party(org_id);

-- The signed document: a PDF checked by its structure (src/model/pdf.c),
-- at most 10 MB, kept with its SHA-256; served only as a download.
CREATE TABLE agreement_file (
    agreement_id INTEGER PRIMARY KEY REFERENCES agreement(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size > 0),
    data BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id)
) STRICT;

-- A funding call. deadline_at is a UTC instant; deadline_tz the IANA zone
-- the funder states it in (many EU calls: 17:00 Europe/Brussels), shown
-- beside the Belgrade time. Grants in euro cents; cofin_milli the share of
-- the budget the applicant must bring.
CREATE TABLE funding_call (
    id INTEGER PRIMARY KEY,
    funder_id INTEGER REFERENCES org(id),
    programme TEXT NOT NULL,
    title_sr TEXT NOT NULL,
    title_en TEXT,
    summary_sr TEXT,
    summary_en TEXT,
    url TEXT,
    opens_on TEXT,
    deadline_at INTEGER NOT NULL,
    deadline_tz TEXT NOT NULL DEFAULT 'Europe/Belgrade',
    stages TEXT,                                -- later stages, free text
    budget_cents INTEGER CHECK (budget_cents IS NULL OR budget_cents >= 0),
    grant_min_cents INTEGER CHECK (grant_min_cents IS NULL OR grant_min_cents >= 0),
    grant_max_cents INTEGER CHECK (grant_max_cents IS NULL OR grant_max_cents >= 0),
    cofin_milli INTEGER CHECK (cofin_milli IS NULL OR cofin_milli BETWEEN 0 AND 1000),
    min_partners INTEGER CHECK (min_partners IS NULL OR min_partners >= 1),
    min_countries INTEGER CHECK (min_countries IS NULL OR min_countries >= 1),
    status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published', 'withdrawn')),
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES person(id),
    CHECK (grant_min_cents IS NULL OR grant_max_cents IS NULL OR grant_min_cents <= grant_max_cents)
) STRICT;
CREATE INDEX funding_call_deadline ON funding_call(status, deadline_at);

-- Eligibility: one row per allowed value of one rule; a rule with no rows
-- allows everything. rule: kind (org kind), size (micro/small/medium/
-- large), country (ISO 3166 alpha-2), nace (division, 2 digits), fos,
-- region, district, stage (cluster stage), label (e.g. esca_bronze:
-- an ESCA label of at least that level), text (a condition the data
-- cannot decide: always "check yourself").
CREATE TABLE funding_call_rule (
    call_id INTEGER NOT NULL REFERENCES funding_call(id) ON DELETE CASCADE,
    rule TEXT NOT NULL CHECK (rule IN ('kind', 'size', 'country', 'nace', 'fos', 'region', 'district',
                                       'stage', 'label', 'text')),
    value TEXT NOT NULL,
    PRIMARY KEY (call_id, rule, value)
) STRICT;

-- Who follows a call (reminders 14 and 3 days before the deadline).
CREATE TABLE funding_call_follow (
    call_id INTEGER NOT NULL REFERENCES funding_call(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES person(id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (call_id, person_id)
) STRICT;

-- A reminder queued: the primary key makes "each reminder goes once" hold
-- even when the job runs twice or on several app servers.
CREATE TABLE funding_call_reminder (
    call_id INTEGER NOT NULL REFERENCES funding_call(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES person(id),
    days INTEGER NOT NULL CHECK (days IN (14, 3)),
    queued_at INTEGER NOT NULL,
    PRIMARY KEY (call_id, person_id, days)
) STRICT;

-- A joint project. Budgets in euro cents; cofin_milli the co-financing
-- share. Private projects are visible to their participants' people and
-- the secretariat only.
CREATE TABLE project (
    id INTEGER PRIMARY KEY,
    title_sr TEXT NOT NULL,
    title_en TEXT,
    acronym TEXT,
    programme TEXT,
    funder_id INTEGER REFERENCES org(id),
    call_id INTEGER REFERENCES funding_call(id),
    status TEXT NOT NULL CHECK (status IN ('idea', 'preparation', 'submitted', 'approved', 'rejected',
                                           'running', 'closed')),
    submitted_on TEXT,
    starts_on TEXT,
    ends_on TEXT,
    budget_cents INTEGER CHECK (budget_cents IS NULL OR budget_cents >= 0),
    grant_cents INTEGER CHECK (grant_cents IS NULL OR grant_cents >= 0),
    cofin_milli INTEGER CHECK (cofin_milli IS NULL OR cofin_milli BETWEEN 0 AND 1000),
    outputs_sr TEXT,
    outputs_en TEXT,
    visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'participants')),
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES person(id),
    CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on),
    CHECK (grant_cents IS NULL OR budget_cents IS NULL OR grant_cents <= budget_cents)
) STRICT;
CREATE INDEX project_status ON project(status, starts_on);
CREATE INDEX project_call ON project(call_id);
CREATE INDEX project_funder ON project(funder_id);

-- A participant: the lead (exactly one per project, enforced by the model)
-- or a partner; share_cents NULL when unknown (reported as unknown).
CREATE TABLE project_participant (
    project_id INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES org(id),
    role TEXT NOT NULL CHECK (role IN ('lead', 'partner', 'associate')),
    share_cents INTEGER CHECK (share_cents IS NULL OR share_cents >= 0),
    PRIMARY KEY (project_id, org_id)
) STRICT;
CREATE INDEX project_participant_org ON project_participant(org_id);
