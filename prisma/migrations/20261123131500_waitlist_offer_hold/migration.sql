-- The waitlist's offer hold (issue 11): optionally, the server holds a freed
-- time for the best-ranked entry and sends that patient a signed link. The
-- offer IS the hold: an appointment in status HELD occupying the time through
-- the exclusion constraints, so no other desk or patient can book it while it
-- stands. No new cross-tenant path.

-- Minutes a freed time is held for the best-ranked entry; 0 = off (the default).
ALTER TABLE "tenant" ADD COLUMN "waitlist_hold_minutes" SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE "tenant" ADD CONSTRAINT "tenant_waitlist_hold_minutes_check" CHECK ("waitlist_hold_minutes" BETWEEN 0 AND 1440);

-- The held appointment behind an offer, when the clinic holds offers.
ALTER TABLE "waitlist_offer" ADD COLUMN "hold_appointment_id" UUID;
ALTER TABLE "waitlist_offer" ADD CONSTRAINT "waitlist_offer_hold_appointment_id_fkey"
  FOREIGN KEY ("tenant_id", "hold_appointment_id") REFERENCES "appointment"("tenant_id", "id");
CREATE UNIQUE INDEX "waitlist_offer_hold_appointment_key" ON "waitlist_offer" ("tenant_id", "hold_appointment_id") WHERE "hold_appointment_id" IS NOT NULL;
