-- Reminders and confirmations (issue 11): per clinic which messages go out,
-- their templates and quiet hours; one row per message sent (or to be sent),
-- unique per (appointment, kind, version) so each goes at most once; and the
-- durable job queue (pg-boss, schema "pgboss") the messages ride on.
--
-- No new cross-tenant function. The job queue's tables carry no patient data
-- (a job names a tenant and a message id only) and have no tenant column:
-- the runtime role may read and write jobs, never create or drop tables.

CREATE TABLE "message_settings" (
  "tenant_id" UUID NOT NULL,
  -- Which kinds go out: confirmation, change, cancellation, reminder, waitlist_offer.
  "enabled" TEXT[] NOT NULL DEFAULT '{}',
  -- Reminders this many hours before the start (48 and 2 unless the clinic says otherwise).
  "reminder_hours" INTEGER[] NOT NULL DEFAULT '{48,2}',
  -- Per kind {"subject": "...", "body": "..."}; a kind without one uses the built-in wording.
  "templates" JSONB NOT NULL DEFAULT '{}',
  -- Dates and times in messages are written this way (a BCP 47 tag).
  "locale" TEXT NOT NULL DEFAULT 'en-US',
  -- Minutes after local midnight in the branch's zone; both null: no quiet hours.
  "quiet_start_min" INTEGER,
  "quiet_end_min" INTEGER,
  -- The key patients' links are signed with (HMAC-SHA256); never leaves the server.
  "link_secret" BYTEA NOT NULL,
  "version" INTEGER NOT NULL DEFAULT 1,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "message_settings_pkey" PRIMARY KEY ("tenant_id"),
  CONSTRAINT "message_settings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id"),
  CONSTRAINT "message_settings_locale_check" CHECK (length("locale") BETWEEN 2 AND 35),
  CONSTRAINT "message_settings_quiet_check" CHECK (("quiet_start_min" IS NULL) = ("quiet_end_min" IS NULL)
    AND COALESCE("quiet_start_min", 0) BETWEEN 0 AND 1439 AND COALESCE("quiet_end_min", 0) BETWEEN 0 AND 1439),
  CONSTRAINT "message_settings_secret_check" CHECK (length("link_secret") >= 32)
);

CREATE TABLE "message" (
  "tenant_id" UUID NOT NULL,
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "appointment_id" UUID,
  "patient_id" UUID NOT NULL,
  "branch_id" UUID,
  -- confirmation, change, cancellation, waitlist_offer, or reminder_<hours>h.
  "kind" TEXT NOT NULL,
  -- The appointment's version the message was made for: a move makes new ones.
  "version" INTEGER NOT NULL,
  "channel" TEXT NOT NULL,
  "recipient" TEXT NOT NULL,
  -- queued → sending → sent | failed | bounced; cancelled (superseded) or skipped (turned off, no longer booked).
  "state" TEXT NOT NULL DEFAULT 'queued',
  "send_at" TIMESTAMPTZ(3) NOT NULL,
  "attempts" INTEGER NOT NULL DEFAULT 0,
  "last_error" TEXT,
  "job_id" UUID,
  "subject" TEXT,
  "body" TEXT,
  -- What a waitlist offer (or another sender) wants in the template besides the appointment.
  "vars" JSONB NOT NULL DEFAULT '{}',
  "sent_at" TIMESTAMPTZ(3),
  -- The patient's answer through the message's link, once.
  "answer" TEXT,
  "answered_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "message_pkey" PRIMARY KEY ("tenant_id", "id"),
  CONSTRAINT "message_appointment_id_fkey" FOREIGN KEY ("tenant_id", "appointment_id") REFERENCES "appointment"("tenant_id", "id"),
  CONSTRAINT "message_patient_id_fkey" FOREIGN KEY ("tenant_id", "patient_id") REFERENCES "patient"("tenant_id", "id"),
  CONSTRAINT "message_branch_id_fkey" FOREIGN KEY ("tenant_id", "branch_id") REFERENCES "branch"("tenant_id", "id"),
  CONSTRAINT "message_kind_check" CHECK ("kind" ~ '^(confirmation|change|cancellation|waitlist_offer|reminder_[0-9]{1,3}h)$'),
  CONSTRAINT "message_channel_check" CHECK ("channel" IN ('email', 'sms')),
  CONSTRAINT "message_state_check" CHECK ("state" IN ('queued', 'sending', 'sent', 'failed', 'bounced', 'cancelled', 'skipped')),
  CONSTRAINT "message_answer_check" CHECK ("answer" IS NULL OR "answer" IN ('confirmed', 'cancelled'))
);
-- At most once: one message per appointment, kind and version.
CREATE UNIQUE INDEX "message_tenant_id_appointment_id_kind_version_key" ON "message" ("tenant_id", "appointment_id", "kind", "version");
CREATE INDEX "message_patient_idx" ON "message" ("tenant_id", "patient_id");

