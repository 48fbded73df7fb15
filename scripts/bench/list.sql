BEGIN;
SET LOCAL pg_trgm.word_similarity_threshold = 0.4;
SELECT r.id, r.full_name, r.title, r.emails[1] AS email, r.phones[1] AS phone, r.company_id, r.company_name, o.display_name AS owner_name, r.tags, r.source, r.created_at, r.updated_at, (lower(r.full_name))::text AS sort_key FROM contacts r LEFT JOIN users o ON o.id = r.owner_id WHERE r.deleted_at IS NULL __SEARCH__ ORDER BY lower(r.full_name) ASC, r.id ASC LIMIT 51;
SELECT count(*) FROM (SELECT 1 FROM contacts r WHERE r.deleted_at IS NULL __SEARCH__ LIMIT 10001) capped;
COMMIT;
