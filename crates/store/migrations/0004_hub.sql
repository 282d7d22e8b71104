-- The knowledge hub (being written).
SELECT 1;
