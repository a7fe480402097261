-- Recurring series (issue 11): a patient's repeat visits booked from one
-- rule (every N days or weeks, monthly by date or by weekday, a count or an
-- end date), with the same or alternating practitioners. Each occurrence is
-- an ordinary appointment (its own status, version and events) that names
-- its series and its place in it; the exclusion constraints decide each one.
--
-- No SECURITY DEFINER function, no cross-tenant path.

CREATE TABLE "series" (
  "tenant_id" UUID NOT NULL,
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "branch_id" UUID NOT NULL,
  "service_id" UUID NOT NULL,
  "patient_id" UUID NOT NULL,
  -- The rule as RFC 5545 RRULE text, read in the branch's zone from the local start below.
  "rule" TEXT NOT NULL,
  -- The first occurrence's local wall time ("2026-11-30T09:00"): a weekly 09:00 stays 09:00 across a clock change.
  "local_start" TEXT NOT NULL,
  "time_zone" TEXT NOT NULL,
  -- Taken in turn, one per occurrence (one: always the same practitioner).
  "practitioner_ids" UUID[] NOT NULL,
  -- Other resources asked for on every occurrence (a room); the rest are picked per occurrence.
  "resource_ids" UUID[] NOT NULL DEFAULT '{}',
  -- How many occurrences the rule made when it was booked ("2 of 6").
  "occurrence_count" INTEGER NOT NULL,
  "note" TEXT NOT NULL DEFAULT '',
  "created_by" UUID NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "version" INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT "series_pkey" PRIMARY KEY ("tenant_id", "id"),
  CONSTRAINT "series_branch_id_fkey" FOREIGN KEY ("tenant_id", "branch_id") REFERENCES "branch"("tenant_id", "id"),
  CONSTRAINT "series_service_id_fkey" FOREIGN KEY ("tenant_id", "service_id") REFERENCES "service"("tenant_id", "id"),
  CONSTRAINT "series_patient_id_fkey" FOREIGN KEY ("tenant_id", "patient_id") REFERENCES "patient"("tenant_id", "id"),
  CONSTRAINT "series_created_by_fkey" FOREIGN KEY ("tenant_id", "created_by") REFERENCES "staff"("tenant_id", "id"),
  CONSTRAINT "series_occurrence_count_check" CHECK ("occurrence_count" BETWEEN 1 AND 366),
  CONSTRAINT "series_practitioners_check" CHECK (cardinality("practitioner_ids") BETWEEN 1 AND 8),
  CONSTRAINT "series_rule_check" CHECK (length("rule") BETWEEN 1 AND 400),
  CONSTRAINT "series_note_check" CHECK (length("note") <= 2000)
);
CREATE INDEX "series_patient_idx" ON "series" ("tenant_id", "patient_id");

ALTER TABLE "series" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "series" TO frontdesk_app
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- An occurrence names its series and its place in it (1-based); one appointment per place.
ALTER TABLE "appointment"
  ADD COLUMN "series_id" UUID,
  ADD COLUMN "series_index" INTEGER,
  ADD CONSTRAINT "appointment_series_id_fkey" FOREIGN KEY ("tenant_id", "series_id") REFERENCES "series"("tenant_id", "id"),
  ADD CONSTRAINT "appointment_series_check" CHECK (("series_id" IS NULL) = ("series_index" IS NULL) AND ("series_index" IS NULL OR "series_index" >= 1));
CREATE UNIQUE INDEX "appointment_series_index_key" ON "appointment" ("tenant_id", "series_id", "series_index") WHERE "series_id" IS NOT NULL;
