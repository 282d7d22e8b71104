-- Full-text search over case studies with FTS5, kept in step by triggers. Only published case
-- studies are searched; the status is filtered in the query, so every row is indexed.
CREATE VIRTUAL TABLE case_studies_fts USING fts5(title, tags, context, what_was_done, outcomes, content='case_studies', content_rowid='seq', tokenize='porter unicode61');
CREATE TRIGGER case_studies_fts_insert AFTER INSERT ON case_studies BEGIN
    INSERT INTO case_studies_fts(rowid, title, tags, context, what_was_done, outcomes) VALUES (new.seq, new.title, new.tags, new.context, new.what_was_done, new.outcomes);
END;
CREATE TRIGGER case_studies_fts_delete AFTER DELETE ON case_studies BEGIN
    INSERT INTO case_studies_fts(case_studies_fts, rowid, title, tags, context, what_was_done, outcomes) VALUES ('delete', old.seq, old.title, old.tags, old.context, old.what_was_done, old.outcomes);
END;
CREATE TRIGGER case_studies_fts_update AFTER UPDATE OF title, tags, context, what_was_done, outcomes ON case_studies BEGIN
    INSERT INTO case_studies_fts(case_studies_fts, rowid, title, tags, context, what_was_done, outcomes) VALUES ('delete', old.seq, old.title, old.tags, old.context, old.what_was_done, old.outcomes);
    INSERT INTO case_studies_fts(rowid, title, tags, context, what_was_done, outcomes) VALUES (new.seq, new.title, new.tags, new.context, new.what_was_done, new.outcomes);
END;
