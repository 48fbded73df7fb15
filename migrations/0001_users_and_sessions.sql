-- Users, their sessions (shared by every keel instance) and sign-in throttling.
CREATE TABLE users (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email               text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    display_name        text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    password_hash       text NOT NULL,
    role                text NOT NULL CHECK (role IN ('admin', 'manager', 'sales', 'support', 'viewer')),
    team                text,
    locale              text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'zh-CN')),
    active              boolean NOT NULL DEFAULT true,
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    user_agent   text
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE login_throttle (
    email_key       text PRIMARY KEY,
    failures        integer NOT NULL,
    last_failure_at timestamptz NOT NULL
);

-- Small key/value facts about this database (e.g. that demo data was seeded).
CREATE TABLE app_meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);
