-- People, organisations, accounts and sessions.
-- Ids are UUIDs as text; times are Unix milliseconds; dates are ISO text (YYYY-MM-DD).

CREATE TABLE systems (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE places (
    id TEXT PRIMARY KEY,
    system_id TEXT REFERENCES systems(id),
    name TEXT NOT NULL
);
CREATE UNIQUE INDEX places_system_name ON places(COALESCE(system_id, ''), name);

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_lower TEXT NOT NULL,
    kind TEXT NOT NULL,
    sector TEXT NOT NULL,
    ownership TEXT NOT NULL,
    place_id TEXT REFERENCES places(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX organisations_name ON organisations(name_lower);

CREATE TABLE organisation_domains (
    domain TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE
);
CREATE INDEX organisation_domains_org ON organisation_domains(organisation_id);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_lower TEXT NOT NULL,
    staff_number TEXT UNIQUE,
    job_title TEXT,
    profession TEXT,
    level TEXT,
    organisation_id TEXT REFERENCES organisations(id),
    line_manager_id TEXT REFERENCES people(id),
    start_date TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX people_org_name ON people(organisation_id, name_lower);
CREATE INDEX people_manager ON people(line_manager_id);
CREATE INDEX people_name ON people(name_lower);

-- One row per spell with an employer; the open one has no ended_on.
CREATE TABLE employments (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    job_title TEXT,
    level TEXT,
    started_on TEXT,
    ended_on TEXT,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX employments_person ON employments(person_id, recorded_at);

CREATE TABLE role_grants (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    organisation_id TEXT REFERENCES organisations(id) ON DELETE CASCADE,
    granted_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX role_grants_unique ON role_grants(person_id, role, COALESCE(organisation_id, ''));

CREATE TABLE accounts (
    person_id TEXT PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    password_hash TEXT,
    email_confirmed_at BIGINT,
    created_at BIGINT NOT NULL
);

-- Accounts waiting for an organisation admin to let them join.
CREATE TABLE membership_requests (
    person_id TEXT PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    requested_at BIGINT NOT NULL
);
CREATE INDEX membership_requests_org ON membership_requests(organisation_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_person ON sessions(person_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_person ON api_tokens(person_id);

CREATE TABLE email_tokens (
    token_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE TABLE sign_in_failures (
    id {{serial_pk}},
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_email ON sign_in_failures(email, at);
CREATE INDEX sign_in_failures_address ON sign_in_failures(address, at);

-- Keys of forms already acted on, so that a form posted twice acts once.
CREATE TABLE form_submissions (
    key TEXT PRIMARY KEY,
    outcome TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id {{serial_pk}},
    at BIGINT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    subject TEXT
);
