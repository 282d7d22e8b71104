-- The postings of batches written and not yet in xapi_postings: a row per batch, written in the
-- batch's transaction, holding its postings as three values (the term keys one after another;
-- for each key its statement's seq and time stored, as lists of numbers). The server writes them
-- into xapi_postings straight after the batch is acknowledged, apart from the request; a filtered
-- query or an erasure first writes any still here, so every statement acknowledged is found.
CREATE TABLE xapi_unindexed (
    first_seq BIGINT PRIMARY KEY,
    keys BYTEA NOT NULL,
    seqs TEXT NOT NULL,
    times TEXT NOT NULL
);
-- Hash bytes do not compress: stored apart as they are, without trying.
ALTER TABLE xapi_unindexed ALTER COLUMN keys SET STORAGE EXTERNAL;
