-- The term merger (see `Store::migrate`) merges SQLite's term index every 100 ms, but FTS5 still
-- merges a level in the writing transaction once it holds 16 segments (crisismerge). Each
-- single-statement POST writes a segment, a few hundred a second, so 16 piled up between two
-- ticks and every sixteenth POST or so merged them before it could commit: in a profile of 3,000
-- single POSTs, 228 of 483 merges of a level were such merges, inside a request's commit.
-- At 64, a level waits for the merger.
INSERT INTO xapi_terms (xapi_terms, rank) VALUES ('crisismerge', 64);
