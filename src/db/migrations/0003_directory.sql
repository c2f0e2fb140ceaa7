-- 0003_directory.sql: the directory of organisations: the full profile of
-- an entry, its classifications (seeded reference tables with labels in
-- English and Serbian; Serbian Latin is derived from Cyrillic when shown),
-- logos, and the revision history.
--
-- Reference data is seeded by 0004_reference_data.sql.

-- Kinds of organisation (DOMAIN.md section 2).
CREATE TABLE ref_kind (
    code TEXT PRIMARY KEY,
    label_en TEXT NOT NULL,
    label_sr TEXT NOT NULL,            -- Serbian in Cyrillic
    is_cluster INTEGER NOT NULL DEFAULT 0 CHECK (is_cluster IN (0, 1)),
    sort INTEGER NOT NULL
) STRICT;

-- NACE Rev. 2 (KD 2010): sections (A..U, parent NULL) and divisions
-- ('01'..'99', parent = section).
CREATE TABLE ref_nace (
    code TEXT PRIMARY KEY,
    parent TEXT REFERENCES ref_nace(code),
    label_en TEXT NOT NULL,
    label_sr TEXT NOT NULL,
    sort INTEGER NOT NULL
) STRICT;

-- OECD Fields of Science and Technology (FOS 2007): fields ('1'..'6',
-- parent NULL) and subfields ('1.1'..), plus 'X' Cross-thematic.
CREATE TABLE ref_fos (
    code TEXT PRIMARY KEY,
    parent TEXT REFERENCES ref_fos(code),
    label_en TEXT NOT NULL,
    label_sr TEXT NOT NULL,
    sort INTEGER NOT NULL
) STRICT;

-- Regions and districts (okrug) of Serbia, the City of Belgrade apart.
CREATE TABLE ref_region (
    code TEXT PRIMARY KEY,
    label_en TEXT NOT NULL,
    label_sr TEXT NOT NULL,
    sort INTEGER NOT NULL
) STRICT;
CREATE TABLE ref_district (
    code TEXT PRIMARY KEY,
    region TEXT NOT NULL REFERENCES ref_region(code),
    label_en TEXT NOT NULL,
    label_sr TEXT NOT NULL,
    seat_en TEXT,
    seat_sr TEXT,
    sort INTEGER NOT NULL
) STRICT;

-- Geographical focus: 'RS', 'WB' (Western Balkans), 'DANUBE', 'EU',
-- 'GLOBAL', and every region ('R-..') and district ('D-..').
CREATE TABLE ref_geo (
    code TEXT PRIMARY KEY,
    label_en TEXT NOT NULL,
    label_sr TEXT NOT NULL,
    sort INTEGER NOT NULL
) STRICT;

-- The profile. 0002 made the core columns; these complete it.
ALTER TABLE org ADD COLUMN name_en TEXT;
ALTER TABLE org ADD COLUMN acronym TEXT;
ALTER TABLE org ADD COLUMN short_sr TEXT;
ALTER TABLE org ADD COLUMN short_en TEXT;
ALTER TABLE org ADD COLUMN description_sr TEXT;
ALTER TABLE org ADD COLUMN description_en TEXT;
ALTER TABLE org ADD COLUMN website TEXT;
ALTER TABLE org ADD COLUMN email TEXT;
ALTER TABLE org ADD COLUMN phone TEXT;
ALTER TABLE org ADD COLUMN address TEXT;
ALTER TABLE org ADD COLUMN municipality TEXT;
ALTER TABLE org ADD COLUMN district TEXT REFERENCES ref_district(code);
ALTER TABLE org ADD COLUMN region TEXT REFERENCES ref_region(code);
ALTER TABLE org ADD COLUMN country TEXT NOT NULL DEFAULT 'RS';
ALTER TABLE org ADD COLUMN year_founded INTEGER;
ALTER TABLE org ADD COLUMN pib TEXT;
ALTER TABLE org ADD COLUMN mb TEXT;
ALTER TABLE org ADD COLUMN name_folded TEXT NOT NULL DEFAULT '';  -- sort key
CREATE UNIQUE INDEX org_pib ON org(pib) WHERE pib IS NOT NULL;
CREATE UNIQUE INDEX org_mb ON org(mb) WHERE mb IS NOT NULL;
CREATE INDEX org_status_name ON org(status, name_folded);
CREATE INDEX org_status_updated ON org(status, updated_at);
CREATE INDEX org_status_founded ON org(status, year_founded);
CREATE INDEX org_kind ON org(kind, status);
CREATE INDEX org_district ON org(district, status);
CREATE INDEX org_region ON org(region, status);

CREATE TABLE org_sector (
    org_id INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    code TEXT NOT NULL REFERENCES ref_nace(code),
    PRIMARY KEY (org_id, code)
) STRICT, WITHOUT ROWID;
CREATE INDEX org_sector_code ON org_sector(code, org_id);

CREATE TABLE org_fos (
    org_id INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    code TEXT NOT NULL REFERENCES ref_fos(code),
    PRIMARY KEY (org_id, code)
) STRICT, WITHOUT ROWID;
CREATE INDEX org_fos_code ON org_fos(code, org_id);

CREATE TABLE org_geo (
    org_id INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    code TEXT NOT NULL REFERENCES ref_geo(code),
    PRIMARY KEY (org_id, code)
) STRICT, WITHOUT ROWID;
CREATE INDEX org_geo_code ON org_geo(code, org_id);

CREATE TABLE org_logo (
    org_id INTEGER PRIMARY KEY REFERENCES org(id) ON DELETE CASCADE,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/svg+xml')),
    data BLOB NOT NULL,
    sha TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL,
    uploaded_by INTEGER REFERENCES person(id)
) STRICT;

-- Every version of every entry: a canonical JSON snapshot of all fields
-- (classifications included) after the change. The history page diffs
-- consecutive snapshots field by field; restoring writes a new revision.
-- No foreign key to org: the history of a deleted entry stays readable to
-- admins and the audit log keeps the deletion.
CREATE TABLE org_revision (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL,
    rev INTEGER NOT NULL,
    at INTEGER NOT NULL,
    actor_id INTEGER REFERENCES person(id),
    action TEXT NOT NULL CHECK (action IN ('create', 'update', 'restore', 'archive', 'publish', 'import')),
    snapshot TEXT NOT NULL,
    UNIQUE (org_id, rev)
) STRICT;

-- Bumped by every directory write: the key of cached list pages and
-- facet counts (app servers compare it, so caches never serve stale data).
INSERT INTO app_meta(key, value, updated_at) VALUES ('directory_version', '1', 0);
