-- Walk-in sessions generated ahead (issue 9): a daily job makes every
-- tenant's capacity sessions from their session templates.
--
-- One new cross-tenant path, beside those listed in 20261123010000_strict_rls:
--   frontdesk_session_template_tenants  tenants with an active session template
--                                       (the generator then makes their sessions
--                                       inside each tenant's scope)
-- It returns tenant ids only.

CREATE FUNCTION frontdesk_session_template_tenants() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT DISTINCT tenant_id FROM session_template WHERE active $$;
REVOKE ALL ON FUNCTION frontdesk_session_template_tenants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION frontdesk_session_template_tenants() TO frontdesk_app;

