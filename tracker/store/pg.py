"""PostgreSQL behind the small part of sqlite-utils' ``Database`` API that the store uses.

``PgDatabase`` wraps one psycopg 3 connection (autocommit: reads outside a write transaction see the
latest commits, as with SQLite) and offers ``execute``, ``query``, ``db[table].insert/insert_all/
upsert/upsert_all/get/count/columns_dict``, ``table_names`` and ``atomic`` (a savepoint), so the store's
SQL runs unchanged on both engines. The SQL itself is written in the subset both accept; the only
translation here is of the placeholders: ``?`` and ``:name`` become ``%s`` and ``%(name)s`` (a ``%``,
``?`` or ``:`` inside a quoted string or a comment is left alone).

``numeric`` results (``AVG`` of integers, ``SUM`` of bigints) come back as ``int`` when whole and as
``float`` otherwise, as SQLite gives them, never as ``Decimal``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import pq
from psycopg.adapt import Loader
from psycopg.rows import dict_row

SCHEMES = ("postgresql://", "postgres://")


def is_url(target: object) -> bool:
    """True when ``target`` (a ``MINGDE_DB`` value) names a PostgreSQL database rather than a file."""
    return isinstance(target, str) and target.startswith(SCHEMES)


def redact(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{netloc[-1]}"))


# ---- placeholders ----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""('(?:[^']|'')*')"""  # a string literal
    r"""|("(?:[^"]|"")*")"""  # a quoted identifier
    r"|(--[^\n]*)"  # a comment
    r"|(::)"  # a PostgreSQL cast, never a parameter
    r"|(\?)"  # a positional parameter
    r"|:([A-Za-z_][A-Za-z0-9_]*)"  # a named parameter
    r"|(%)"
)


@lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """``sql`` with sqlite3's placeholders (``?``, ``:name``) in psycopg's style (``%s``, ``%(name)s``)
    and every other ``%`` doubled (only for a statement run with parameters)."""

    def sub(m: re.Match) -> str:
        if m.group(5):
            return "%s"
        if m.group(6):
            return f"%({m.group(6)})s"
        if m.group(7):
            return "%%"
        return m.group(0).replace("%", "%%")  # psycopg reads every % of a query that has parameters

    return _TOKEN.sub(sub, sql)


def _value(v: Any) -> Any:
    """A parameter as sqlite3 would store it: booleans as 0/1 (the columns are integers)."""
    return int(v) if isinstance(v, bool) else v


def _params(params: Any) -> Any:
    if params is None:
        return None
    if isinstance(params, dict):
        return {k: _value(v) for k, v in params.items()}
    return [_value(v) for v in params]


def _column_value(v: Any) -> Any:
    """A record's value as sqlite-utils writes it: dicts and lists as JSON, booleans as 0/1."""
    if isinstance(v, dict | list | tuple):
        return json.dumps(v, ensure_ascii=False)
    return _value(v)


class NumericLoader(Loader):
    """``numeric`` as SQLite's numbers: an ``int`` when whole, else a ``float``."""

    def load(self, data: Any) -> Any:
        text = bytes(data).decode()
        if "." in text or "e" in text or "E" in text or text in ("NaN", "Infinity", "-Infinity"):
            return float(text)
        return int(text)


# ---- connection, tables ----------------------------------------------------------------------------


