-- PostgreSQL text of 0003_directory.sql: migrate.c applies it in that file's place on
-- PostgreSQL (tools/pg_dialect.py's text, reviewed).
--
-- 0003_directory.sql: the directory of organisations: the full profile of
-- an entry, its classifications (seeded reference tables with labels in
-- English and Serbian; Serbian Latin is derived from Cyrillic when shown),
-- logos, and the revision history.
--
-- Reference data is seeded by 0004_reference_data.sql.

-- Kinds of organisation (DOMAIN.md section 2).
CREATE TABLE ref_kind (
    code TEXT COLLATE "C" PRIMARY KEY,
    label_en TEXT COLLATE "C" NOT NULL,
    label_sr TEXT COLLATE "C" NOT NULL,            -- Serbian in Cyrillic
    is_cluster BIGINT NOT NULL DEFAULT 0 CHECK (is_cluster IN (0, 1)),
    sort BIGINT NOT NULL
);

-- NACE Rev. 2 (KD 2010): sections (A..U, parent NULL) and divisions
-- ('01'..'99', parent = section).
CREATE TABLE ref_nace (
    code TEXT COLLATE "C" PRIMARY KEY,
    parent TEXT COLLATE "C" REFERENCES ref_nace(code),
    label_en TEXT COLLATE "C" NOT NULL,
    label_sr TEXT COLLATE "C" NOT NULL,
    sort BIGINT NOT NULL
);

-- OECD Fields of Science and Technology (FOS 2007): fields ('1'..'6',
-- parent NULL) and subfields ('1.1'..), plus 'X' Cross-thematic.
CREATE TABLE ref_fos (
    code TEXT COLLATE "C" PRIMARY KEY,
    parent TEXT COLLATE "C" REFERENCES ref_fos(code),
    label_en TEXT COLLATE "C" NOT NULL,
    label_sr TEXT COLLATE "C" NOT NULL,
    sort BIGINT NOT NULL
);

-- Regions and districts (okrug) of Serbia, the City of Belgrade apart.
CREATE TABLE ref_region (
    code TEXT COLLATE "C" PRIMARY KEY,
    label_en TEXT COLLATE "C" NOT NULL,
    label_sr TEXT COLLATE "C" NOT NULL,
    sort BIGINT NOT NULL
);
CREATE TABLE ref_district (
    code TEXT COLLATE "C" PRIMARY KEY,
    region TEXT COLLATE "C" NOT NULL REFERENCES ref_region(code),
    label_en TEXT COLLATE "C" NOT NULL,
    label_sr TEXT COLLATE "C" NOT NULL,
    seat_en TEXT COLLATE "C",
    seat_sr TEXT COLLATE "C",
    sort BIGINT NOT NULL
);

-- Geographical focus: 'RS', 'WB' (Western Balkans), 'DANUBE', 'EU',
-- 'GLOBAL', and every region ('R-..') and district ('D-..').
CREATE TABLE ref_geo (
    code TEXT COLLATE "C" PRIMARY KEY,
    label_en TEXT COLLATE "C" NOT NULL,
    label_sr TEXT COLLATE "C" NOT NULL,
    sort BIGINT NOT NULL
);

-- The profile. 0002 made the core columns; these complete it.
ALTER TABLE org ADD COLUMN name_en TEXT COLLATE "C";
ALTER TABLE org ADD COLUMN acronym TEXT COLLATE "C";
ALTER TABLE org ADD COLUMN short_sr TEXT COLLATE "C";
ALTER TABLE org ADD COLUMN short_en TEXT COLLATE "C";
ALTER TABLE org ADD COLUMN description_sr TEXT COLLATE "C";
ALTER TABLE org ADD COLUMN description_en TEXT COLLATE "C";
ALTER TABLE org ADD COLUMN website TEXT COLLATE "C";
ALTER TABLE org ADD COLUMN email TEXT COLLATE "C";
ALTER TABLE org ADD COLUMN phone TEXT COLLATE "C";
ALTER TABLE org ADD COLUMN address TEXT COLLATE "C";
ALTER TABLE org ADD COLUMN municipality TEXT COLLATE "C";
ALTER TABLE org ADD COLUMN district TEXT COLLATE "C" REFERENCES ref_district(code);
ALTER TABLE org ADD COLUMN region TEXT COLLATE "C" REFERENCES ref_region(code);
ALTER TABLE org ADD COLUMN country TEXT COLLATE "C" NOT NULL DEFAULT 'RS';
ALTER TABLE org ADD COLUMN year_founded BIGINT;
ALTER TABLE org ADD COLUMN pib TEXT COLLATE "C";
ALTER TABLE org ADD COLUMN mb TEXT COLLATE "C";
ALTER TABLE org ADD COLUMN name_folded TEXT COLLATE "C" NOT NULL DEFAULT '';  -- sort key
CREATE UNIQUE INDEX org_pib ON org(pib) WHERE pib IS NOT NULL;
CREATE UNIQUE INDEX org_mb ON org(mb) WHERE mb IS NOT NULL;
CREATE INDEX org_status_name ON org(status, name_folded);
CREATE INDEX org_status_updated ON org(status, updated_at);
CREATE INDEX org_status_founded ON org(status, year_founded);
CREATE INDEX org_kind ON org(kind, status);
CREATE INDEX org_district ON org(district, status);
CREATE INDEX org_region ON org(region, status);

CREATE TABLE org_sector (
    org_id BIGINT NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    code TEXT COLLATE "C" NOT NULL REFERENCES ref_nace(code),
    PRIMARY KEY (org_id, code)
);
CREATE INDEX org_sector_code ON org_sector(code, org_id);

CREATE TABLE org_fos (
    org_id BIGINT NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    code TEXT COLLATE "C" NOT NULL REFERENCES ref_fos(code),
    PRIMARY KEY (org_id, code)
);
CREATE INDEX org_fos_code ON org_fos(code, org_id);

CREATE TABLE org_geo (
    org_id BIGINT NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    code TEXT COLLATE "C" NOT NULL REFERENCES ref_geo(code),
    PRIMARY KEY (org_id, code)
);
CREATE INDEX org_geo_code ON org_geo(code, org_id);

CREATE TABLE org_logo (
    org_id BIGINT PRIMARY KEY REFERENCES org(id) ON DELETE CASCADE,
    content_type TEXT COLLATE "C" NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/svg+xml')),
    data BYTEA NOT NULL,
    sha TEXT COLLATE "C" NOT NULL,
    uploaded_at BIGINT NOT NULL,
    uploaded_by BIGINT REFERENCES person(id)
);

-- Every version of every entry: a canonical JSON snapshot of all fields
-- (classifications included) after the change. The history page diffs
-- consecutive snapshots field by field; restoring writes a new revision.
-- No foreign key to org: the history of a deleted entry stays readable to
-- admins and the audit log keeps the deletion.
CREATE TABLE org_revision (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    org_id BIGINT NOT NULL,
    rev BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor_id BIGINT REFERENCES person(id),
    action TEXT COLLATE "C" NOT NULL CHECK (action IN ('create', 'update', 'restore', 'archive', 'publish', 'import')),
    snapshot TEXT COLLATE "C" NOT NULL,
    UNIQUE (org_id, rev)
);

-- Bumped by every directory write: the key of cached list pages and
-- facet counts (app servers compare it, so caches never serve stale data).
INSERT INTO app_meta(key, value, updated_at) VALUES ('directory_version', '1', 0);
