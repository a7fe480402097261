-- Desk fixes (issue 10): released holds are not cancellations, a hold knows
-- the sign-in that made it (so the end of that session releases it), and a
-- clinic chooses how times are written.
--
-- No new cross-tenant path: frontdesk_due_hold_tenants (listed in
-- 20261123010000_strict_rls) is redefined to also name tenants holding time
-- for a session that has ended; it still returns tenant ids only.

-- A hold let go by its desk (or by the end of its session) is RELEASED, as a
-- lapsed one is EXPIRED: neither was ever an appointment. The value cannot be
-- used in this transaction, so nothing below names it.
ALTER TYPE "AppointmentStatus" ADD VALUE IF NOT EXISTS 'RELEASED';

-- The statuses that need a patient, named instead of those that do not (a
-- released hold may have none).
ALTER TABLE "appointment" DROP CONSTRAINT "appointment_booked_patient_check";
ALTER TABLE "appointment" ADD CONSTRAINT "appointment_booked_patient_check"
  CHECK ("status" NOT IN ('BOOKED', 'CHECKED_IN', 'COMPLETED', 'NO_SHOW') OR "patient_id" IS NOT NULL);

-- The sign-in whose desk holds the time; its end (sign-out, revocation,
-- expiry) releases the hold.
ALTER TABLE "appointment" ADD COLUMN "hold_session_id" UUID;
ALTER TABLE "appointment" ADD CONSTRAINT "appointment_hold_session_id_fkey"
  FOREIGN KEY ("tenant_id", "hold_session_id") REFERENCES "staff_session"("tenant_id", "id");
CREATE INDEX "appointment_hold_session_idx" ON "appointment"("tenant_id", "hold_session_id") WHERE "status" = 'HELD';

-- 24-hour (14:30) or 12-hour (2:30 PM) clock on every desk of the clinic.
ALTER TABLE "tenant" ADD COLUMN "time_format" TEXT NOT NULL DEFAULT '24h'
  CONSTRAINT "tenant_time_format_check" CHECK ("time_format" IN ('24h', '12h'));

-- The sweeper's list: tenants with a hold past its deadline, or held for a
-- session that has ended.
CREATE OR REPLACE FUNCTION frontdesk_due_hold_tenants() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT DISTINCT a.tenant_id FROM appointment a
     WHERE a.status = 'HELD'
       AND (a.hold_expires_at <= now()
            OR EXISTS (SELECT 1 FROM staff_session s
                        WHERE s.tenant_id = a.tenant_id AND s.id = a.hold_session_id
                          AND (s.revoked_at IS NOT NULL OR s.expires_at <= now())))
  $$;
REVOKE ALL ON FUNCTION frontdesk_due_hold_tenants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION frontdesk_due_hold_tenants() TO frontdesk_app;
