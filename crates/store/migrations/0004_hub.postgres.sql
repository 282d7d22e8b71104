-- Full-text search over case studies: a generated, weighted tsvector with a GIN index. The title
-- and tags weigh most; the story itself counts too.
ALTER TABLE case_studies ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A')
    || setweight(to_tsvector('english', replace(tags, '|', ' ')), 'A')
    || setweight(to_tsvector('english', context || ' ' || what_was_done || ' ' || outcomes), 'B')
) STORED;
CREATE INDEX case_studies_search ON case_studies USING GIN (search);
