-- Frontdesk initial schema. The constraints here are the last word on every
-- booking invariant; application checks only make the errors friendly.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- CreateEnum
CREATE TYPE "ResourceKind" AS ENUM ('PRACTITIONER', 'ROOM', 'CHAIR', 'DEVICE');
CREATE TYPE "StaffRole" AS ENUM ('RECEPTIONIST', 'CALL_CENTRE', 'BRANCH_MANAGER', 'ADMIN');
CREATE TYPE "AppointmentStatus" AS ENUM ('HELD', 'BOOKED', 'CHECKED_IN', 'COMPLETED', 'CANCELLED', 'NO_SHOW', 'EXPIRED');
CREATE TYPE "TimeOffKind" AS ENUM ('LEAVE', 'HOLIDAY', 'BLOCKED');
CREATE TYPE "TokenStatus" AS ENUM ('ISSUED', 'CANCELLED');

-- The statuses in which an appointment occupies its time.
CREATE FUNCTION appointment_occupies("AppointmentStatus") RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT $1 IN ('HELD', 'BOOKED', 'CHECKED_IN', 'COMPLETED') $$;

CREATE TABLE "tenant" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "name" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "tenant_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "branch" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "tenant_id" UUID NOT NULL,
  "name" TEXT NOT NULL,
  "time_zone" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "branch_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "branch_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id")
);
CREATE UNIQUE INDEX "branch_tenant_id_id_key" ON "branch"("tenant_id", "id");

CREATE TABLE "resource" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "tenant_id" UUID NOT NULL,
  "kind" "ResourceKind" NOT NULL,
  "name" TEXT NOT NULL,
  "tags" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
  "active" BOOLEAN NOT NULL DEFAULT true,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "resource_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "resource_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id")
);
CREATE UNIQUE INDEX "resource_tenant_id_id_key" ON "resource"("tenant_id", "id");

CREATE TABLE "resource_branch" (
  "resource_id" UUID NOT NULL,
  "branch_id" UUID NOT NULL,
  CONSTRAINT "resource_branch_pkey" PRIMARY KEY ("resource_id", "branch_id"),
  CONSTRAINT "resource_branch_resource_id_fkey" FOREIGN KEY ("resource_id") REFERENCES "resource"("id"),
  CONSTRAINT "resource_branch_branch_id_fkey" FOREIGN KEY ("branch_id") REFERENCES "branch"("id")
);

CREATE TABLE "working_hours" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "resource_id" UUID NOT NULL,
  "branch_id" UUID NOT NULL,
  "weekday" SMALLINT NOT NULL,
  "start_minute" SMALLINT NOT NULL,
  "end_minute" SMALLINT NOT NULL,
  CONSTRAINT "working_hours_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "working_hours_resource_branch_fkey" FOREIGN KEY ("resource_id", "branch_id") REFERENCES "resource_branch"("resource_id", "branch_id"),
  CONSTRAINT "working_hours_resource_id_fkey" FOREIGN KEY ("resource_id") REFERENCES "resource"("id"),
  CONSTRAINT "working_hours_branch_id_fkey" FOREIGN KEY ("branch_id") REFERENCES "branch"("id"),
  CONSTRAINT "working_hours_weekday_check" CHECK ("weekday" BETWEEN 1 AND 7),
  CONSTRAINT "working_hours_minutes_check" CHECK ("start_minute" >= 0 AND "end_minute" <= 1440 AND "start_minute" < "end_minute")
);
CREATE INDEX "working_hours_resource_id_branch_id_idx" ON "working_hours"("resource_id", "branch_id");