ALTER TABLE "message_settings" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "message_settings" TO frontdesk_app
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
ALTER TABLE "message" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "message" TO frontdesk_app
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, UPDATE ON "message_settings", "message" TO frontdesk_app;

-- pg-boss 10's own schema (its construction plan, schema version 24), made by the owner here so the
-- runtime role never needs CREATE; the server checks the version at start and does not migrate it.
SELECT pg_advisory_xact_lock(
      ('x' || encode(sha224((current_database() || '.pgboss.pgboss')::bytea), 'hex'))::bit(64)::bigint
  );
    
    CREATE SCHEMA IF NOT EXISTS pgboss
  ;

    CREATE TYPE pgboss.job_state AS ENUM (
      'created',
      'retry',
      'active',
      'completed',
      'cancelled',
      'failed'
    )
  ;

    CREATE TABLE pgboss.version (
      version int primary key,
      maintained_on timestamp with time zone,
      cron_on timestamp with time zone,
      monitored_on timestamp with time zone
    )
  ;

    CREATE TABLE pgboss.queue (
      name text,
      policy text,
      retry_limit int,
      retry_delay int,
      retry_backoff bool,
      expire_seconds int,
      retention_minutes int,
      dead_letter text REFERENCES pgboss.queue (name),
      partition_name text,
      created_on timestamp with time zone not null default now(),
      updated_on timestamp with time zone not null default now(),
      PRIMARY KEY (name)
    )
  ;

    CREATE TABLE pgboss.schedule (
      name text REFERENCES pgboss.queue ON DELETE CASCADE,
      cron text not null,
      timezone text,
      data jsonb,
      options jsonb,
      created_on timestamp with time zone not null default now(),
      updated_on timestamp with time zone not null default now(),
      PRIMARY KEY (name)
    )
  ;

    CREATE TABLE pgboss.subscription (
      event text not null,
      name text not null REFERENCES pgboss.queue ON DELETE CASCADE,
      created_on timestamp with time zone not null default now(),
      updated_on timestamp with time zone not null default now(),
      PRIMARY KEY(event, name)
    )
  ;

    CREATE TABLE pgboss.job (
      id uuid not null default gen_random_uuid(),
      name text not null,
      priority integer not null default(0),
      data jsonb,
      state pgboss.job_state not null default('created'),
      retry_limit integer not null default(2),
      retry_count integer not null default(0),
      retry_delay integer not null default(0),
      retry_backoff boolean not null default false,
      start_after timestamp with time zone not null default now(),
      started_on timestamp with time zone,
      singleton_key text,
      singleton_on timestamp without time zone,
      expire_in interval not null default interval '15 minutes',
      created_on timestamp with time zone not null default now(),
      completed_on timestamp with time zone,
      keep_until timestamp with time zone NOT NULL default now() + interval '14 days',
      output jsonb,
      dead_letter text,
      policy text
    ) PARTITION BY LIST (name)
  ;
