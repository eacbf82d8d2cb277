-- 3: content management: organizers hide or show a quiz without deleting its file.
CREATE TABLE quiz_settings (
    quiz_id TEXT PRIMARY KEY,
    hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    updated_at TEXT NOT NULL,
    updated_by TEXT
);

-- When the answers of an attempt may be shown: NULL at once (practice), else the exam's closing time.
ALTER TABLE attempts ADD COLUMN review_after TEXT;

-- Who runs a quiz: organizers see the reports of the quizzes they run, and of quizzes nobody owns.
CREATE TABLE quiz_owners (
    quiz_id TEXT NOT NULL,
    username TEXT NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
    PRIMARY KEY (quiz_id, username)
);
