CREATE TABLE xapi_statements (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    stored BIGINT NOT NULL,
    organisation_id TEXT,
    person_id TEXT,
    voided BIGINT NOT NULL DEFAULT 0,
    voids TEXT,
    entry_id TEXT,
    body TEXT NOT NULL
);
CREATE INDEX xapi_statements_id ON xapi_statements(id);
CREATE INDEX xapi_statements_entry ON xapi_statements(entry_id);
CREATE INDEX xapi_statements_stored ON xapi_statements(stored);
CREATE INDEX xapi_statements_person ON xapi_statements(person_id, seq);
CREATE INDEX xapi_statements_org ON xapi_statements(organisation_id, seq);
