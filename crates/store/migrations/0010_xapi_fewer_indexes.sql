-- Fewer index writes per statement, for ingest speed: every index row is a write into a large
-- index, and a statement had about twenty.
--
-- Each statement's term keys (the 16-byte keys of its xapi_postings rows, one after another) are
-- kept beside its id. A StatementRef then takes its target's terms from there, and an erasure
-- removes a statement's index rows by key, so the index of xapi_postings by statement is no
-- longer needed (eight index rows less per statement). The keys of the statements stored before
-- are gathered below (per backend), while that index is still there to find them by.
ALTER TABLE xapi_statement_ids ADD COLUMN term_keys {{blob}};