class Connection:
    """The part of ``sqlite3.Connection`` the store uses (``db.conn``): ``execute``, ``executemany``,
    ``in_transaction``, ``rollback``, ``close``."""

    def __init__(self, raw: psycopg.Connection):
        self.raw = raw
        self.total_changes = 0  # rows inserted, updated or deleted through this connection (as sqlite3's)

    def execute(self, sql: str, params: Any = ()) -> psycopg.Cursor:
        if not params:  # sent as written: psycopg reads placeholders (and every %) only with parameters
            return self.count(self.raw.execute(sql))
        return self.count(self.raw.execute(translate(sql), _params(params)))

    def executemany(self, sql: str, seq: Iterable[Any]) -> psycopg.Cursor:
        cur = self.raw.cursor()
        cur.executemany(translate(sql), [_params(p) for p in seq])
        return self.count(cur)

    def count(self, cur: psycopg.Cursor) -> psycopg.Cursor:
        if cur.rowcount > 0 and (cur.description is None or cur.statusmessage.split()[0] in ("INSERT", "UPDATE", "DELETE")):
            self.total_changes += cur.rowcount
        return cur

    def iterdump(self) -> Iterator[str]:
        """Every row of every table of the schema, one ``INSERT`` line each (as sqlite3's, for
        comparing and searching, not for restoring)."""
        tables = self.raw.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1").fetchall()
        for (table,) in tables:
            yield f'CREATE TABLE "{table}"'
            for row in self.raw.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                yield f'INSERT INTO "{table}" VALUES{row!r};'

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != pq.TransactionStatus.IDLE

    @property
    def broken(self) -> bool:
        return self.raw.closed or self.raw.broken

    def rollback(self) -> None:
        if not self.raw.closed:
            self.raw.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()


class NotFoundError(KeyError):
    """``db[table].get(pk)`` found no row."""


class Table:
    def __init__(self, db: PgDatabase, name: str):
        self.db = db
        self.name = name

    @property
    def pks(self) -> list[str]:
        return self.db.primary_key(self.name)

    @property
    def columns_dict(self) -> dict[str, str]:
        rows = self.db.conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (self.name,),
        ).fetchall()
        return dict(rows)

    @property
    def count(self) -> int:
        return self.db.conn.execute(f'SELECT COUNT(*) FROM "{self.name}"').fetchone()[0]

    def get(self, pk: Any) -> dict:
        keys = self.pks
        values = list(pk) if isinstance(pk, list | tuple) else [pk]
        where = " AND ".join(f'"{k}" = ?' for k in keys)
        rows = list(self.db.query(f'SELECT * FROM "{self.name}" WHERE {where}', values))
        if not rows:
            raise NotFoundError(f"{self.name}: no row with {dict(zip(keys, values, strict=False))}")
        return rows[0]

    def insert(self, record: dict, pk: Any = None, *, ignore: bool = False, replace: bool = False) -> Table:
        return self.insert_all([record], pk=pk, ignore=ignore, replace=replace)

    def insert_all(self, records: Iterable[dict], pk: Any = None, *, ignore: bool = False, replace: bool = False) -> Table:
        """``ignore``: a row whose key exists is skipped; ``replace``: it is overwritten."""
        if replace:
            self._write(list(records), self._keys(pk), update=True)
        else:
            self._write(list(records), [] if ignore else None)
        return self

    def upsert(self, record: dict, pk: str | tuple | None = None) -> Table:
        return self.upsert_all([record], pk=pk)

    def upsert_all(self, records: Iterable[dict], pk: str | tuple | None = None) -> Table:
        self._write(list(records), self._keys(pk), update=True)
        return self

    def _keys(self, pk: str | tuple | None) -> list[str]:
        return [pk] if isinstance(pk, str) else list(pk) if pk else self.pks

    def _write(self, records: list[dict], conflict: list[str] | None, update: bool = False) -> None:
        by_columns: dict[tuple, list[list]] = {}
        for r in records:
            by_columns.setdefault(tuple(r), []).append([_column_value(v) for v in r.values()])
        for columns, rows in by_columns.items():
            names = ", ".join(f'"{c}"' for c in columns)
            sql = f'INSERT INTO "{self.name}" ({names}) VALUES ({", ".join(["%s"] * len(columns))})'
            if conflict is not None:
                updates = [c for c in columns if c not in conflict] if update else []
                target = f"({', '.join(f'{chr(34)}{c}{chr(34)}' for c in conflict)}) " if conflict else ""
                sql += f" ON CONFLICT {target}" + (
                    "DO UPDATE SET " + ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in updates) if updates else "DO NOTHING"
                )
            with self.db.raw.cursor() as cur:
                cur.executemany(sql, rows)
                self.db.conn.count(cur)


