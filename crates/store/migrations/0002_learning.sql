-- The learning catalogue and the learning record (both backends; full-text search is added per
-- backend in 0002_learning.sqlite.sql and 0002_learning.postgres.sql).

-- Who managed whom, and from when: a manager sees entries from the day they became the manager.
CREATE TABLE reporting_lines (
    id {{serial_pk}},
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    manager_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    started_on TEXT NOT NULL,
    ended_on TEXT
);
CREATE INDEX reporting_lines_person ON reporting_lines(person_id, ended_on);

-- Every current reporting line starts today, as far as the record can tell.
INSERT INTO reporting_lines (person_id, manager_id, started_on)
    SELECT id, line_manager_id, COALESCE(start_date, '1970-01-01') FROM people WHERE line_manager_id IS NOT NULL;

CREATE TABLE resources (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    kind TEXT NOT NULL,
    url TEXT,
    body TEXT,
    estimated_minutes BIGINT NOT NULL,
    publisher TEXT,
    review_on TEXT,
    retired_at BIGINT,
    created_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX resources_kind ON resources(kind, estimated_minutes);
-- Imports match resources by web address, or by title when there is none.
CREATE INDEX resources_url ON resources(url);
CREATE INDEX resources_title ON resources(LOWER(title));

CREATE TABLE resource_levels (
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    level TEXT NOT NULL,
    PRIMARY KEY (resource_id, level)
);
CREATE INDEX resource_levels_level ON resource_levels(level, resource_id);

CREATE TABLE resource_sectors (
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    sector TEXT NOT NULL,
    PRIMARY KEY (resource_id, sector)
);
CREATE INDEX resource_sectors_sector ON resource_sectors(sector, resource_id);

-- Behaviours a resource develops: free tags until frameworks exist.
CREATE TABLE resource_behaviours (
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    behaviour TEXT NOT NULL,
    PRIMARY KEY (resource_id, behaviour)
);
CREATE INDEX resource_behaviours_behaviour ON resource_behaviours(behaviour, resource_id);

CREATE TABLE resource_ratings (
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    stars BIGINT NOT NULL,
    review TEXT,
    rated_at BIGINT NOT NULL,
    PRIMARY KEY (resource_id, person_id)
);

-- When a person opened a resource through goldthread: the server's timer for recording.
CREATE TABLE resource_opens (
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    opened_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, resource_id)
);

CREATE TABLE learning_entries (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    resource_id TEXT REFERENCES resources(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    activity TEXT NOT NULL,
    learning_kind TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    minutes BIGINT NOT NULL,
    learned TEXT NOT NULL,
    apply TEXT,
    behaviours TEXT NOT NULL,
    hidden BIGINT NOT NULL DEFAULT 0,
    organisation_id TEXT REFERENCES organisations(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX learning_entries_person ON learning_entries(person_id, occurred_on);
CREATE INDEX learning_entries_resource ON learning_entries(resource_id);

-- Every change to an entry, kept: what it was after the change (JSON), or that it was deleted.
CREATE TABLE learning_entry_history (
    id {{serial_pk}},
    entry_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    change TEXT NOT NULL,
    snapshot TEXT,
    changed_at BIGINT NOT NULL
);
CREATE INDEX learning_entry_history_entry ON learning_entry_history(entry_id, id);

CREATE TABLE learning_evidence (
    entry_id TEXT PRIMARY KEY REFERENCES learning_entries(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content {{blob}} NOT NULL
);
