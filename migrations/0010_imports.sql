-- Uploaded CSV files waiting to be imported (decoded to text), and each import's outcome.
CREATE TABLE imports (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id),
    kind        text NOT NULL,
    file_name   text NOT NULL,
    encoding    text NOT NULL,
    content     text NOT NULL,
    rows        integer NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    result      jsonb
);
CREATE INDEX imports_user_idx ON imports (user_id, created_at DESC);
