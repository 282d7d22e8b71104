-- The knowledge hub: topics gathering catalogue resources, and case studies shared between
-- organisations (both backends; full-text search over case studies is added per backend in
-- 0004_hub.sqlite.sql and 0004_hub.postgres.sql).

CREATE TABLE topics (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    position BIGINT NOT NULL
);

CREATE TABLE topic_resources (
    topic_id TEXT NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    added_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (topic_id, resource_id)
);
CREATE INDEX topic_resources_resource ON topic_resources(resource_id);

-- `seq` gives the full-text index a row number that never changes (SQLite may renumber the
-- hidden rowid of a table without one when it vacuums).
CREATE TABLE case_studies (
    seq {{serial_pk}},
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    context TEXT NOT NULL,
    what_was_done TEXT NOT NULL,
    outcomes TEXT NOT NULL,
    contact TEXT NOT NULL,
    -- Tags joined by '|', lower case: '' when there are none.
    tags TEXT NOT NULL,
    organisation_id TEXT REFERENCES organisations(id) ON DELETE SET NULL,
    submitted_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'published', 'rejected')),
    review_note TEXT,
    submitted_at BIGINT NOT NULL,
    reviewed_by TEXT REFERENCES people(id) ON DELETE SET NULL,
    reviewed_at BIGINT,
    published_at BIGINT
);
CREATE INDEX case_studies_status ON case_studies(status, published_at);
CREATE INDEX case_studies_organisation ON case_studies(organisation_id, status, submitted_at);
CREATE INDEX case_studies_submitter ON case_studies(submitted_by, submitted_at);

INSERT INTO topics (id, slug, title, summary, position) VALUES
('7f3c1d2e-0a41-4b6e-9c1a-3e5d2b8f0401', 'approaches-to-leadership', 'Approaches to leadership',
 'Different ways of leading and when each helps: compassionate, collective, distributed and adaptive leadership among them. What the evidence says about the effect of leadership on staff wellbeing and on the quality and safety of care, and how to find a way of leading that fits you, your team and the people you serve.', 1),
('7f3c1d2e-0a41-4b6e-9c1a-3e5d2b8f0402', 'personalisation-and-integration', 'Leadership for personalisation and integration',
 'Leading services shaped around the person rather than the organisation: strengths-based and co-produced care, working with people who draw on services and their carers, and leading across the boundaries between the NHS, councils, care providers and the voluntary sector so that care joins up in a place.', 2),
('7f3c1d2e-0a41-4b6e-9c1a-3e5d2b8f0403', 'roles-and-skills', 'Leadership roles and skills',
 'What is asked of leaders at each level, from a team leader on their first shift in charge to a registered manager, a director or a chief executive. The everyday skills behind the role: setting direction, giving feedback, holding difficult conversations, managing resources and making decisions under pressure.', 3),
('7f3c1d2e-0a41-4b6e-9c1a-3e5d2b8f0404', 'culture-and-learning-organisation', 'Organisational culture and the learning organisation',
 'How culture forms and how leaders change it: psychological safety, speaking up, inclusion and civility. How an organisation learns from what goes well and from what goes wrong, spreads good practice between teams and organisations, and keeps improving instead of repeating the same mistakes.', 4),
('7f3c1d2e-0a41-4b6e-9c1a-3e5d2b8f0405', 'governance', 'Governance',
 'Leading within the rules that keep people safe and services accountable: regulation and inspection, clinical and care governance, risk, safeguarding, information governance and the duty of candour. How boards and managers get assurance, use data well and hold themselves and others to account.', 5),
('7f3c1d2e-0a41-4b6e-9c1a-3e5d2b8f0406', 'training-and-development', 'Training and development',
 'Growing people and teams: induction, supervision and appraisal, coaching and mentoring, apprenticeships and formal programmes, and the 70:20:10 balance of learning from experience, from others and from courses. How to plan development fairly so that everyone, whatever their background, has the same chance to progress.', 6);
