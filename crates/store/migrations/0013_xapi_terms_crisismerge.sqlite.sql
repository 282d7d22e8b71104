-- The term merger (see `Store::migrate`) merges SQLite's term index every 100 ms, but FTS5 still
-- merges a level in the writing transaction once it holds 16 segments (crisismerge, migration
-- 11). Each single-statement POST writes a segment, a few hundred a second, so 16 piled up
-- between two ticks and about every sixteenth POST merged them before it could commit: under a
-- probe over `xapi_bench 20000 3000 100 1` (a load of 20,000 statements and 4,500 single POSTs),
-- 228 of 483 merges of a level were such merges, inside a request's commit; with 64, 2 of 287.
-- At 64, a level waits for the merger.
INSERT INTO xapi_terms (xapi_terms, rank) VALUES ('crisismerge', 64);
