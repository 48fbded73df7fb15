-- Companies widened to the full customer model, leads (unqualified prospects) with conversion links,
-- history on leads, and saved list views per user.
ALTER TABLE companies
    ADD COLUMN size        text CHECK (size IN ('1-10', '11-50', '51-200', '201-1000', '1000+')),
    ADD COLUMN address     text,
    ADD COLUMN tags        text[] NOT NULL DEFAULT '{}',
    ADD COLUMN source      text,
    ADD COLUMN notes       text,
    ADD COLUMN phone_keys  text[] NOT NULL DEFAULT '{}',
    ADD COLUMN search_doc  text NOT NULL DEFAULT '',
    ADD COLUMN created_by  uuid REFERENCES users (id),
    ADD COLUMN updated_by  uuid REFERENCES users (id);

-- Search document: name, website host, phone digits; derived in the database for every writer.
CREATE FUNCTION keel_company_derive() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.phone_keys := CASE WHEN regexp_replace(coalesce(NEW.phone, ''), '\D', '', 'g') = '' THEN '{}'
                           ELSE ARRAY[regexp_replace(NEW.phone, '\D', '', 'g')] END;
    NEW.search_doc := lower(concat_ws(' ', NEW.name,
                                      regexp_replace(coalesce(NEW.website, ''), '^(https?://)?(www\.)?', ''),
                                      array_to_string(NEW.phone_keys, ' ')));
    RETURN NEW;
END $$;
CREATE TRIGGER companies_derive BEFORE INSERT OR UPDATE ON companies
    FOR EACH ROW EXECUTE FUNCTION keel_company_derive();
UPDATE companies SET name = name;

CREATE INDEX companies_search_trgm ON companies USING gin (search_doc gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX companies_search_bigrams ON companies USING gin (keel_bigrams(search_doc)) WHERE deleted_at IS NULL;
CREATE INDEX companies_phone_keys ON companies USING gin (phone_keys) WHERE deleted_at IS NULL;
CREATE INDEX companies_tags ON companies USING gin (tags) WHERE deleted_at IS NULL;
CREATE INDEX companies_name_sort ON companies (lower(name), id) WHERE deleted_at IS NULL;
CREATE INDEX companies_created_sort ON companies (created_at, id) WHERE deleted_at IS NULL;

CREATE TABLE leads (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    full_name    text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 300),
    title        text,
    company_name text,
    emails       text[] NOT NULL DEFAULT '{}',
    phones       text[] NOT NULL DEFAULT '{}',
    email_keys   text[] NOT NULL DEFAULT '{}',
    phone_keys   text[] NOT NULL DEFAULT '{}',
    tags         text[] NOT NULL DEFAULT '{}',
    source       text,
    status       text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'working', 'qualified', 'disqualified')),
    notes        text,
    search_doc   text NOT NULL DEFAULT '',
    owner_id     uuid REFERENCES users (id),
    created_by   uuid REFERENCES users (id),
    updated_by   uuid REFERENCES users (id),
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    deleted_at   timestamptz,
    -- Set when the lead is converted: what it became.
    converted_at         timestamptz,
    converted_contact_id uuid REFERENCES contacts (id),
    converted_company_id uuid REFERENCES companies (id),
    converted_deal_id    uuid REFERENCES deals (id)
);

CREATE FUNCTION keel_lead_derive() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.email_keys := coalesce((SELECT array_agg(DISTINCT lower(trim(e))) FROM unnest(NEW.emails) e WHERE trim(e) <> ''), '{}');
    NEW.phone_keys := coalesce((SELECT array_agg(DISTINCT d) FROM (SELECT regexp_replace(p, '\D', '', 'g') AS d FROM unnest(NEW.phones) p) x WHERE d <> ''), '{}');
    NEW.search_doc := lower(concat_ws(' ', NEW.full_name, array_to_string(NEW.email_keys, ' '),
                                      array_to_string(NEW.phone_keys, ' '), NEW.company_name));
    RETURN NEW;
END $$;
CREATE TRIGGER leads_derive BEFORE INSERT OR UPDATE ON leads
    FOR EACH ROW EXECUTE FUNCTION keel_lead_derive();

CREATE INDEX leads_search_trgm ON leads USING gin (search_doc gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX leads_search_bigrams ON leads USING gin (keel_bigrams(search_doc)) WHERE deleted_at IS NULL;
CREATE INDEX leads_email_keys ON leads USING gin (email_keys) WHERE deleted_at IS NULL;
CREATE INDEX leads_phone_keys ON leads USING gin (phone_keys) WHERE deleted_at IS NULL;
CREATE INDEX leads_tags ON leads USING gin (tags) WHERE deleted_at IS NULL;
CREATE INDEX leads_name_sort ON leads (lower(full_name), id) WHERE deleted_at IS NULL;
CREATE INDEX leads_created_sort ON leads (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX leads_owner_idx ON leads (owner_id);

-- Leads keep a history too; it moves to the contact on conversion.
ALTER TABLE activities ADD COLUMN lead_id uuid REFERENCES leads (id);
ALTER TABLE activities DROP CONSTRAINT activities_check;
ALTER TABLE activities ADD CONSTRAINT activities_about_check
    CHECK (contact_id IS NOT NULL OR company_id IS NOT NULL OR lead_id IS NOT NULL);
CREATE INDEX activities_lead_idx ON activities (lead_id, occurred_at DESC);
ALTER TABLE tasks ADD COLUMN lead_id uuid REFERENCES leads (id);
CREATE INDEX tasks_lead_idx ON tasks (lead_id, created_at DESC);
CREATE INDEX tasks_company_idx ON tasks (company_id, created_at DESC);

-- A list view a user saved: which list and its URL query (search, filters, sort, columns).
CREATE TABLE saved_views (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    list       text NOT NULL CHECK (list IN ('contacts', 'companies', 'leads')),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    query      text NOT NULL CHECK (length(query) <= 2000),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, list, name)
);
