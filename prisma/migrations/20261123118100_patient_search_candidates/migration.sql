-- Patient search that uses its indexes under row-level security.
--
-- LIKE, % (trigram similarity) and @> are not LEAKPROOF, so under the
-- tenant_isolation policy Postgres evaluates them only after the policy, row
-- by row: the trigram indexes of 20261123118000_patients were never used by
-- the runtime role (a phone search scanned all 100k patients). The candidate
-- ids now come from one SECURITY DEFINER function that reads the calling
-- transaction's tenant only (app_tenant_id(), never a parameter) and returns
-- ids alone; the caller reads the rows themselves under its policy.
--
-- Function that runs as its owner (listed in rls.integration.test.ts):
--   frontdesk_patient_candidates  ids of the current tenant's live patients
--                                 matching name words, phone digits, an
--                                 exact phone, an id, or a similar name

-- Each phone's digits, separated by spaces ('12125551003 447700900123'): the
-- first version kept the spaces typed inside a number.
DROP INDEX "patient_search_phones_trgm_idx";
ALTER TABLE "patient" DROP COLUMN "search_phones";
CREATE OR REPLACE FUNCTION patient_phone_digits(phone text, other_phones text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN translate(regexp_replace(array_to_string(array_prepend(phone, other_phones), '|'), '[^0-9|]', '', 'g'), '|', ' ');
ALTER TABLE "patient" ADD COLUMN "search_phones" TEXT GENERATED ALWAYS AS (patient_phone_digits("phone", "other_phones")) STORED;
CREATE INDEX "patient_search_phones_trgm_idx" ON "patient" USING gin ("search_phones" gin_trgm_ops);

CREATE FUNCTION frontdesk_patient_candidates(p_words text[], p_digits text, p_phone text, p_id_key text, p_similar text, p_limit integer)
  RETURNS TABLE (id uuid, kind text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
DECLARE
  tenant uuid := app_tenant_id();
  live text;
  words text;
  n integer := least(greatest(coalesce(p_limit, 20), 1), 400);
BEGIN
  IF tenant IS NULL THEN
    RETURN;
  END IF;
  live := format('p.tenant_id = %L AND p.merged_into_id IS NULL', tenant);
  -- Statements built with the values (format %L), so each is planned for them and the trigram indexes serve.
  IF p_phone IS NOT NULL THEN
    RETURN QUERY EXECUTE format('SELECT p.id, %L::text FROM patient p WHERE %s AND (p.phone = %L OR p.other_phones @> ARRAY[%L]) LIMIT %s',
      'phone_exact', live, p_phone, p_phone, n);
  END IF;
  IF p_id_key IS NOT NULL THEN
    RETURN QUERY EXECUTE format('SELECT p.id, %L::text FROM patient p WHERE %s AND (patient_id_key(p.national_id) = %L OR patient_id_key(p.insurance_id) = %L) LIMIT %s',
      'id', live, p_id_key, p_id_key, n);
  END IF;
  IF coalesce(length(regexp_replace(p_digits, '[^0-9]', '', 'g')), 0) >= 3 THEN
    RETURN QUERY EXECUTE format('SELECT p.id, %L::text FROM patient p WHERE %s AND p.search_phones LIKE %L LIMIT %s',
      'phone', live, '%' || regexp_replace(p_digits, '[^0-9]', '', 'g') || '%', n);
  END IF;
  SELECT string_agg(format('p.search_name LIKE %L', '% ' || w || '%'), ' AND ')
    INTO words
    FROM (SELECT regexp_replace(lower(x), '[^[:alnum:]]', '', 'g') AS w FROM unnest(p_words) x) t WHERE w <> '';
  IF words IS NOT NULL THEN
    RETURN QUERY EXECUTE format('SELECT p.id, %L::text FROM patient p WHERE %s AND %s LIMIT %s', 'name', live, words, n);
  END IF;
  IF p_similar IS NOT NULL THEN
    RETURN QUERY EXECUTE format('SELECT p.id, %L::text FROM patient p WHERE %s AND p.search_name %% %L LIMIT %s', 'similar', live, p_similar, n);
  END IF;
END
$$;
REVOKE ALL ON FUNCTION frontdesk_patient_candidates(text[], text, text, text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION frontdesk_patient_candidates(text[], text, text, text, text, integer) TO frontdesk_app;
