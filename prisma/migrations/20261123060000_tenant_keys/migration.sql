-- Every key leads to one tenant, so the schema can be sharded by tenant
-- (docs/scaling.md). A distributed Postgres such as Citus accepts a table's
-- unique and exclusion constraints, and its foreign keys to other distributed
-- tables, only when they include the distribution column: here tenant_id (the
-- tenant's own id on "tenant"). src/db/schema.integration.test.ts reads the
-- catalogue and names every key that does not.
--
-- * Child tables that reached their tenant through a parent get tenant_id,
--   copied from the parent, NOT NULL, defaulting to the transaction's tenant
--   (app_tenant_id()), so inserts made in a tenant's transaction need no
--   change; work with no tenant set must name it, or is refused.
-- * Primary keys become (tenant_id, id); where a unique (tenant_id, id) index
--   already existed it becomes the primary key, so no index is built twice.
--   The event log's keys put tenant_id last: the log reader finds rows by seq
--   and reads every tenant's rows in (tx_id, seq) order.
-- * Foreign keys become (tenant_id, x_id) REFERENCES parent (tenant_id, id): a
--   child row can no longer point at another tenant's parent, whatever a policy says.
-- * Exclusion constraints compare tenant_id with = first.
-- * Row-level security on the child tables becomes the same plain equality as
--   everywhere else, instead of a sub-select on the parent for every row.
-- * Constraint names stay: the code names some of them (token_session_id_patient_id_live_key,
--   idempotency_record_pkey) and errors report them.
--
-- Two unique keys cannot include the tenant and stay as they are, named in the
-- schema test: staff_email_key (sign-in is by email alone) and
-- staff_session_token_hash_key (a bearer token is looked up before its tenant is known).

-- 1. tenant_id on the child tables, copied from the parent (table, parent, column naming the parent).
DO $$
DECLARE
  spec text[];
BEGIN
  FOREACH spec SLICE 1 IN ARRAY ARRAY[
    ARRAY['resource_branch', 'branch', 'branch_id'],
    ARRAY['working_hours', 'branch', 'branch_id'],
    ARRAY['service_requirement', 'service', 'service_id'],
    ARRAY['service_price', 'service', 'service_id'],
    ARRAY['appointment_product', 'appointment', 'appointment_id'],
    ARRAY['staff_branch', 'staff', 'staff_id'],
    ARRAY['staff_session', 'staff', 'staff_id']
  ] LOOP
    EXECUTE format('ALTER TABLE %I ADD COLUMN tenant_id uuid', spec[1]);
    EXECUTE format('UPDATE %1$I c SET tenant_id = p.tenant_id FROM %2$I p WHERE p.id = c.%3$I', spec[1], spec[2], spec[3]);
    EXECUTE format('ALTER TABLE %I ALTER COLUMN tenant_id SET NOT NULL, ALTER COLUMN tenant_id SET DEFAULT app_tenant_id()', spec[1]);
  END LOOP;
END $$;

-- 2. The foreign keys on a bare id go first: they hold the primary keys that change below.
ALTER TABLE "resource_branch" DROP CONSTRAINT "resource_branch_resource_id_fkey", DROP CONSTRAINT "resource_branch_branch_id_fkey";
ALTER TABLE "working_hours" DROP CONSTRAINT "working_hours_resource_branch_fkey", DROP CONSTRAINT "working_hours_resource_id_fkey", DROP CONSTRAINT "working_hours_branch_id_fkey";
ALTER TABLE "service_requirement" DROP CONSTRAINT "service_requirement_service_id_fkey";
ALTER TABLE "service_price" DROP CONSTRAINT "service_price_service_id_fkey", DROP CONSTRAINT "service_price_branch_id_fkey";
ALTER TABLE "staff_branch" DROP CONSTRAINT "staff_branch_staff_id_fkey", DROP CONSTRAINT "staff_branch_branch_id_fkey";
ALTER TABLE "staff_session" DROP CONSTRAINT "staff_session_staff_id_fkey";
ALTER TABLE "appointment" DROP CONSTRAINT "appointment_created_by_fkey";
ALTER TABLE "appointment_resource" DROP CONSTRAINT "appointment_resource_appointment_id_fkey";
ALTER TABLE "appointment_product" DROP CONSTRAINT "appointment_product_appointment_id_fkey", DROP CONSTRAINT "appointment_product_product_id_fkey";
ALTER TABLE "idempotency_record" DROP CONSTRAINT "idempotency_record_staff_id_fkey",
  DROP CONSTRAINT "idempotency_record_appointment_id_fkey", DROP CONSTRAINT "idempotency_record_token_id_fkey";

-- 3. Primary keys. The unique (tenant_id, id) indexes become them (the
-- foreign keys already on (tenant_id, x_id) stay bound to the same index).
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['branch', 'resource', 'service', 'product', 'patient', 'capacity_session'] LOOP
    EXECUTE format('ALTER TABLE %1$I DROP CONSTRAINT %2$I, ADD CONSTRAINT %2$I PRIMARY KEY USING INDEX %3$I',
      t, t || '_pkey', t || '_tenant_id_id_key');
  END LOOP;
  FOREACH t IN ARRAY ARRAY['staff', 'appointment', 'token', 'time_off', 'working_hours', 'service_requirement', 'staff_session'] LOOP
    EXECUTE format('ALTER TABLE %1$I DROP CONSTRAINT %2$I, ADD CONSTRAINT %2$I PRIMARY KEY ("tenant_id", "id")', t, t || '_pkey');
  END LOOP;
END $$;

ALTER TABLE "resource_branch" DROP CONSTRAINT "resource_branch_pkey",
  ADD CONSTRAINT "resource_branch_pkey" PRIMARY KEY ("tenant_id", "resource_id", "branch_id");
ALTER TABLE "service_price" DROP CONSTRAINT "service_price_pkey",
  ADD CONSTRAINT "service_price_pkey" PRIMARY KEY ("tenant_id", "service_id", "branch_id");
ALTER TABLE "product_stock" DROP CONSTRAINT "product_stock_pkey",
  ADD CONSTRAINT "product_stock_pkey" PRIMARY KEY ("tenant_id", "product_id", "branch_id");
ALTER TABLE "staff_branch" DROP CONSTRAINT "staff_branch_pkey",
  ADD CONSTRAINT "staff_branch_pkey" PRIMARY KEY ("tenant_id", "staff_id", "branch_id");
ALTER TABLE "appointment_resource" DROP CONSTRAINT "appointment_resource_pkey",
  ADD CONSTRAINT "appointment_resource_pkey" PRIMARY KEY ("tenant_id", "appointment_id", "resource_id");
ALTER TABLE "appointment_product" DROP CONSTRAINT "appointment_product_pkey",
  ADD CONSTRAINT "appointment_product_pkey" PRIMARY KEY ("tenant_id", "appointment_id", "product_id");

-- seq first: the log reader locates a delivered row by seq alone, across tenants.
ALTER TABLE "event" DROP CONSTRAINT "event_pkey", ADD CONSTRAINT "event_pkey" PRIMARY KEY ("seq", "tenant_id");
-- (tx_id, seq) first: the reader's delivery order across tenants.
DROP INDEX "event_tx_id_seq_key";
CREATE UNIQUE INDEX "event_tx_id_seq_key" ON "event"("tx_id", "seq", "tenant_id");

-- 4. The other unique keys.
DROP INDEX "token_session_id_number_key";
CREATE UNIQUE INDEX "token_session_id_number_key" ON "token"("tenant_id", "session_id", "number");
DROP INDEX "token_session_id_patient_id_live_key";
CREATE UNIQUE INDEX "token_session_id_patient_id_live_key" ON "token"("tenant_id", "session_id", "patient_id") WHERE "status" = 'ISSUED';

-- 5. Exclusion constraints (invariants 1 and 3), tenant first.
ALTER TABLE "appointment" DROP CONSTRAINT "appointment_patient_no_overlap",
  ADD CONSTRAINT "appointment_patient_no_overlap" EXCLUDE USING gist (
    "tenant_id" WITH =,
    "patient_id" WITH =,
    tstzrange("starts_at", "ends_at", '[)') WITH &&
  ) WHERE ("patient_id" IS NOT NULL AND appointment_occupies("status"));
ALTER TABLE "appointment_resource" DROP CONSTRAINT "appointment_resource_no_overlap",
  ADD CONSTRAINT "appointment_resource_no_overlap" EXCLUDE USING gist (
    "tenant_id" WITH =,
    "resource_id" WITH =,
    tstzrange("starts_at", "ends_at", '[)') WITH &&
  ) WHERE ("active");

-- 6. The foreign keys again, each through the tenant.
ALTER TABLE "resource_branch"
  ADD CONSTRAINT "resource_branch_resource_id_fkey" FOREIGN KEY ("tenant_id", "resource_id") REFERENCES "resource"("tenant_id", "id"),
  ADD CONSTRAINT "resource_branch_branch_id_fkey" FOREIGN KEY ("tenant_id", "branch_id") REFERENCES "branch"("tenant_id", "id");
ALTER TABLE "working_hours"
  ADD CONSTRAINT "working_hours_resource_branch_fkey" FOREIGN KEY ("tenant_id", "resource_id", "branch_id") REFERENCES "resource_branch"("tenant_id", "resource_id", "branch_id"),
  ADD CONSTRAINT "working_hours_resource_id_fkey" FOREIGN KEY ("tenant_id", "resource_id") REFERENCES "resource"("tenant_id", "id"),
  ADD CONSTRAINT "working_hours_branch_id_fkey" FOREIGN KEY ("tenant_id", "branch_id") REFERENCES "branch"("tenant_id", "id");
ALTER TABLE "service_requirement"
  ADD CONSTRAINT "service_requirement_service_id_fkey" FOREIGN KEY ("tenant_id", "service_id") REFERENCES "service"("tenant_id", "id");
ALTER TABLE "service_price"
  ADD CONSTRAINT "service_price_service_id_fkey" FOREIGN KEY ("tenant_id", "service_id") REFERENCES "service"("tenant_id", "id"),
  ADD CONSTRAINT "service_price_branch_id_fkey" FOREIGN KEY ("tenant_id", "branch_id") REFERENCES "branch"("tenant_id", "id");
ALTER TABLE "staff_branch"
  ADD CONSTRAINT "staff_branch_staff_id_fkey" FOREIGN KEY ("tenant_id", "staff_id") REFERENCES "staff"("tenant_id", "id"),
  ADD CONSTRAINT "staff_branch_branch_id_fkey" FOREIGN KEY ("tenant_id", "branch_id") REFERENCES "branch"("tenant_id", "id");
ALTER TABLE "staff_session"
  ADD CONSTRAINT "staff_session_staff_id_fkey" FOREIGN KEY ("tenant_id", "staff_id") REFERENCES "staff"("tenant_id", "id");
ALTER TABLE "appointment"
  ADD CONSTRAINT "appointment_created_by_fkey" FOREIGN KEY ("tenant_id", "created_by") REFERENCES "staff"("tenant_id", "id");
ALTER TABLE "appointment_resource"
  ADD CONSTRAINT "appointment_resource_appointment_id_fkey" FOREIGN KEY ("tenant_id", "appointment_id") REFERENCES "appointment"("tenant_id", "id") ON DELETE CASCADE;
ALTER TABLE "appointment_product"
  ADD CONSTRAINT "appointment_product_appointment_id_fkey" FOREIGN KEY ("tenant_id", "appointment_id") REFERENCES "appointment"("tenant_id", "id") ON DELETE CASCADE,
  ADD CONSTRAINT "appointment_product_product_id_fkey" FOREIGN KEY ("tenant_id", "product_id") REFERENCES "product"("tenant_id", "id");
ALTER TABLE "idempotency_record"
  ADD CONSTRAINT "idempotency_record_staff_id_fkey" FOREIGN KEY ("tenant_id", "staff_id") REFERENCES "staff"("tenant_id", "id"),
  -- Deferred: the record goes in first, the row it names later in the same transaction.
  ADD CONSTRAINT "idempotency_record_appointment_id_fkey" FOREIGN KEY ("tenant_id", "appointment_id") REFERENCES "appointment"("tenant_id", "id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  ADD CONSTRAINT "idempotency_record_token_id_fkey" FOREIGN KEY ("tenant_id", "token_id") REFERENCES "token"("tenant_id", "id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;

-- 7. Row-level security on the child tables: one equality, like every other tenant table.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'resource_branch', 'working_hours', 'service_requirement', 'service_price', 'appointment_product', 'staff_branch', 'staff_session'
  ] LOOP
    EXECUTE format('DROP POLICY tenant_isolation ON %I', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO frontdesk_app USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END $$;

-- 8. Lookups that run without row-level security (the owner's, and the
-- cross-tenant functions) name the tenant too, so they reach the keys above.
CREATE OR REPLACE FUNCTION appointment_resource_set_active() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  SELECT appointment_occupies(a."status") INTO NEW."active"
    FROM "appointment" a WHERE a."tenant_id" = NEW."tenant_id" AND a."id" = NEW."appointment_id";
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION appointment_status_sync_resources() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF appointment_occupies(NEW."status") IS DISTINCT FROM appointment_occupies(OLD."status") THEN
    UPDATE "appointment_resource" SET "active" = appointment_occupies(NEW."status")
     WHERE "tenant_id" = NEW."tenant_id" AND "appointment_id" = NEW."id";
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION frontdesk_login_lookup(p_email text)
  RETURNS TABLE (id uuid, tenant_id uuid, name text, email text, role text, password_hash text, disabled boolean, branch_ids uuid[])
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT s.id, s.tenant_id, s.name, s.email, s.role::text, s.password_hash, s.disabled,
           COALESCE((SELECT array_agg(sb.branch_id ORDER BY sb.branch_id) FROM staff_branch sb
                      WHERE sb.tenant_id = s.tenant_id AND sb.staff_id = s.id), '{}')
      FROM staff s WHERE s.email = lower(p_email)
  $$;

CREATE OR REPLACE FUNCTION frontdesk_session_actor(p_token_hash text, p_now timestamptz, p_tenant_wide text[])
  RETURNS TABLE ("sessionId" text, desk text, "staffId" text, "tenantId" text, name text, role text, "branchIds" text[])
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT s.id::text, s.desk, st.id::text, st.tenant_id::text, st.name, st.role::text,
           CASE WHEN st.role::text = ANY(p_tenant_wide)
                THEN (SELECT COALESCE(array_agg(b.id::text ORDER BY b.name), '{}') FROM branch b WHERE b.tenant_id = st.tenant_id)
                ELSE (SELECT COALESCE(array_agg(sb.branch_id::text ORDER BY sb.branch_id), '{}') FROM staff_branch sb
                       WHERE sb.tenant_id = st.tenant_id AND sb.staff_id = st.id)
           END
      FROM staff_session s JOIN staff st ON st.tenant_id = s.tenant_id AND st.id = s.staff_id
     WHERE s.token_hash = p_token_hash AND s.revoked_at IS NULL AND s.expires_at > p_now AND NOT st.disabled
  $$;