class PgDatabase:
    """This thread's PostgreSQL connection with sqlite-utils' ``Database`` methods the store uses."""

    postgres = True

    def __init__(self, raw: psycopg.Connection):
        raw.adapters.register_loader("numeric", NumericLoader)
        self.raw = raw
        self.conn = Connection(raw)
        self._pks: dict[str, list[str]] = {}
        self._savepoints = 0

    def execute(self, sql: str, params: Any = ()) -> psycopg.Cursor:
        return self.conn.execute(sql, params)

    def close(self) -> None:
        self.conn.close()

    def query(self, sql: str, params: Any = ()) -> Iterator[dict]:
        with self.raw.cursor(row_factory=dict_row) as cur:
            if params:
                cur.execute(translate(sql), _params(params))
            else:
                cur.execute(sql)
            yield from cur.fetchall()

    def __getitem__(self, name: str) -> Table:
        return Table(self, name)

    def table(self, name: str) -> Table:
        return Table(self, name)

    def table_names(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name"
        ).fetchall()
        return [r[0] for r in rows]

    def primary_key(self, table: str) -> list[str]:
        if table not in self._pks:
            rows = self.conn.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE i.indrelid = to_regclass(?) AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
                (f'"{table}"',),
            ).fetchall()
            self._pks[table] = [r[0] for r in rows]
        return self._pks[table]

    @contextmanager
    def atomic(self) -> Iterator[PgDatabase]:
        """A savepoint inside the current transaction (or a transaction of its own outside one)."""
        if not self.conn.in_transaction:
            self.raw.execute("BEGIN")
            try:
                yield self
            except BaseException:
                self.conn.rollback()
                raise
            self.raw.execute("COMMIT")
            return
        self._savepoints += 1
        name = f"mingde_sp{self._savepoints}"
        self.raw.execute(f"SAVEPOINT {name}")
        try:
            yield self
        except BaseException:
            if not self.conn.broken:
                self.raw.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self.raw.execute(f"RELEASE SAVEPOINT {name}")
            raise
        finally:
            self._savepoints -= 1
        self.raw.execute(f"RELEASE SAVEPOINT {name}")


def connect(url: str, schema: str | None = None, *, lock_timeout_ms: int = 30_000) -> PgDatabase:
    """A new autocommit connection to ``url`` (``search_path`` set to ``schema`` when given); a lock
    waited for longer than ``lock_timeout_ms`` fails (SQLSTATE 55P03), as SQLite's busy timeout."""
    options = f"-c lock_timeout={lock_timeout_ms}"
    if schema:
        options += f" -c search_path={schema}"
    return PgDatabase(psycopg.connect(url, autocommit=True, options=options, connect_timeout=10))


# Tests only (``MINGDE_TEST_PG``): which schema of the test database stands for which database file.
# A schema whose test has ended is emptied and handed to the next new file (tests/pgcluster.py:
# ``recycle``), so that the suite does not run the migrations once per test.
TEST_MAP = """
CREATE TABLE IF NOT EXISTS public.mingde_test_map (path TEXT PRIMARY KEY, schema TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS public.mingde_test_free (schema TEXT PRIMARY KEY)
"""


def test_schema(url: str, path: str, fresh_name: str) -> str:
    """Tests only: the schema that stands for the database file ``path``: the one it had, else an
    emptied one, else ``fresh_name`` created now."""
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(7263540)")  # one claim at a time, across processes
        conn.execute(TEST_MAP)
        row = conn.execute("SELECT schema FROM public.mingde_test_map WHERE path = %s", (path,)).fetchone()
        if row:
            return row[0]
        row = conn.execute(
            "DELETE FROM public.mingde_test_free WHERE schema = (SELECT MIN(schema) FROM public.mingde_test_free) RETURNING schema"
        ).fetchone()
        schema = row[0] if row else fresh_name
        if not row:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        conn.execute("INSERT INTO public.mingde_test_map (path, schema) VALUES (%s, %s)", (path, schema))
        return schema
