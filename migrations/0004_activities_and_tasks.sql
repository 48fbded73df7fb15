-- The communication history (notes, calls, meetings, emails logged by hand) and follow-up tasks.
CREATE TABLE activities (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contact_id       uuid REFERENCES contacts (id),
    company_id       uuid REFERENCES companies (id),
    kind             text NOT NULL CHECK (kind IN ('note', 'call', 'meeting', 'email')),
    subject          text CHECK (length(subject) <= 300),
    body             text CHECK (length(body) <= 20000),
    call_outcome     text CHECK (call_outcome IN ('connected', 'no_answer', 'voicemail', 'busy', 'wrong_number')),
    duration_minutes integer CHECK (duration_minutes BETWEEN 0 AND 1440),
    occurred_at      timestamptz NOT NULL DEFAULT now(),
    author_id        uuid REFERENCES users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (contact_id IS NOT NULL OR company_id IS NOT NULL)
);
CREATE INDEX activities_contact_idx ON activities (contact_id, occurred_at DESC);
CREATE INDEX activities_company_idx ON activities (company_id, occurred_at DESC);

CREATE TABLE tasks (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contact_id  uuid REFERENCES contacts (id),
    company_id  uuid REFERENCES companies (id),
    activity_id uuid REFERENCES activities (id),
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    due_on      date,
    done_at     timestamptz,
    assignee_id uuid NOT NULL REFERENCES users (id),
    created_by  uuid REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1
);
CREATE INDEX tasks_open_by_assignee_idx ON tasks (assignee_id, due_on) WHERE done_at IS NULL;
CREATE INDEX tasks_contact_idx ON tasks (contact_id, created_at DESC);
