-- SQLite keeps statements' term keys in a full-text index (FTS5) instead of xapi_postings.
--
-- Each index row of xapi_postings went into a B-tree ordered by a hash, so the rows of a batch
-- landed on pages all over it, and the commit wrote each of those pages to the log, one write
-- call a page (with the B-tree inserts, most of the SQLite thread's time in a profile of
-- bench/xapi). FTS5 writes a transaction's terms as one new sorted segment and merges segments
-- as they pile up, so a batch writes a few pages. Each statement is one document (its
-- rowid is the statement's seq) whose words are its term keys in hex; without positions
-- (detail=none) a word is found by the documents that have it, newest or oldest first.
CREATE VIRTUAL TABLE xapi_terms USING fts5(keys, content = '', detail = none, tokenize = 'ascii');

-- An erasure deletes a statement's document with its words (kept beside its id), and the words
-- are taken out of the index there and then (secure-delete), not left in older segments, marked
-- deleted, until a merge happens to rewrite them.
INSERT INTO xapi_terms (xapi_terms, rank) VALUES ('secure-delete', 1);

-- The keys of the statements stored before, from the copy kept beside each id (migration 10),
-- as words of 32 hex digits.
INSERT INTO xapi_terms (rowid, keys)
WITH RECURSIVE words (seq, rest, keys) AS (
    SELECT seq, hex(term_keys), '' FROM xapi_statement_ids WHERE length(term_keys) > 0
    UNION ALL
    SELECT seq, substr(rest, 33), keys || ' ' || substr(rest, 1, 32) FROM words WHERE rest <> ''
)
SELECT seq, ltrim(keys) FROM words WHERE rest = '';

DROP TABLE xapi_postings;

-- Segments are merged by the store's term merger between requests (see `Store::migrate`), not
-- by whichever transaction writes the 64th leaf page since the last merge (FTS5's automerge
-- merges 64 pages for each level of the index there): with single-statement POSTs, about one in
-- 64 would pay for it. Should
-- segments pile up regardless (16 on a level), FTS5 still merges them in the writing
-- transaction.
INSERT INTO xapi_terms (xapi_terms, rank) VALUES ('automerge', 0);
