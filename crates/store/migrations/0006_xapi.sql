-- The Learning Record Store (xAPI 1.0.3).

-- Credentials an organisation admin issues to an external system: HTTP Basic key and secret (the
-- secret kept as its SHA-256), scoped to the organisation's people, to reading, writing or both.
CREATE TABLE lrs_credentials (
    key TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    can_read BIGINT NOT NULL,
    can_write BIGINT NOT NULL,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX lrs_credentials_org ON lrs_credentials(organisation_id);

-- Statements as stored (JSON text with id, stored, authority and version set) are in
-- xapi_statements, defined per backend (on PostgreSQL it is partitioned by month of `stored`).
-- `seq` orders them and pages queries; `person_id` is the goldthread person the actor is, when
-- known; `organisation_id` is the organisation whose credential wrote it. Statement ids are unique
-- across all partitions through this table.
CREATE TABLE xapi_statement_ids (
    id TEXT PRIMARY KEY,
    stored BIGINT NOT NULL
);

-- What each statement can be found by, one row per filter value, prefixed by the filter:
-- a: an agent as actor or object, A: any agent the statement relates (related_agents),
-- v: the verb, o: the object activity, O: any activity (related_activities), r: the registration,
-- E: every form of every agent it names (an mbox also as its mbox_sha1sum), for erasure.
-- A statement whose object is a StatementRef also carries its target's rows, so the filter
-- conditions for StatementRefs (Communication 2.1.3.s3) hold recursively by construction.
CREATE TABLE xapi_index (
    term TEXT NOT NULL,
    statement_seq BIGINT NOT NULL,
    PRIMARY KEY (term, statement_seq)
);
CREATE INDEX xapi_index_statement ON xapi_index(statement_seq);

-- Attachment contents, by their SHA-2 (shared between statements that carry the same file).
CREATE TABLE xapi_attachments (
    sha2 TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    content {{blob}} NOT NULL
);

-- The canonical definition of each activity: the latest one a statement carried.
CREATE TABLE xapi_activities (
    id TEXT PRIMARY KEY,
    definition TEXT NOT NULL
);

-- State, activity profile and agent profile documents. `owner` keeps one organisation's
-- documents apart from another's; empty strings stand for "not part of this key".
CREATE TABLE xapi_documents (
    kind TEXT NOT NULL,
    owner TEXT NOT NULL,
    activity_id TEXT NOT NULL,
    agent_key TEXT NOT NULL,
    registration TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content {{blob}} NOT NULL,
    etag TEXT NOT NULL,
    updated BIGINT NOT NULL,
    PRIMARY KEY (kind, owner, activity_id, agent_key, registration, doc_id)
);
CREATE INDEX xapi_documents_agent ON xapi_documents(agent_key);

-- Erasures on request: when, by whom, and how much was removed; nothing of the agent.
CREATE TABLE xapi_erasures (
    seq {{serial_pk}},
    erased_at BIGINT NOT NULL,
    erased_by TEXT,
    statements BIGINT NOT NULL,
    documents BIGINT NOT NULL
);

-- Statements from other systems about a goldthread person that belong in their learning record
-- (a catalogue activity, or any completion), waiting for the person to add a reflection or to
-- dismiss them.
CREATE TABLE xapi_pending (
    statement_id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    title TEXT NOT NULL,
    resource_id TEXT REFERENCES resources(id),
    minutes BIGINT NOT NULL,
    occurred_on TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    resolved_at BIGINT,
    entry_id TEXT
);
CREATE INDEX xapi_pending_person ON xapi_pending(person_id, resolved_at);

-- A person's email as an xAPI mbox_sha1sum (the SHA-1 of "mailto:" and the address), so that a
-- statement identifying its actor that way is matched to the person. Kept by the store whenever
-- an email is written; rows from before this migration are filled in by Store::migrate.
ALTER TABLE people ADD COLUMN mbox_sha1sum TEXT;
CREATE INDEX people_mbox_sha1sum ON people(mbox_sha1sum);
