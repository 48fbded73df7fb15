-- Writes a device may send twice (an offline note replayed after its answer was lost, two tabs
-- replaying one queue) carry a key made by the client. The first write with a key stores its
-- result here in the same transaction; a repeat finds the row and answers with that result.
CREATE TABLE idempotent_writes (
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key        uuid        NOT NULL,
    endpoint   text        NOT NULL CHECK (length(endpoint) <= 64),
    result     jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
-- The hourly sweep drops keys older than 30 days.
CREATE INDEX idempotent_writes_created_idx ON idempotent_writes (created_at);
