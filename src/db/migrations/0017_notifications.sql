-- 0017_notifications.sql: notifications and weekly digests (issue 13).
--
-- A person chooses, per kind of event (notify.c's table), how they hear of
-- it: at once by mail, in the weekly digest, or never; the pseudo-kind
-- 'digest' switches the weekly digest as a whole (weekly or never). No row:
-- the kind's default (weekly).
CREATE TABLE notify_pref (
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('immediate', 'weekly', 'never')),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (person_id, kind)
) STRICT;

-- Saved searches ("topics"): a list page and its query string, stored in
-- canonical form (known parameters, fixed order) so the same search is one row.
CREATE TABLE notify_topic (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    page TEXT NOT NULL CHECK (page IN ('/orgs', '/cooperation')),
    query TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (person_id, page, query)
) STRICT;

-- Clusters a person follows (their news go to the 'cluster_member' kind).
CREATE TABLE notify_follow (
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    cluster_id INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (person_id, cluster_id)
) STRICT;
CREATE INDEX notify_follow_cluster ON notify_follow(cluster_id);

-- One row per recipient of an event, written in the transaction of the
-- change that caused it. channel is the recipient's choice when it was
-- recorded; digest_week is set (YYYY-Www) by the digest that carried it,
-- so an event goes into at most one digest; outbox_id is the immediate
-- mail, if any. a, b and href are what the kind's line shows ("%s joined
-- %s", a link).
CREATE TABLE notify_event (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    entity TEXT,
    entity_id INTEGER,
    a TEXT,
    b TEXT,
    href TEXT,
    channel TEXT NOT NULL CHECK (channel IN ('immediate', 'weekly', 'never')),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    digest_week TEXT,
    outbox_id INTEGER REFERENCES outbox(id)
) STRICT;
CREATE INDEX notify_event_due ON notify_event(person_id, digest_week, created_at)
    WHERE channel = 'weekly';

-- The weekly digest's claim: one row per person and ISO week, inserted in
-- the transaction that queues the digest mail, so running the job twice
-- (or on two app servers) sends nothing twice and a crash loses nothing.
CREATE TABLE digest_claim (
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    week TEXT NOT NULL,
    claimed_at INTEGER NOT NULL,
    items INTEGER NOT NULL,
    outbox_id INTEGER REFERENCES outbox(id),
    PRIMARY KEY (person_id, week)
) STRICT;

-- One-click unsubscribe links (RFC 8058): one per mail, 32 random bytes
-- stored only as their BLAKE2b hash, single use; kind is the event kind
-- the mail was about, or 'digest'.
CREATE TABLE notify_unsub (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
) STRICT;

-- Mail may carry extra header lines (List-Unsubscribe) and an HTML part
-- (then it goes out as multipart/alternative).
ALTER TABLE outbox ADD COLUMN headers TEXT;
ALTER TABLE outbox ADD COLUMN html TEXT;
