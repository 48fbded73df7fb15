-- The customer's side of the service desk: the web form, the link a customer follows their ticket
-- by, and the satisfaction rating asked for once a ticket is resolved.

-- The key the desk signs customers' links with (app/src/tickets/links.rs): 32 bytes from the
-- server's strong random source. One row.
CREATE TABLE desk_secret (
    id     boolean PRIMARY KEY DEFAULT true CHECK (id),
    secret bytea NOT NULL CHECK (length(secret) >= 32)
);
INSERT INTO desk_secret (secret)
VALUES (decode(replace(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));

-- A team's web form takes tickets from anyone once an admin turns it on.
ALTER TABLE desk_teams ADD COLUMN web_form boolean NOT NULL DEFAULT false;

-- The customer's rating of how the ticket was handled (1 to 5), given once per resolution.
ALTER TABLE tickets
    ADD COLUMN rating smallint CHECK (rating BETWEEN 1 AND 5),
    ADD COLUMN rating_comment text CHECK (length(rating_comment) <= 2000),
    ADD COLUMN rated_at timestamptz;
