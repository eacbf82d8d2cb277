"""Test helpers that work on a database *file path* on either engine of the test run.

With ``MINGDE_TEST_BACKEND=postgresql`` (tests/conftest.py) every database file a test names stands
for a schema of its own in the run's cluster (``tracker/store/pg.py: test_schema``), so copying the
file copies nothing and ``sqlite3.connect(path)`` reads an empty file. These go through the store:

- ``copy_database(src, dst)``: a copy of a seeded database for a server of its own (SQLite: the file;
  PostgreSQL: every row of ``src``'s schema into ``dst``'s, migrated by the store, its identity
  counters set past the copied ids);
- ``query(path, sql, params)`` → rows as tuples, ``query_dicts`` → rows as dicts, ``execute`` → a
  write in the store's write transaction. The SQL must be in the subset both engines take (the
  placeholders ``?`` and ``:name`` are translated for PostgreSQL by ``tracker/store/pg.py``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Any

from tracker import Tracker


def postgresql() -> str | None:
    """The test cluster's URL when database files stand for PostgreSQL schemas, else None."""
    return os.environ.get("MINGDE_TEST_PG") or None


def _schema_of(url: str, path: Path) -> str | None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('public.mingde_test_map')").fetchone()[0] is None:
            return None
        row = conn.execute("SELECT schema FROM public.mingde_test_map WHERE path = %s", (str(path.resolve()),)).fetchone()
    return row[0] if row else None


def copy_database(src: str | Path, dst: str | Path) -> Path:
    """Make ``dst`` a copy of the database ``src`` (as ``shutil.copy`` of the file on SQLite); returns ``dst``.

    On PostgreSQL ``dst``'s schema is migrated by the store (the same schema version as ``src``'s:
    the same code), emptied, and given every row of ``src``'s tables, loaded with the foreign keys'
    triggers off (the rows are consistent already); each identity column then continues after the
    largest copied id, so the app's inserts do not collide with copied rows."""
    src, dst = Path(src), Path(dst)
    url = postgresql()
    if url is None:
        shutil.copy(src, dst)
        return dst
    import psycopg

    source = _schema_of(url, src)
    if source is None:
        raise FileNotFoundError(f"{src}: no database (no PostgreSQL schema stands for this file)")
    target = Tracker(dst)  # its schema, migrated
    try:
        schema = target.pg_schema
    finally:
        target.close()
    if schema == source:
        return dst
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")  # no FK triggers: any table order
        tables = [
            r[0]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", (source,))
            if r[0] != "mingde_schema"
        ]
        for table in tables:
            columns = [
                r[0]
                for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
                    "ORDER BY ordinal_position",
                    (source, table),
                )
            ]
            names = ", ".join(f'"{c}"' for c in columns)
            conn.execute(f'DELETE FROM "{schema}"."{table}"')
            conn.execute(f'INSERT INTO "{schema}"."{table}" ({names}) SELECT {names} FROM "{source}"."{table}"')
        identities = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE is_identity = 'YES' AND table_schema = %s",
            (schema,),
        ).fetchall()
        for table, column in identities:
            conn.execute(
                f'SELECT setval(pg_get_serial_sequence(\'"{schema}"."{table}"\', %s), '
                f'COALESCE((SELECT MAX("{column}") FROM "{schema}"."{table}"), 0) + 1, false)',
                (column,),
            )
    return dst


@contextlib.contextmanager
def _tracker(path: str | Path):
    tracker = Tracker(path)
    try:
        yield tracker
    finally:
        tracker.close()


def query(path: str | Path, sql: str, params: Any = ()) -> list[tuple]:
    """The rows (tuples) of a read of the database ``path`` (either engine)."""
    with _tracker(path) as tracker:
        return [tuple(r) for r in tracker.db.execute(sql, params).fetchall()]


def query_dicts(path: str | Path, sql: str, params: Any = ()) -> list[dict]:
    """The rows (dicts by column name) of a read of the database ``path`` (either engine)."""
    with _tracker(path) as tracker:
        return [dict(r) for r in tracker.db.query(sql, params)]


def execute(path: str | Path, sql: str, params: Any = ()) -> int:
    """A write to the database ``path`` in the store's write transaction; the rows it changed."""
    with _tracker(path) as tracker, tracker.write() as db:
        return db.execute(sql, params).rowcount


def dump(path: str | Path) -> bytes:
    """Everything the database ``path`` holds, as bytes to search for a secret: on SQLite the file and
    its ``-wal``/``-shm`` (free pages too), on PostgreSQL every row of its schema as text."""
    path = Path(path)
    if postgresql() is None:
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    with _tracker(path) as tracker:
        return "\n".join(tracker.db.conn.iterdump()).encode()


def tables_and_columns(path: str | Path) -> dict[str, list[str]]:
    """Every table of the database ``path`` and its columns (either engine)."""
    with _tracker(path) as tracker:
        db = tracker.db
        return {t: list(db[t].columns_dict) for t in db.table_names()}
