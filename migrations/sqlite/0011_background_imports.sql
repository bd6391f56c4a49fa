-- Readings files are imported in the background, a chunk of lines per transaction (issue
-- 11, point 18): a large file on SQLite no longer holds the write lock for its whole
-- length. An import records its progress (`cursor`: the last line checked, in the file's
-- numbering) and is claimed with a lease, so a server that dies mid-file leaves it to
-- the next one, which goes on from the cursor. Imports made before this were done at once.
ALTER TABLE reading_imports ADD COLUMN status TEXT NOT NULL DEFAULT 'done'
    CHECK (status IN ('queued', 'running', 'done', 'failed'));
ALTER TABLE reading_imports ADD COLUMN cursor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reading_imports ADD COLUMN processed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reading_imports ADD COLUMN lease_owner TEXT;
ALTER TABLE reading_imports ADD COLUMN lease_until INTEGER;
ALTER TABLE reading_imports ADD COLUMN finished_at INTEGER;
-- Who sent it and in which language the refusals are worded, for the work done later.
ALTER TABLE reading_imports ADD COLUMN actor_id INTEGER REFERENCES users (id);
ALTER TABLE reading_imports ADD COLUMN actor_ip TEXT;
ALTER TABLE reading_imports ADD COLUMN language TEXT NOT NULL DEFAULT 'zh-CN' CHECK (language IN ('zh-CN', 'en'));
UPDATE reading_imports SET processed = lines, finished_at = created_at;
CREATE INDEX reading_imports_waiting ON reading_imports (status) WHERE status IN ('queued', 'running');

-- The file until it is imported: then it is deleted (the stored readings and the refused
-- lines with their reasons are the record).
CREATE TABLE reading_import_files (
    import_id INTEGER PRIMARY KEY REFERENCES reading_imports (id),
    content   BLOB    NOT NULL
);

-- A finished import stays as it finished.
CREATE TRIGGER reading_imports_finished_stay BEFORE UPDATE ON reading_imports
WHEN OLD.status IN ('done', 'failed')
BEGIN SELECT RAISE(ABORT, 'a finished import cannot change'); END;
