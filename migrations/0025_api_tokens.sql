-- Personal API tokens: a token acts as its user, within the grants it names. Only the secret's
-- SHA-256 is kept (a secret is 256 random bits, so a fast hash is enough); revoking sets
-- revoked_at, which every request reads, so it holds at once on every instance.
CREATE TABLE api_tokens (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    secret_hash    bytea NOT NULL UNIQUE,
    hint           text NOT NULL,
    scopes         jsonb NOT NULL,
    created_by     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    last_used_at   timestamptz,
    last_used_from text,
    revoked_at     timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC);
