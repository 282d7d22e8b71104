-- One batch of statement rows and ids with goldthread's postings: the nine filter values a bench
-- statement is found by (agent and verb together, agent, verb, object, parent, grouping,
-- category, registration, authority), drawn as bench/xapi's statements draw them.
BEGIN;
WITH s AS (
    INSERT INTO statements (id, stored, organisation_id, body)
    SELECT gen_random_uuid()::text, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, 'org-1',
           repeat('x', 1100) || (random() * 5000)::int
    FROM generate_series(1, 100)
    RETURNING seq, id, stored
), i AS (
    INSERT INTO statement_ids SELECT id, stored, seq, NULL FROM s
)
INSERT INTO postings
SELECT substr(sha256(convert_to(k, 'UTF8')), 1, 16), seq, stored
FROM (
    SELECT s.seq, s.stored, ARRAY['av' || v.a || '|' || v.v, 'a' || v.a, 'v' || v.v, 'o' || v.o, 'Op' || v.p,
                                  'Og' || v.g, 'Oc' || v.c, 'r' || v.r, 'A1'] AS keys
    FROM s, LATERAL (
        SELECT (random() * 5000)::int a, (random() * 5)::int v, (random() * 600)::int o, (random() * 64)::int p,
               (random() * 10)::int g, (random() * 3)::int c, (random() * 50000)::int r
    ) v
) x, unnest(keys) k;
COMMIT;
