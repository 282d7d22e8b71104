UPDATE xapi_statement_ids d SET term_keys = (
    SELECT string_agg(p.term_key, ''::bytea) FROM xapi_postings p WHERE p.statement_seq = d.seq
);
DROP INDEX xapi_postings_statement;
-- Most statements mirror no learning-record entry, and many are about no goldthread person: those
-- are left out of the two indexes (on every partition), which find only the statements that have
-- one.
DROP INDEX xapi_statements_entry;
CREATE INDEX xapi_statements_entry ON xapi_statements(entry_id) WHERE entry_id IS NOT NULL;
DROP INDEX xapi_statements_person;
CREATE INDEX xapi_statements_person ON xapi_statements(person_id, seq) WHERE person_id IS NOT NULL;
