-- The trash: deleted customers stay restorable for 30 days, then a purge removes them with their
-- personal data. "Forget this person" anonymises a contact or lead at once (and marks it so).
ALTER TABLE contacts ADD COLUMN forgotten_at timestamptz;
ALTER TABLE leads ADD COLUMN forgotten_at timestamptz;
CREATE INDEX contacts_trash_idx ON contacts (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX companies_trash_idx ON companies (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX leads_trash_idx ON leads (deleted_at) WHERE deleted_at IS NOT NULL;

-- A merge and a forget leave audit rows of their own.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
    CHECK (action IN ('create', 'update', 'delete', 'restore', 'merge', 'forget'));
