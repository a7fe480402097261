-- A NOTIFY inside a writing transaction takes a database-wide lock at commit,
-- so every committing writer queued behind the others. A server process now
-- wakes the log readers itself, after its commits and coalesced (at most one
-- NOTIFY per few milliseconds per process, sync/commit-wake.ts); its
-- transactions say so with app.wakes_readers = 'on'. Every other writer (a
-- migration, psql, a process whose reader is not connected) still notifies
-- from here, and the readers' poll remains the safety net: NOTIFY only wakes,
-- the log is the truth.
CREATE OR REPLACE FUNCTION event_notify() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('app.wakes_readers', true) IS DISTINCT FROM 'on' THEN
    PERFORM pg_notify('frontdesk_events', '');
  END IF;
  RETURN NULL;
END $$;
