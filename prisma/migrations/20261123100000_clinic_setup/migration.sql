-- What a clinic needs to set itself up from nothing (first run, branches,
-- resources, hours, services, products, walk-in sessions, staff, imports).
-- Every new table carries tenant_id in each key and the same one-equality
-- row-level security policy as the rest.

-- Branches: contact details, opening hours, and whether the branch is open for booking.
ALTER TABLE "branch"
  ADD COLUMN "address" TEXT NOT NULL DEFAULT '',
  ADD COLUMN "phone" TEXT NOT NULL DEFAULT '',
  ADD COLUMN "active" BOOLEAN NOT NULL DEFAULT true;

-- A branch's weekly opening hours, in its local time (ISO weekday, minutes from midnight).
CREATE TABLE "branch_hours" (
  "tenant_id" UUID NOT NULL DEFAULT app_tenant_id(),
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "branch_id" UUID NOT NULL,
  "weekday" SMALLINT NOT NULL,
  "start_minute" SMALLINT NOT NULL,
  "end_minute" SMALLINT NOT NULL,
  CONSTRAINT "branch_hours_pkey" PRIMARY KEY ("tenant_id", "id"),
  CONSTRAINT "branch_hours_branch_id_fkey" FOREIGN KEY ("tenant_id", "branch_id") REFERENCES "branch"("tenant_id", "id") ON DELETE CASCADE,
  CONSTRAINT "branch_hours_weekday_check" CHECK ("weekday" BETWEEN 1 AND 7),
  CONSTRAINT "branch_hours_minutes_check" CHECK ("start_minute" >= 0 AND "start_minute" < "end_minute" AND "end_minute" <= 1440)
);
CREATE INDEX "branch_hours_branch_idx" ON "branch_hours" ("tenant_id", "branch_id");

-- Whole-branch closures (renovation, strike) beside holidays, leave and blocked time.
ALTER TYPE "TimeOffKind" ADD VALUE IF NOT EXISTS 'CLOSURE';

-- Resources: a colour for the day grid.
ALTER TABLE "resource" ADD COLUMN "colour" TEXT NOT NULL DEFAULT '';

-- Date-specific hours of a resource at a branch: on a date with any rows here,
-- these intervals replace the weekly pattern (an extra day, different hours).
-- A day off is leave (time_off), not an exception.
CREATE TABLE "working_hours_exception" (
  "tenant_id" UUID NOT NULL DEFAULT app_tenant_id(),
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "resource_id" UUID NOT NULL,
  "branch_id" UUID NOT NULL,
  "date" DATE NOT NULL,
  "start_minute" SMALLINT NOT NULL,
  "end_minute" SMALLINT NOT NULL,
  "created_by" UUID,
  CONSTRAINT "working_hours_exception_pkey" PRIMARY KEY ("tenant_id", "id"),
  CONSTRAINT "working_hours_exception_resource_branch_fkey" FOREIGN KEY ("tenant_id", "resource_id", "branch_id") REFERENCES "resource_branch"("tenant_id", "resource_id", "branch_id") ON DELETE CASCADE,
  CONSTRAINT "working_hours_exception_minutes_check" CHECK ("start_minute" >= 0 AND "start_minute" < "end_minute" AND "end_minute" <= 1440)
);
CREATE INDEX "working_hours_exception_lookup_idx" ON "working_hours_exception" ("tenant_id", "resource_id", "branch_id", "date");

-- Services: a colour, and which practitioners offer it. With no rows here any
-- resource meeting the requirements may do the service; with rows, the
-- practitioner requirement is met only by these, each with its own duration where set.
ALTER TABLE "service" ADD COLUMN "colour" TEXT NOT NULL DEFAULT '';
CREATE TABLE "service_practitioner" (
  "tenant_id" UUID NOT NULL DEFAULT app_tenant_id(),
  "service_id" UUID NOT NULL,
  "resource_id" UUID NOT NULL,
  "duration_min" INTEGER,
  CONSTRAINT "service_practitioner_pkey" PRIMARY KEY ("tenant_id", "service_id", "resource_id"),
  CONSTRAINT "service_practitioner_service_id_fkey" FOREIGN KEY ("tenant_id", "service_id") REFERENCES "service"("tenant_id", "id") ON DELETE CASCADE,
  CONSTRAINT "service_practitioner_resource_id_fkey" FOREIGN KEY ("tenant_id", "resource_id") REFERENCES "resource"("tenant_id", "id"),
  CONSTRAINT "service_practitioner_duration_check" CHECK ("duration_min" IS NULL OR "duration_min" BETWEEN 5 AND 720)
);

