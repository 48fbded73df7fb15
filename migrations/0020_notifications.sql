-- In-app notifications: what a user is told of (a ticket given to them, a breach on their ticket,
-- a reply on it, an @mention of them in a note), each linking to its record, read or unread.
CREATE TABLE notifications (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('assigned', 'breach', 'reply', 'mention')),
    -- What it is about, as the user saw it then ("#1042 Printer jam", a note's first words).
    title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    link       text NOT NULL CHECK (link LIKE '/%' AND length(link) <= 200),
    ticket_id  uuid REFERENCES tickets (id) ON DELETE CASCADE,
    actor_id   uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);
CREATE INDEX notifications_of_user ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- The due time a breach was last raised for, so that each due time breaches once (a new target
-- after a reply, or a clock moved by a pause, may breach again). The breach scan walks the
-- assigned running tickets not yet raised for their due time, by due time.
ALTER TABLE tickets ADD COLUMN breach_noted_at timestamptz;
CREATE INDEX tickets_breach_scan ON tickets (due_at)
    WHERE deleted_at IS NULL AND status NOT IN ('resolved', 'closed') AND assignee_id IS NOT NULL
      AND due_at IS NOT NULL AND breach_noted_at IS DISTINCT FROM due_at;
