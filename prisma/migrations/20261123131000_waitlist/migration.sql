-- The waitlist (issue 11): patients waiting for a time that suits them; when
-- time frees up, matching entries are offered to every desk at once.
--
-- Freed time is noted by a trigger on the event log (every change appends its
-- events there, so one place catches every path: cancel, move, released or
-- expired hold, no-show, hours and leave changes) into "waitlist_freed", a
-- queue that any server process drains: a batch is claimed with FOR UPDATE
-- SKIP LOCKED and deleted in the transaction that writes its offers, so each
-- freed time is matched exactly once however many processes run.
--
-- One new cross-tenant path, listed in auth/rls.integration.test.ts:
--   frontdesk_waitlist_due_tenants  the tenants with freed time to match or
--                                   entries past their date range; ids only.

CREATE TYPE "WaitlistStatus" AS ENUM ('WAITING', 'OFFERED', 'BOOKED', 'REMOVED', 'EXPIRED');
CREATE TYPE "WaitlistOfferStatus" AS ENUM ('OPEN', 'BOOKED', 'CLOSED');

CREATE TABLE "waitlist_entry" (
  "tenant_id" UUID NOT NULL,
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "patient_id" UUID NOT NULL,
  "service_id" UUID NOT NULL,
  -- Empty: any practitioner / any branch offering the service.
  "practitioner_ids" UUID[] NOT NULL DEFAULT '{}',
  "branch_ids" UUID[] NOT NULL DEFAULT '{}',
  "from_date" DATE NOT NULL,
  "to_date" DATE NOT NULL,
  -- Empty: any time of day; else some of morning, afternoon, evening.
  "times_of_day" TEXT[] NOT NULL DEFAULT '{}',
  -- 0 routine, 1 soon, 2 urgent: higher is offered first, then the longest wait.
  "priority" SMALLINT NOT NULL DEFAULT 0,
  "notes" TEXT NOT NULL DEFAULT '',
  "contact" TEXT NOT NULL DEFAULT 'phone',
  "status" "WaitlistStatus" NOT NULL DEFAULT 'WAITING',
  -- The end of to_date in the entry's branch's zone: past it, the entry expires.
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  "appointment_id" UUID,
  "created_by" UUID NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "waitlist_entry_pkey" PRIMARY KEY ("tenant_id", "id"),
  CONSTRAINT "waitlist_entry_patient_id_fkey" FOREIGN KEY ("tenant_id", "patient_id") REFERENCES "patient"("tenant_id", "id"),
  CONSTRAINT "waitlist_entry_service_id_fkey" FOREIGN KEY ("tenant_id", "service_id") REFERENCES "service"("tenant_id", "id"),
  CONSTRAINT "waitlist_entry_appointment_id_fkey" FOREIGN KEY ("tenant_id", "appointment_id") REFERENCES "appointment"("tenant_id", "id"),
  CONSTRAINT "waitlist_entry_created_by_fkey" FOREIGN KEY ("tenant_id", "created_by") REFERENCES "staff"("tenant_id", "id"),
  CONSTRAINT "waitlist_entry_dates_check" CHECK ("from_date" <= "to_date"),
  CONSTRAINT "waitlist_entry_priority_check" CHECK ("priority" BETWEEN 0 AND 2),
  CONSTRAINT "waitlist_entry_times_check" CHECK ("times_of_day" <@ ARRAY['morning', 'afternoon', 'evening']),
  CONSTRAINT "waitlist_entry_contact_check" CHECK ("contact" IN ('phone', 'sms', 'email', 'any')),
  CONSTRAINT "waitlist_entry_notes_check" CHECK (length("notes") <= 1000),
  CONSTRAINT "waitlist_entry_booked_check" CHECK (("status" = 'BOOKED') = ("appointment_id" IS NOT NULL))
);
-- Matching: the live entries of a tenant, best first (priority, then the longest wait).
CREATE INDEX "waitlist_entry_live_rank_idx" ON "waitlist_entry" ("tenant_id", "priority" DESC, "created_at", "id") WHERE "status" IN ('WAITING', 'OFFERED');
-- Matching by date: entries whose range covers the freed day.
CREATE INDEX "waitlist_entry_live_dates_idx" ON "waitlist_entry" ("tenant_id", "from_date", "to_date") WHERE "status" IN ('WAITING', 'OFFERED');
-- The expiry sweep.
CREATE INDEX "waitlist_entry_expiry_idx" ON "waitlist_entry" ("expires_at") WHERE "status" IN ('WAITING', 'OFFERED');
CREATE INDEX "waitlist_entry_patient_idx" ON "waitlist_entry" ("tenant_id", "patient_id");