CREATE TABLE "time_off" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "tenant_id" UUID NOT NULL,
  "branch_id" UUID,
  "resource_id" UUID,
  "kind" "TimeOffKind" NOT NULL,
  "starts_at" TIMESTAMPTZ(3) NOT NULL,
  "ends_at" TIMESTAMPTZ(3) NOT NULL,
  "reason" TEXT NOT NULL DEFAULT '',
  "created_by" UUID,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "time_off_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "time_off_branch_id_fkey" FOREIGN KEY ("tenant_id", "branch_id") REFERENCES "branch"("tenant_id", "id"),
  CONSTRAINT "time_off_resource_id_fkey" FOREIGN KEY ("tenant_id", "resource_id") REFERENCES "resource"("tenant_id", "id"),
  CONSTRAINT "time_off_range_check" CHECK ("starts_at" < "ends_at"),
  CONSTRAINT "time_off_scope_check" CHECK ("branch_id" IS NOT NULL OR "resource_id" IS NOT NULL)
);
CREATE INDEX "time_off_tenant_id_starts_at_idx" ON "time_off"("tenant_id", "starts_at");

CREATE TABLE "service" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "tenant_id" UUID NOT NULL,
  "name" TEXT NOT NULL,
  "duration_min" INTEGER NOT NULL,
  "buffer_before_min" INTEGER NOT NULL DEFAULT 0,
  "buffer_after_min" INTEGER NOT NULL DEFAULT 0,
  "price_cents" INTEGER NOT NULL,
  "active" BOOLEAN NOT NULL DEFAULT true,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "service_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "service_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id"),
  CONSTRAINT "service_duration_check" CHECK ("duration_min" BETWEEN 1 AND 720),
  CONSTRAINT "service_buffers_check" CHECK ("buffer_before_min" BETWEEN 0 AND 240 AND "buffer_after_min" BETWEEN 0 AND 240),
  CONSTRAINT "service_price_check" CHECK ("price_cents" >= 0)
);
CREATE UNIQUE INDEX "service_tenant_id_id_key" ON "service"("tenant_id", "id");

CREATE TABLE "service_requirement" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "service_id" UUID NOT NULL,
  "kind" "ResourceKind" NOT NULL,
  "tag" TEXT,
  CONSTRAINT "service_requirement_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "service_requirement_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "service"("id")
);

CREATE TABLE "service_price" (
  "service_id" UUID NOT NULL,
  "branch_id" UUID NOT NULL,
  "price_cents" INTEGER NOT NULL,
  CONSTRAINT "service_price_pkey" PRIMARY KEY ("service_id", "branch_id"),
  CONSTRAINT "service_price_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "service"("id"),
  CONSTRAINT "service_price_branch_id_fkey" FOREIGN KEY ("branch_id") REFERENCES "branch"("id"),
  CONSTRAINT "service_price_price_check" CHECK ("price_cents" >= 0)
);

CREATE TABLE "product" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "tenant_id" UUID NOT NULL,
  "name" TEXT NOT NULL,
  "price_cents" INTEGER NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "product_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "product_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id"),
  CONSTRAINT "product_price_check" CHECK ("price_cents" >= 0)
);
CREATE UNIQUE INDEX "product_tenant_id_id_key" ON "product"("tenant_id", "id");

-- Invariant 5: stock never goes below zero.
CREATE TABLE "product_stock" (
  "product_id" UUID NOT NULL,
  "branch_id" UUID NOT NULL,
  "tenant_id" UUID NOT NULL,
  "quantity" INTEGER NOT NULL,
  CONSTRAINT "product_stock_pkey" PRIMARY KEY ("product_id", "branch_id"),
  CONSTRAINT "product_stock_product_id_fkey" FOREIGN KEY ("tenant_id", "product_id") REFERENCES "product"("tenant_id", "id"),
  CONSTRAINT "product_stock_branch_id_fkey" FOREIGN KEY ("tenant_id", "branch_id") REFERENCES "branch"("tenant_id", "id"),
  CONSTRAINT "product_stock_quantity_check" CHECK ("quantity" >= 0)
);

CREATE TABLE "patient" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "tenant_id" UUID NOT NULL,
  "name" TEXT NOT NULL,
  "phone" TEXT NOT NULL,
  "email" TEXT,
  "date_of_birth" DATE,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "patient_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "patient_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id")
);
CREATE UNIQUE INDEX "patient_tenant_id_id_key" ON "patient"("tenant_id", "id");
CREATE INDEX "patient_tenant_id_phone_idx" ON "patient"("tenant_id", "phone");
CREATE INDEX "patient_tenant_id_lower_name_idx" ON "patient"("tenant_id", lower("name") text_pattern_ops);

