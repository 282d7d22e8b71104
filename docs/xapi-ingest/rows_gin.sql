-- One batch of statement rows and ids with the same nine filter values as an array under GIN.
BEGIN;
WITH s AS (
    INSERT INTO statements (id, stored, organisation_id, body, terms)
    SELECT gen_random_uuid()::text, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, 'org-1',
           repeat('x', 1100) || a,
           ARRAY[hashtextextended('av' || a || '|' || v, 0), hashtextextended('a' || a, 0), hashtextextended('v' || v, 0),
                 hashtextextended('o' || o, 0), hashtextextended('Op' || p, 0), hashtextextended('Og' || g, 0),
                 hashtextextended('Oc' || c, 0), hashtextextended('r' || r, 0), hashtextextended('A1', 0)]
    FROM (
        SELECT (random() * 5000)::int a, (random() * 5)::int v, (random() * 600)::int o, (random() * 64)::int p,
               (random() * 10)::int g, (random() * 3)::int c, (random() * 50000)::int r
        FROM generate_series(1, 100)
    ) values_drawn
    RETURNING seq, id, stored
)
INSERT INTO statement_ids SELECT id, stored, seq, NULL FROM s;
COMMIT;
