-- Pipelines and their stages are edited in Settings; every change to a pipeline's stages bumps
-- its version, so two administrators editing at once get a conflict instead of a silent overwrite.
ALTER TABLE pipelines ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE pipelines ADD COLUMN archived_at timestamptz;
