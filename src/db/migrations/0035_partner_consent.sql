-- 0035_partner_consent.sql: agreements and joint projects by consent
-- (review of issue 14), the way memberships are (0006).
--
-- A party of an agreement or a participant of a project that the person
-- recording it does not speak for is 'proposed' until a person who speaks
-- for it (its manager or representative) or the secretariat confirms it,
-- or 'declined' when they refuse. An agreement with any party not
-- 'confirmed' is unconfirmed: shown only to its parties' people and the
-- secretariat, counted nowhere. A project's participant not 'confirmed'
-- is shown only to the project's people and the secretariat and counted
-- nowhere (portfolio, network, lists by participant). Rows recorded
-- before consent existed are confirmed (as 0006 did with memberships).
ALTER TABLE agreement_party ADD COLUMN consent TEXT NOT NULL DEFAULT 'confirmed'
    CHECK (consent IN ('proposed', 'confirmed', 'declined'));
ALTER TABLE agreement_party ADD COLUMN decided_by INTEGER REFERENCES person(id);
ALTER TABLE agreement_party ADD COLUMN decided_at INTEGER;
ALTER TABLE agreement_party ADD COLUMN reason TEXT;
CREATE INDEX agreement_party_waiting ON agreement_party(org_id) WHERE consent <> 'confirmed';

ALTER TABLE project_participant ADD COLUMN consent TEXT NOT NULL DEFAULT 'confirmed'
    CHECK (consent IN ('proposed', 'confirmed', 'declined'));
ALTER TABLE project_participant ADD COLUMN decided_by INTEGER REFERENCES person(id);
ALTER TABLE project_participant ADD COLUMN decided_at INTEGER;
ALTER TABLE project_participant ADD COLUMN reason TEXT;
CREATE INDEX project_participant_waiting ON project_participant(org_id) WHERE consent <> 'confirmed';
