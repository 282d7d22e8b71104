-- The catalogue's tsvector column gives way to the in-memory index.
DROP INDEX resources_search;
ALTER TABLE resources DROP COLUMN search;
