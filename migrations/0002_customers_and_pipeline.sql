-- The first customer and pipeline tables; later migrations widen them.
CREATE TABLE companies (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    industry   text,
    website    text,
    phone      text,
    city       text,
    owner_id   uuid REFERENCES users (id),
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
CREATE INDEX companies_owner_idx ON companies (owner_id);

CREATE TABLE contacts (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid REFERENCES companies (id),
    full_name  text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 300),
    title      text,
    email      text,
    phone      text,
    owner_id   uuid REFERENCES users (id),
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
CREATE INDEX contacts_company_idx ON contacts (company_id);
CREATE INDEX contacts_owner_idx ON contacts (owner_id);

CREATE TABLE pipelines (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    position   integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE stages (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    pipeline_id     uuid NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    position        integer NOT NULL,
    win_probability smallint NOT NULL DEFAULT 0 CHECK (win_probability BETWEEN 0 AND 100),
    rotting_days    integer CHECK (rotting_days > 0),
    colour          text,
    archived_at     timestamptz
);
CREATE INDEX stages_pipeline_idx ON stages (pipeline_id, position);

CREATE TABLE deals (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    pipeline_id         uuid NOT NULL REFERENCES pipelines (id),
    stage_id            uuid NOT NULL REFERENCES stages (id),
    title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    value_minor         bigint NOT NULL DEFAULT 0 CHECK (value_minor >= 0),
    currency            char(3) NOT NULL DEFAULT 'CNY',
    company_id          uuid REFERENCES companies (id),
    owner_id            uuid REFERENCES users (id),
    position            double precision NOT NULL DEFAULT 0,
    expected_close_date date,
    status              text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
    stage_entered_at    timestamptz NOT NULL DEFAULT now(),
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    deleted_at          timestamptz
);
CREATE INDEX deals_stage_idx ON deals (stage_id, position) WHERE deleted_at IS NULL;
CREATE INDEX deals_owner_idx ON deals (owner_id);
