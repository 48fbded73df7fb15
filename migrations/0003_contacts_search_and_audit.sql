-- Contacts with several emails and phones, normalised keys for search and duplicate detection,
-- tags, source, birthday, address; an audit trail of every change; search indexes that also work
-- for two-character Chinese names (pg_trgm needs three characters, so names also get bigrams).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Lower-cased two-character pieces of a text that hold a non-ASCII character (CJK names and
-- companies), for substring search on terms too short for trigrams.
CREATE FUNCTION keel_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT coalesce(array_agg(DISTINCT b), '{}')
      FROM (SELECT substr(lower(t), i, 2) AS b
              FROM generate_series(1, char_length(t) - 1) AS i) pieces
     WHERE b !~ '\s' AND b ~ '[^\x01-\x7f]' AND char_length(b) = 2
$$;

ALTER TABLE contacts
    ADD COLUMN emails      text[] NOT NULL DEFAULT '{}',
    ADD COLUMN phones      text[] NOT NULL DEFAULT '{}',
    ADD COLUMN email_keys  text[] NOT NULL DEFAULT '{}',
    ADD COLUMN phone_keys  text[] NOT NULL DEFAULT '{}',
    ADD COLUMN tags        text[] NOT NULL DEFAULT '{}',
    ADD COLUMN source      text,
    ADD COLUMN birthday    date,
    ADD COLUMN address     text,
    ADD COLUMN notes       text,
    ADD COLUMN company_name text,
    ADD COLUMN search_doc  text NOT NULL DEFAULT '',
    ADD COLUMN created_by  uuid REFERENCES users (id),
    ADD COLUMN updated_by  uuid REFERENCES users (id);

UPDATE contacts c SET
    emails = CASE WHEN email IS NULL THEN '{}' ELSE ARRAY[email] END,
    phones = CASE WHEN phone IS NULL THEN '{}' ELSE ARRAY[phone] END,
    email_keys = CASE WHEN email IS NULL THEN '{}' ELSE ARRAY[lower(email)] END,
    phone_keys = CASE WHEN phone IS NULL THEN '{}' ELSE ARRAY[regexp_replace(phone, '\D', '', 'g')] END,
    company_name = (SELECT name FROM companies WHERE id = c.company_id);
UPDATE contacts SET search_doc = lower(concat_ws(' ', full_name, array_to_string(email_keys, ' '),
                                                 array_to_string(phone_keys, ' '), company_name));
ALTER TABLE contacts DROP COLUMN email, DROP COLUMN phone;

CREATE INDEX contacts_search_trgm ON contacts USING gin (search_doc gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX contacts_search_bigrams ON contacts USING gin (keel_bigrams(search_doc)) WHERE deleted_at IS NULL;
CREATE INDEX contacts_email_keys ON contacts USING gin (email_keys) WHERE deleted_at IS NULL;
CREATE INDEX contacts_phone_keys ON contacts USING gin (phone_keys) WHERE deleted_at IS NULL;
CREATE INDEX contacts_tags ON contacts USING gin (tags) WHERE deleted_at IS NULL;
CREATE INDEX contacts_name_sort ON contacts (lower(full_name), id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_created_sort ON contacts (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_updated_sort ON contacts (updated_at, id) WHERE deleted_at IS NULL;

CREATE INDEX users_team_idx ON users (team);

-- One row per change to a customer-facing record, written in the same transaction as the change.
CREATE TABLE audit_log (
    id        bigserial PRIMARY KEY,
    entity    text NOT NULL,
    entity_id uuid NOT NULL,
    actor_id  uuid REFERENCES users (id),
    at        timestamptz NOT NULL DEFAULT now(),
    action    text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore')),
    -- {"field": {"old": …, "new": …}, …}
    changes   jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC);

-- Normalised keys and the search document are derived in the database, so every writer (the app,
-- COPY-based bulk loads, imports) keeps them right.
CREATE FUNCTION keel_contact_derive() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.email_keys := coalesce((SELECT array_agg(DISTINCT lower(trim(e))) FROM unnest(NEW.emails) e WHERE trim(e) <> ''), '{}');
    NEW.phone_keys := coalesce((SELECT array_agg(DISTINCT d) FROM (SELECT regexp_replace(p, '\D', '', 'g') AS d FROM unnest(NEW.phones) p) x WHERE d <> ''), '{}');
    IF TG_OP = 'INSERT' OR NEW.company_id IS DISTINCT FROM OLD.company_id THEN
        NEW.company_name := (SELECT name FROM companies WHERE id = NEW.company_id);
    END IF;
    NEW.search_doc := lower(concat_ws(' ', NEW.full_name, array_to_string(NEW.email_keys, ' '),
                                      array_to_string(NEW.phone_keys, ' '), NEW.company_name));
    RETURN NEW;
END $$;
CREATE TRIGGER contacts_derive BEFORE INSERT OR UPDATE ON contacts
    FOR EACH ROW EXECUTE FUNCTION keel_contact_derive();

CREATE FUNCTION keel_company_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE contacts SET company_name = NEW.name, company_id = company_id WHERE company_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER companies_renamed AFTER UPDATE OF name ON companies
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION keel_company_renamed();
