-- The hours guard (20261123111000_hours_guard), faster on the booking path
-- and closed from the other side.
--
-- 1. Faster: the rule is checked in PL/pgSQL (its plans are kept per
--    connection), with a quick answer for the common case: a day without a
--    clock change and one interval holding the whole range. Anything else
--    (across midnight, touching intervals, a clock-change day) takes the full
--    computation as before. Time off is found through a range index instead of
--    every earlier row of the tenant.
-- 2. Both ways: a transaction that changes weekly hours, date exceptions or
--    time off, or un-keeps an appointment, is checked at commit: no live
--    appointment ending later may be left outside the schedule unless kept.
--    It takes the exclusive schedule lock first, as a settled change already
--    has (apps/server/src/affected), so a booking in flight is seen.
-- No new table, no SECURITY DEFINER function, no cross-tenant path.

-- Same answer as before, computed without a query per call.
CREATE OR REPLACE FUNCTION frontdesk_local_instant(p_date date, p_minute integer, p_zone text) RETURNS timestamptz
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  AS $$
DECLARE
  v_wall timestamp := CASE WHEN p_minute >= 1440 THEN (p_date + 1)::timestamp ELSE p_date::timestamp + make_interval(mins => p_minute) END;
  v_late timestamptz := v_wall AT TIME ZONE p_zone;
  v_early timestamptz;
BEGIN
  -- The same wall time at the offset in force three hours earlier: the earlier of two at fall-back.
  v_early := (v_wall - ((v_late - interval '3 hours') AT TIME ZONE p_zone - (v_late - interval '3 hours') AT TIME ZONE 'UTC')) AT TIME ZONE 'UTC';
  IF v_early < v_late AND v_early AT TIME ZONE p_zone = v_wall THEN
    RETURN v_early;
  END IF;
  RETURN v_late;
END $$;

CREATE INDEX "time_off_tenant_range_idx" ON "time_off" USING gist ("tenant_id", tstzrange("starts_at", "ends_at", '[)'));

CREATE OR REPLACE FUNCTION frontdesk_time_off_over(p_tenant uuid, p_resource uuid, p_branch uuid, p_from timestamptz, p_to timestamptz) RETURNS uuid
  LANGUAGE sql STABLE
  AS $$
    SELECT t.id FROM time_off t
     WHERE t.tenant_id = p_tenant AND tstzrange(t.starts_at, t.ends_at, '[)') && tstzrange(p_from, p_to, '[)')
       AND (t.resource_id = p_resource OR (t.resource_id IS NULL AND t.branch_id = p_branch))
     ORDER BY t.starts_at, t.id
     LIMIT 1
  $$;

CREATE OR REPLACE FUNCTION frontdesk_schedule_allows(p_tenant uuid, p_resource uuid, p_branch uuid, p_from timestamptz, p_to timestamptz) RETURNS boolean
  LANGUAGE plpgsql STABLE
  AS $$
DECLARE
  v_zone text;
  v_day date;
  v_start timestamptz;
  v_from integer;
  v_to integer;
  v_exception boolean;
BEGIN
  IF EXISTS (SELECT 1 FROM time_off t
              WHERE t.tenant_id = p_tenant AND tstzrange(t.starts_at, t.ends_at, '[)') && tstzrange(p_from, p_to, '[)')
                AND (t.resource_id = p_resource OR (t.resource_id IS NULL AND t.branch_id = p_branch))) THEN
    RETURN false;
  END IF;
  SELECT b.time_zone INTO v_zone FROM branch b WHERE b.tenant_id = p_tenant AND b.id = p_branch;
  IF v_zone IS NULL THEN
    RETURN false;
  END IF;
  v_day := (p_from AT TIME ZONE v_zone)::date;
  v_start := v_day::timestamp AT TIME ZONE v_zone;
  -- A day without a clock change, the range inside it: wall minutes are minutes since midnight, one interval holding it is enough.
  IF (v_day + 1)::timestamp AT TIME ZONE v_zone - v_start = interval '24 hours' AND p_to <= v_start + interval '24 hours' THEN
    v_from := floor(extract(epoch FROM p_from - v_start) / 60);
    v_to := ceil(extract(epoch FROM p_to - v_start) / 60);
    SELECT EXISTS (SELECT 1 FROM working_hours_exception e
                    WHERE e.tenant_id = p_tenant AND e.resource_id = p_resource AND e.branch_id = p_branch AND e.date = v_day)
      INTO v_exception;
    IF v_exception THEN
      IF EXISTS (SELECT 1 FROM working_hours_exception e
                  WHERE e.tenant_id = p_tenant AND e.resource_id = p_resource AND e.branch_id = p_branch AND e.date = v_day
                    AND e.start_minute <= v_from AND e.end_minute >= v_to) THEN
        RETURN true;
      END IF;
    ELSIF EXISTS (SELECT 1 FROM working_hours h
                   WHERE h.tenant_id = p_tenant AND h.resource_id = p_resource AND h.branch_id = p_branch
                     AND h.weekday = extract(isodow FROM v_day)::smallint
                     AND h.start_minute <= v_from AND h.end_minute >= v_to) THEN
      RETURN true;
    END IF;
  END IF;
  -- Across midnight, touching intervals, a clock-change day, or outside: the full computation.
  RETURN tstzrange(p_from, p_to, '[)') <@ frontdesk_working_time(p_tenant, p_resource, p_branch, p_from, p_to);
