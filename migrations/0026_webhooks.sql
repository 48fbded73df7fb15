-- Webhooks. An administrator subscribes a URL to events ("contact.created", "deal.*", "*.*").
-- The events come from the audit trail and the activities: triggers write each one to the outbox
-- (webhook_events), with a delivery per subscription that wants it, in the transaction of the
-- change itself, so a crash never loses an event nor sends one for a change that rolled back.
-- A worker on any instance claims due deliveries with FOR UPDATE SKIP LOCKED.
CREATE TABLE webhooks (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    url           text NOT NULL CHECK (char_length(url) BETWEEN 1 AND 2000),
    events        text[] NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 50),
    -- Signs every delivery (HMAC-SHA256); kept as it is, since signing needs it.
    secret        text NOT NULL,
    -- An administrator's choice: a private, loopback or link-local address may be called.
    allow_private boolean NOT NULL DEFAULT false,
    owner_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- When deliveries started failing without a success since; 24 h of it pauses the webhook.
    failing_since timestamptz,
    paused_at     timestamptz,
    version       integer NOT NULL DEFAULT 1
);

CREATE TABLE webhook_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event       text NOT NULL,
    entity      text NOT NULL,
    record_id   uuid NOT NULL,
    actor_id    uuid,
    -- The record as the change left it, and the changed fields' values before it.
    data        jsonb,
    previous    jsonb,
    occurred_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id      uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id        bigint NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    record_id       uuid NOT NULL,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    -- Retries run for 24 h from here (the event, or the replay).
    since           timestamptz NOT NULL DEFAULT now(),
    next_at         timestamptz NOT NULL DEFAULT now(),
    last_at         timestamptz,
    last_status     integer,
    last_latency_ms integer,
    last_error      text,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at) WHERE state = 'pending';
-- A record's events go out in order: a delivery waits for its subscription's earlier pending
-- ones about the same record.
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (webhook_id, record_id, event_id)
    WHERE state = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id DESC);
CREATE INDEX webhook_events_old ON webhook_events (occurred_at);

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('assigned', 'breach', 'reply', 'mention', 'webhook_paused'));

-- Whether a subscription's list of events takes this one.
CREATE FUNCTION webhook_wants(events text[], event text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT event = ANY (events) OR '*.*' = ANY (events) OR split_part(event, '.', 1) || '.*' = ANY (events)
$$;

-- The event an audit row stands for.
CREATE FUNCTION webhook_event_name(entity text, action text, changes jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT entity || '.' || CASE
        WHEN action = 'create' THEN 'created'
        WHEN action = 'delete' THEN 'deleted'
        WHEN action = 'restore' THEN 'restored'
        WHEN action = 'merge' THEN 'merged'
        WHEN action = 'forget' THEN 'forgotten'
        WHEN action = 'logged' THEN 'logged'
        WHEN entity = 'deal' AND changes -> 'status' ->> 'new' = 'won' THEN 'won'
        WHEN entity = 'deal' AND changes -> 'status' ->> 'new' = 'lost' THEN 'lost'
        WHEN entity = 'deal' AND changes ? 'stage' THEN 'stage_changed'
        ELSE 'updated' END
$$;

-- A record as a subscriber sees it: its row without the search machinery.
CREATE FUNCTION webhook_record(kind text, rid uuid) RETURNS jsonb
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
        ELSE RETURN NULL;
    END CASE;
    RETURN r - ARRAY['search_bigrams', 'search_doc', 'phone_keys', 'email_keys', 'rank', 'reached_stages'];
END
$$;

-- Writes the events of the rows a statement added to the outbox, with their deliveries. Nothing
-- is written while no subscription wants an event.
CREATE FUNCTION webhook_outbox(added jsonb) RETURNS void
LANGUAGE sql AS $$
    WITH ev AS (
        SELECT e.*, webhook_event_name(e.entity, e.action, e.changes) AS event
          FROM jsonb_to_recordset(added) AS e(seq bigint, entity text, entity_id uuid, actor_id uuid, action text, changes jsonb)
    ), kept AS (
        INSERT INTO webhook_events (event, entity, record_id, actor_id, data, previous)
        SELECT ev.event, ev.entity, ev.entity_id, ev.actor_id, webhook_record(ev.entity, ev.entity_id),
               CASE WHEN ev.action = 'update' THEN
                   (SELECT jsonb_object_agg(c.key, c.value -> 'old') FROM jsonb_each(ev.changes) c) END
          FROM ev
         WHERE EXISTS (SELECT 1 FROM webhooks w WHERE webhook_wants(w.events, ev.event))
         ORDER BY ev.seq
        RETURNING id, event, record_id
    )
    INSERT INTO webhook_deliveries (webhook_id, event_id, record_id)
    SELECT w.id, kept.id, kept.record_id FROM kept JOIN webhooks w ON webhook_wants(w.events, kept.event)
$$;

CREATE FUNCTION webhook_from_audit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM webhooks) THEN
        PERFORM webhook_outbox((SELECT jsonb_agg(jsonb_build_object(
                'seq', a.id, 'entity', a.entity, 'entity_id', a.entity_id, 'actor_id', a.actor_id,
                'action', a.action, 'changes', a.changes))
            FROM added a WHERE a.entity IN ('contact', 'company', 'lead', 'deal', 'ticket')));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER audit_log_webhooks AFTER INSERT ON audit_log
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION webhook_from_audit();

CREATE FUNCTION webhook_from_activities() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM webhooks) THEN
        PERFORM webhook_outbox((SELECT jsonb_agg(jsonb_build_object(
                'seq', 0, 'entity', 'activity', 'entity_id', a.id, 'actor_id', a.author_id,
                'action', 'logged', 'changes', '{}'::jsonb))
            FROM added a));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER activities_webhooks AFTER INSERT ON activities
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION webhook_from_activities();
