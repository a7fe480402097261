-- A booking only for a resource in use at a branch open for booking.
--
-- The hours guard (20261123111000_hours_guard) keeps occupancies inside
-- working hours; a resource deactivated, or a branch closed for booking,
-- keeps its hours, so that guard alone would let a booking through that
-- started on a catalogue read before the change (another server process
-- keeps its catalogue a few seconds). This trigger refuses an occupancy,
-- unless its appointment was kept on purpose, whose resource is inactive,
-- no longer at the appointment's branch, or whose branch is inactive.
--
-- Races: like the hours guard it takes the SHARED schedule lock of the
-- resource and of the branch before it looks; deactivating a resource or
-- closing a branch settles its appointments under the EXCLUSIVE lock of the
-- same key (apps/server/src/affected), so whichever comes second sees the
-- other: the booking is refused, or the change finds the booking.
-- No new table, no SECURITY DEFINER function, no cross-tenant path.

CREATE FUNCTION appointment_resource_in_use() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  v_branch uuid;
  v_kept boolean;
BEGIN
  SELECT a.branch_id, a.kept_outside_hours INTO v_branch, v_kept
    FROM appointment a WHERE a.tenant_id = NEW.tenant_id AND a.id = NEW.appointment_id;
  IF v_kept THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock_shared(frontdesk_schedule_key(NEW.resource_id)),
          pg_advisory_xact_lock_shared(frontdesk_schedule_key(v_branch));
  -- A new statement, so a new snapshot: a deactivation that held the lock is visible now.
  IF NOT EXISTS (
    SELECT 1
      FROM resource r
      JOIN resource_branch rb ON rb.tenant_id = r.tenant_id AND rb.resource_id = r.id AND rb.branch_id = v_branch
      JOIN branch b ON b.tenant_id = r.tenant_id AND b.id = v_branch
     WHERE r.tenant_id = NEW.tenant_id AND r.id = NEW.resource_id AND r.active AND b.active) THEN
    RAISE EXCEPTION 'resource % is not in use at branch %', NEW.resource_id, v_branch
      USING ERRCODE = 'FD001', CONSTRAINT = 'appointment_resource_in_use';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER appointment_resource_in_use
  AFTER INSERT OR UPDATE OF resource_id, starts_at, ends_at ON appointment_resource
  FOR EACH ROW WHEN (NEW.active)
  EXECUTE FUNCTION appointment_resource_in_use();
