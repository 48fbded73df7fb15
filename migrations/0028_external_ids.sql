-- The ids records had in the system they were imported from, per source (the product whose export
-- it was): importing the same export again updates instead of duplicating, and the files of one
-- system link to each other's records (contacts to their companies, notes to their deals).
CREATE TABLE external_ids (
    source      text NOT NULL CHECK (length(source) BETWEEN 1 AND 40),
    entity      text NOT NULL CHECK (entity IN ('contact', 'company', 'lead', 'deal', 'activity')),
    external_id text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
    record_id   uuid NOT NULL,
    PRIMARY KEY (source, entity, external_id)
);
CREATE INDEX external_ids_record_idx ON external_ids (record_id);

-- Which product an upload's headers looked like; a workbook's sheets and the one read (the
-- workbook kept, like the text, until the import ends or a day passes).
ALTER TABLE imports
    ADD COLUMN shape    text NOT NULL DEFAULT 'spreadsheet',
    ADD COLUMN sheets   text[] NOT NULL DEFAULT '{}',
    ADD COLUMN sheet    text NOT NULL DEFAULT '',
    ADD COLUMN workbook bytea;
