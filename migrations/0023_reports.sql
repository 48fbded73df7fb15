-- Reports and dashboards: each user's time zone (which decides the day, week and month a deal was
-- won in), sales targets per user or team with twelve monthly figures, and the indexes the
-- reports read by (deals by close and creation time, activities by author and time).
ALTER TABLE users ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC' CHECK (length(time_zone) BETWEEN 1 AND 64);

-- A yearly target of won deal value in one currency, for one user or one team, as twelve monthly
-- figures in minor units.
CREATE TABLE sales_targets (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid REFERENCES users (id) ON DELETE CASCADE,
    team       text CHECK (length(team) BETWEEN 1 AND 100),
    year       integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    currency   char(3) NOT NULL,
    months     bigint[] NOT NULL CHECK (cardinality(months) = 12 AND 0 <= ALL (months)),
    version    integer NOT NULL DEFAULT 1,
    updated_by uuid REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((user_id IS NULL) <> (team IS NULL))
);
CREATE UNIQUE INDEX sales_targets_user_key ON sales_targets (user_id, year, currency) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX sales_targets_team_key ON sales_targets (team, year, currency) WHERE team IS NOT NULL;

CREATE INDEX deals_closed_idx ON deals (closed_at) INCLUDE (owner_id, status, value_minor, currency)
    WHERE deleted_at IS NULL AND status <> 'open';
CREATE INDEX deals_created_idx ON deals (created_at) WHERE deleted_at IS NULL;
CREATE INDEX activities_author_idx ON activities (author_id, occurred_at);

-- When a company (or one of its contacts) was last contacted: kept by the same transaction that
-- logs the activity, so "customers not contacted in N days" reads one column, not the timeline.
ALTER TABLE companies ADD COLUMN last_contacted_at timestamptz;
ALTER TABLE companies DISABLE TRIGGER companies_derive;
UPDATE companies c SET last_contacted_at = a.at
  FROM (SELECT coalesce(a.company_id, ct.company_id) AS company_id, max(a.occurred_at) AS at
          FROM activities a LEFT JOIN contacts ct ON ct.id = a.contact_id
         GROUP BY 1) a
 WHERE a.company_id = c.id;
ALTER TABLE companies ENABLE TRIGGER companies_derive;
CREATE INDEX companies_contacted_idx ON companies (owner_id, last_contacted_at) WHERE deleted_at IS NULL AND merged_into IS NULL;

CREATE FUNCTION activities_touch_company() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE companies c SET last_contacted_at = NEW.occurred_at
     WHERE c.id IN (NEW.company_id, (SELECT ct.company_id FROM contacts ct WHERE ct.id = NEW.contact_id))
       AND (c.last_contacted_at IS NULL OR c.last_contacted_at < NEW.occurred_at);
    RETURN NULL;
END $$;
CREATE TRIGGER activities_touch_company AFTER INSERT OR UPDATE OF occurred_at ON activities
    FOR EACH ROW EXECUTE FUNCTION activities_touch_company();
