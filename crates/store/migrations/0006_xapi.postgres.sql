-- Partitioned by stored time, one partition per month, made by the store as statements arrive
-- (Store::ensure_statement_partition). An old month can be detached and archived:
--   ALTER TABLE xapi_statements DETACH PARTITION xapi_statements_y2025m01;
-- after which it is an ordinary table to dump and drop.
CREATE SEQUENCE xapi_statement_seq;
CREATE TABLE xapi_statements (
    seq BIGINT NOT NULL DEFAULT nextval('xapi_statement_seq'),
    id TEXT NOT NULL,
    stored BIGINT NOT NULL,
    organisation_id TEXT,
    person_id TEXT,
    voided BIGINT NOT NULL DEFAULT 0,
    voids TEXT,
    entry_id TEXT,
    body TEXT NOT NULL,
    PRIMARY KEY (seq, stored)
) PARTITION BY RANGE (stored);
CREATE INDEX xapi_statements_id ON xapi_statements(id);
CREATE INDEX xapi_statements_entry ON xapi_statements(entry_id);
CREATE INDEX xapi_statements_stored ON xapi_statements(stored);
CREATE INDEX xapi_statements_person ON xapi_statements(person_id, seq);
CREATE INDEX xapi_statements_org ON xapi_statements(organisation_id, seq);
