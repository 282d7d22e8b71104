-- One batch of the bench's floor: 100 bare rows of 1.4 KB with one index, one transaction.
BEGIN;
INSERT INTO floor (agent, verb, body)
SELECT 'mailto:learner.' || (random() * 5000)::int || '@example.org', 'v' || (random() * 5)::int, repeat('x', 1400)
FROM generate_series(1, 100);
COMMIT;
