-- Cost as data grows (issue 12, goal 3): what is busy, read from the index alone.
--
-- Availability reads each candidate resource's active occupancy in start order
-- (availability.repository.ts: busy, busyTimes). Through the (resource_id,
-- starts_at) index every row was then fetched from the table for its end, its
-- appointment and its tenant: a month at a 40-practitioner branch is about
-- 19,000 rows in some 16,000 table pages, most of a findSlots answer's time at
-- 1M appointments. With those columns in a partial index of the active rows the
-- read is an index-only scan, already in start order (measured at 1M: findSlots
-- for a month p50 about 45 -> 23 ms once the table's visibility map is set, as
-- autovacuum leaves it after inserts). One more index entry per booked resource.
-- Plain CREATE INDEX: migrations run in a transaction, so not CONCURRENTLY; on
-- a large existing clinic it holds writes to appointment_resource for as long
-- as the build takes (a few seconds at a million rows).
CREATE INDEX IF NOT EXISTS "appointment_resource_busy_idx"
  ON "appointment_resource" ("resource_id", "starts_at") INCLUDE ("ends_at", "appointment_id", "tenant_id")
  WHERE "active";