ALTER TABLE "waitlist_entry" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "waitlist_entry" TO frontdesk_app
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- A freed time offered for an entry; booked through the booking command.
CREATE TABLE "waitlist_offer" (
  "tenant_id" UUID NOT NULL,
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "entry_id" UUID NOT NULL,
  "branch_id" UUID NOT NULL,
  "service_id" UUID NOT NULL,
  "resource_ids" UUID[] NOT NULL,
  "starts_at" TIMESTAMPTZ(3) NOT NULL,
  "ends_at" TIMESTAMPTZ(3) NOT NULL,
  -- What freed the time (the event type), for the desk's sentence.
  "freed_by" TEXT NOT NULL,
  "status" "WaitlistOfferStatus" NOT NULL DEFAULT 'OPEN',
  "appointment_id" UUID,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "open_until" TIMESTAMPTZ(3) NOT NULL,
  CONSTRAINT "waitlist_offer_pkey" PRIMARY KEY ("tenant_id", "id"),
  CONSTRAINT "waitlist_offer_entry_id_fkey" FOREIGN KEY ("tenant_id", "entry_id") REFERENCES "waitlist_entry"("tenant_id", "id"),
  CONSTRAINT "waitlist_offer_branch_id_fkey" FOREIGN KEY ("tenant_id", "branch_id") REFERENCES "branch"("tenant_id", "id"),
  CONSTRAINT "waitlist_offer_service_id_fkey" FOREIGN KEY ("tenant_id", "service_id") REFERENCES "service"("tenant_id", "id"),
  CONSTRAINT "waitlist_offer_appointment_id_fkey" FOREIGN KEY ("tenant_id", "appointment_id") REFERENCES "appointment"("tenant_id", "id"),
  CONSTRAINT "waitlist_offer_range_check" CHECK ("starts_at" < "ends_at")
);
-- The same time is offered once per entry.
CREATE UNIQUE INDEX "waitlist_offer_entry_slot_key" ON "waitlist_offer" ("tenant_id", "entry_id", "starts_at", "resource_ids");
CREATE INDEX "waitlist_offer_open_idx" ON "waitlist_offer" ("tenant_id", "open_until") WHERE "status" = 'OPEN';

ALTER TABLE "waitlist_offer" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "waitlist_offer" TO frontdesk_app
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- Freed time waiting to be matched. Null times: the hours changed, search the entries' ranges.
CREATE TABLE "waitlist_freed" (
  "tenant_id" UUID NOT NULL,
  "id" BIGSERIAL NOT NULL,
  "event_seq" BIGINT NOT NULL,
  "type" TEXT NOT NULL,
  "branch_id" UUID,
  -- Empty: every practitioner at the branch (a branch-wide closure lifted).
  "resource_ids" UUID[] NOT NULL DEFAULT '{}',
  "starts_at" TIMESTAMPTZ(3),
  "ends_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "waitlist_freed_pkey" PRIMARY KEY ("tenant_id", "id")
);
CREATE INDEX "waitlist_freed_id_idx" ON "waitlist_freed" ("id");

ALTER TABLE "waitlist_freed" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "waitlist_freed" TO frontdesk_app
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- Runs as the writer of the event, under its tenant's policy; only for tenants with someone waiting.
CREATE FUNCTION waitlist_note_freed() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  a jsonb;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM waitlist_entry w WHERE w.tenant_id = NEW.tenant_id AND w.status IN ('WAITING', 'OFFERED')) THEN
    RETURN NULL;
  END IF;
  IF NEW.type = 'appointment.moved' THEN
    a := NEW.payload -> 'appointment';
    INSERT INTO waitlist_freed (tenant_id, event_seq, type, branch_id, resource_ids, starts_at, ends_at)
    SELECT NEW.tenant_id, NEW.seq, NEW.type, (a ->> 'branchId')::uuid,
           ARRAY(SELECT jsonb_array_elements_text(NEW.payload -> 'from' -> 'resourceIds')::uuid),
           (NEW.payload -> 'from' ->> 'startsAt')::timestamptz, (NEW.payload -> 'from' ->> 'endsAt')::timestamptz;
  ELSIF NEW.type LIKE 'appointment.%' THEN
    a := NEW.payload -> 'appointment';
    INSERT INTO waitlist_freed (tenant_id, event_seq, type, branch_id, resource_ids, starts_at, ends_at)
    SELECT NEW.tenant_id, NEW.seq, NEW.type, (a ->> 'branchId')::uuid,
           ARRAY(SELECT (r ->> 'resourceId')::uuid FROM jsonb_array_elements(a -> 'resources') r),
           (a ->> 'startsAt')::timestamptz, (a ->> 'endsAt')::timestamptz;
  ELSIF NEW.type = 'time_off.removed' THEN
    a := NEW.payload -> 'timeOff';
    INSERT INTO waitlist_freed (tenant_id, event_seq, type, branch_id, resource_ids, starts_at, ends_at)
    SELECT NEW.tenant_id, NEW.seq, NEW.type, (a ->> 'branchId')::uuid,
           CASE WHEN a ->> 'resourceId' IS NULL THEN '{}'::uuid[] ELSE ARRAY[(a ->> 'resourceId')::uuid] END,
           (a ->> 'startsAt')::timestamptz, (a ->> 'endsAt')::timestamptz;
  ELSE
    -- hours.changed, hours.exception_changed: new working time, somewhere in the entries' ranges.
    INSERT INTO waitlist_freed (tenant_id, event_seq, type, branch_id, resource_ids)
    VALUES (NEW.tenant_id, NEW.seq, NEW.type, (NEW.payload ->> 'branchId')::uuid, ARRAY[(NEW.payload ->> 'resourceId')::uuid]);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER waitlist_note_freed_on_insert
  AFTER INSERT ON "event"
  FOR EACH ROW
  WHEN (NEW.type IN ('appointment.cancelled', 'appointment.released', 'appointment.expired', 'appointment.no_show', 'appointment.moved',
                     'time_off.removed', 'hours.changed', 'hours.exception_changed'))
  EXECUTE FUNCTION waitlist_note_freed();

-- Tenants with work for the waitlist worker: freed time to match, or entries past their range. Ids only.
CREATE FUNCTION frontdesk_waitlist_due_tenants() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT tenant_id FROM waitlist_freed
    UNION
    SELECT tenant_id FROM waitlist_entry WHERE status IN ('WAITING', 'OFFERED') AND expires_at <= now()
  $$;
REVOKE ALL ON FUNCTION frontdesk_waitlist_due_tenants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION frontdesk_waitlist_due_tenants() TO frontdesk_app;
