-- Fewer and shorter index rows per statement, for ingest speed (each row is a write into a large
-- index). Each agent and activity a statement names is kept once: under a:/o: when it is the
-- actor or object (what the `agent` and `activity` filters match), and under A:/O: only when it
-- is related in some other place; a related_agents or related_activities query looks for both.
-- The E: rows for erasure are gone: an erasure looks for a: and A: under every form of the agent,
-- with xapi_mboxes naming the mboxes behind an mbox_sha1sum. Terms are kept in xapi_postings by
-- key (the first 16 bytes of the term's SHA-256) rather than as text; Store::migrate moves the
-- rows left in xapi_index there and empties it.
DELETE FROM xapi_index WHERE substr(term, 1, 2) = 'E:';
DELETE FROM xapi_index WHERE substr(term, 1, 2) = 'A:' AND EXISTS (
    SELECT 1 FROM xapi_index x WHERE x.statement_seq = xapi_index.statement_seq AND x.term = 'a:' || substr(xapi_index.term, 3)
);
DELETE FROM xapi_index WHERE substr(term, 1, 2) = 'O:' AND EXISTS (
    SELECT 1 FROM xapi_index x WHERE x.statement_seq = xapi_index.statement_seq AND x.term = 'o:' || substr(xapi_index.term, 3)
);

-- The key of each mbox statements have named, beside the key of its mbox_sha1sum. An erasure
-- removes the agent's rows.
CREATE TABLE xapi_mboxes (
    sha1_key TEXT NOT NULL,
    mbox_key TEXT NOT NULL,
    PRIMARY KEY (sha1_key, mbox_key)
);
CREATE INDEX xapi_mboxes_mbox ON xapi_mboxes(mbox_key);

-- Which statements use which attachment, so that an erasure keeps an attachment another
-- statement still uses without searching every statement's text (rows for the statements stored
-- before are filled in by Store::migrate).
CREATE TABLE xapi_attachment_uses (
    sha2 TEXT NOT NULL,
    statement_seq BIGINT NOT NULL,
    PRIMARY KEY (sha2, statement_seq)
);
CREATE INDEX xapi_attachment_uses_statement ON xapi_attachment_uses(statement_seq);

-- A statement is found by id through xapi_statement_ids alone, which now keeps its sequence
-- number: one index on statement ids rather than two (each a write into a large index), and a
-- unique one, which planners trust without statistics.
ALTER TABLE xapi_statement_ids ADD COLUMN seq BIGINT;
UPDATE xapi_statement_ids SET seq = (SELECT s.seq FROM xapi_statements s WHERE s.id = xapi_statement_ids.id);
DROP INDEX xapi_statements_id;
