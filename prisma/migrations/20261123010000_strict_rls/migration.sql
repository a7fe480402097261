-- Row-level security becomes a wall that refuses by default.
--
-- * The server's runtime connections log in as frontdesk_app: neither
--   superuser nor owner, no BYPASSRLS. Its policies show and accept only the
--   rows of the tenant set in app.tenant_id, and nothing when none is set.
-- * The migration user owns the tables. Tables are no longer FORCEd, so the
--   owner (migrations, seeding, and the SECURITY DEFINER functions below) is
--   not filtered; nothing the runtime role can do reaches the owner's rights
--   except those functions.
-- * Cross-tenant system work goes through this narrow list, and nothing else:
--     frontdesk_login_lookup      the account behind an email, to sign in
--     frontdesk_session_actor     the actor behind a session token
--     frontdesk_due_hold_tenants  tenants with holds past their deadline (the sweeper
--                                 then expires them inside each tenant's scope)
--     frontdesk_sync (role)       reads the event log, nothing else, for the
--                                 per-process log reader that feeds live streams
-- The server gives both roles a password at start (see db/roles.ts).

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'frontdesk_sync') THEN
    CREATE ROLE frontdesk_sync NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END $$;

CREATE OR REPLACE FUNCTION app_tenant_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

-- Tables that carry tenant_id.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'branch', 'resource', 'time_off', 'service', 'product', 'product_stock', 'patient', 'staff',
    'appointment', 'appointment_resource', 'capacity_session', 'token', 'event'
  ] LOOP
    EXECUTE format('ALTER TABLE %I NO FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('DROP POLICY tenant_isolation ON %I', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO frontdesk_app USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END $$;

ALTER TABLE "tenant" NO FORCE ROW LEVEL SECURITY;
DROP POLICY tenant_isolation ON "tenant";
CREATE POLICY tenant_isolation ON "tenant" TO frontdesk_app
  USING ("id" = app_tenant_id()) WITH CHECK ("id" = app_tenant_id());

-- Tables without tenant_id follow their parent, whose own policy filters the subquery.
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
    EXECUTE format('ALTER TABLE %I NO FORCE ROW LEVEL SECURITY', spec[1]);
    EXECUTE format('DROP POLICY tenant_isolation ON %I', spec[1]);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %1$I TO frontdesk_app '
      'USING (app_tenant_id() IS NOT NULL AND EXISTS (SELECT 1 FROM %2$I p WHERE p.id = %1$I.%3$I)) '
      'WITH CHECK (app_tenant_id() IS NOT NULL AND EXISTS (SELECT 1 FROM %2$I p WHERE p.id = %1$I.%3$I))',
      spec[1], spec[2], spec[3]);
  END LOOP;
END $$;

-- The event log is append-only for the runtime role.
REVOKE UPDATE, DELETE ON "event" FROM frontdesk_app;

-- The log reader's role: reads the event log of every tenant, nothing else.
GRANT USAGE ON SCHEMA public TO frontdesk_sync;
GRANT SELECT ON "event" TO frontdesk_sync;
CREATE POLICY log_reader ON "event" FOR SELECT TO frontdesk_sync USING (true);

CREATE FUNCTION frontdesk_login_lookup(p_email text)
  RETURNS TABLE (id uuid, tenant_id uuid, name text, email text, role text, password_hash text, disabled boolean, branch_ids uuid[])
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT s.id, s.tenant_id, s.name, s.email, s.role::text, s.password_hash, s.disabled,
           COALESCE((SELECT array_agg(sb.branch_id ORDER BY sb.branch_id) FROM staff_branch sb WHERE sb.staff_id = s.id), '{}')
      FROM staff s WHERE s.email = lower(p_email)
  $$;

CREATE FUNCTION frontdesk_session_actor(p_token_hash text, p_now timestamptz, p_tenant_wide text[])
  RETURNS TABLE ("sessionId" text, desk text, "staffId" text, "tenantId" text, name text, role text, "branchIds" text[])
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT s.id::text, s.desk, st.id::text, st.tenant_id::text, st.name, st.role::text,
           CASE WHEN st.role::text = ANY(p_tenant_wide)
                THEN (SELECT COALESCE(array_agg(b.id::text ORDER BY b.name), '{}') FROM branch b WHERE b.tenant_id = st.tenant_id)
                ELSE (SELECT COALESCE(array_agg(sb.branch_id::text ORDER BY sb.branch_id), '{}') FROM staff_branch sb WHERE sb.staff_id = st.id)
           END
      FROM staff_session s JOIN staff st ON st.id = s.staff_id
     WHERE s.token_hash = p_token_hash AND s.revoked_at IS NULL AND s.expires_at > p_now AND NOT st.disabled
  $$;

CREATE FUNCTION frontdesk_due_hold_tenants() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT DISTINCT tenant_id FROM appointment WHERE status = 'HELD' AND hold_expires_at <= now() $$;

DO $$
DECLARE
  f text;
BEGIN
  FOREACH f IN ARRAY ARRAY[
    'frontdesk_login_lookup(text)', 'frontdesk_session_actor(text, timestamptz, text[])',
    'frontdesk_due_hold_tenants()'
  ] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO frontdesk_app', f);
  END LOOP;
END $$;
