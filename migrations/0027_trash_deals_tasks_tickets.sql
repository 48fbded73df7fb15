-- Deals, tasks and tickets go to the trash as customers do: restorable for 30 days by whoever
-- may, then purged (app/src/trash). Deals and tickets already had `deleted_at`; tasks gain it,
-- with who changed them last (the trash says who deleted what).
ALTER TABLE tasks
    ADD COLUMN deleted_at timestamptz,
    ADD COLUMN updated_by uuid REFERENCES users (id),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
DROP INDEX tasks_open_by_assignee_idx;
CREATE INDEX tasks_open_by_assignee_idx ON tasks (assignee_id, due_on) WHERE done_at IS NULL AND deleted_at IS NULL;

-- The trash page and the purge find what is deleted without reading the live rows.
CREATE INDEX deals_trash_idx ON deals (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX tasks_trash_idx ON tasks (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX tickets_trash_idx ON tickets (deleted_at) WHERE deleted_at IS NOT NULL;

-- A task's deletion and restoration are audited (entity 'task'), so subscribers can hear them.
CREATE OR REPLACE FUNCTION webhook_record(kind text, rid uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    r jsonb;
BEGIN
    CASE kind
        WHEN 'contact' THEN SELECT to_jsonb(t) INTO r FROM contacts t WHERE t.id = rid;
        WHEN 'company' THEN SELECT to_jsonb(t) INTO r FROM companies t WHERE t.id = rid;
        WHEN 'lead' THEN SELECT to_jsonb(t) INTO r FROM leads t WHERE t.id = rid;
        WHEN 'deal' THEN SELECT to_jsonb(t) INTO r FROM deals t WHERE t.id = rid;
        WHEN 'ticket' THEN SELECT to_jsonb(t) INTO r FROM tickets t WHERE t.id = rid;
        WHEN 'activity' THEN SELECT to_jsonb(t) INTO r FROM activities t WHERE t.id = rid;
        WHEN 'task' THEN SELECT to_jsonb(t) INTO r FROM tasks t WHERE t.id = rid;
        ELSE RETURN NULL;
    END CASE;
    RETURN r - ARRAY['search_bigrams', 'search_doc', 'phone_keys', 'email_keys', 'rank', 'reached_stages'];
END
$$;
