-- PostgreSQL text of 0014_cluster_page.sql: migrate.c applies it in that file's place on
-- PostgreSQL (tools/pg_dialect.py's text, reviewed).
--
-- 0014_cluster_page.sql: the cluster page for foreign partners and its
-- team's rights (issue 11).
--
-- English beside Serbian: every free text a foreign partner reads has an
-- *_en column next to the Serbian one (NULL: no translation; the page then
-- shows the Serbian with its lang attribute and says so).
ALTER TABLE cluster_profile ADD COLUMN vision_en TEXT COLLATE "C";
ALTER TABLE cluster_profile ADD COLUMN mission_en TEXT COLLATE "C";
ALTER TABLE cluster_profile ADD COLUMN goals_en TEXT COLLATE "C";
ALTER TABLE cluster_profile ADD COLUMN services_en TEXT COLLATE "C";
ALTER TABLE cluster_profile ADD COLUMN networks_en TEXT COLLATE "C";
ALTER TABLE scan_membership ADD COLUMN note_en TEXT COLLATE "C";
ALTER TABLE cluster_label ADD COLUMN name_en TEXT COLLATE "C";
ALTER TABLE cluster_team ADD COLUMN role_en TEXT COLLATE "C";

-- A label is a claim until the secretariat verifies it with the
-- certificate's reference (or a document's); only verified labels count.
-- Labels recorded before this migration were entered by the secretariat:
-- verified (by nobody named, at 0).
ALTER TABLE cluster_label ADD COLUMN state TEXT COLLATE "C" NOT NULL DEFAULT 'verified'
    CHECK (state IN ('claimed', 'verified'));
ALTER TABLE cluster_label ADD COLUMN claimed_at BIGINT;
ALTER TABLE cluster_label ADD COLUMN claimed_by BIGINT REFERENCES person(id);
ALTER TABLE cluster_label ADD COLUMN reference TEXT COLLATE "C";
ALTER TABLE cluster_label ADD COLUMN verified_at BIGINT;
ALTER TABLE cluster_label ADD COLUMN verified_by BIGINT REFERENCES person(id);
CREATE INDEX cluster_label_claimed ON cluster_label(state) WHERE state = 'claimed';

-- Team and rights as one path: a team invitation may also make the person
-- a manager of the cluster (manager = 1, offered by default); accepting it
-- starts that affiliation (affiliation_id), and ending the team row ends it.
ALTER TABLE cluster_team ADD COLUMN manager BIGINT NOT NULL DEFAULT 0 CHECK (manager IN (0, 1));
ALTER TABLE cluster_team ADD COLUMN invited_by BIGINT REFERENCES person(id);
ALTER TABLE cluster_team ADD COLUMN affiliation_id BIGINT REFERENCES affiliation(id);
