-- group_concat joins the keys' bytes as they are; the cast makes the result a BLOB again.
UPDATE xapi_statement_ids SET term_keys = (
    SELECT CAST(group_concat(p.term_key, x'') AS BLOB) FROM xapi_postings p WHERE p.statement_seq = xapi_statement_ids.seq
);
DROP INDEX xapi_postings_statement;
-- Most statements mirror no learning-record entry, and many are about no goldthread person: those
-- are left out of the two indexes, which find only the statements that have one.
DROP INDEX xapi_statements_entry;
CREATE INDEX xapi_statements_entry ON xapi_statements(entry_id) WHERE entry_id IS NOT NULL;
DROP INDEX xapi_statements_person;
CREATE INDEX xapi_statements_person ON xapi_statements(person_id, seq) WHERE person_id IS NOT NULL;
