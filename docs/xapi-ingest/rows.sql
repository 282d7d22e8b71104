-- One batch of statement rows and their ids, with no term index: 100 rows, one transaction.
BEGIN;
WITH s AS (
    INSERT INTO statements (id, stored, organisation_id, body)
    SELECT gen_random_uuid()::text, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, 'org-1',
           repeat('x', 1100) || (random() * 5000)::int
    FROM generate_series(1, 100)
    RETURNING seq, id, stored
)
INSERT INTO statement_ids SELECT id, stored, seq, NULL FROM s;
COMMIT;
