-- Sign-in throttling counts attempts, not failures, before any password work: one row per account
-- and one per client address, keyed by a SHA-256 of the key so the table never holds the emails or
-- addresses people typed. Rows older than the window are purged by the hourly sweeper.
DROP TABLE login_throttle;

CREATE TABLE sign_in_attempts (
    key_hash        bytea PRIMARY KEY CHECK (length(key_hash) = 32),
    attempts        integer NOT NULL CHECK (attempts >= 0),
    last_attempt_at timestamptz NOT NULL,
    next_allowed_at timestamptz NOT NULL
);
CREATE INDEX sign_in_attempts_last_attempt_idx ON sign_in_attempts (last_attempt_at);

-- User emails are compared in Unicode NFC from now on; bring stored ones to that form (when the
-- database is UTF-8, the only encoding in which Postgres normalises), unless that would collide
-- with another account.
DO $$
BEGIN
    IF current_setting('server_encoding') = 'UTF8' THEN
        UPDATE users u SET email = normalize(u.email, NFC), updated_at = now()
         WHERE u.email IS NOT NFC NORMALIZED
           AND NOT EXISTS (SELECT 1 FROM users o
                            WHERE o.id <> u.id AND lower(o.email) = lower(normalize(u.email, NFC)));
    END IF;
END $$;
