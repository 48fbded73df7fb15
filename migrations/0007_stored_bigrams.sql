-- Bigrams are stored with each record, so a short Chinese search checks an array per row instead of
-- computing bigrams per row (which made a walk of a million rows take most of a minute).
ALTER TABLE contacts ADD COLUMN search_bigrams text[] NOT NULL DEFAULT '{}';
ALTER TABLE companies ADD COLUMN search_bigrams text[] NOT NULL DEFAULT '{}';
ALTER TABLE leads ADD COLUMN search_bigrams text[] NOT NULL DEFAULT '{}';

-- Only text with a non-ASCII character has bigrams at all.
CREATE FUNCTION keel_search_bigrams(doc text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT CASE WHEN doc ~ '[^\x01-\x7f]' THEN keel_bigrams(doc) ELSE '{}'::text[] END
$$;

CREATE OR REPLACE FUNCTION keel_contact_derive() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.email_keys := coalesce((SELECT array_agg(DISTINCT lower(trim(e))) FROM unnest(NEW.emails) e WHERE trim(e) <> ''), '{}');
    NEW.phone_keys := coalesce((SELECT array_agg(DISTINCT d) FROM (SELECT regexp_replace(p, '\D', '', 'g') AS d FROM unnest(NEW.phones) p) x WHERE d <> ''), '{}');
    IF TG_OP = 'INSERT' OR NEW.company_id IS DISTINCT FROM OLD.company_id THEN
        NEW.company_name := (SELECT name FROM companies WHERE id = NEW.company_id);
    END IF;
    NEW.search_doc := lower(concat_ws(' ', NEW.full_name, array_to_string(NEW.email_keys, ' '),
                                      array_to_string(NEW.phone_keys, ' '), NEW.company_name));
    NEW.search_bigrams := keel_search_bigrams(NEW.search_doc);
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION keel_company_derive() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.phone_keys := CASE WHEN regexp_replace(coalesce(NEW.phone, ''), '\D', '', 'g') = '' THEN '{}'
                           ELSE ARRAY[regexp_replace(NEW.phone, '\D', '', 'g')] END;
    NEW.search_doc := lower(concat_ws(' ', NEW.name,
                                      regexp_replace(coalesce(NEW.website, ''), '^(https?://)?(www\.)?', ''),
                                      array_to_string(NEW.phone_keys, ' ')));
    NEW.search_bigrams := keel_search_bigrams(NEW.search_doc);
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION keel_lead_derive() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.email_keys := coalesce((SELECT array_agg(DISTINCT lower(trim(e))) FROM unnest(NEW.emails) e WHERE trim(e) <> ''), '{}');
    NEW.phone_keys := coalesce((SELECT array_agg(DISTINCT d) FROM (SELECT regexp_replace(p, '\D', '', 'g') AS d FROM unnest(NEW.phones) p) x WHERE d <> ''), '{}');
    NEW.search_doc := lower(concat_ws(' ', NEW.full_name, array_to_string(NEW.email_keys, ' '),
                                      array_to_string(NEW.phone_keys, ' '), NEW.company_name));
    NEW.search_bigrams := keel_search_bigrams(NEW.search_doc);
    RETURN NEW;
END $$;

-- Fill the new column without running the derive triggers again.
ALTER TABLE contacts DISABLE TRIGGER contacts_derive;
UPDATE contacts SET search_bigrams = keel_bigrams(search_doc) WHERE search_doc ~ '[^\x01-\x7f]';
ALTER TABLE contacts ENABLE TRIGGER contacts_derive;
ALTER TABLE companies DISABLE TRIGGER companies_derive;
UPDATE companies SET search_bigrams = keel_bigrams(search_doc) WHERE search_doc ~ '[^\x01-\x7f]';
ALTER TABLE companies ENABLE TRIGGER companies_derive;
ALTER TABLE leads DISABLE TRIGGER leads_derive;
UPDATE leads SET search_bigrams = keel_bigrams(search_doc) WHERE search_doc ~ '[^\x01-\x7f]';
ALTER TABLE leads ENABLE TRIGGER leads_derive;

DROP INDEX contacts_search_bigrams;
DROP INDEX companies_search_bigrams;
DROP INDEX leads_search_bigrams;
CREATE INDEX contacts_search_bigrams ON contacts USING gin (search_bigrams) WHERE deleted_at IS NULL;
CREATE INDEX companies_search_bigrams ON companies USING gin (search_bigrams) WHERE deleted_at IS NULL;
CREATE INDEX leads_search_bigrams ON leads USING gin (search_bigrams) WHERE deleted_at IS NULL;
