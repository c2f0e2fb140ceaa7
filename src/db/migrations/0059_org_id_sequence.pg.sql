-- 0059_org_id_sequence.pg.sql: new directory entries take their ids from
-- org.id's identity sequence on PostgreSQL (issue 18, PostgreSQL writes).
--
-- A new entry's id was max()+1 over org and org_revision (so it never
-- inherits a deleted entry's history). With writers side by side, two
-- creates computed the same id: the second waited for the first's key and
-- then failed as a serialization pivot, about one retry per create at 32
-- API writers (every serialization failure PostgreSQL logged was at
-- INSERT INTO org). org_write.c takes the sequence's nextval instead; it
-- starts here past both tables' largest id, only grows, and `scan db
-- copy` moves it past the copied ids of both. SQLite keeps max()+1 (its
-- writers take turns): 0059_org_id_sequence.sql changes nothing.
--
-- 0047's trigger moved the sequence to max(id) after every INSERT on org,
-- for the explicit ids the model gave then; with writers side by side it
-- moved the sequence back to what its transaction saw, and two creates
-- were given one id. It now moves the sequence only forward, and only
-- past a row inserted with an explicit id above it (a script's or a test
-- fixture's); ids drawn from the sequence never touch it.
CREATE OR REPLACE FUNCTION org_id_seq_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NEW.id > coalesce(pg_sequence_last_value(pg_get_serial_sequence('org', 'id')::regclass), 0) THEN
        PERFORM setval(pg_get_serial_sequence('org', 'id'), NEW.id);
    END IF;
    RETURN NULL;
END $fn$;
DROP TRIGGER org_id_seq ON org;
CREATE TRIGGER org_id_seq AFTER INSERT ON org FOR EACH ROW EXECUTE FUNCTION org_id_seq_fn();
SELECT setval(pg_get_serial_sequence('org', 'id'),
              greatest(coalesce((SELECT max(id) FROM org), 0),
                       coalesce((SELECT max(org_id) FROM org_revision), 0)) + 1,
              false);
