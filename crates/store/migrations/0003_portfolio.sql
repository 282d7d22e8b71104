-- Portfolio sharing (being written).
SELECT 1;
