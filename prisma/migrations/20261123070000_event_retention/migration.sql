-- Event-log retention: events older than an age the operator sets
-- (FRONTDESK_EVENT_RETENTION_DAYS; off unless set) move from "event" to
-- "event_archive". The audit views read both tables; the live feed and a
-- desk's catch-up read "event" only, and a desk whose place in the log was
-- archived is told to reload (`reset`).
--
-- Why a batched move of the oldest rows and not monthly partitions on created_at:
-- * The feed delivers in (tx_id, seq) order and a desk resumes from a place in
--   that order. What leaves the log must be a prefix of that order, so that one
--   position, the archive horizon below, tells every reader and every resume
--   what can no longer be found. created_at is a transaction's start and does
--   not follow that order, so a partition boundary would cut through it.
-- * Partitioning "event" would put created_at into every unique constraint of
--   the table (event_pkey, event_tx_id_seq_key) and rebuild it; the move leaves
--   the table and its constraint names as they are.
-- * A batch (a thousand rows) is one short transaction that takes no lock a
--   writer waits on; the job keeps up with far more than a clinic group writes.
--
-- The narrow system paths of 20261123010000_strict_rls gain one:
--     frontdesk_archive_events   moves the oldest events of every tenant to the
--                                archive, one batch per call, one caller at a time
--                                (the others skip the round), and records the horizon
-- The runtime role reads the archive under the same tenant policy as "event",
-- and the horizon (a position in the log, no tenant's data); it writes neither.

-- The log's own columns (LIKE keeps them in step, without the log's defaults: a row keeps its seq and times).
CREATE TABLE "event_archive" (
  LIKE "event",
  "archived_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "event_archive_pkey" PRIMARY KEY ("seq", "tenant_id")
);
CREATE INDEX "event_archive_tenant_id_aggregate_id_idx" ON "event_archive"("tenant_id", "aggregate_id");
CREATE INDEX "event_archive_tenant_id_patient_id_idx" ON "event_archive"("tenant_id", "patient_id") WHERE "patient_id" IS NOT NULL;
CREATE TRIGGER event_archive_append_only
  BEFORE UPDATE ON "event_archive"
  FOR EACH ROW EXECUTE FUNCTION event_refuse_update();

ALTER TABLE "event_archive" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "event_archive" TO frontdesk_app
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
REVOKE INSERT, UPDATE, DELETE ON "event_archive" FROM frontdesk_app;

-- Every row up to (tx_id, seq) in delivery order has left "event": one row, absent until the first move.
CREATE TABLE "event_archive_horizon" (
  "id" INTEGER NOT NULL DEFAULT 1,
  "tx_id" xid8 NOT NULL,
  "seq" BIGINT NOT NULL,
  "moved_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "event_archive_horizon_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "event_archive_horizon_one_row" CHECK ("id" = 1)
);
REVOKE INSERT, UPDATE, DELETE ON "event_archive_horizon" FROM frontdesk_app;
GRANT SELECT ON "event_archive_horizon" TO frontdesk_sync;

-- Moves the longest prefix, in delivery order, of at most p_limit rows that
-- are all older than p_before and of transactions that ended (below the
-- oldest one running anywhere in the cluster, so no row can appear behind
-- them later). Returns how many rows moved: 0 when none may, or when another
-- caller holds the move.
CREATE FUNCTION frontdesk_archive_events(p_before timestamptz, p_limit integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
DECLARE
  v_tx xid8;
  v_seq bigint;
  v_moved integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(72707371) THEN
    RETURN 0;
  END IF;
  WITH ended AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS below),
  head AS (
    SELECT ev.tx_id, ev.seq, ev.created_at FROM "event" ev ORDER BY ev.tx_id, ev.seq LIMIT greatest(p_limit, 1)
  ),
  walked AS (
    SELECT h.tx_id, h.seq, bool_and(h.created_at < p_before AND h.tx_id < ended.below) OVER (ORDER BY h.tx_id, h.seq) AS movable
      FROM head h, ended
  )
  SELECT w.tx_id, w.seq INTO v_tx, v_seq FROM walked w WHERE w.movable ORDER BY w.tx_id DESC, w.seq DESC LIMIT 1;
  IF v_tx IS NULL THEN
    RETURN 0;
  END IF;
  WITH moved AS (
    DELETE FROM "event" ev WHERE (ev.tx_id, ev.seq) <= (v_tx, v_seq)
    RETURNING ev.seq, ev.tx_id, ev.tenant_id, ev.branch_id, ev.type, ev.aggregate_id, ev.patient_id, ev.payload, ev.actor_id, ev.desk, ev.created_at
  )
  INSERT INTO "event_archive" ("seq", "tx_id", "tenant_id", "branch_id", "type", "aggregate_id", "patient_id", "payload", "actor_id", "desk", "created_at")
  SELECT * FROM moved;
  GET DIAGNOSTICS v_moved = ROW_COUNT;
  INSERT INTO "event_archive_horizon" ("id", "tx_id", "seq") VALUES (1, v_tx, v_seq)
    ON CONFLICT ("id") DO UPDATE SET "tx_id" = excluded."tx_id", "seq" = excluded."seq", "moved_at" = CURRENT_TIMESTAMP
    WHERE ("event_archive_horizon"."tx_id", "event_archive_horizon"."seq") < (excluded."tx_id", excluded."seq");
  RETURN v_moved;
END $$;

REVOKE ALL ON FUNCTION frontdesk_archive_events(timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION frontdesk_archive_events(timestamptz, integer) TO frontdesk_app;
