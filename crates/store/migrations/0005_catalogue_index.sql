-- The catalogue is searched through an index held in memory by each server (domain::learning::
-- CatalogueIndex). Every change to a resource takes the next catalogue version, one per
-- transaction; a server brings its index up to date by reading the resources whose version is
-- newer than the one it last saw. The row lock on catalogue_version makes versions commit in order.
CREATE TABLE catalogue_version (
    id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO catalogue_version (id, version) VALUES (1, 0);
ALTER TABLE resources ADD COLUMN indexed_version BIGINT NOT NULL DEFAULT 0;
CREATE INDEX resources_indexed_version ON resources (indexed_version);
