-- 1: the core tables
CREATE TABLE employees (
    id TEXT PRIMARY KEY,                      -- 工号
    name TEXT NOT NULL,
    department TEXT NOT NULL,
    team TEXT,                                -- 班组
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE INDEX employees_department ON employees (department, team);

CREATE TABLE accounts (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,              -- scrypt$N$r$p$salt$hash, never the password
    role TEXT NOT NULL CHECK (role IN ('employee', 'organizer', 'leader', 'admin')),
    employee_id TEXT REFERENCES employees (id),
    lang TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE attempts (
    id TEXT PRIMARY KEY,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    quiz_id TEXT NOT NULL,
    quiz_kind TEXT NOT NULL DEFAULT 'quiz',
    content_hash TEXT,                        -- content_versions.hash of the quiz file
    seed INTEGER NOT NULL,
    paper TEXT NOT NULL,                      -- JSON: the drawn questions, as graded
    started_at TEXT NOT NULL,                 -- ISO 8601, UTC
    deadline TEXT,                            -- NULL without a time limit or window
    submitted_at TEXT,                        -- NULL while in progress
    score REAL,
    max_score REAL,
    percent REAL,
    passed INTEGER,
    auto_submitted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attempts_employee_quiz ON attempts (employee_id, quiz_id);
CREATE INDEX attempts_submitted ON attempts (submitted_at, employee_id);
CREATE INDEX attempts_quiz ON attempts (quiz_id, submitted_at);

CREATE TABLE answers (
    attempt_id TEXT NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,                -- the paper's key: id, or bank/id when drawn
    position INTEGER,                         -- place on the paper, from 0
    response TEXT,                            -- JSON, NULL when unanswered
    points REAL,                              -- NULL while the attempt is in progress
    correct INTEGER,
    saved_at TEXT,
    PRIMARY KEY (attempt_id, question_id)
);

CREATE TABLE lesson_progress (
    employee_id TEXT NOT NULL REFERENCES employees (id),
    lesson_id TEXT NOT NULL,
    started_at TEXT NOT NULL,
    completed_at TEXT,
    PRIMARY KEY (employee_id, lesson_id)
);

CREATE TABLE content_versions (
    hash TEXT PRIMARY KEY,                    -- sha256 of the file
    kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    path TEXT,
    body TEXT NOT NULL,
    first_seen TEXT NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT,
    action TEXT NOT NULL,
    detail TEXT
);
