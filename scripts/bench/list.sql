BEGIN;
SET LOCAL enable_seqscan = __COUNTSCAN__;
SELECT count(*) FROM (SELECT 1 FROM contacts r WHERE r.deleted_at IS NULL __SEARCH__ LIMIT __LIMIT__) capped;
SET LOCAL enable_seqscan = on;
SET LOCAL __PLAN__;
SELECT r.id, r.full_name, r.title, r.emails[1] AS email, r.phones[1] AS phone, r.company_id, r.company_name, o.display_name AS owner_name, r.tags, r.source, r.created_at, r.updated_at, (__ORDER__)::text AS sort_key FROM contacts r LEFT JOIN users o ON o.id = r.owner_id WHERE r.deleted_at IS NULL __SEARCH__ ORDER BY __ORDER__ __DIR__, r.id __DIR__ LIMIT 51;
COMMIT;
