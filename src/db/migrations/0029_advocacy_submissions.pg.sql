-- PostgreSQL text of 0029_advocacy_submissions.sql: migrate.c applies it in that file's place on
-- PostgreSQL (tools/pg_dialect.py's text, reviewed).
--
-- 0029_advocacy_submissions.sql: what the submissions half of issue 16
-- adds to 0027: N of "no answer after N days" (read on display by
-- submission.c; change it with UPDATE app_meta), and the indexes its reads
-- need (a position's meetings, consultations by answering position).
INSERT INTO app_meta(key, value, updated_at) VALUES ('advocacy_no_answer_days', '60', 0);
CREATE INDEX institution_meeting_position ON institution_meeting(position_id, met_on)
    WHERE position_id IS NOT NULL;
CREATE INDEX position_consultation ON position(consultation_id) WHERE consultation_id IS NOT NULL;
CREATE INDEX position_submission_position ON position_submission(position_id, sent_on);
-- Demo meetings are marked like every other demo row (0027 left it out).
ALTER TABLE institution_meeting ADD COLUMN is_demo BIGINT NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1));
