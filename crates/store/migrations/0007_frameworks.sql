-- Frameworks, self-assessment, 360° feedback and development plans (both backends).

-- Every version of every framework ever imported, kept whole as the JSON that goldthread exports,
-- so that an assessment keeps the version it was made against and an export gives back what was
-- imported. The current version of a framework is the one imported last.
CREATE TABLE frameworks (
    id TEXT NOT NULL,
    version TEXT NOT NULL,
    name TEXT NOT NULL,
    publisher TEXT NOT NULL,
    document TEXT NOT NULL,
    imported_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    imported_at BIGINT NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE INDEX frameworks_current ON frameworks(id, imported_at);

-- Behaviour `from` corresponds to behaviour `to` (both written framework:behaviour).
CREATE TABLE framework_crosswalks (
    from_ref TEXT NOT NULL,
    to_ref TEXT NOT NULL,
    PRIMARY KEY (from_ref, to_ref)
);

-- A self-assessment: a draft until completed; shared with the line manager only if the person
-- says so.
CREATE TABLE self_assessments (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    framework_id TEXT NOT NULL,
    framework_version TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    completed_at BIGINT,
    shared BIGINT NOT NULL DEFAULT 0,
    FOREIGN KEY (framework_id, framework_version) REFERENCES frameworks(id, version)
);
CREATE INDEX self_assessments_person ON self_assessments(person_id, framework_id, started_at);

-- Evidence: entry ids of the person's learning record, separated by '|'.
CREATE TABLE self_ratings (
    assessment_id TEXT NOT NULL REFERENCES self_assessments(id) ON DELETE CASCADE,
    behaviour TEXT NOT NULL,
    rating BIGINT NOT NULL,
    note TEXT,
    evidence TEXT NOT NULL,
    PRIMARY KEY (assessment_id, behaviour)
);

-- A 360. `answered` counts answers; answering updates it, which also keeps an answer and the
-- close from passing each other. The report is computed once, when the 360 closes, and kept in
-- the feedback_report_* tables; the raw answers are deleted then.
CREATE TABLE feedbacks (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    started_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    facilitator_id TEXT REFERENCES people(id) ON DELETE SET NULL,
    framework_id TEXT NOT NULL,
    framework_version TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    answered BIGINT NOT NULL DEFAULT 0,
    closed_at BIGINT,
    others_comments_shown BIGINT NOT NULL DEFAULT 0,
    FOREIGN KEY (framework_id, framework_version) REFERENCES frameworks(id, version)
);
CREATE INDEX feedbacks_subject ON feedbacks(subject_id, started_at);
CREATE INDEX feedbacks_facilitator ON feedbacks(facilitator_id);

-- One invitation to rate. A person in goldthread answers signed in; someone outside answers
-- through a single-use link, of which only the SHA-256 is kept.
CREATE TABLE feedback_invitations (
    id TEXT PRIMARY KEY,
    feedback_id TEXT NOT NULL REFERENCES feedbacks(id) ON DELETE CASCADE,
    rater_group TEXT NOT NULL,
    person_id TEXT REFERENCES people(id) ON DELETE SET NULL,
    email TEXT,
    token_hash TEXT UNIQUE,
    expires_at BIGINT,
    invited_at BIGINT NOT NULL,
    answered_at BIGINT,
    reminded_at BIGINT
);
CREATE INDEX feedback_invitations_feedback ON feedback_invitations(feedback_id);
CREATE INDEX feedback_invitations_person ON feedback_invitations(person_id);

-- Answers until the 360 closes: ratings as behaviour=value and importance as domain=value,
-- separated by '|'.
CREATE TABLE feedback_answers (
    invitation_id TEXT PRIMARY KEY REFERENCES feedback_invitations(id) ON DELETE CASCADE,
    ratings TEXT NOT NULL,
    importance TEXT NOT NULL,
    comment TEXT
);

-- The released report. Pools: how many were invited to each and, where shown, how many answered.
CREATE TABLE feedback_report_pools (
    feedback_id TEXT NOT NULL REFERENCES feedbacks(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    invited BIGINT NOT NULL,
    answered BIGINT,
    PRIMARY KEY (feedback_id, source)
);

-- One line per behaviour (kind 'behaviour', with its domain, gap and finding) and per domain
-- (kind 'domain', with priority), in the framework's order.
CREATE TABLE feedback_report_items (
    feedback_id TEXT NOT NULL REFERENCES feedbacks(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    item TEXT NOT NULL,
    seq BIGINT NOT NULL,
    domain TEXT NOT NULL,
    gap DOUBLE PRECISION,
    finding TEXT,
    priority BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (feedback_id, kind, item)
);

-- Shown figures: measure 'rating' for a behaviour, 'domain' for a domain's average rating (n
-- is behaviours), 'importance' for a domain's importance (n is answers).
CREATE TABLE feedback_report_figures (
    feedback_id TEXT NOT NULL REFERENCES feedbacks(id) ON DELETE CASCADE,
    measure TEXT NOT NULL,
    item TEXT NOT NULL,
    source TEXT NOT NULL,
    mean DOUBLE PRECISION NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (feedback_id, measure, item, source)
);

-- Comments as released: the subject's own, the manager's, and the others' in their shuffled order.
CREATE TABLE feedback_report_comments (
    feedback_id TEXT NOT NULL REFERENCES feedbacks(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    seq BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (feedback_id, source, seq)
);

-- The development plan: goals with a target date, linked to behaviours and resources ('|'-separated).
CREATE TABLE plan_goals (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    set_on TEXT NOT NULL,
    target_on TEXT NOT NULL,
    behaviours TEXT NOT NULL,
    resources TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX plan_goals_person ON plan_goals(person_id, target_on);

-- Comments on a plan, by its owner or their line manager.
CREATE TABLE plan_comments (
    id {{serial_pk}},
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    author_id TEXT REFERENCES people(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX plan_comments_person ON plan_comments(person_id, created_at);
