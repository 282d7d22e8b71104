-- A scratch database with the shapes the ingest ceiling is measured on (see ../xapi-ingest.md).
SET client_min_messages = warning;
DROP DATABASE IF EXISTS goldthread_ceiling;
CREATE DATABASE goldthread_ceiling;
\c goldthread_ceiling

-- The statement rows as goldthread keeps them (migrations 0006 and 0010, PostgreSQL): partitioned
-- by stored time, with the same indexes, and the table that keeps ids unique across partitions.
CREATE SEQUENCE statement_seq;
CREATE TABLE statements (
    seq BIGINT NOT NULL DEFAULT nextval('statement_seq'), id TEXT NOT NULL, stored BIGINT NOT NULL,
    organisation_id TEXT, person_id TEXT, voided BIGINT NOT NULL DEFAULT 0, voids TEXT,
    entry_id TEXT, body TEXT NOT NULL,
    terms BIGINT[], -- only for rows_gin.sql, which `run` measures with a GIN index on it
    PRIMARY KEY (seq, stored)
) PARTITION BY RANGE (stored);
CREATE TABLE statements_all PARTITION OF statements FOR VALUES FROM (0) TO (9000000000000000000);
CREATE INDEX statements_id ON statements (id);
CREATE INDEX statements_stored ON statements (stored);
CREATE INDEX statements_org ON statements (organisation_id, seq);
CREATE INDEX statements_entry ON statements (entry_id) WHERE entry_id IS NOT NULL;
CREATE INDEX statements_person ON statements (person_id, seq) WHERE person_id IS NOT NULL;
CREATE TABLE statement_ids (id TEXT PRIMARY KEY, stored BIGINT NOT NULL, seq BIGINT, term_keys BYTEA);

-- goldthread's term index (migrations 0008 and 0009): one row per filter value and statement,
-- keyed by the first 16 bytes of the value's SHA-256.
CREATE TABLE postings (
    term_key BYTEA NOT NULL, statement_seq BIGINT NOT NULL, stored BIGINT NOT NULL,
    PRIMARY KEY (term_key, statement_seq) INCLUDE (stored)
);

-- The bench's floor (bench/xapi): bare rows with one index.
CREATE TABLE floor (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, agent TEXT NOT NULL, verb TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX floor_filter ON floor (agent, verb, seq);
