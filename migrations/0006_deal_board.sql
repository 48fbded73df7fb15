-- The deal board: fractional ranks within a stage (text keys compared byte-wise), probability
-- overrides, won/lost with a reason, a stage history per move, deal contacts, tasks on deals.
ALTER TABLE deals
    ADD COLUMN rank        text COLLATE "C",
    ADD COLUMN probability smallint CHECK (probability BETWEEN 0 AND 100),
    ADD COLUMN lost_reason text CHECK (length(lost_reason) <= 500),
    ADD COLUMN closed_at   timestamptz,
    ADD COLUMN created_by  uuid REFERENCES users (id),
    ADD COLUMN updated_by  uuid REFERENCES users (id);

-- Existing deals keep their order: eight digits and a final 'V' (a key never ends in '0').
UPDATE deals d SET rank = lpad(o.n::text, 8, '0') || 'V'
  FROM (SELECT id, row_number() OVER (PARTITION BY stage_id ORDER BY position, created_at, id) AS n FROM deals) o
 WHERE o.id = d.id;
ALTER TABLE deals ALTER COLUMN rank SET NOT NULL, DROP COLUMN position;
DROP INDEX IF EXISTS deals_stage_idx;
CREATE INDEX deals_board_idx ON deals (stage_id, rank, id) WHERE deleted_at IS NULL AND status = 'open';
CREATE INDEX deals_company_idx ON deals (company_id);

CREATE TABLE deal_contacts (
    deal_id    uuid NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (deal_id, contact_id)
);
CREATE INDEX deal_contacts_contact_idx ON deal_contacts (contact_id);

CREATE TABLE deal_stage_history (
    id         bigserial PRIMARY KEY,
    deal_id    uuid NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    from_stage uuid REFERENCES stages (id),
    to_stage   uuid REFERENCES stages (id),
    status     text NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    moved_by   uuid REFERENCES users (id),
    moved_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deal_stage_history_deal_idx ON deal_stage_history (deal_id, moved_at DESC);

ALTER TABLE tasks ADD COLUMN deal_id uuid REFERENCES deals (id);
CREATE INDEX tasks_deal_open_idx ON tasks (deal_id, due_on) WHERE done_at IS NULL;
