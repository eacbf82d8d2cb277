-- The content files organizers change in the browser (an upload, a saved lesson, quiz or event, the
-- previous version kept in .history, a lesson image, an event material, a material taken back): each
-- node of a cluster writes them into its own content folder (tracker/store/content_files.py), so an
-- organizer may author on any node. Files deployed with the content folder are not here.
-- ``body`` is the file's bytes in base64 (the same text column on SQLite and PostgreSQL); a deleted
-- file keeps its row with ``deleted`` = 1 and no body. ``version`` grows by one with every change:
-- a node compares MAX(version) with the one it last wrote.
CREATE TABLE content_files (
    path TEXT PRIMARY KEY,
    body TEXT,
    sha256 TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT
);
CREATE INDEX content_files_version ON content_files (version);
