"""Make the fixture databases of older schema versions: ``python tests/data/schema/make_fixtures.py``.

``vN.db`` is a database as Mingde with schema version N left it (migrations 1..N, which never change
once shipped), with a few rows in the core tables, so that tests/test_schema_upgrade.py can check
that every older database upgrades to the same schema as a fresh one and keeps its rows. Run it
once when a migration is added (it keeps the files that exist).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tracker.schema import MIGRATIONS, statements  # noqa: E402

ROWS = [
    "INSERT INTO employees (id, name, department, team, active) VALUES ('E001', '张三', '办公室', '综合组', 1)",
    "INSERT INTO accounts (username, password_hash, role, employee_id, created_at) "
    "VALUES ('zhang', 'scrypt$16384$8$1$00$00', 'employee', 'E001', '2026-01-05T01:00:00.000+00:00')",
    "INSERT INTO attempts (id, employee_id, quiz_id, quiz_kind, seed, paper, started_at, submitted_at, score, max_score, "
    "percent, passed) VALUES ('a1', 'E001', 'q', 'quiz', 1, '{}', '2026-01-05T01:00:00.000+00:00', "
    "'2026-01-05T01:10:00.000+00:00', 8, 10, 80.0, 1)",
]


def make(version: int) -> Path:
    path = HERE / f"v{version}.db"
    if path.exists():
        return path
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for number in range(version):
        for statement in statements(MIGRATIONS[number]):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number + 1}")
    for row in ROWS:
        conn.execute(row)
    conn.execute("COMMIT")
    conn.execute("VACUUM")
    conn.close()
    return path


if __name__ == "__main__":
    for v in range(1, len(MIGRATIONS)):
        print(make(v))
