-- The first run's one-time setup codes, shared by every server process.
--
-- Each process prints a code of its own at start while no organisation exists;
-- behind a load balancer the desk's request may reach any process, so every
-- process must accept every code printed. Only SHA-256 hashes are kept. The
-- first run that claims the empty server deletes them all in its own
-- transaction: once the organisation exists, no code opens anything.
--
-- A global table (no tenant exists yet when it is written), which the runtime
-- role cannot read or write; two more narrow SECURITY DEFINER functions beside
-- those of 20261123110000_first_run:
--     frontdesk_first_run_code_add    keeps a code's hash, only while no
--                                     organisation exists (says whether it did)
--     frontdesk_first_run_code_valid  whether a hash is one of the codes kept
-- and frontdesk_claim_first_run now also deletes the codes when it claims.

CREATE TABLE "first_run_code" (
  "code_hash" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "first_run_code_pkey" PRIMARY KEY ("code_hash"),
  CONSTRAINT "first_run_code_hash_check" CHECK ("code_hash" ~ '^[0-9a-f]{64}$')
);
ALTER TABLE "first_run_code" ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON "first_run_code" FROM frontdesk_app;

CREATE FUNCTION frontdesk_first_run_code_add(p_hash text) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
BEGIN
  INSERT INTO first_run_code (code_hash)
  SELECT p_hash WHERE NOT EXISTS (SELECT 1 FROM tenant)
  ON CONFLICT (code_hash) DO NOTHING;
  RETURN FOUND;
END $$;

CREATE FUNCTION frontdesk_first_run_code_valid(p_hash text) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT EXISTS (SELECT 1 FROM first_run_code WHERE code_hash = p_hash) $$;

CREATE OR REPLACE FUNCTION frontdesk_claim_first_run() RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('frontdesk first run', 0));
  IF EXISTS (SELECT 1 FROM tenant) THEN
    RETURN false;
  END IF;
  -- Gone with the claim: committed with the organisation, or back if it rolls back.
  DELETE FROM first_run_code;
  RETURN true;
END $$;

DO $$
DECLARE
  f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['frontdesk_first_run_code_add(text)', 'frontdesk_first_run_code_valid(text)'] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO frontdesk_app', f);
  END LOOP;
END $$;
