-- Sharing a learning record by link (both backends). The link's secret is stored only as its
-- SHA-256; the period shared is fixed when the link is made (an empty end is open).

CREATE TABLE portfolio_shares (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    recipient TEXT NOT NULL,
    recipient_email TEXT,
    period_from TEXT,
    period_to TEXT,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX portfolio_shares_person ON portfolio_shares(person_id, created_at);

-- Every view through a link: when, and what was viewed ('page' or 'pdf'). Nothing about the
-- viewer is kept.
CREATE TABLE portfolio_share_views (
    id {{serial_pk}},
    share_id TEXT NOT NULL REFERENCES portfolio_shares(id) ON DELETE CASCADE,
    viewed_at BIGINT NOT NULL,
    note TEXT
);
CREATE INDEX portfolio_share_views_share ON portfolio_share_views(share_id, viewed_at);
