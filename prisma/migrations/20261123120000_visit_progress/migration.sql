-- Visit progress (issue 10): booked → checked in → in consultation →
-- completed, each step's time kept; cancellations carry a reason from a list
-- and are flagged late against the clinic's notice period; a clinic sets how
-- early a patient may check in and that notice period.
--
-- No new table, no SECURITY DEFINER function, no cross-tenant path.

-- The new value cannot be used in this transaction: everything below compares
-- the status as text.
ALTER TYPE "AppointmentStatus" ADD VALUE IF NOT EXISTS 'IN_CONSULTATION' AFTER 'CHECKED_IN';

-- A patient in consultation occupies the time as a checked-in one does (no
-- row holds the value yet, so the exclusion constraints' predicate is unchanged).
CREATE OR REPLACE FUNCTION appointment_occupies("AppointmentStatus") RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT $1::text IN ('HELD', 'BOOKED', 'CHECKED_IN', 'IN_CONSULTATION', 'COMPLETED') $$;

ALTER TABLE "appointment" DROP CONSTRAINT "appointment_booked_patient_check";
ALTER TABLE "appointment" ADD CONSTRAINT "appointment_booked_patient_check"
  CHECK ("status"::text NOT IN ('BOOKED', 'CHECKED_IN', 'IN_CONSULTATION', 'COMPLETED', 'NO_SHOW') OR "patient_id" IS NOT NULL);

-- The times of the visit's steps, and how it was cancelled.
ALTER TABLE "appointment" ADD COLUMN "checked_in_at" TIMESTAMPTZ(3);
ALTER TABLE "appointment" ADD COLUMN "consultation_started_at" TIMESTAMPTZ(3);
ALTER TABLE "appointment" ADD COLUMN "completed_at" TIMESTAMPTZ(3);
ALTER TABLE "appointment" ADD COLUMN "cancelled_late" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "appointment" ADD COLUMN "cancel_reason_code" TEXT
  CONSTRAINT "appointment_cancel_reason_code_check"
  CHECK ("cancel_reason_code" IN ('PATIENT_REQUEST', 'ILLNESS', 'CLINIC_RESCHEDULED', 'NO_LONGER_NEEDED', 'OTHER'));

-- How early before its start a patient may check in, and how much notice a
-- cancellation needs not to count as late.
ALTER TABLE "tenant" ADD COLUMN "check_in_window_min" INTEGER NOT NULL DEFAULT 60
  CONSTRAINT "tenant_check_in_window_min_check" CHECK ("check_in_window_min" BETWEEN 0 AND 1440);
ALTER TABLE "tenant" ADD COLUMN "late_cancel_notice_hours" INTEGER NOT NULL DEFAULT 24
  CONSTRAINT "tenant_late_cancel_notice_hours_check" CHECK ("late_cancel_notice_hours" BETWEEN 0 AND 720);

-- The hours guard's settled-change check counts a patient in consultation as live.
CREATE OR REPLACE FUNCTION frontdesk_assert_schedule_kept(p_tenant uuid, p_resource uuid, p_branch uuid, p_from timestamptz, p_to timestamptz) RETURNS void
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
     AND a.status::text IN ('HELD', 'BOOKED', 'CHECKED_IN', 'IN_CONSULTATION') AND NOT (a.status = 'HELD' AND a.hold_expires_at <= clock_timestamp())
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