-- Products: active flag, a price per branch, and a low-stock threshold per branch.
ALTER TABLE "product" ADD COLUMN "active" BOOLEAN NOT NULL DEFAULT true;
CREATE TABLE "product_price" (
  "tenant_id" UUID NOT NULL DEFAULT app_tenant_id(),
  "product_id" UUID NOT NULL,
  "branch_id" UUID NOT NULL,
  "price_cents" INTEGER NOT NULL,
  CONSTRAINT "product_price_pkey" PRIMARY KEY ("tenant_id", "product_id", "branch_id"),
  CONSTRAINT "product_price_product_id_fkey" FOREIGN KEY ("tenant_id", "product_id") REFERENCES "product"("tenant_id", "id") ON DELETE CASCADE,
  CONSTRAINT "product_price_branch_id_fkey" FOREIGN KEY ("tenant_id", "branch_id") REFERENCES "branch"("tenant_id", "id"),
  CONSTRAINT "product_price_check" CHECK ("price_cents" >= 0)
);
ALTER TABLE "product_stock" ADD COLUMN "low_stock_threshold" INTEGER NOT NULL DEFAULT 0
  CONSTRAINT "product_stock_low_stock_threshold_check" CHECK ("low_stock_threshold" >= 0);

-- Recurring walk-in sessions (OPD Monday–Friday 09:00–12:00, 30 tokens),
-- generated ahead as capacity_session rows; (template, start) is made once.
CREATE TABLE "session_template" (
  "tenant_id" UUID NOT NULL DEFAULT app_tenant_id(),
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "branch_id" UUID NOT NULL,
  "resource_id" UUID,
  "name" TEXT NOT NULL,
  "weekdays" SMALLINT[] NOT NULL,
  "start_minute" SMALLINT NOT NULL,
  "end_minute" SMALLINT NOT NULL,
  "capacity" INTEGER NOT NULL,
  "active" BOOLEAN NOT NULL DEFAULT true,
  "valid_from" DATE NOT NULL,
  "valid_until" DATE,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "session_template_pkey" PRIMARY KEY ("tenant_id", "id"),
  CONSTRAINT "session_template_branch_id_fkey" FOREIGN KEY ("tenant_id", "branch_id") REFERENCES "branch"("tenant_id", "id"),
  CONSTRAINT "session_template_resource_id_fkey" FOREIGN KEY ("tenant_id", "resource_id") REFERENCES "resource"("tenant_id", "id"),
  CONSTRAINT "session_template_weekdays_check" CHECK (cardinality("weekdays") BETWEEN 1 AND 7 AND "weekdays" <@ ARRAY[1,2,3,4,5,6,7]::smallint[]),
  CONSTRAINT "session_template_minutes_check" CHECK ("start_minute" >= 0 AND "start_minute" < "end_minute" AND "end_minute" <= 1440),
  CONSTRAINT "session_template_capacity_check" CHECK ("capacity" BETWEEN 1 AND 1000),
  CONSTRAINT "session_template_dates_check" CHECK ("valid_until" IS NULL OR "valid_until" >= "valid_from")
);
ALTER TABLE "capacity_session" ADD COLUMN "template_id" UUID,
  ADD CONSTRAINT "capacity_session_template_id_fkey" FOREIGN KEY ("tenant_id", "template_id") REFERENCES "session_template"("tenant_id", "id");
CREATE UNIQUE INDEX "capacity_session_template_start_key" ON "capacity_session" ("tenant_id", "template_id", "starts_at") WHERE "template_id" IS NOT NULL;

-- Staff: a password set by someone else (a reset, a new account) must be changed at next sign-in.
ALTER TABLE "staff" ADD COLUMN "must_change_password" BOOLEAN NOT NULL DEFAULT false;

-- An appointment someone chose to keep when a setup change put it outside
-- working hours: shown on the day sheet, never a silent leftover.
ALTER TABLE "appointment" ADD COLUMN "kept_outside_hours" BOOLEAN NOT NULL DEFAULT false;

-- Imports: one row per file applied; the same file (by content hash) applied again changes nothing.
CREATE TABLE "import_run" (
  "tenant_id" UUID NOT NULL DEFAULT app_tenant_id(),
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "kind" TEXT NOT NULL,
  "file_sha256" TEXT NOT NULL,
  "file_name" TEXT NOT NULL DEFAULT '',
  "row_count" INTEGER NOT NULL,
  "created_count" INTEGER NOT NULL,
  "skipped_count" INTEGER NOT NULL,
  "created_by" UUID NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "import_run_pkey" PRIMARY KEY ("tenant_id", "id"),
  CONSTRAINT "import_run_created_by_fkey" FOREIGN KEY ("tenant_id", "created_by") REFERENCES "staff"("tenant_id", "id"),
  CONSTRAINT "import_run_kind_check" CHECK ("kind" IN ('patients', 'resources')),
  CONSTRAINT "import_run_hash_check" CHECK ("file_sha256" ~ '^[0-9a-f]{64}$')
);
CREATE INDEX "import_run_hash_idx" ON "import_run" ("tenant_id", "kind", "file_sha256");

-- Patient duplicates are found by name + date of birth, or by phone.
CREATE INDEX "patient_name_dob_idx" ON "patient" ("tenant_id", lower("name"), "date_of_birth");

-- Row-level security on the new tables: one equality, like every other tenant table.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'branch_hours', 'working_hours_exception', 'service_practitioner', 'product_price', 'session_template', 'import_run'
  ] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO frontdesk_app USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END $$;
