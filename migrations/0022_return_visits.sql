-- Return visits (回访): a follow-up call, N days after a ticket is resolved or a deal won, in the
-- assignee's tasks; done with the call's outcome and the customer's satisfaction (1 to 5).
ALTER TABLE tasks
    ADD COLUMN kind text NOT NULL DEFAULT 'task' CHECK (kind IN ('task', 'return_visit')),
    ADD COLUMN ticket_id uuid REFERENCES tickets (id) ON DELETE CASCADE,
    ADD COLUMN outcome text CHECK (outcome IN ('connected', 'no_answer', 'voicemail', 'busy', 'wrong_number')),
    ADD COLUMN satisfaction smallint CHECK (satisfaction BETWEEN 1 AND 5);
-- One open return visit per ticket and per deal: resolving a ticket again does not pile them up.
CREATE UNIQUE INDEX tasks_open_visit_ticket ON tasks (ticket_id) WHERE kind = 'return_visit' AND done_at IS NULL AND ticket_id IS NOT NULL;
CREATE UNIQUE INDEX tasks_open_visit_deal ON tasks (deal_id) WHERE kind = 'return_visit' AND done_at IS NULL AND deal_id IS NOT NULL;

-- The desk's options: days from resolution (or a won deal) to the return visit; 0 for none.
CREATE TABLE desk_options (
    id                boolean PRIMARY KEY DEFAULT true CHECK (id),
    return_visit_days integer NOT NULL DEFAULT 7 CHECK (return_visit_days BETWEEN 0 AND 365),
    version           integer NOT NULL DEFAULT 1
);
INSERT INTO desk_options DEFAULT VALUES;
