-- The database never holds a booking outside working hours unless someone
-- kept it on purpose (appointment.kept_outside_hours).
--
-- The rule, in one place: a resource may be occupied at a branch over
-- [from, to) when that range lies inside its working time there and no time
-- off (its own, or the whole branch's) overlaps it. Working time on a local
-- date is the date's working_hours_exception rows when it has any, else the
-- weekly working_hours of that weekday, read in the branch's time zone as the
-- slot search does (packages/shared time.ts).
--
-- Races: a booking checks the rule inside the database (a trigger on its
-- occupancy rows) under a SHARED advisory lock per resource and per branch
-- (the schedule keys); a change of hours, exceptions or time off takes the
-- EXCLUSIVE lock of the keys it touches before it looks for the appointments
-- it affects (apps/server/src/affected). Whichever comes second sees the
-- other's commit: the booking is refused, or the change finds the booking.
-- No SECURITY DEFINER function: everything runs as the caller, under
-- row-level security.

-- A local wall-clock minute of a date as an instant, as luxon computes it: a
-- time skipped by spring-forward moves forward (as Postgres reads it), a time
-- repeated at fall-back is the earlier of the two (Postgres takes the later).
CREATE FUNCTION frontdesk_local_instant(p_date date, p_minute integer, p_zone text) RETURNS timestamptz
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    WITH w AS (
      SELECT wall, wall AT TIME ZONE p_zone AS late
        FROM (SELECT CASE WHEN p_minute >= 1440 THEN (p_date + 1)::timestamp
                          ELSE p_date::timestamp + make_interval(mins => p_minute) END AS wall) v
    ), e AS (
      -- The same wall time at the offset in force three hours earlier.
      SELECT wall, late,
             (wall - ((late - interval '3 hours') AT TIME ZONE p_zone - (late - interval '3 hours') AT TIME ZONE 'UTC')) AT TIME ZONE 'UTC' AS early
        FROM w
    )
    SELECT CASE WHEN early < late AND early AT TIME ZONE p_zone = wall THEN early ELSE late END FROM e
  $$;

-- The working time of a resource at a branch over the local dates that [p_from, p_to) touches.
CREATE FUNCTION frontdesk_working_time(p_tenant uuid, p_resource uuid, p_branch uuid, p_from timestamptz, p_to timestamptz) RETURNS tstzmultirange
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(range_agg(tstzrange(frontdesk_local_instant(d.day, x.start_minute, b.time_zone),
                                        frontdesk_local_instant(d.day, x.end_minute, b.time_zone), '[)')),
                    '{}'::tstzmultirange)
      FROM branch b
     CROSS JOIN LATERAL (
       SELECT g::date AS day
         FROM generate_series((p_from AT TIME ZONE b.time_zone)::date::timestamp,
                              ((p_to - interval '1 microsecond') AT TIME ZONE b.time_zone)::date::timestamp,
                              interval '1 day') g
     ) d
     CROSS JOIN LATERAL (
       SELECT e.start_minute, e.end_minute
         FROM working_hours_exception e
        WHERE e.tenant_id = p_tenant AND e.resource_id = p_resource AND e.branch_id = p_branch AND e.date = d.day
       UNION ALL
       SELECT h.start_minute, h.end_minute
         FROM working_hours h
        WHERE h.tenant_id = p_tenant AND h.resource_id = p_resource AND h.branch_id = p_branch
          AND h.weekday = extract(isodow FROM d.day)
          AND NOT EXISTS (SELECT 1 FROM working_hours_exception e
                           WHERE e.tenant_id = p_tenant AND e.resource_id = p_resource AND e.branch_id = p_branch AND e.date = d.day)
     ) x
     WHERE b.tenant_id = p_tenant AND b.id = p_branch
  $$;

-- The time off that takes [p_from, p_to) away from a resource at a branch (its own, or the whole branch's), if any.
CREATE FUNCTION frontdesk_time_off_over(p_tenant uuid, p_resource uuid, p_branch uuid, p_from timestamptz, p_to timestamptz) RETURNS uuid
  LANGUAGE sql STABLE
  AS $$
    SELECT t.id FROM time_off t
     WHERE t.tenant_id = p_tenant AND t.starts_at < p_to AND t.ends_at > p_from
       AND (t.resource_id = p_resource OR (t.resource_id IS NULL AND t.branch_id = p_branch))
     ORDER BY t.starts_at, t.id
     LIMIT 1
  $$;

-- Whether the resource's schedule at the branch allows occupying [p_from, p_to).
CREATE FUNCTION frontdesk_schedule_allows(p_tenant uuid, p_resource uuid, p_branch uuid, p_from timestamptz, p_to timestamptz) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT tstzrange(p_from, p_to, '[)') <@ frontdesk_working_time(p_tenant, p_resource, p_branch, p_from, p_to)
       AND frontdesk_time_off_over(p_tenant, p_resource, p_branch, p_from, p_to) IS NULL
  $$;

-- The advisory-lock key of a resource's or a branch's schedule.
CREATE FUNCTION frontdesk_schedule_key(p_id uuid) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT hashtextextended('frontdesk.schedule:' || p_id::text, 0) $$;

-- Every active occupancy row of an appointment nobody kept must fit the schedule.
CREATE FUNCTION appointment_resource_within_hours() RETURNS trigger
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
  -- Shared: bookings do not wait for each other, only for a schedule change in flight.
  PERFORM pg_advisory_xact_lock_shared(frontdesk_schedule_key(NEW.resource_id)),
          pg_advisory_xact_lock_shared(frontdesk_schedule_key(v_branch));
  -- A new statement, so a new snapshot: a schedule change that held the lock is visible now.
  IF NOT frontdesk_schedule_allows(NEW.tenant_id, NEW.resource_id, v_branch, NEW.starts_at, NEW.ends_at) THEN
    RAISE EXCEPTION 'resource % is not working over [%, %)', NEW.resource_id, NEW.starts_at, NEW.ends_at
      USING ERRCODE = 'FD001', CONSTRAINT = 'appointment_resource_within_hours';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER appointment_resource_within_hours
  AFTER INSERT OR UPDATE OF resource_id, starts_at, ends_at, active ON appointment_resource
  FOR EACH ROW WHEN (NEW.active)
  EXECUTE FUNCTION appointment_resource_within_hours();
