-- Row-level security as a second wall behind the application's tenant
-- filters, and the login-attempt table behind login throttling.
--
-- Superusers (and a table's owner, unless FORCE) bypass row-level security,
-- so tenant-scoped work switches to the unprivileged role frontdesk_app for
-- the length of its transaction (SET LOCAL ROLE / set_config('role', .., true))
-- next to app.tenant_id. Work with no tenant set (login lookup, the hold
-- sweeper, the log reader, migrations, seeding) sees every row.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'frontdesk_app') THEN
    CREATE ROLE frontdesk_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END $$;
-- A non-superuser connection may only SET ROLE to roles it is a member of.
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'frontdesk_app', 'MEMBER') THEN
    EXECUTE format('GRANT frontdesk_app TO %I', current_user);
  END IF;
END $$;

GRANT USAGE ON SCHEMA public TO frontdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO frontdesk_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO frontdesk_app;
-- Tables and sequences that later migrations create get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO frontdesk_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO frontdesk_app;
REVOKE ALL ON "_prisma_migrations" FROM frontdesk_app;

-- The tenant the current transaction acts for, or NULL for system work.
CREATE FUNCTION app_tenant_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

-- Tables that carry tenant_id: the row's tenant must be the transaction's.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'branch', 'resource', 'time_off', 'service', 'product', 'product_stock', 'patient', 'staff',
    'appointment', 'appointment_resource', 'capacity_session', 'token', 'event'
  ] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (app_tenant_id() IS NULL OR tenant_id = app_tenant_id()) '
      'WITH CHECK (app_tenant_id() IS NULL OR tenant_id = app_tenant_id())', t);
  END LOOP;
END $$;

ALTER TABLE "tenant" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tenant" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "tenant"
  USING (app_tenant_id() IS NULL OR "id" = app_tenant_id())
  WITH CHECK (app_tenant_id() IS NULL OR "id" = app_tenant_id());

-- Tables without tenant_id: a row is visible when its parent is. The parent's
-- own policy filters the subquery, so these follow the tenant too.
DO $$
DECLARE
  spec text[];
BEGIN
  FOREACH spec SLICE 1 IN ARRAY ARRAY[
    ARRAY['resource_branch', 'branch', 'branch_id'],
    ARRAY['working_hours', 'branch', 'branch_id'],
    ARRAY['service_requirement', 'service', 'service_id'],
    ARRAY['service_price', 'branch', 'branch_id'],
    ARRAY['appointment_product', 'appointment', 'appointment_id'],
    ARRAY['staff_branch', 'staff', 'staff_id'],
    ARRAY['staff_session', 'staff', 'staff_id']
  ] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', spec[1]);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', spec[1]);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %1$I '
      'USING (app_tenant_id() IS NULL OR EXISTS (SELECT 1 FROM %2$I p WHERE p.id = %1$I.%3$I)) '
      'WITH CHECK (app_tenant_id() IS NULL OR EXISTS (SELECT 1 FROM %2$I p WHERE p.id = %1$I.%3$I))',
      spec[1], spec[2], spec[3]);
  END LOOP;
END $$;

-- Login attempts, per account (email as typed, lower-cased) and per client
-- address, so throttling holds across server processes. No tenant: attempts
-- happen before anyone is known.
CREATE TABLE "login_attempt" (
  "id" BIGSERIAL NOT NULL,
  "email" TEXT NOT NULL,
  "ip" TEXT NOT NULL,
  "succeeded" BOOLEAN NOT NULL,
  "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "login_attempt_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "login_attempt_email_at_idx" ON "login_attempt"("email", "at");
CREATE INDEX "login_attempt_ip_at_idx" ON "login_attempt"("ip", "at");

-- Revoking every session of a staff member looks them up by staff.
CREATE INDEX "staff_session_staff_id_idx" ON "staff_session"("staff_id");
