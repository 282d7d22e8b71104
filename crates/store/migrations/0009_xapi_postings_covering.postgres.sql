-- A query walks a term's index rows and joins each statement by (seq, stored): with the time
-- stored in the primary key's index as well, the walk reads the index alone (an index-only scan,
-- once vacuum has marked the table's pages all-visible) instead of one table page per row. On
-- SQLite, xapi_postings is a WITHOUT ROWID table ordered by that key, which holds the time stored
-- already.
ALTER TABLE xapi_postings DROP CONSTRAINT xapi_postings_pkey,
    ADD PRIMARY KEY (term_key, statement_seq) INCLUDE (stored);
