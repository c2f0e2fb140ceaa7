-- 0044_funder_consent.sql: a project's funder by consent (issue 14), the
-- way its participants are (0035).
--
-- A funder the person recording the project does not speak for is
-- 'proposed' until a person who speaks for it (RIGHT_TIE_CONFIRM: its
-- manager or representative) or the secretariat confirms it, or
-- 'declined' when they refuse. Until it is confirmed the project names
-- the funder (and the grant given in its name) only to the funder's
-- people, the project's people and the secretariat, and the grant counts
-- nowhere: not in the funder's profile, the network, the portfolio, the
-- lists, the API or the downloads. A project with no funder keeps
-- 'confirmed' (nothing to ask). Rows recorded before consent existed are
-- confirmed (as 0035 did with participants).
ALTER TABLE project ADD COLUMN funder_consent TEXT COLLATE "C" NOT NULL DEFAULT 'confirmed'
    CHECK (funder_consent IN ('proposed', 'confirmed', 'declined'));
ALTER TABLE project ADD COLUMN funder_decided_by BIGINT REFERENCES person(id);
ALTER TABLE project ADD COLUMN funder_decided_at BIGINT;
ALTER TABLE project ADD COLUMN funder_reason TEXT COLLATE "C";
CREATE INDEX project_funder_waiting ON project(funder_id) WHERE funder_consent <> 'confirmed';
