-- The walk-in queue (issue 10): tokens are called, recalled, skipped and
-- served per session and per counter; a walk-in may take a token by name and
-- be registered later; a waiting-room display shows a branch's queue.
--
-- One new cross-tenant path, listed in auth/rls.integration.test.ts:
--   frontdesk_display_lookup  the tenant and branch behind a display link's
--                             secret (by its hash), for the public waiting-room
--                             page; nothing else is read without a tenant set.

CREATE TYPE "QueueState" AS ENUM ('WAITING', 'CALLED', 'SERVED', 'SKIPPED');

-- A walk-in not registered yet has a name and no patient; a patient is attached later.
ALTER TABLE "token" ALTER COLUMN "patient_id" DROP NOT NULL;
ALTER TABLE "token"
  ADD COLUMN "walk_in_name" TEXT,
  ADD COLUMN "queue_state" "QueueState" NOT NULL DEFAULT 'WAITING',
  -- Calling order when a skip sent the token to the back; null: its number.
  ADD COLUMN "queue_order" INTEGER,
  ADD COLUMN "counter" TEXT,
  ADD COLUMN "called_by" UUID,
  ADD COLUMN "called_at" TIMESTAMPTZ(3),
  ADD COLUMN "call_count" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "served_at" TIMESTAMPTZ(3),
  ADD COLUMN "skipped_at" TIMESTAMPTZ(3);
ALTER TABLE "token"
  ADD CONSTRAINT "token_called_by_fkey" FOREIGN KEY ("tenant_id", "called_by") REFERENCES "staff"("tenant_id", "id"),
  ADD CONSTRAINT "token_who_check" CHECK ("patient_id" IS NOT NULL OR length(btrim("walk_in_name")) > 0),
  ADD CONSTRAINT "token_walk_in_name_check" CHECK ("walk_in_name" IS NULL OR length("walk_in_name") <= 120),
  ADD CONSTRAINT "token_counter_check" CHECK ("counter" IS NULL OR length("counter") BETWEEN 1 AND 40),
  -- A called or served token says when and where it was called.
  ADD CONSTRAINT "token_called_check" CHECK ("queue_state" IN ('WAITING', 'SKIPPED') OR ("called_at" IS NOT NULL AND "counter" IS NOT NULL)),
  ADD CONSTRAINT "token_served_check" CHECK (("queue_state" = 'SERVED') = ("served_at" IS NOT NULL));
-- callNext: the lowest waiting place of a session.
CREATE INDEX "token_queue_idx" ON "token" ("tenant_id", "session_id", (COALESCE("queue_order", "number")), "number") WHERE "status" = 'ISSUED' AND "queue_state" = 'WAITING';

-- Patient first names on the waiting-room display: off unless the clinic turns them on.
ALTER TABLE "tenant" ADD COLUMN "display_first_names" BOOLEAN NOT NULL DEFAULT false;

-- A waiting-room display of one branch, opened by a secret link; only its hash is kept.
CREATE TABLE "display_link" (
  "tenant_id" UUID NOT NULL,
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "branch_id" UUID NOT NULL,
  "name" TEXT NOT NULL,
  "secret_hash" TEXT NOT NULL,
  "created_by" UUID NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "revoked_at" TIMESTAMPTZ(3),
  CONSTRAINT "display_link_pkey" PRIMARY KEY ("tenant_id", "id"),
  CONSTRAINT "display_link_branch_id_fkey" FOREIGN KEY ("tenant_id", "branch_id") REFERENCES "branch"("tenant_id", "id"),
  CONSTRAINT "display_link_created_by_fkey" FOREIGN KEY ("tenant_id", "created_by") REFERENCES "staff"("tenant_id", "id"),
  CONSTRAINT "display_link_name_check" CHECK (length(btrim("name")) BETWEEN 1 AND 80)
);
CREATE UNIQUE INDEX "display_link_tenant_id_secret_hash_key" ON "display_link" ("tenant_id", "secret_hash");
-- The public page finds its link by the hash alone (before any tenant is known).
CREATE INDEX "display_link_secret_hash_idx" ON "display_link" ("secret_hash");
CREATE INDEX "display_link_branch_idx" ON "display_link" ("tenant_id", "branch_id");

ALTER TABLE "display_link" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "display_link" TO frontdesk_app
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- The tenant and branch behind a live display link; nothing more.
CREATE FUNCTION frontdesk_display_lookup(p_secret_hash text)
  RETURNS TABLE (tenant_id uuid, branch_id uuid, link_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT d.tenant_id, d.branch_id, d.id FROM display_link d
     WHERE d.secret_hash = p_secret_hash AND d.revoked_at IS NULL
     LIMIT 1
  $$;
REVOKE ALL ON FUNCTION frontdesk_display_lookup(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION frontdesk_display_lookup(text) TO frontdesk_app;
