-- First run and forced password changes.
--
-- Two more narrow cross-tenant functions (beside those listed in
-- 20261123010000_strict_rls and frontdesk_archive_events), each doing one thing:
--     frontdesk_first_run_open   whether no organisation (tenant) exists yet:
--                                the first-run screen is offered only then
--     frontdesk_claim_first_run  the same question asked by the command that
--                                creates the first organisation, under a
--                                transaction advisory lock, so of two
--                                concurrent first runs exactly one finds the
--                                server empty (the second waits for the first
--                                to commit, then sees its tenant)
-- and frontdesk_session_actor, the actor behind a session token, now also says
-- whether the staff member must choose a new password before anything else.

CREATE FUNCTION frontdesk_first_run_open() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT NOT EXISTS (SELECT 1 FROM tenant) $$;

-- VOLATILE plpgsql: the check runs after the lock is granted, with a snapshot
-- taken then, so it sees a tenant another first run committed while we waited.
CREATE FUNCTION frontdesk_claim_first_run() RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('frontdesk first run', 0));
  RETURN NOT EXISTS (SELECT 1 FROM tenant);
END $$;

-- A new column changes the function's row type, which CREATE OR REPLACE cannot do.
DROP FUNCTION frontdesk_session_actor(text, timestamptz, text[]);
CREATE FUNCTION frontdesk_session_actor(p_token_hash text, p_now timestamptz, p_tenant_wide text[])
  RETURNS TABLE ("sessionId" text, desk text, "staffId" text, "tenantId" text, name text, role text, "branchIds" text[], "mustChangePassword" boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT s.id::text, s.desk, st.id::text, st.tenant_id::text, st.name, st.role::text,
           CASE WHEN st.role::text = ANY(p_tenant_wide)
                THEN (SELECT COALESCE(array_agg(b.id::text ORDER BY b.name), '{}') FROM branch b WHERE b.tenant_id = st.tenant_id)
                ELSE (SELECT COALESCE(array_agg(sb.branch_id::text ORDER BY sb.branch_id), '{}') FROM staff_branch sb
                       WHERE sb.tenant_id = st.tenant_id AND sb.staff_id = st.id)
           END,
           st.must_change_password
      FROM staff_session s JOIN staff st ON st.tenant_id = s.tenant_id AND st.id = s.staff_id
     WHERE s.token_hash = p_token_hash AND s.revoked_at IS NULL AND s.expires_at > p_now AND NOT st.disabled
  $$;

DO $$
DECLARE
  f text;
BEGIN
  FOREACH f IN ARRAY ARRAY[
    'frontdesk_first_run_open()', 'frontdesk_claim_first_run()', 'frontdesk_session_actor(text, timestamptz, text[])'
  ] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO frontdesk_app', f);
  END LOOP;
END $$;
