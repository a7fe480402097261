-- Patients (issue 10): a full record (sex, other phones, address, contact
-- preference and consent, alerts, notes, national and insurance ids), merges
-- that keep the merged record pointing at the survivor, and search that is
-- accent- and case-insensitive and fast on 100k patients.
--
-- No new cross-tenant path: every new column lives on "patient", already under
-- its tenant_isolation policy; the functions below are pure (no table access).

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- unaccent(text) is only STABLE (its dictionary could change), so it cannot be
-- indexed: this wrapper names the dictionary and is declared IMMUTABLE, the
-- usual way to index it. Lower case, accents off, anything not a letter or
-- digit a space, with a leading space so ' ' || token prefix-matches a word.
CREATE FUNCTION patient_search_name(name text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN ' ' || btrim(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, name)), '[^[:alnum:]]+', ' ', 'g'));

-- Every phone of a patient as digits, space-separated: '12125551003 447700900123'.
CREATE FUNCTION patient_phone_digits(phone text, other_phones text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN regexp_replace(coalesce(phone, '') || ' ' || coalesce(array_to_string(other_phones, ' '), ''), '[^0-9 ]', '', 'g');

-- An external id as typed on a card: letters and digits, upper case.
CREATE FUNCTION patient_id_key(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN nullif(upper(regexp_replace(value, '[^[:alnum:]]', '', 'g')), '');

-- Phones already stored with a country code become E.164 ('+1 212 555 1003'
-- → '+12125551003'); those without one stay as typed (the country cannot be
-- known here) and are still found by their digits.
UPDATE "patient" SET "phone" = '+' || regexp_replace("phone", '[^0-9]', '', 'g')
 WHERE "phone" ~ '^\s*\+' AND length(regexp_replace("phone", '[^0-9]', '', 'g')) BETWEEN 7 AND 15;

ALTER TABLE "patient"
  ADD COLUMN "sex" TEXT CONSTRAINT "patient_sex_check" CHECK ("sex" IN ('female', 'male', 'other', 'unknown')),
  ADD COLUMN "other_phones" TEXT[] NOT NULL DEFAULT '{}',
  ADD COLUMN "address" TEXT NOT NULL DEFAULT '',
  ADD COLUMN "preferred_contact" TEXT NOT NULL DEFAULT 'phone'
    CONSTRAINT "patient_preferred_contact_check" CHECK ("preferred_contact" IN ('phone', 'sms', 'email', 'post')),
  ADD COLUMN "consent_to_messages" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "alerts" TEXT[] NOT NULL DEFAULT '{}',
  ADD COLUMN "notes" TEXT NOT NULL DEFAULT '',
  ADD COLUMN "national_id" TEXT,
  ADD COLUMN "insurance_id" TEXT,
  ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1,
  ADD COLUMN "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  -- A merged duplicate stays (its history reads as it was) and points at the record that survived.
  ADD COLUMN "merged_into_id" UUID,
  ADD COLUMN "merged_at" TIMESTAMPTZ(3),
  ADD CONSTRAINT "patient_merged_into_fkey" FOREIGN KEY ("tenant_id", "merged_into_id") REFERENCES "patient"("tenant_id", "id"),
  ADD CONSTRAINT "patient_merged_not_self_check" CHECK ("merged_into_id" IS DISTINCT FROM "id"),
  ADD COLUMN "search_name" TEXT GENERATED ALWAYS AS (patient_search_name("name")) STORED,
  ADD COLUMN "search_phones" TEXT GENERATED ALWAYS AS (patient_phone_digits("phone", "other_phones")) STORED;

-- Name tokens (LIKE '% garc%') and similarity (%) go through one trigram index;
-- phone digits anywhere in a number (LIKE '%5551003%') through another.
CREATE INDEX "patient_search_name_trgm_idx" ON "patient" USING gin ("search_name" gin_trgm_ops);
CREATE INDEX "patient_search_phones_trgm_idx" ON "patient" USING gin ("search_phones" gin_trgm_ops);
CREATE INDEX "patient_other_phones_idx" ON "patient" USING gin ("other_phones");
CREATE INDEX "patient_dob_idx" ON "patient" ("tenant_id", "date_of_birth");
CREATE INDEX "patient_national_id_idx" ON "patient" ("tenant_id", patient_id_key("national_id"));
CREATE INDEX "patient_insurance_id_idx" ON "patient" ("tenant_id", patient_id_key("insurance_id"));
CREATE INDEX "patient_merged_into_idx" ON "patient" ("tenant_id", "merged_into_id") WHERE "merged_into_id" IS NOT NULL;
-- The duplicate check on create: same accent-free name and date of birth.
CREATE INDEX "patient_search_name_dob_idx" ON "patient" ("tenant_id", "search_name", "date_of_birth");
