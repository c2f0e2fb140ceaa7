-- 0002_accounts.sql: people, accounts, sessions, tokens, one-time links,
-- login throttling, the mail outbox and the append-only audit log; plus the
-- core of organisations and cluster membership, because rights are derived
-- from them (the directory and figures migrations add their columns).
--
-- Times are UTC Unix seconds; dates (joined/left) are 'YYYY-MM-DD' text.

CREATE TABLE person (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT UNIQUE,                      -- lower-case; NULL once erased
    phone TEXT,
    public_contact INTEGER NOT NULL DEFAULT 0 CHECK (public_contact IN (0, 1)),
    erased_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE org (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES person(id)
) STRICT;

-- An organisation's membership of a cluster (an org of kind cluster or
-- cluster_initiative). Current while left_on is NULL or in the future.
CREATE TABLE cluster_member (
    id INTEGER PRIMARY KEY,
    cluster_id INTEGER NOT NULL REFERENCES org(id),
    org_id INTEGER NOT NULL REFERENCES org(id),
    role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'founding_member', 'board')),
    joined_on TEXT NOT NULL,
    left_on TEXT,
    CHECK (cluster_id <> org_id),
    CHECK (left_on IS NULL OR left_on >= joined_on)
) STRICT;
CREATE INDEX cluster_member_cluster ON cluster_member(cluster_id);
CREATE INDEX cluster_member_org ON cluster_member(org_id);

-- A person's tie to an organisation: where rights come from. A manager
-- manages that organisation (a cluster's management team); a
-- representative speaks for it (a member company, a partner). Current
-- while ended_at is NULL; ending it ends the rights it gave.
CREATE TABLE affiliation (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person(id),
    org_id INTEGER NOT NULL REFERENCES org(id),
    role TEXT NOT NULL CHECK (role IN ('manager', 'representative')),
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    created_by INTEGER REFERENCES person(id)
) STRICT;
CREATE INDEX affiliation_person ON affiliation(person_id);
CREATE INDEX affiliation_org ON affiliation(org_id);

CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL UNIQUE REFERENCES person(id),
    pass_hash TEXT,                         -- argon2id string; NULL until set
    secretariat TEXT CHECK (secretariat IN ('admin', 'editor')),
    disabled_at INTEGER,
    created_at INTEGER NOT NULL,
    password_changed_at INTEGER,
    last_login_at INTEGER
) STRICT;

CREATE TABLE session (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,        -- BLAKE2b of the cookie token
    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ip TEXT,
    user_agent TEXT
) STRICT;
CREATE INDEX session_account ON session(account_id);

CREATE TABLE api_token (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
) STRICT;
CREATE INDEX api_token_account ON api_token(account_id);

-- Invitations (7 days) and password resets (1 hour): single use.
CREATE TABLE one_time_link (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    purpose TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    person_id INTEGER NOT NULL REFERENCES person(id),
    grant_org_id INTEGER REFERENCES org(id),   -- invite: affiliation to create
    grant_role TEXT CHECK (grant_role IN ('manager', 'representative')),
    created_by INTEGER REFERENCES person(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
) STRICT;

CREATE TABLE login_failure (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,                    -- as typed, lower-case
    ip TEXT NOT NULL,
    at INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failure_email ON login_failure(email, at);
CREATE INDEX login_failure_ip ON login_failure(ip, at);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
) STRICT;

-- Append-only: who (person id, never a name, so erasure anonymises), when,
-- from where, what. Details hold ids and field names, no personal data.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_id INTEGER REFERENCES person(id),
    ip TEXT,
    action TEXT NOT NULL,
    entity TEXT,
    entity_id INTEGER,
    detail TEXT
) STRICT;
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_entity ON audit(entity, entity_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
