-- Emails on contacts and leads are kept in Unicode NFC from now on (forms and imports normalise them);
-- bring the stored ones to that form too, in their order, a repeat dropped, so the same address typed
-- two ways is one duplicate key. Postgres normalises only in a UTF-8 database.
DO $$
BEGIN
    IF current_setting('server_encoding') = 'UTF8' THEN
        UPDATE contacts SET emails = ARRAY(
                SELECT n FROM (SELECT normalize(e, NFC) AS n, min(i) AS i
                                 FROM unnest(emails) WITH ORDINALITY AS x(e, i) GROUP BY 1) y
                 ORDER BY i)
         WHERE EXISTS (SELECT 1 FROM unnest(emails) e WHERE e IS NOT NFC NORMALIZED);
        UPDATE leads SET emails = ARRAY(
                SELECT n FROM (SELECT normalize(e, NFC) AS n, min(i) AS i
                                 FROM unnest(emails) WITH ORDINALITY AS x(e, i) GROUP BY 1) y
                 ORDER BY i)
         WHERE EXISTS (SELECT 1 FROM unnest(emails) e WHERE e IS NOT NFC NORMALIZED);
    END IF;
END $$;
