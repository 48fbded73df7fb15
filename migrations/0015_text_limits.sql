-- Every free-text column of a customer record gets the length limit its form states, so that
-- nothing longer is stored whatever path writes it. Each constraint is named `<column>_max_<n>`:
-- the server reads a violation back as a validation error on that field ("at most n characters").
-- NOT VALID: rows stored before are left as they are; every write from now on is checked.

ALTER TABLE companies
    ADD CONSTRAINT industry_max_100 CHECK (length(industry) <= 100) NOT VALID,
    ADD CONSTRAINT website_max_300 CHECK (length(website) <= 300) NOT VALID,
    ADD CONSTRAINT phone_max_100 CHECK (length(phone) <= 100) NOT VALID,
    ADD CONSTRAINT city_max_200 CHECK (length(city) <= 200) NOT VALID,
    ADD CONSTRAINT address_max_500 CHECK (length(address) <= 500) NOT VALID,
    ADD CONSTRAINT source_max_100 CHECK (length(source) <= 100) NOT VALID,
    ADD CONSTRAINT notes_max_10000 CHECK (length(notes) <= 10000) NOT VALID,
    ADD CONSTRAINT tags_max_4100 CHECK (length(array_to_string(tags, ',')) <= 4100) NOT VALID;

ALTER TABLE contacts
    ADD CONSTRAINT title_max_200 CHECK (length(title) <= 200) NOT VALID,
    ADD CONSTRAINT company_max_300 CHECK (length(company_name) <= 300) NOT VALID,
    ADD CONSTRAINT emails_max_10000 CHECK (length(array_to_string(emails, ',')) <= 10000) NOT VALID,
    ADD CONSTRAINT phones_max_4000 CHECK (length(array_to_string(phones, ',')) <= 4000) NOT VALID,
    ADD CONSTRAINT source_max_100 CHECK (length(source) <= 100) NOT VALID,
    ADD CONSTRAINT address_max_500 CHECK (length(address) <= 500) NOT VALID,
    ADD CONSTRAINT notes_max_10000 CHECK (length(notes) <= 10000) NOT VALID,
    ADD CONSTRAINT tags_max_4100 CHECK (length(array_to_string(tags, ',')) <= 4100) NOT VALID;

ALTER TABLE leads
    ADD CONSTRAINT title_max_200 CHECK (length(title) <= 200) NOT VALID,
    ADD CONSTRAINT company_name_max_300 CHECK (length(company_name) <= 300) NOT VALID,
    ADD CONSTRAINT emails_max_10000 CHECK (length(array_to_string(emails, ',')) <= 10000) NOT VALID,
    ADD CONSTRAINT phones_max_4000 CHECK (length(array_to_string(phones, ',')) <= 4000) NOT VALID,
    ADD CONSTRAINT source_max_100 CHECK (length(source) <= 100) NOT VALID,
    ADD CONSTRAINT notes_max_10000 CHECK (length(notes) <= 10000) NOT VALID,
    ADD CONSTRAINT tags_max_4100 CHECK (length(array_to_string(tags, ',')) <= 4100) NOT VALID;

ALTER TABLE stages
    ADD CONSTRAINT colour_max_20 CHECK (length(colour) <= 20) NOT VALID;

ALTER TABLE users
    ADD CONSTRAINT team_max_100 CHECK (length(team) <= 100) NOT VALID;