CREATE TABLE "staff" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "tenant_id" UUID NOT NULL,
  "email" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "role" "StaffRole" NOT NULL,
  "password_hash" TEXT NOT NULL,
  "disabled" BOOLEAN NOT NULL DEFAULT false,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "staff_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "staff_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id")
);
CREATE UNIQUE INDEX "staff_email_key" ON "staff"("email");

CREATE TABLE "staff_branch" (
  "staff_id" UUID NOT NULL,
  "branch_id" UUID NOT NULL,
  CONSTRAINT "staff_branch_pkey" PRIMARY KEY ("staff_id", "branch_id"),
  CONSTRAINT "staff_branch_staff_id_fkey" FOREIGN KEY ("staff_id") REFERENCES "staff"("id"),
  CONSTRAINT "staff_branch_branch_id_fkey" FOREIGN KEY ("branch_id") REFERENCES "branch"("id")
);

CREATE TABLE "staff_session" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "staff_id" UUID NOT NULL,
  "token_hash" TEXT NOT NULL,
  "desk" TEXT NOT NULL DEFAULT '',
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  "revoked_at" TIMESTAMPTZ(3),
  CONSTRAINT "staff_session_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "staff_session_staff_id_fkey" FOREIGN KEY ("staff_id") REFERENCES "staff"("id")
);
CREATE UNIQUE INDEX "staff_session_token_hash_key" ON "staff_session"("token_hash");

CREATE TABLE "appointment" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "tenant_id" UUID NOT NULL,
  "branch_id" UUID NOT NULL,
  "service_id" UUID NOT NULL,
  "patient_id" UUID,
  "status" "AppointmentStatus" NOT NULL,
  "starts_at" TIMESTAMPTZ(3) NOT NULL,
  "ends_at" TIMESTAMPTZ(3) NOT NULL,
  "hold_expires_at" TIMESTAMPTZ(3),
  "version" INTEGER NOT NULL DEFAULT 1,
  "idempotency_key" TEXT,
  "price_cents" INTEGER NOT NULL,
  "note" TEXT NOT NULL DEFAULT '',
  "cancel_reason" TEXT,
  "created_by" UUID NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "appointment_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "appointment_branch_id_fkey" FOREIGN KEY ("tenant_id", "branch_id") REFERENCES "branch"("tenant_id", "id"),
  CONSTRAINT "appointment_service_id_fkey" FOREIGN KEY ("tenant_id", "service_id") REFERENCES "service"("tenant_id", "id"),
  CONSTRAINT "appointment_patient_id_fkey" FOREIGN KEY ("tenant_id", "patient_id") REFERENCES "patient"("tenant_id", "id"),
  CONSTRAINT "appointment_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "staff"("id"),
  CONSTRAINT "appointment_range_check" CHECK ("starts_at" < "ends_at" AND "ends_at" - "starts_at" <= interval '12 hours'),
  CONSTRAINT "appointment_hold_check" CHECK ("status" <> 'HELD' OR "hold_expires_at" IS NOT NULL),
  CONSTRAINT "appointment_booked_patient_check" CHECK ("status" IN ('HELD', 'EXPIRED', 'CANCELLED') OR "patient_id" IS NOT NULL),
  CONSTRAINT "appointment_version_check" CHECK ("version" >= 1),
  -- Invariant 3: a patient is never in two overlapping active appointments.
  CONSTRAINT "appointment_patient_no_overlap" EXCLUDE USING gist (
    "patient_id" WITH =,
    tstzrange("starts_at", "ends_at", '[)') WITH &&
  ) WHERE ("patient_id" IS NOT NULL AND appointment_occupies("status"))
);
-- Invariant 7: one appointment per idempotency key and tenant.
CREATE UNIQUE INDEX "appointment_tenant_id_idempotency_key_key" ON "appointment"("tenant_id", "idempotency_key");
CREATE INDEX "appointment_branch_id_starts_at_idx" ON "appointment"("branch_id", "starts_at");
CREATE INDEX "appointment_patient_id_idx" ON "appointment"("patient_id");
CREATE INDEX "appointment_held_deadline_idx" ON "appointment"("hold_expires_at") WHERE "status" = 'HELD';

