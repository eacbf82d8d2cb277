"""Benchmarks only: copy a seeded SQLite database into a fresh PostgreSQL database (the load benchmarks
seed the demo and their accounts on SQLite, then run the same data on PostgreSQL).

    python bench/pgcopy.py data/mingde.db postgresql://mingde@/bench?host=/run/postgresql
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def create_database(server_url: str, name: str) -> str:
    """Create the database ``name`` on the server of ``server_url``; return its URL."""
    import psycopg

    base, _, query = server_url.partition("?")
    q = f"?{query}" if query else ""
    with psycopg.connect(base.rsplit("/", 1)[0] + "/postgres" + q, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + f"/{name}" + q


def copy(sqlite_path: Path, url: str) -> dict[str, int]:
    """Migrate ``url`` to the current schema and copy every table's rows from ``sqlite_path`` (COPY,
    foreign keys checked only at the end by the data itself: needs a superuser); returns rows per table."""
    import psycopg

    from tracker import Tracker

    saved = os.environ.pop("MINGDE_TEST_PG", None)  # the URL itself, never a test schema
    try:
        Tracker(url).close()  # the migrations
    finally:
        if saved is not None:
            os.environ["MINGDE_TEST_PG"] = saved
    counts: dict[str, int] = {}
    with contextlib.closing(sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)) as src, psycopg.connect(url) as dst:
        dst.execute("SET session_replication_role = replica")  # no FK triggers while loading in any order
        tables = [r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            cols = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
            names = ", ".join(f'"{c}"' for c in cols)
            n = 0
            with dst.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as out:
                for row in src.execute(f'SELECT {names} FROM "{table}"'):
                    out.write_row(row)
                    n += 1
            counts[table] = n
        for table, column in dst.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE is_identity = 'YES' AND table_schema = current_schema()"
        ).fetchall():
            dst.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                f'COALESCE((SELECT MAX("{column}") FROM "{table}"), 0) + 1, false)'
            )
        dst.execute("SET session_replication_role = origin")
        dst.commit()
    return counts


if __name__ == "__main__":
    print(copy(Path(sys.argv[1]), sys.argv[2]))
