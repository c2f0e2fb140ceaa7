-- 0016_posts.sql: the cooperation board (issue 13): offers and requests
-- that organisations publish, the codes and regions they are about, the
-- folded words matching reads, the matches computed at publish time, and
-- reports. Introductions ("express interest") will reference post(id).
--
-- A post belongs to an organisation (org_id); author_id keeps who wrote it
-- for history, and the organisation's other representatives keep the post
-- when the author's affiliation ends. Times are UTC Unix seconds;
-- valid_until is the last day ('YYYY-MM-DD', Belgrade) the post is open.

CREATE TABLE post (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    author_id INTEGER REFERENCES person(id),
    kind TEXT NOT NULL CHECK (kind IN ('offer', 'request')),
    topic TEXT NOT NULL CHECK (topic IN ('technology', 'supply_chain', 'project_partner',
                                         'tender', 'export', 'training', 'other')),
    lang TEXT NOT NULL CHECK (lang IN ('sr-Cyrl', 'sr-Latn', 'en')),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    -- the optional translation: English for a Serbian post, Serbian for an
    -- English one
    title_tr TEXT CHECK (title_tr IS NULL OR length(title_tr) BETWEEN 1 AND 200),
    body_tr TEXT CHECK (body_tr IS NULL OR length(body_tr) BETWEEN 1 AND 4000),
    visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'members')),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'hidden')),
    close_reason TEXT CHECK (close_reason IN ('found_partner', 'no_longer_needed')),
    hidden_reason TEXT,
    valid_until TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    closed_at INTEGER,
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES person(id),
    CHECK ((status = 'closed') = (close_reason IS NOT NULL)),
    CHECK (status <> 'hidden' OR hidden_reason IS NOT NULL)
) STRICT;
CREATE INDEX post_board_newest ON post(status, published_at, id);
CREATE INDEX post_board_closing ON post(status, valid_until, id);
CREATE INDEX post_org ON post(org_id, status);
CREATE INDEX post_author ON post(author_id);

-- What a post is about: NACE divisions, FOS fields, and regions or
-- districts (ref_geo codes 'R-..' and 'D-..', 'RS' for all of Serbia).
CREATE TABLE post_nace (
    post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
    code TEXT NOT NULL REFERENCES ref_nace(code),
    PRIMARY KEY (post_id, code)
) STRICT, WITHOUT ROWID;
CREATE INDEX post_nace_code ON post_nace(code, post_id);
CREATE TABLE post_fos (
    post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
    code TEXT NOT NULL REFERENCES ref_fos(code),
    PRIMARY KEY (post_id, code)
) STRICT, WITHOUT ROWID;
CREATE INDEX post_fos_code ON post_fos(code, post_id);
CREATE TABLE post_geo (
    post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
    code TEXT NOT NULL REFERENCES ref_geo(code),
    PRIMARY KEY (post_id, code)
) STRICT, WITHOUT ROWID;
CREATE INDEX post_geo_code ON post_geo(code, post_id);

-- The folded distinct words of a post's title and text (both languages),
-- the inverted index match.c picks text candidates from.
CREATE TABLE post_word (
    word TEXT NOT NULL,
    post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
    PRIMARY KEY (word, post_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX post_word_post ON post_word(post_id);

-- Matches computed when a post is published or changed (match.c), in the
-- same transaction: another post of the opposite kind (target_post) or an
-- organisation profile (target_org). The reasons are stored as codes and
-- folded words and worded in the reader's language when shown. A match is
-- stored both ways between two posts, so the older post's page shows the
-- newer one at once.
CREATE TABLE post_match (
    post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
    target_post INTEGER REFERENCES post(id) ON DELETE CASCADE,
    target_org INTEGER REFERENCES org(id) ON DELETE CASCADE,
    score INTEGER NOT NULL,
    nace TEXT NOT NULL DEFAULT '',   -- shared codes, space separated
    fos TEXT NOT NULL DEFAULT '',
    geo TEXT NOT NULL DEFAULT '',
    words TEXT NOT NULL DEFAULT '',  -- shared folded words, space separated
    cross_cluster INTEGER NOT NULL DEFAULT 0 CHECK (cross_cluster IN (0, 1)),
    computed_at INTEGER NOT NULL,
    CHECK ((target_post IS NULL) <> (target_org IS NULL))
) STRICT;
CREATE UNIQUE INDEX post_match_post ON post_match(post_id, target_post) WHERE target_post IS NOT NULL;
CREATE UNIQUE INDEX post_match_org ON post_match(post_id, target_org) WHERE target_org IS NOT NULL;
CREATE INDEX post_match_score ON post_match(post_id, score);
CREATE INDEX post_match_target ON post_match(target_post);

-- A logged-in person's report of a post (one per person and post).
CREATE TABLE post_report (
    post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES person(id),
    reason TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (post_id, person_id)
) STRICT;

-- Room for introductions (issue 13, "Express interest"): a request for an
-- introduction to a post's organisation, and its thread.
CREATE TABLE post_interest (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES post(id),
    person_id INTEGER REFERENCES person(id),
    org_id INTEGER REFERENCES org(id),
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined')),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES person(id)
) STRICT;
CREATE INDEX post_interest_post ON post_interest(post_id);
CREATE TABLE post_interest_message (
    id INTEGER PRIMARY KEY,
    interest_id INTEGER NOT NULL REFERENCES post_interest(id),
    person_id INTEGER REFERENCES person(id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX post_interest_message_interest ON post_interest_message(interest_id);