ALTER TABLE pgboss.job ADD PRIMARY KEY (name, id);
CREATE TABLE pgboss.archive (LIKE pgboss.job);
ALTER TABLE pgboss.archive ADD PRIMARY KEY (name, id);
ALTER TABLE pgboss.archive ADD archived_on timestamptz NOT NULL DEFAULT now();
CREATE INDEX archive_i1 ON pgboss.archive(archived_on);

    CREATE FUNCTION pgboss.create_queue(queue_name text, options json)
    RETURNS VOID AS
    $$
    DECLARE
      table_name varchar := 'j' || encode(sha224(queue_name::bytea), 'hex');
      queue_created_on timestamptz;
    BEGIN

      WITH q as (
      INSERT INTO pgboss.queue (
        name,
        policy,
        retry_limit,
        retry_delay,
        retry_backoff,
        expire_seconds,
        retention_minutes,
        dead_letter,
        partition_name
      )
      VALUES (
        queue_name,
        options->>'policy',
        (options->>'retryLimit')::int,
        (options->>'retryDelay')::int,
        (options->>'retryBackoff')::bool,
        (options->>'expireInSeconds')::int,
        (options->>'retentionMinutes')::int,
        options->>'deadLetter',
        table_name
      )
      ON CONFLICT DO NOTHING
      RETURNING created_on
      )
      SELECT created_on into queue_created_on from q;

      IF queue_created_on IS NULL THEN
        RETURN;
      END IF;

      EXECUTE format('CREATE TABLE pgboss.%I (LIKE pgboss.job INCLUDING DEFAULTS)', table_name);

      EXECUTE format('ALTER TABLE pgboss.%1$I ADD PRIMARY KEY (name, id)', table_name);
      EXECUTE format('ALTER TABLE pgboss.%1$I ADD CONSTRAINT q_fkey FOREIGN KEY (name) REFERENCES pgboss.queue (name) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED', table_name);
      EXECUTE format('ALTER TABLE pgboss.%1$I ADD CONSTRAINT dlq_fkey FOREIGN KEY (dead_letter) REFERENCES pgboss.queue (name) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED', table_name);
      EXECUTE format('CREATE UNIQUE INDEX %1$s_i1 ON pgboss.%1$I (name, COALESCE(singleton_key, '''')) WHERE state = ''created'' AND policy = ''short''', table_name);
      EXECUTE format('CREATE UNIQUE INDEX %1$s_i2 ON pgboss.%1$I (name, COALESCE(singleton_key, '''')) WHERE state = ''active'' AND policy = ''singleton''', table_name);
      EXECUTE format('CREATE UNIQUE INDEX %1$s_i3 ON pgboss.%1$I (name, state, COALESCE(singleton_key, '''')) WHERE state <= ''active'' AND policy = ''stately''', table_name);
      EXECUTE format('CREATE UNIQUE INDEX %1$s_i4 ON pgboss.%1$I (name, singleton_on, COALESCE(singleton_key, '''')) WHERE state <> ''cancelled'' AND singleton_on IS NOT NULL', table_name);
      EXECUTE format('CREATE INDEX %1$s_i5 ON pgboss.%1$I (name, start_after) INCLUDE (priority, created_on, id) WHERE state < ''active''', table_name);

      EXECUTE format('ALTER TABLE pgboss.%I ADD CONSTRAINT cjc CHECK (name=%L)', table_name, queue_name);
      EXECUTE format('ALTER TABLE pgboss.job ATTACH PARTITION pgboss.%I FOR VALUES IN (%L)', table_name, queue_name);
    END;
    $$
    LANGUAGE plpgsql;
  ;

    CREATE FUNCTION pgboss.delete_queue(queue_name text)
    RETURNS VOID AS
    $$
    DECLARE
      table_name varchar;
    BEGIN
      WITH deleted as (
        DELETE FROM pgboss.queue
        WHERE name = queue_name
        RETURNING partition_name
      )
      SELECT partition_name from deleted INTO table_name;

      EXECUTE format('DROP TABLE IF EXISTS pgboss.%I', table_name);
    END;
    $$
    LANGUAGE plpgsql;
  ;
INSERT INTO pgboss.version(version) VALUES ('24');

-- The one queue messages ride on: retried with back-off on transient failures, kept a week after.
SELECT pgboss.create_queue('messages', '{"policy":"standard","retryLimit":6,"retryDelay":30,"retryBackoff":true,"expireInSeconds":300,"retentionMinutes":10080}');

GRANT USAGE ON SCHEMA pgboss TO frontdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgboss TO frontdesk_app;