END $$;

-- The booking path's lookup of a weekday's hours.
CREATE INDEX "working_hours_lookup_idx" ON "working_hours" ("tenant_id", "resource_id", "branch_id", "weekday");

-- The appointments of a resource (at a branch, or anywhere when null) over a
-- range that the schedule no longer allows, live and not kept, ending after
-- now; refused with FD001 naming the first. Takes the schedule lock first.
CREATE FUNCTION frontdesk_assert_schedule_kept(p_tenant uuid, p_resource uuid, p_branch uuid, p_from timestamptz, p_to timestamptz) RETURNS void
  LANGUAGE plpgsql
  AS $$
DECLARE
  v_marker text := 'frontdesk_guard.h' || md5(concat_ws(':', p_tenant, p_resource, p_branch, p_from, p_to));
  v_bad record;
BEGIN
  -- Several rows of one change (a week of hours replaced) need one check: it sees the final state.
  IF current_setting(v_marker, true) = 'checked' THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(frontdesk_schedule_key(coalesce(p_resource, p_branch)));
  SELECT a.id, a.starts_at INTO v_bad
    FROM appointment_resource ar JOIN appointment a ON a.tenant_id = ar.tenant_id AND a.id = ar.appointment_id
   WHERE ar.tenant_id = p_tenant AND ar.active AND NOT a.kept_outside_hours
     -- What a settled change looks at: live appointments ending later (an unswept lapsed hold is free).
     AND a.status IN ('HELD', 'BOOKED', 'CHECKED_IN') AND NOT (a.status = 'HELD' AND a.hold_expires_at <= clock_timestamp())
     AND a.ends_at > clock_timestamp()
     AND (p_resource IS NULL OR ar.resource_id = p_resource)
     AND (p_branch IS NULL OR a.branch_id = p_branch)
     AND ar.starts_at < coalesce(p_to, 'infinity') AND ar.ends_at > coalesce(p_from, '-infinity')
     AND NOT frontdesk_schedule_allows(ar.tenant_id, ar.resource_id, a.branch_id, ar.starts_at, ar.ends_at)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'appointment % at % would be left outside working hours; settle it (keep, cancel or move) in the same change', v_bad.id, v_bad.starts_at
      USING ERRCODE = 'FD001', CONSTRAINT = 'appointment_resource_within_hours';
  END IF;
  PERFORM set_config(v_marker, 'checked', true);
END $$;

CREATE FUNCTION frontdesk_schedule_changed() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_TABLE_NAME = 'working_hours' THEN
    PERFORM frontdesk_assert_schedule_kept(OLD.tenant_id, OLD.resource_id, OLD.branch_id, NULL, NULL);
  ELSIF TG_TABLE_NAME = 'working_hours_exception' THEN
    IF TG_OP <> 'DELETE' THEN
      PERFORM frontdesk_assert_schedule_kept(NEW.tenant_id, NEW.resource_id, NEW.branch_id, NULL, NULL);
    END IF;
    IF TG_OP <> 'INSERT' THEN
      PERFORM frontdesk_assert_schedule_kept(OLD.tenant_id, OLD.resource_id, OLD.branch_id, NULL, NULL);
    END IF;
  ELSIF TG_TABLE_NAME = 'time_off' THEN
    -- A resource's time off follows it to every branch; a whole-branch one closes the branch.
    PERFORM frontdesk_assert_schedule_kept(NEW.tenant_id, NEW.resource_id, CASE WHEN NEW.resource_id IS NULL THEN NEW.branch_id END, NEW.starts_at, NEW.ends_at);
  ELSIF TG_TABLE_NAME = 'appointment' THEN
    PERFORM frontdesk_assert_schedule_kept(NEW.tenant_id, ar.resource_id, NEW.branch_id, ar.starts_at, ar.ends_at)
       FROM appointment_resource ar WHERE ar.tenant_id = NEW.tenant_id AND ar.appointment_id = NEW.id AND ar.active;
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER working_hours_kept_by_appointments
  AFTER UPDATE OR DELETE ON working_hours DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION frontdesk_schedule_changed();
CREATE CONSTRAINT TRIGGER working_hours_exception_kept_by_appointments
  AFTER INSERT OR UPDATE OR DELETE ON working_hours_exception DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION frontdesk_schedule_changed();
CREATE CONSTRAINT TRIGGER time_off_kept_by_appointments
  AFTER INSERT OR UPDATE ON time_off DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION frontdesk_schedule_changed();
CREATE CONSTRAINT TRIGGER appointment_unkept_within_hours
  AFTER UPDATE OF kept_outside_hours ON appointment DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (OLD.kept_outside_hours AND NOT NEW.kept_outside_hours)
  EXECUTE FUNCTION frontdesk_schedule_changed();
