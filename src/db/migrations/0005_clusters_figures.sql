-- 0005_clusters_figures.sql: what makes a directory entry a cluster
-- (development stage, management team, SCAN membership, labels, strategy,
-- services, networks) and every organisation's yearly figures.
--
-- Dates are 'YYYY-MM-DD' text; money is integer minor units (euro cents,
-- RSD para); FTE is thousandths (500 = 0.5 FTE); exchange rates are RSD
-- per EUR times 10,000 (117.4593 -> 1174593). No floating point anywhere.

-- Profile fields of an entry of kind cluster or cluster_initiative.
CREATE TABLE cluster_profile (
    org_id INTEGER PRIMARY KEY REFERENCES org(id) ON DELETE CASCADE,
    vision TEXT,
    mission TEXT,
    goals TEXT,
    services TEXT,          -- one service per line
    networks TEXT,          -- one network per line
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES person(id)
) STRICT;

-- The stages a cluster reached, with the date each was reached; the
-- current stage is the latest.
CREATE TABLE cluster_stage (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    stage TEXT NOT NULL CHECK (stage IN ('initiative', 'emerging', 'developing', 'established')),
    reached_on TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    UNIQUE (org_id, stage)
) STRICT;

-- Management team: people with a role and a share of full time.
CREATE TABLE cluster_team (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES person(id),
    role TEXT NOT NULL,
    fte_milli INTEGER NOT NULL CHECK (fte_milli BETWEEN 0 AND 1000),
    since TEXT,
    until TEXT
) STRICT;
CREATE INDEX cluster_team_org ON cluster_team(org_id);

-- SCAN membership history: each row is a status from a date on; the
-- current status is the latest row.
CREATE TABLE scan_membership (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('applied', 'member', 'founder', 'suspended', 'left')),
    since TEXT NOT NULL,
    note TEXT,
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id)
) STRICT;
CREATE INDEX scan_membership_org ON scan_membership(org_id, since);

-- Cluster excellence labels (ESCA Bronze, Silver, Gold, or another).
CREATE TABLE cluster_label (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    label TEXT NOT NULL CHECK (label IN ('esca_bronze', 'esca_silver', 'esca_gold', 'other')),
    name TEXT,                       -- for 'other'
    awarded_on TEXT NOT NULL,
    expires_on TEXT,
    CHECK (expires_on IS NULL OR expires_on > awarded_on)
) STRICT;

-- Who added or changed a membership, and when.
ALTER TABLE cluster_member ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cluster_member ADD COLUMN created_by INTEGER REFERENCES person(id);
ALTER TABLE cluster_member ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX cluster_member_once ON cluster_member(cluster_id, org_id, joined_on);
-- Covers the "members of these clusters during year Y" step of every
-- total (measured: 75 -> 43 ms per year at 100,000 members) and, with
-- org_id second, the "is it a current member" check of every imported
-- row (dates first made that walk a 10,000-member cluster per row).
CREATE INDEX cluster_member_span ON cluster_member(cluster_id, org_id, joined_on, left_on);

-- Yearly average exchange rate used to convert RSD input to EUR.
CREATE TABLE fx_rate (
    year INTEGER PRIMARY KEY,
    rsd_per_eur_e4 INTEGER NOT NULL CHECK (rsd_per_eur_e4 > 0),
    source TEXT NOT NULL
) STRICT;

-- One row per organisation and year. EUR values are what totals use; when
-- the input was in RSD, the RSD amounts and the rate used are kept too.
CREATE TABLE org_figure (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    year INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    employees INTEGER CHECK (employees >= 0),
    revenue_eur INTEGER CHECK (revenue_eur >= 0),        -- cents
    exports_eur INTEGER CHECK (exports_eur >= 0),        -- cents
    rnd_eur INTEGER CHECK (rnd_eur >= 0),                -- cents, optional
    revenue_rsd INTEGER CHECK (revenue_rsd >= 0),        -- para, when entered in RSD
    exports_rsd INTEGER CHECK (exports_rsd >= 0),
    rnd_rsd INTEGER CHECK (rnd_rsd >= 0),
    rate_e4 INTEGER,                                     -- the rate used, when RSD
    source TEXT NOT NULL CHECK (source IN ('self_reported', 'business_register', 'estimate')),
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    entered_by INTEGER REFERENCES person(id),
    entered_at INTEGER NOT NULL,
    verified_by INTEGER REFERENCES person(id),
    verified_at INTEGER,
    CHECK (exports_eur IS NULL OR revenue_eur IS NULL OR exports_eur <= revenue_eur),
    UNIQUE (org_id, year)
) STRICT;
CREATE INDEX org_figure_year ON org_figure(year, org_id);

-- Bumped by every write to memberships or figures: the key of cached
-- figures pages.
INSERT INTO app_meta(key, value, updated_at) VALUES ('figures_version', '1', 0);

-- Approximate National Bank of Serbia yearly average middle rates, RSD per
-- EUR; the secretariat corrects them (scan figures rate YEAR RATE) before
-- official reporting.
INSERT INTO fx_rate(year, rsd_per_eur_e4, source) VALUES
    (2019, 1178518, 'approximate NBS yearly average'),
    (2020, 1175784, 'approximate NBS yearly average'),
    (2021, 1175723, 'approximate NBS yearly average'),
    (2022, 1174593, 'approximate NBS yearly average'),
    (2023, 1172530, 'approximate NBS yearly average'),
    (2024, 1170875, 'approximate NBS yearly average'),
    (2025, 1171500, 'approximate NBS yearly average (provisional)');
