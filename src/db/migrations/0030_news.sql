-- 0030_news.sql: news items, the newsletter, its subscribers and its
-- deliveries (issue 17). Instants are UTC seconds; every write goes
-- through tx_write, which audits it.

-- A news item. org_id NULL is SCAN's own (the secretariat's); else the
-- cluster it speaks for. Serbian text is required, English optional (the
-- Latin page is derived). It is visible when status is 'published' and
-- publish_at has come: scheduled items need no job.
CREATE TABLE news (
    id INTEGER PRIMARY KEY,
    org_id INTEGER REFERENCES org(id),
    slug TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 120),
    title_sr TEXT NOT NULL,
    lead_sr TEXT NOT NULL,
    body_sr TEXT NOT NULL,
    title_en TEXT,
    lead_en TEXT,
    body_en TEXT,
    topic TEXT NOT NULL CHECK (topic IN ('cluster', 'funding', 'event', 'policy', 'success', 'other')),
    nace TEXT, -- a NACE section letter (the sector tag), or NULL
    image BLOB,
    image_type TEXT CHECK (image_type IS NULL OR image_type IN ('image/png', 'image/jpeg')),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'withdrawn')),
    withdrawn_reason TEXT,
    publish_at INTEGER NOT NULL,
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES person(id),
    CHECK (status <> 'withdrawn' OR withdrawn_reason IS NOT NULL)
) STRICT;
CREATE INDEX news_visible ON news(status, publish_at);
CREATE INDEX news_org ON news(org_id, status, publish_at);

-- A newsletter subscriber: an account's opt-in (person_id, confirmed at
-- once) or a public address by double opt-in (confirm_hash until the
-- mailed link is used; unconfirmed rows older than seven days are never
-- mailed and are deleted when the address subscribes again).
CREATE TABLE news_subscriber (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    lang TEXT NOT NULL CHECK (lang IN ('sr', 'sr-Latn', 'en')),
    person_id INTEGER UNIQUE REFERENCES person(id) ON DELETE CASCADE,
    confirm_hash BLOB UNIQUE,
    created_at INTEGER NOT NULL,
    confirmed_at INTEGER,
    unsubscribed_at INTEGER,
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1))
) STRICT;
CREATE INDEX news_subscriber_confirmed ON news_subscriber(confirmed_at);

-- A newsletter issue: a free introduction in both languages; its
-- sections are computed from the platform's data since the previous sent
-- issue (since_at) when it is previewed and when it is sent.
CREATE TABLE newsletter_issue (
    id INTEGER PRIMARY KEY,
    subject_sr TEXT NOT NULL,
    subject_en TEXT NOT NULL,
    intro_sr TEXT NOT NULL,
    intro_en TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sending', 'sent')),
    since_at INTEGER NOT NULL,
    send_started_at INTEGER,
    enqueued_at INTEGER, -- every subscriber has a delivery row
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES person(id)
) STRICT;

-- One row per (issue, subscriber): the primary key makes enqueueing
-- once-only whatever restarts. A pending row becomes queued in the same
-- transaction that puts its mail into the outbox, so a kill -9 leaves
-- either both or neither. unsub_hash is the mail's one-click unsubscribe
-- token (single use: used_at).
CREATE TABLE newsletter_delivery (
    issue_id INTEGER NOT NULL REFERENCES newsletter_issue(id) ON DELETE CASCADE,
    subscriber_id INTEGER NOT NULL REFERENCES news_subscriber(id) ON DELETE CASCADE,
    outbox_id INTEGER REFERENCES outbox(id) ON DELETE SET NULL,
    queued_at INTEGER,
    unsub_hash BLOB UNIQUE,
    unsub_used_at INTEGER,
    PRIMARY KEY (issue_id, subscriber_id)
) STRICT;
CREATE INDEX newsletter_delivery_pending ON newsletter_delivery(queued_at, issue_id);

-- The outbox sender picks the oldest unsent rows (mail.c SQL_DUE); a
-- newsletter leaves 100,000 rows behind it, and without this index every
-- batch of 20 scanned all the sent ones first (bench/newsletter.sh slowed
-- from 450 to under 150 mails a second as the sent rows grew).
CREATE INDEX outbox_unsent ON outbox(id) WHERE sent_at IS NULL;
