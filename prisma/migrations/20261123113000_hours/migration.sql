-- Working hours never overlap: a resource's intervals at a branch on one
-- weekday, or on one date's exception, are apart or touching (a split shift
-- 09:00–12:00, 12:00–17:00 is fine). The forms refuse an overlap in words;
-- these constraints are the last word. Both lead with the tenant, like every key.
-- No new table, no cross-tenant path.

ALTER TABLE "working_hours" ADD CONSTRAINT "working_hours_no_overlap" EXCLUDE USING gist (
  "tenant_id" WITH =, "resource_id" WITH =, "branch_id" WITH =, "weekday" WITH =,
  int4range("start_minute", "end_minute") WITH &&
);

ALTER TABLE "working_hours_exception" ADD CONSTRAINT "working_hours_exception_no_overlap" EXCLUDE USING gist (
  "tenant_id" WITH =, "resource_id" WITH =, "branch_id" WITH =, "date" WITH =,
  int4range("start_minute", "end_minute") WITH &&
);