-- Invariant 1: no resource is in two overlapping active appointments.
-- Ranges are half-open, so back-to-back bookings are fine.
CREATE TABLE "appointment_resource" (
  "appointment_id" UUID NOT NULL,
  "resource_id" UUID NOT NULL,
  "tenant_id" UUID NOT NULL,
  "starts_at" TIMESTAMPTZ(3) NOT NULL,
  "ends_at" TIMESTAMPTZ(3) NOT NULL,
  "active" BOOLEAN NOT NULL DEFAULT true,
  CONSTRAINT "appointment_resource_pkey" PRIMARY KEY ("appointment_id", "resource_id"),
  CONSTRAINT "appointment_resource_appointment_id_fkey" FOREIGN KEY ("appointment_id") REFERENCES "appointment"("id") ON DELETE CASCADE,
  CONSTRAINT "appointment_resource_resource_id_fkey" FOREIGN KEY ("tenant_id", "resource_id") REFERENCES "resource"("tenant_id", "id"),
  CONSTRAINT "appointment_resource_range_check" CHECK ("starts_at" < "ends_at"),
  CONSTRAINT "appointment_resource_no_overlap" EXCLUDE USING gist (
    "resource_id" WITH =,
    tstzrange("starts_at", "ends_at", '[)') WITH &&
  ) WHERE ("active")
);
CREATE INDEX "appointment_resource_resource_id_starts_at_idx" ON "appointment_resource"("resource_id", "starts_at");

-- `active` always mirrors the owning appointment's status, whatever code
-- inserts or updates the rows.
CREATE FUNCTION appointment_resource_set_active() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  SELECT appointment_occupies(a."status") INTO NEW."active"
    FROM "appointment" a WHERE a."id" = NEW."appointment_id";
  RETURN NEW;
END $$;
CREATE TRIGGER appointment_resource_active_on_write
  BEFORE INSERT OR UPDATE ON "appointment_resource"
  FOR EACH ROW EXECUTE FUNCTION appointment_resource_set_active();

CREATE FUNCTION appointment_status_sync_resources() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF appointment_occupies(NEW."status") IS DISTINCT FROM appointment_occupies(OLD."status") THEN
    UPDATE "appointment_resource" SET "active" = appointment_occupies(NEW."status")
     WHERE "appointment_id" = NEW."id";
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER appointment_status_sync
  AFTER UPDATE OF "status" ON "appointment"
  FOR EACH ROW EXECUTE FUNCTION appointment_status_sync_resources();

CREATE TABLE "appointment_product" (
  "appointment_id" UUID NOT NULL,
  "product_id" UUID NOT NULL,
  "quantity" INTEGER NOT NULL,
  "unit_price_cents" INTEGER NOT NULL,
  CONSTRAINT "appointment_product_pkey" PRIMARY KEY ("appointment_id", "product_id"),
  CONSTRAINT "appointment_product_appointment_id_fkey" FOREIGN KEY ("appointment_id") REFERENCES "appointment"("id") ON DELETE CASCADE,
  CONSTRAINT "appointment_product_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product"("id"),
  CONSTRAINT "appointment_product_quantity_check" CHECK ("quantity" > 0)
);

