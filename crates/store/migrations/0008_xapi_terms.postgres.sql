-- What each statement can be found by: one row per term (see migration 6 for the prefixes), by
-- key, with the statement's time stored (so a query reaches only its month's partition).
CREATE TABLE xapi_postings (
    term_key BYTEA NOT NULL,
    statement_seq BIGINT NOT NULL,
    stored BIGINT NOT NULL,
    PRIMARY KEY (term_key, statement_seq)
);
CREATE INDEX xapi_postings_statement ON xapi_postings(statement_seq);
