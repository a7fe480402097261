-- API clients: systems (an EHR, a patient portal, a partner's call centre)
-- that find, hold and book through the FHIR API (/fhir/R4) with OAuth2 client
-- credentials, registered by an admin with a name, branches and scopes.
--
-- A client acts through an account of its own (a staff row that can never
-- sign in: disabled, no usable password), so its appointments carry
-- created_by and its events the actor and the desk (the client's name)
-- exactly as a desk's do; its holds belong to a session of its own that ends
-- when the client is disabled (the hold sweeper then lets them go).
--
-- Cross-tenant, before any tenant is known, through this narrow list only
-- (added to the list in 20261123010000_strict_rls):
--   frontdesk_api_client_lookup  the tenant and secret hash behind a client id, to issue a token
--   frontdesk_api_token_actor    the client behind a live bearer token, with its branches and scopes

CREATE TABLE "api_client" (
  "tenant_id" UUID NOT NULL,
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "name" TEXT NOT NULL,
  "secret_hash" TEXT NOT NULL,
  "scopes" TEXT[] NOT NULL,
  "staff_id" UUID NOT NULL,
  "session_id" UUID NOT NULL,
  "created_by" UUID NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "secret_rotated_at" TIMESTAMPTZ(3),
  "disabled_at" TIMESTAMPTZ(3),
  CONSTRAINT "api_client_pkey" PRIMARY KEY ("tenant_id", "id"),
  CONSTRAINT "api_client_staff_id_fkey" FOREIGN KEY ("tenant_id", "staff_id") REFERENCES "staff"("tenant_id", "id"),
  CONSTRAINT "api_client_session_id_fkey" FOREIGN KEY ("tenant_id", "session_id") REFERENCES "staff_session"("tenant_id", "id"),
  CONSTRAINT "api_client_created_by_fkey" FOREIGN KEY ("tenant_id", "created_by") REFERENCES "staff"("tenant_id", "id"),
  CONSTRAINT "api_client_name_check" CHECK (length(btrim("name")) BETWEEN 1 AND 80)
);
CREATE UNIQUE INDEX "api_client_tenant_id_staff_id_key" ON "api_client" ("tenant_id", "staff_id");
-- The token endpoint finds a client by its id alone (before any tenant is known).
CREATE INDEX "api_client_id_idx" ON "api_client" ("id");

CREATE TABLE "api_client_branch" (
  "tenant_id" UUID NOT NULL DEFAULT app_tenant_id(),
  "client_id" UUID NOT NULL,
  "branch_id" UUID NOT NULL,
  CONSTRAINT "api_client_branch_pkey" PRIMARY KEY ("tenant_id", "client_id", "branch_id"),
  CONSTRAINT "api_client_branch_client_id_fkey" FOREIGN KEY ("tenant_id", "client_id") REFERENCES "api_client"("tenant_id", "id") ON DELETE CASCADE,
  CONSTRAINT "api_client_branch_branch_id_fkey" FOREIGN KEY ("tenant_id", "branch_id") REFERENCES "branch"("tenant_id", "id")
);

-- Short-lived bearer tokens; only a hash is kept.
CREATE TABLE "api_client_token" (
  "tenant_id" UUID NOT NULL DEFAULT app_tenant_id(),
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "client_id" UUID NOT NULL,
  "token_hash" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  CONSTRAINT "api_client_token_pkey" PRIMARY KEY ("tenant_id", "id"),
  CONSTRAINT "api_client_token_client_id_fkey" FOREIGN KEY ("tenant_id", "client_id") REFERENCES "api_client"("tenant_id", "id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX "api_client_token_tenant_id_token_hash_key" ON "api_client_token" ("tenant_id", "token_hash");
-- Every API request finds its token by the hash alone.
CREATE INDEX "api_client_token_token_hash_idx" ON "api_client_token" ("token_hash");
CREATE INDEX "api_client_token_expiry_idx" ON "api_client_token" ("tenant_id", "client_id", "expires_at");

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['api_client', 'api_client_branch', 'api_client_token'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO frontdesk_app USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END $$;

CREATE FUNCTION frontdesk_api_client_lookup(p_client_id uuid)
  RETURNS TABLE (tenant_id uuid, secret_hash text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT c.tenant_id, c.secret_hash FROM api_client c
     WHERE c.id = p_client_id AND c.disabled_at IS NULL
     LIMIT 1
  $$;

CREATE FUNCTION frontdesk_api_token_actor(p_token_hash text, p_now timestamptz)
  RETURNS TABLE ("tenantId" text, "clientId" text, name text, scopes text[], "branchIds" text[], "staffId" text, "sessionId" text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT c.tenant_id::text, c.id::text, c.name, c.scopes,
           COALESCE((SELECT array_agg(cb.branch_id::text ORDER BY cb.branch_id) FROM api_client_branch cb
                      WHERE cb.tenant_id = c.tenant_id AND cb.client_id = c.id), '{}'),
           c.staff_id::text, c.session_id::text
      FROM api_client_token t JOIN api_client c ON c.tenant_id = t.tenant_id AND c.id = t.client_id
     WHERE t.token_hash = p_token_hash AND t.expires_at > p_now AND c.disabled_at IS NULL
  $$;

DO $$
DECLARE
  f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['frontdesk_api_client_lookup(uuid)', 'frontdesk_api_token_actor(text, timestamptz)'] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO frontdesk_app', f);
  END LOOP;
END $$;
