-- A merged-away record stays deleted and remembers the record it was merged into: it is not in the
-- trash (its timeline, tasks and deals now belong to the other record), and the purge removes it.
-- No foreign key: the record it points at may itself be merged or purged later.
ALTER TABLE contacts ADD COLUMN merged_into uuid;
ALTER TABLE companies ADD COLUMN merged_into uuid;
ALTER TABLE leads ADD COLUMN merged_into uuid;
