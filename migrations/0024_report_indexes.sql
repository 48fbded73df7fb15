-- Indexes the reports read by at scale (measured by scripts/bench-reports.sh): stage moves by
-- time, activities by author and time with their kind (counted from the index alone), customers
-- by owner and by creation, open deals by expected close.
DROP INDEX activities_author_idx;
CREATE INDEX activities_author_idx ON activities (author_id, occurred_at) INCLUDE (kind);
CREATE INDEX contacts_owner_created_idx ON contacts (owner_id, created_at) WHERE deleted_at IS NULL AND merged_into IS NULL;
CREATE INDEX companies_owner_created_idx ON companies (owner_id, created_at) WHERE deleted_at IS NULL AND merged_into IS NULL;
CREATE INDEX leads_owner_created_idx ON leads (owner_id, created_at) WHERE deleted_at IS NULL AND merged_into IS NULL;
CREATE INDEX contacts_new_idx ON contacts (created_at) INCLUDE (owner_id, source) WHERE deleted_at IS NULL AND merged_into IS NULL;
CREATE INDEX companies_new_idx ON companies (created_at) INCLUDE (owner_id, source) WHERE deleted_at IS NULL AND merged_into IS NULL;
CREATE INDEX leads_new_idx ON leads (created_at) INCLUDE (owner_id, source) WHERE deleted_at IS NULL AND merged_into IS NULL;
CREATE INDEX deals_expected_idx ON deals (expected_close_date) INCLUDE (owner_id, currency, value_minor)
    WHERE deleted_at IS NULL AND status = 'open';

-- Activities counted by author, kind and hour, kept by the transaction that writes the activity,
-- so that a year of a rep's activities is a few thousand rows to sum rather than a million. The
-- reports add the base table for the part of an hour at either end of a period (zones whose
-- midnight is not on the hour).
CREATE TABLE activity_hours (
    author_id uuid NOT NULL,
    hour      timestamptz NOT NULL,
    kind      text NOT NULL,
    n         integer NOT NULL,
    PRIMARY KEY (author_id, hour, kind)
);
INSERT INTO activity_hours
SELECT author_id, date_trunc('hour', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', kind, count(*)
  FROM activities WHERE author_id IS NOT NULL GROUP BY 1, 2, 3;

CREATE FUNCTION activities_count_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.author_id IS NOT NULL THEN
        UPDATE activity_hours SET n = n - 1
         WHERE author_id = OLD.author_id AND kind = OLD.kind
           AND hour = date_trunc('hour', OLD.occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.author_id IS NOT NULL THEN
        INSERT INTO activity_hours (author_id, hour, kind, n)
        VALUES (NEW.author_id, date_trunc('hour', NEW.occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', NEW.kind, 1)
        ON CONFLICT (author_id, hour, kind) DO UPDATE SET n = activity_hours.n + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER activities_count_hours AFTER INSERT OR DELETE OR UPDATE OF author_id, kind, occurred_at ON activities
    FOR EACH ROW EXECUTE FUNCTION activities_count_hours();

-- Each stage move also records the stay it ends: when the deal entered the stage it leaves (its
-- previous move, or its creation) and whether it was open then. The sales cycle's time per stage
-- then reads the moves of its period alone.
ALTER TABLE deal_stage_history ADD COLUMN stay_started_at timestamptz, ADD COLUMN stay_open boolean;
UPDATE deal_stage_history h
   SET stay_started_at = coalesce(p.prev_at, d.created_at), stay_open = coalesce(p.prev_status = 'open', true)
  FROM (SELECT id, lag(moved_at) OVER w AS prev_at, lag(status) OVER w AS prev_status
          FROM deal_stage_history WINDOW w AS (PARTITION BY deal_id ORDER BY moved_at, id)) p,
       deals d
 WHERE p.id = h.id AND d.id = h.deal_id;
CREATE INDEX deal_stage_history_moved_idx ON deal_stage_history (moved_at)
    INCLUDE (deal_id, from_stage, stay_started_at, stay_open);

CREATE FUNCTION deal_stage_history_stay() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    prev record;
BEGIN
    SELECT h.moved_at, h.status INTO prev FROM deal_stage_history h
     WHERE h.deal_id = NEW.deal_id ORDER BY h.moved_at DESC, h.id DESC LIMIT 1;
    IF FOUND THEN
        NEW.stay_started_at := prev.moved_at;
        NEW.stay_open := prev.status = 'open';
    ELSE
        NEW.stay_started_at := (SELECT created_at FROM deals WHERE id = NEW.deal_id);
        NEW.stay_open := true;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER deal_stage_history_stay BEFORE INSERT ON deal_stage_history
    FOR EACH ROW EXECUTE FUNCTION deal_stage_history_stay();

-- The stages each deal has ever entered, kept by the transaction that records the move: the
-- funnel counts how far deals got without reading their history.
ALTER TABLE deals ADD COLUMN reached_stages uuid[] NOT NULL DEFAULT '{}';
UPDATE deals d SET reached_stages = r.stages
  FROM (SELECT deal_id, array_agg(DISTINCT to_stage) AS stages FROM deal_stage_history
         WHERE to_stage IS NOT NULL GROUP BY 1) r
 WHERE r.deal_id = d.id;

CREATE FUNCTION deal_stage_history_reached() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE deals SET reached_stages = reached_stages || NEW.to_stage
     WHERE id = NEW.deal_id AND NEW.to_stage IS NOT NULL AND NOT (NEW.to_stage = ANY (reached_stages));
    RETURN NULL;
END $$;
CREATE TRIGGER deal_stage_history_reached AFTER INSERT ON deal_stage_history
    FOR EACH ROW EXECUTE FUNCTION deal_stage_history_reached();
