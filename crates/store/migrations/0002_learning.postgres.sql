-- Full-text search over the catalogue: a generated, weighted tsvector with a GIN index.
ALTER TABLE resources ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', summary), 'B')
) STORED;
CREATE INDEX resources_search ON resources USING GIN (search);
