-- 0018_events.sql: trainings, workshops, conferences, B2B meetings and
-- study visits (issue 15, "Trainings and events"), and who registered.
--
-- An event belongs to its organiser: SCAN, a cluster or a partner, a
-- directory entry; whoever may edit that entry may edit its events.
-- Times are UTC seconds; pages show Europe/Belgrade. capacity NULL means
-- no limit. A registration is confirmed while the event has room, else
-- waiting; cancelling a confirmed one promotes the oldest waiting one in
-- the same transaction (the promoted person is mailed through the
-- outbox). One row per person and event: registering again after
-- cancelling reuses it, at the end of the queue.
CREATE TABLE event (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('training', 'workshop', 'conference', 'b2b', 'study_visit')),
    organiser_id INTEGER NOT NULL REFERENCES org(id),
    title_sr TEXT NOT NULL,
    title_en TEXT,
    description_sr TEXT,
    description_en TEXT,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL CHECK (ends_at > starts_at),
    place TEXT,
    online_url TEXT,
    language TEXT NOT NULL CHECK (language IN ('sr', 'en', 'sr_en')),
    audience TEXT NOT NULL CHECK (audience IN ('managers', 'members', 'everyone')),
    capacity INTEGER CHECK (capacity IS NULL OR capacity > 0),
    cancel_until INTEGER,                      -- NULL: until the start
    status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'cancelled')),
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES person(id),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES person(id)
) STRICT;
CREATE INDEX event_starts ON event(starts_at);
CREATE INDEX event_organiser ON event(organiser_id, starts_at);

CREATE TABLE event_registration (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES event(id),
    person_id INTEGER NOT NULL REFERENCES person(id),
    org_id INTEGER REFERENCES org(id),         -- on behalf of, when a representative
    state TEXT NOT NULL CHECK (state IN ('confirmed', 'waiting', 'cancelled')),
    queued_at INTEGER NOT NULL,                -- place in the queue (with id)
    registered_by INTEGER REFERENCES person(id),
    confirmed_at INTEGER,
    cancelled_at INTEGER,
    attended INTEGER CHECK (attended IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (event_id, person_id)
) STRICT;
CREATE INDEX event_registration_queue ON event_registration(event_id, state, queued_at, id);
CREATE INDEX event_registration_person ON event_registration(person_id);
