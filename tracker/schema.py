"""The database schema and its migrations, numbered by ``PRAGMA user_version``.

Each migration runs once, inside the write transaction that opens the store. Never edit a
migration that has shipped: add a new one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

SQL = Path(__file__).parent / "sql"

MIGRATIONS: list[str] = [
    # 1: the core tables
    """
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
    """,
    # 2: sign-in sessions (only a hash of each token is stored) and sign-in throttling
    """
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,              -- sha256 of the cookie's token
        username TEXT NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        last_seen TEXT NOT NULL
    );
    CREATE INDEX sessions_username ON sessions (username);

    CREATE TABLE sign_in_failures (
        username TEXT PRIMARY KEY,                -- as typed, known or not
        failures INTEGER NOT NULL,
        last_failure TEXT NOT NULL,
        locked_until TEXT
    );
    """,
    # 3: content management (quiz visibility), in its own file
    (SQL / "003_content.sql").read_text(encoding="utf-8"),
    # 4: live competitions (runs and their event log)
    (SQL / "004_competitions.sql").read_text(encoding="utf-8"),
    # 5: reports (assessment period locks, report indexes, some on the competition tables)
    (SQL / "005_reports.sql").read_text(encoding="utf-8"),
]

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: Database) -> int:
    """Bring the schema up to ``SCHEMA_VERSION`` inside the caller's transaction; return the old version."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        from tracker.errors import TrackerError

        raise TrackerError(
            f"the database has schema version {version}, newer than this Mingde ({SCHEMA_VERSION}): upgrade Mingde"
        )
    for number in range(version, SCHEMA_VERSION):
        for statement in statements(MIGRATIONS[number]):
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {number + 1}")
    return version


def statements(script: str) -> list[str]:
    """Split a SQL script into complete statements (semicolons in comments and strings are safe).

    ``executescript`` would commit the caller's transaction; statements run one by one do not.
    """
    out: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                out.append(current)
            current = ""
    if current.strip() and any(not ln.strip().startswith("--") for ln in current.splitlines() if ln.strip()):
        raise ValueError(f"incomplete SQL statement at the end of a migration: {current.strip()[:60]}")
    return out
