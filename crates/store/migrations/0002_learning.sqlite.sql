-- Full-text search over the catalogue with FTS5, kept in step by triggers.
CREATE VIRTUAL TABLE resources_fts USING fts5(title, summary, content='resources', content_rowid='rowid', tokenize='porter unicode61');
CREATE TRIGGER resources_fts_insert AFTER INSERT ON resources BEGIN
    INSERT INTO resources_fts(rowid, title, summary) VALUES (new.rowid, new.title, new.summary);
END;
CREATE TRIGGER resources_fts_delete AFTER DELETE ON resources BEGIN
    INSERT INTO resources_fts(resources_fts, rowid, title, summary) VALUES ('delete', old.rowid, old.title, old.summary);
END;
CREATE TRIGGER resources_fts_update AFTER UPDATE OF title, summary ON resources BEGIN
    INSERT INTO resources_fts(resources_fts, rowid, title, summary) VALUES ('delete', old.rowid, old.title, old.summary);
    INSERT INTO resources_fts(rowid, title, summary) VALUES (new.rowid, new.title, new.summary);
END;
