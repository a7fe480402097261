-- Idempotency keys move out of the appointment into a record of their own, so
-- every command that takes a key (hold, book, issueToken) keeps the same rules:
--
-- * A key belongs to the staff member who sent it: (tenant_id, staff_id, key).
--   A desk makes its keys and only that desk's retries reuse them, so another
--   desk's key is never found, never answered, never even known to exist.
-- * The record keeps the command and a hash of its normalised input. A replay
--   with the same hash returns the first result; any other use of the key is
--   refused without saying anything about the first request.
-- * It is written in the command's own transaction, before the command's
--   rows: a concurrent retry waits on the key's index entry and then finds
--   the committed record (or, if the first one failed, carries on itself).

CREATE TABLE "idempotency_record" (
  "tenant_id" UUID NOT NULL,
  "staff_id" UUID NOT NULL,
  "key" TEXT NOT NULL,
  "command" TEXT NOT NULL,
  "request_hash" TEXT NOT NULL,
  -- Where the result lives: a replay is answered only to someone who may act there.
  "branch_id" UUID NOT NULL,
  "appointment_id" UUID,
  "token_id" UUID,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "idempotency_record_pkey" PRIMARY KEY ("tenant_id", "staff_id", "key"),
  CONSTRAINT "idempotency_record_staff_id_fkey" FOREIGN KEY ("staff_id") REFERENCES "staff"("id"),
  CONSTRAINT "idempotency_record_branch_id_fkey" FOREIGN KEY ("tenant_id", "branch_id") REFERENCES "branch"("tenant_id", "id"),
  -- Deferred: the record goes in first, the row it names later in the same transaction.
  CONSTRAINT "idempotency_record_appointment_id_fkey" FOREIGN KEY ("appointment_id") REFERENCES "appointment"("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT "idempotency_record_token_id_fkey" FOREIGN KEY ("token_id") REFERENCES "token"("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT "idempotency_record_one_result_check" CHECK (num_nonnulls("appointment_id", "token_id") = 1),
  CONSTRAINT "idempotency_record_key_check" CHECK (length("key") BETWEEN 1 AND 100),
  CONSTRAINT "idempotency_record_hash_check" CHECK ("request_hash" ~ '^[0-9a-f]{64}$')
);

-- The record of a command is never rewritten.
GRANT SELECT, INSERT ON "idempotency_record" TO frontdesk_app;
REVOKE UPDATE, DELETE ON "idempotency_record" FROM frontdesk_app;

ALTER TABLE "idempotency_record" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "idempotency_record" TO frontdesk_app
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- Existing keys move over as their appointment's creator's. Their request is
-- unknown: the command 'legacy' matches no request, so a replay is refused, not guessed.
INSERT INTO "idempotency_record" ("tenant_id", "staff_id", "key", "command", "request_hash", "branch_id", "appointment_id", "created_at")
SELECT "tenant_id", "created_by", "idempotency_key", 'legacy', repeat('0', 64), "branch_id", "id", "created_at"
  FROM "appointment" WHERE "idempotency_key" IS NOT NULL;

-- The tenant-wide unique key is what let one desk's key answer another's request.
DROP INDEX "appointment_tenant_id_idempotency_key_key";
ALTER TABLE "appointment" DROP COLUMN "idempotency_key";
