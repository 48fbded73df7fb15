-- Deals keep a communication history of their own: notes, calls, meetings and emails logged on the
-- deal page (tasks on deals exist since 0006).
ALTER TABLE activities ADD COLUMN deal_id uuid REFERENCES deals (id);
ALTER TABLE activities DROP CONSTRAINT activities_about_check;
ALTER TABLE activities ADD CONSTRAINT activities_about_check
    CHECK (contact_id IS NOT NULL OR company_id IS NOT NULL OR lead_id IS NOT NULL OR deal_id IS NOT NULL);
CREATE INDEX activities_deal_idx ON activities (deal_id, occurred_at DESC) WHERE deal_id IS NOT NULL;
CREATE INDEX tasks_deal_idx ON tasks (deal_id, created_at DESC) WHERE deal_id IS NOT NULL;