-- Invariant 4: never more tokens than capacity, numbers 1..n without gaps
-- (a number is drawn by incrementing `issued` under the row lock).
CREATE TABLE "capacity_session" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "tenant_id" UUID NOT NULL,
  "branch_id" UUID NOT NULL,
  "resource_id" UUID,
  "name" TEXT NOT NULL,
  "starts_at" TIMESTAMPTZ(3) NOT NULL,
  "ends_at" TIMESTAMPTZ(3) NOT NULL,
  "capacity" INTEGER NOT NULL,
  "issued" INTEGER NOT NULL DEFAULT 0,
  "now_serving" INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT "capacity_session_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "capacity_session_branch_id_fkey" FOREIGN KEY ("tenant_id", "branch_id") REFERENCES "branch"("tenant_id", "id"),
  CONSTRAINT "capacity_session_resource_id_fkey" FOREIGN KEY ("tenant_id", "resource_id") REFERENCES "resource"("tenant_id", "id"),
  CONSTRAINT "capacity_session_range_check" CHECK ("starts_at" < "ends_at"),
  CONSTRAINT "capacity_session_capacity_check" CHECK ("capacity" BETWEEN 1 AND 10000),
  CONSTRAINT "capacity_session_issued_check" CHECK ("issued" BETWEEN 0 AND "capacity"),
  CONSTRAINT "capacity_session_now_serving_check" CHECK ("now_serving" BETWEEN 0 AND "issued")
);
CREATE UNIQUE INDEX "capacity_session_tenant_id_id_key" ON "capacity_session"("tenant_id", "id");
CREATE INDEX "capacity_session_branch_id_starts_at_idx" ON "capacity_session"("branch_id", "starts_at");

CREATE TABLE "token" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "tenant_id" UUID NOT NULL,
  "session_id" UUID NOT NULL,
  "number" INTEGER NOT NULL,
  "patient_id" UUID NOT NULL,
  "status" "TokenStatus" NOT NULL DEFAULT 'ISSUED',
  "issued_by" UUID NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "token_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "token_session_id_fkey" FOREIGN KEY ("tenant_id", "session_id") REFERENCES "capacity_session"("tenant_id", "id"),
  CONSTRAINT "token_patient_id_fkey" FOREIGN KEY ("tenant_id", "patient_id") REFERENCES "patient"("tenant_id", "id"),
  CONSTRAINT "token_number_check" CHECK ("number" >= 1)
);
CREATE UNIQUE INDEX "token_session_id_number_key" ON "token"("session_id", "number");
-- A patient holds at most one live token per session.
CREATE UNIQUE INDEX "token_session_id_patient_id_live_key" ON "token"("session_id", "patient_id") WHERE "status" = 'ISSUED';

-- The append-only event log: audit trail, live feed and catch-up source.
-- tx_id lets readers deliver in (tx_id, seq) order and stop below the oldest
-- running writer, so a transaction that commits late is never skipped.
CREATE TABLE "event" (
  "seq" BIGSERIAL NOT NULL,
  "tx_id" xid8 NOT NULL DEFAULT pg_current_xact_id(),
  "tenant_id" UUID NOT NULL,
  "branch_id" UUID,
  "type" TEXT NOT NULL,
  "aggregate_id" UUID,
  "patient_id" UUID,
  "payload" JSONB NOT NULL,
  "actor_id" UUID,
  "desk" TEXT NOT NULL DEFAULT '',
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "event_pkey" PRIMARY KEY ("seq")
);
CREATE UNIQUE INDEX "event_tx_id_seq_key" ON "event"("tx_id", "seq");
CREATE INDEX "event_tenant_id_aggregate_id_idx" ON "event"("tenant_id", "aggregate_id");
CREATE INDEX "event_tenant_id_patient_id_idx" ON "event"("tenant_id", "patient_id") WHERE "patient_id" IS NOT NULL;

CREATE FUNCTION event_refuse_update() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the event log is append-only' USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER event_append_only
  BEFORE UPDATE ON "event"
  FOR EACH ROW EXECUTE FUNCTION event_refuse_update();

-- Wakes every server process's log reader once per committing statement.
CREATE FUNCTION event_notify() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('frontdesk_events', '');
  RETURN NULL;
END $$;
CREATE TRIGGER event_notify_on_insert
  AFTER INSERT ON "event"
  FOR EACH STATEMENT EXECUTE FUNCTION event_notify();
