-- What each statement can be found by: one row per term (see migration 6 for the prefixes), by
-- key, with the statement's time stored (on PostgreSQL a query then reaches only its month's
-- partition). WITHOUT ROWID: the primary key is the table, so a row is one write, not two.
CREATE TABLE xapi_postings (
    term_key BLOB NOT NULL,
    statement_seq INTEGER NOT NULL,
    stored BIGINT NOT NULL,
    PRIMARY KEY (term_key, statement_seq)
) WITHOUT ROWID;
CREATE INDEX xapi_postings_statement ON xapi_postings(statement_seq);
