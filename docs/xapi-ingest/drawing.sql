-- What drawing a batch's filter values and hashing them costs alone, to subtract from
-- rows_postings.sql.
SELECT count(substr(sha256(convert_to(k, 'UTF8')), 1, 16))
FROM (
    SELECT ARRAY['av' || v.a || '|' || v.v, 'a' || v.a, 'v' || v.v, 'o' || v.o, 'Op' || v.p,
                 'Og' || v.g, 'Oc' || v.c, 'r' || v.r, 'A1'] AS keys
    FROM generate_series(1, 100), LATERAL (
        SELECT (random() * 5000)::int a, (random() * 5)::int v, (random() * 600)::int o, (random() * 64)::int p,
               (random() * 10)::int g, (random() * 3)::int c, (random() * 50000)::int r
    ) v
) x, unnest(keys) k;
