-- History moved by a lead's conversion belongs to the contact alone: before, the moved rows kept
-- their lead_id, so purging or forgetting the converted lead deleted or blanked the contact's history.
-- Only conversion leaves a timeline entry or task pointing at both a lead and a contact.
UPDATE activities SET lead_id = NULL WHERE lead_id IS NOT NULL AND contact_id IS NOT NULL;
UPDATE tasks SET lead_id = NULL WHERE lead_id IS NOT NULL AND contact_id IS NOT NULL;

-- An import's progress lives here, so any instance answers and a restart does not lose it:
-- started_at (claimed once), done (rows committed so far), beat_at (the running instance's
-- heartbeat; a stale one means the import died with its process), error (why it stopped).
-- An upload's content is emptied when its import ends, or after a day if it never ran.
ALTER TABLE imports ALTER COLUMN content DROP NOT NULL;
ALTER TABLE imports
    ADD COLUMN started_at timestamptz,
    ADD COLUMN done       integer NOT NULL DEFAULT 0,
    ADD COLUMN beat_at    timestamptz,
    ADD COLUMN error      jsonb;
CREATE INDEX imports_content_kept_idx ON imports (created_at) WHERE content IS NOT NULL;
-- Files kept so far: gone once imported, or a day after the upload.
UPDATE imports SET content = NULL WHERE finished_at IS NOT NULL OR created_at < now() - interval '1 day';
