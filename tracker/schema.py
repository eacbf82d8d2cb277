"""The database schema and its migrations, numbered by ``PRAGMA user_version``.

Each migration runs once, inside the write transaction that opens the store. Never edit a
migration that has shipped: add a new one.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from tracker.errors import SchemaError

SQL = Path(__file__).parent / "sql"

MIGRATION_FILE = re.compile(r"(\d{3})_[a-z0-9_]+\.sql")


def migration_files(folder: Path = SQL) -> list[Path]:
    """The numbered migration files ``NNN_name.sql`` in ``folder``, in order; the numbering must run
    1, 2, 3 … without a gap or a repeat (``SchemaError`` names the file otherwise)."""
    found = sorted((int(m.group(1)), p) for p in folder.glob("*.sql") if (m := MIGRATION_FILE.fullmatch(p.name)))
    for expected, (number, path) in enumerate(found, start=1):
        if number != expected:
            raise SchemaError(f"{path}: migration number {number}, expected {expected} (a gap or a repeat)")
    return [path for _, path in found]


MIGRATIONS: list[str] = [path.read_text(encoding="utf-8") for path in migration_files()]

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: Database) -> int:
    """Bring the schema up to ``SCHEMA_VERSION`` inside the caller's transaction; return the old version."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise SchemaError(f"the database has schema version {version}, newer than this Mingde ({SCHEMA_VERSION}): upgrade Mingde")
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
