-- Cost as data grows (issue 12, goal 3).
--
-- An occupancy row is its appointment (at most 12 hours, appointment_range_check)
-- widened by the service's buffers (at most 240 minutes each, service_buffers_check):
-- never longer than 20 hours. Said here as a constraint, so a read of what is busy
-- in [from, to) can bound starts_at from below (starts_at > from - 24 hours) and
-- the (resource_id, starts_at) index serves both ends. Without that bound the
-- index gave only starts_at < to: every past occupancy of each resource was read,
-- and range operators (&&, which would use the exclusion constraint's GiST index)
-- are not leakproof, so under row-level security they never reach an index.
ALTER TABLE "appointment_resource"
  ADD CONSTRAINT "appointment_resource_length_check" CHECK ("ends_at" - "starts_at" <= interval '24 hours') NOT VALID;
ALTER TABLE "appointment_resource" VALIDATE CONSTRAINT "appointment_resource_length_check";
