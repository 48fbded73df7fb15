-- The service desk: SLA policies, tickets with their service clocks, and each ticket's conversation.

-- Targets are business minutes per priority, counted in the policy's service hours: `hours` holds
-- seven entries, Monday first, each null (closed) or [start, end] in minutes since local midnight.
CREATE TABLE sla_policies (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    zone            text NOT NULL DEFAULT 'Asia/Shanghai' CHECK (length(zone) BETWEEN 1 AND 64),
    hours           jsonb NOT NULL CHECK (jsonb_typeof(hours) = 'array' AND jsonb_array_length(hours) = 7),
    holidays        date[] NOT NULL DEFAULT '{}',
    urgent_first    integer NOT NULL CHECK (urgent_first > 0),
    urgent_resolve  integer NOT NULL CHECK (urgent_resolve > 0),
    high_first      integer NOT NULL CHECK (high_first > 0),
    high_resolve    integer NOT NULL CHECK (high_resolve > 0),
    normal_first    integer NOT NULL CHECK (normal_first > 0),
    normal_resolve  integer NOT NULL CHECK (normal_resolve > 0),
    low_first       integer NOT NULL CHECK (low_first > 0),
    low_resolve     integer NOT NULL CHECK (low_resolve > 0),
    -- Statuses in which the clock waits.
    pause_statuses  text[] NOT NULL DEFAULT '{waiting_customer,waiting_third_party}',
    -- The policy applies to tickets of this channel and/or whose company carries this tag; the
    -- first matching policy by position wins, and one without conditions matches every ticket.
    match_channel   text,
    match_tag       text,
    position        integer NOT NULL DEFAULT 0,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- frappe/helpdesk's defaults: Monday to Friday 10:00–18:00; urgent 30 min / 2 h, high 1 h / 4 h,
-- normal 8 h / 24 h, low 24 h / 72 h.
INSERT INTO sla_policies (name, hours, urgent_first, urgent_resolve, high_first, high_resolve,
                          normal_first, normal_resolve, low_first, low_resolve, position)
VALUES ('Standard', '[[600,1080],[600,1080],[600,1080],[600,1080],[600,1080],null,null]',
        30, 120, 60, 240, 480, 1440, 1440, 4320, 1000);

CREATE SEQUENCE ticket_numbers START 1001;

CREATE TABLE tickets (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    number                 bigint NOT NULL UNIQUE DEFAULT nextval('ticket_numbers'),
    subject                text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
    description            text CHECK (length(description) <= 20000),
    contact_id             uuid REFERENCES contacts (id),
    company_id             uuid REFERENCES companies (id),
    deal_id                uuid REFERENCES deals (id),
    channel                text NOT NULL CHECK (channel IN ('phone', 'email', 'web', 'walk_in', 'chat')),
    kind                   text NOT NULL DEFAULT 'question' CHECK (kind IN ('question', 'incident', 'problem', 'request')),
    priority               text NOT NULL DEFAULT 'normal' CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
    status                 text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'open', 'waiting_customer', 'waiting_third_party', 'resolved', 'closed')),
    team                   text CHECK (length(team) <= 100),
    assignee_id            uuid REFERENCES users (id),
    tags                   text[] NOT NULL DEFAULT '{}',
    sla_policy_id          uuid REFERENCES sla_policies (id),
    -- The service clock (app/src/tickets/sla.rs): business seconds used before `clock_since`, and
    -- since when it runs (null while the ticket waits or once it is resolved).
    clock_used             bigint NOT NULL DEFAULT 0,
    clock_since            timestamptz,
    first_response_due_at  timestamptz,
    resolution_due_at      timestamptz,
    first_responded_at     timestamptz,
    resolved_at            timestamptz,
    -- What the queues sort by: the next target still to meet.
    due_at                 timestamptz GENERATED ALWAYS AS (
                               CASE WHEN first_responded_at IS NULL
                                    THEN least(first_response_due_at, resolution_due_at)
                                    ELSE resolution_due_at END) STORED,
    created_by             uuid REFERENCES users (id),
    updated_by             uuid REFERENCES users (id),
    version                integer NOT NULL DEFAULT 1,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    deleted_at             timestamptz
);

-- The queues walk open tickets by due time (then number); waiting, resolved and closed ones by number.
CREATE INDEX tickets_active_due ON tickets ((coalesce(due_at, 'infinity'::timestamptz)), number)
    WHERE deleted_at IS NULL AND status NOT IN ('resolved', 'closed');
CREATE INDEX tickets_assignee_due ON tickets (assignee_id, (coalesce(due_at, 'infinity'::timestamptz)), number)
    WHERE deleted_at IS NULL AND status NOT IN ('resolved', 'closed');
CREATE INDEX tickets_team_due ON tickets (team, (coalesce(due_at, 'infinity'::timestamptz)), number)
    WHERE deleted_at IS NULL AND status NOT IN ('resolved', 'closed');
CREATE INDEX tickets_number_desc ON tickets (number DESC) WHERE deleted_at IS NULL;
CREATE INDEX tickets_waiting ON tickets (number)
    WHERE deleted_at IS NULL AND status IN ('waiting_customer', 'waiting_third_party');
CREATE INDEX tickets_contact ON tickets (contact_id, number DESC) WHERE contact_id IS NOT NULL;
CREATE INDEX tickets_company ON tickets (company_id, number DESC) WHERE company_id IS NOT NULL;

-- The conversation: public replies to the customer, internal notes, and the customer's own words.
CREATE TABLE ticket_messages (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    ticket_id  uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('reply', 'note', 'customer')),
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    author_id  uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, created_at, id);

-- How each team's new tickets find an agent: by hand, in turn among the team's agents who are
-- present (signed in within the last half hour), or to the present agent with the fewest open
-- tickets. `last_agent` is where the turn stands.
CREATE TABLE desk_teams (
    team       text PRIMARY KEY CHECK (length(team) BETWEEN 1 AND 100),
    rule       text NOT NULL DEFAULT 'manual' CHECK (rule IN ('manual', 'round_robin', 'least_busy')),
    last_agent uuid REFERENCES users (id),
    version    integer NOT NULL DEFAULT 1
);
