-- PostgreSQL text of 0022_events_more.sql: migrate.c applies it in that file's place on
-- PostgreSQL (tools/pg_dialect.py's text, reviewed).
--
-- 0022_events_more.sql: what events still needed (issue 15, "Trainings
-- and events"): the reminder sent the day before, who marked attendance
-- and when, and a file attached to an outbox mail (the event's .ics in
-- the confirmation and reminder mails).
--
-- reminded_at: when the reminder of a confirmed registration was queued;
-- set in the same transaction as its outbox row, so a reminder job that
-- runs twice (or dies and starts again) mails each person once.
ALTER TABLE event_registration ADD COLUMN reminded_at BIGINT;
CREATE INDEX event_registration_remind ON event_registration(state, reminded_at, event_id);
-- Attendance is marked by the organiser after the event has started
-- (event_registration.attended, 0018); the last marking is kept here.
ALTER TABLE event ADD COLUMN attendance_at BIGINT;
ALTER TABLE event ADD COLUMN attendance_by BIGINT REFERENCES person(id);
-- One attachment per mail, sent as multipart/mixed after the text:
-- attach_type a MIME type with parameters (text/calendar; method=PUBLISH),
-- attach_name the file name, attach_data its UTF-8 text (base64 on the wire).
ALTER TABLE outbox ADD COLUMN attach_type TEXT COLLATE "C";
ALTER TABLE outbox ADD COLUMN attach_name TEXT COLLATE "C";
ALTER TABLE outbox ADD COLUMN attach_data TEXT COLLATE "C";
