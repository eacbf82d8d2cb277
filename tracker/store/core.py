"""The store's core: per-thread connections, write transactions and storage faults.

One store per database file is safe to share between threads: each thread gets its own
connection, and every write runs in ``BEGIN IMMEDIATE`` so that concurrent writers queue on the
database lock (``busy_timeout``) instead of failing with "database is locked". The domains
(roster, accounts, attempts, lessons, content settings, backup) are mixins over this class in the
modules beside it; ``tracker.store.Tracker`` combines them.

``Store("postgresql://…")`` (or ``postgres://``) uses PostgreSQL instead, through ``pg.PgDatabase``
(the same ``Database`` methods); its writes take advisory locks in place of ``BEGIN IMMEDIATE``
(see ``_pg_write``), and its storage faults are mapped by SQLSTATE (``pg_storage_fault``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import sqlite3
import stat
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from quizzes.fields import SHANGHAI, utcnow
from tracker.errors import AccessDenied, StorageUnavailable
from tracker.schema import SCHEMA_VERSION, migrate, schema_version
from tracker.store import pg

if TYPE_CHECKING:
    from tracker.store.accounts import Account

BUSY_TIMEOUT_MS = 30_000
log = logging.getLogger("mingde")


def iso(moment: dt.datetime) -> str:
    """An aware datetime as the store writes it: ISO 8601 in UTC with milliseconds."""
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def parse_iso(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# SQLite's primary result codes that mean the storage itself refuses the write.
# SQLITE_BUSY: the write lock stayed taken for the whole busy timeout (a server overloaded far beyond
# its capacity, or a stuck process holding the lock): refused like the others, never a traceback.
STORAGE_FAULTS = {
    sqlite3.SQLITE_FULL: "full",
    sqlite3.SQLITE_READONLY: "readonly",
    sqlite3.SQLITE_IOERR: "io",
    sqlite3.SQLITE_BUSY: "busy",
}


def storage_fault(error: sqlite3.Error) -> str | None:
    """``"full"``, ``"readonly"``, ``"io"`` or ``"busy"`` when ``error`` comes from the disk, the file
    or its lock, else None."""
    code = getattr(error, "sqlite_errorcode", None)
    return STORAGE_FAULTS.get(code & 0xFF) if code is not None else None


def read_only_files(path: Path) -> list[str]:
    """The names of the database file and its ``-wal``/``-shm`` files that this process may not write."""
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return [p.name for p in files if p.exists() and not os.access(p, os.W_OK)]


def not_writable(path: Path) -> list[str]:
    """Which of the database file, its ``-wal`` and ``-shm`` files and its folder this process may
    not write. (SQLite creates the ``-wal``/``-shm`` files with the database's mode: opened while
    ``chmod 444``, they stay read-only after the database file itself is fixed.)"""
    out = read_only_files(path)
    if not os.access(path.parent, os.W_OK):
        out.append(f"the folder {path.parent}")
    return out


# PostgreSQL's SQLSTATEs (and classes) that mean the server or its storage refuses the write.
PG_FAULTS = {
    "53100": "full",  # disk_full
    "53000": "full",  # insufficient_resources
    "25006": "readonly",  # read_only_sql_transaction: a standby, or default_transaction_read_only
    "55P03": "busy",  # lock_not_available: lock_timeout passed (the advisory lock of a write)
    "57P01": "io",  # admin_shutdown
    "57P02": "io",  # crash_shutdown
    "57P03": "io",  # cannot_connect_now (starting up, shutting down)
    "58030": "io",  # io_error
}


def pg_storage_fault(error: BaseException) -> str | None:
    """``"full"``, ``"readonly"``, ``"io"`` or ``"busy"`` when a psycopg error comes from the server's
    disk, a read-only server, a lost connection (class 08, or no SQLSTATE at all) or a lock timeout."""
    import psycopg

    if not isinstance(error, psycopg.Error):
        return None
    state = error.sqlstate
    if state is None:
        return "io" if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError) else None
    if state.startswith("08"):
        return "io"
    return PG_FAULTS.get(state)


def storage_message(reason: str, path: Path | str, error: BaseException) -> str:
    if pg.is_url(str(path)):
        return pg_storage_message(reason, str(path), error)
    path = Path(path)
    if reason == "readonly":
        parts = not_writable(path)
        what = f"the database {path} is read-only" + (f" (not writable: {', '.join(parts)})" if parts else "")
    elif reason == "full":
        what = f"the disk holding {path} is full"
    elif reason == "busy":
        what = f"the database {path} stayed locked by other writes for {BUSY_TIMEOUT_MS / 1000:g} s (the server is overloaded)"
    else:
        what = f"the disk reported an I/O error on {path}"
    return f"not saved: {what} ({error}); nothing of this change was written"


def pg_storage_message(reason: str, name: str, error: BaseException) -> str:
    if reason == "readonly":
        what = f"the database {name} is read-only (a standby, or set read-only)"
    elif reason == "full":
        what = f"the disk of the database server {name} is full"
    elif reason == "busy":
        what = f"the database {name} stayed locked by other writes for {BUSY_TIMEOUT_MS / 1000:g} s (the server is overloaded)"
    else:
        what = f"the database server {name} cannot be reached or reported an I/O error"
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"not saved: {what} ({detail}); nothing of this change was written"


def lock_key(lock: tuple) -> int:
    """The advisory lock (a signed 64-bit number) that stands for ``lock``, e.g. ``("attempt", id)``."""
    digest = hashlib.blake2b(repr(lock).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (whatever the umask). SQLite then gives
    its ``-wal`` and ``-shm`` files the same mode."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError:
        return  # a read-only folder: connecting reports it
    os.fchmod(fd, 0o600)
    os.close(fd)


def tighten_mode(path: Path) -> list[str]:
    """Take group and other permissions away from the database file and its ``-wal``/``-shm`` (they
    hold password hashes) when they have any: those this process owns are changed (the owner's own
    bits are kept, so a read-only file stays read-only), those it does not own are left and named.
    Every change and every file left is logged; the changes are returned (``"path: 0644 -> 0600"``).

    Tightening rather than refusing to start: removing access nobody should have had cannot lose
    data or lock the owner out, and an upgrade then needs no manual step."""
    changed = []
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            info = p.stat()
        except OSError:
            continue
        mode = stat.S_IMODE(info.st_mode)
        if not mode & 0o077:
            continue
        if info.st_uid != os.geteuid():
            log.warning("%s has mode %04o (readable by others) and is not this process's to change: chmod 600 %s", p, mode, p)
            continue
        try:
            os.chmod(p, mode & 0o700)
        except OSError as e:
            log.warning("%s has mode %04o (readable by others) and could not be changed (%s): chmod 600 %s", p, mode, e, p)
            continue
        note = f"{p}: {mode:04o} -> {mode & 0o700:04o}"
        log.warning("tightened the mode of %s (it holds password hashes)", note)
        changed.append(note)
    return changed


def day_start(day: dt.date | str) -> dt.datetime:
    """Midnight in Asia/Shanghai at the start of ``day``."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    if isinstance(day, dt.datetime):
        day = (day if day.tzinfo else day.replace(tzinfo=SHANGHAI)).astimezone(SHANGHAI).date()
    return dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


class Store:
    """The store's core: connections, transactions, storage faults. ``Store(path)`` opens the
    database, creating and migrating it if needed; ``Tracker`` adds one mixin per domain.

    ``grace_seconds``: how long after a time limit a submission is still taken as it is.
    """

    # The write lock of PostgreSQL transactions that change anything not keyed (see ``write``).
    GLOBAL_LOCK = 0x4D494E4744450000  # "MINGDE\0\0"

    def __init__(self, db_path: str | Path, *, grace_seconds: int = 20):
        self.url: str | None = None  # PostgreSQL (None: SQLite)
        self.pg_schema: str | None = None
        if pg.is_url(str(db_path)):
            self.url = str(db_path)
            self.path = None
            self.name = pg.redact(self.url)
        else:
            self.path = Path(db_path)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            create_private(self.path)  # it holds password hashes: readable by its owner only
            tighten_mode(self.path)  # an older file (or a copied backup) may be readable by others
            self.name = str(self.path.resolve())
            if test_url := os.environ.get("MINGDE_TEST_PG"):
                # Tests only (tests/conftest.py with MINGDE_TEST_BACKEND=postgresql): each database file
                # stands for a schema of its own in the test cluster, so that the suite runs unchanged.
                self.url = test_url
                self.pg_schema = pg.test_schema(test_url, self.name, "t_" + uuid.uuid4().hex[:20])
        self.postgres = self.url is not None
        self.grace = dt.timedelta(seconds=grace_seconds)
        self._local = threading.local()
        # Each thread's connection, by thread: closed once its thread has ended (Streamlit runs every
        # rerun in a new thread, so keeping them all would leak two file descriptors per click).
        self._conns: dict[threading.Thread, sqlite3.Connection] = {}
        self._conns_lock = threading.Lock()
        # A current schema needs no write: a read-only or full database still opens and serves reads.
        if schema_version(self.db) != SCHEMA_VERSION:
            with self.write() as db:
                migrate(db)

    @property
    def db(self) -> Database:
        """This thread's sqlite-utils ``Database`` (on PostgreSQL: a ``pg.PgDatabase`` with the same
        methods)."""
        db = getattr(self._local, "db", None)
        if db is not None and self.postgres and db.conn.broken:  # the server went away: a new connection
            self._drop_connection()
            db = None
        if db is None:
            me = threading.current_thread()
            if self.postgres:
                with self._conns_lock:
                    # Connections of ended threads are reused (Streamlit runs every rerun in a new thread).
                    ended = [t for t in self._conns if not t.is_alive()]
                    spare = self._conns.pop(ended.pop()) if ended else None
                    for thread in ended:
                        self._conns.pop(thread).close()
                if spare is not None and (spare.conn.broken or spare.conn.in_transaction):
                    spare.conn.close()
                    spare = None
                db = spare or pg.connect(self.url, self.pg_schema, lock_timeout_ms=BUSY_TIMEOUT_MS)
                conn = db
            else:
                conn = self._connect()
                db = Database(conn, execute_plugins=False)
            self._local.db = db
            with self._conns_lock:
                if not self.postgres:
                    for thread in [t for t in self._conns if not t.is_alive()]:
                        self._conns.pop(thread).close()
                self._conns[me] = conn
        return db

    def _connect(self) -> sqlite3.Connection:
        """A new connection: WAL, full sync, foreign keys, a 30 s busy timeout.

        When the database's folder is read-only and SQLite's ``-wal``/``-shm`` files are absent (the
        app was stopped cleanly), SQLite cannot even read a WAL database; then the file is opened
        read-only and immutable, so that reads go on while every write fails with
        ``StorageUnavailable``. Such a connection, and one opened while the database file or its
        ``-wal``/``-shm`` was not writable, is replaced at the next write (see ``write``), so that
        writes work again as soon as the permissions are fixed.
        """
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as e:
            conn.close()
            cannot_create = e.sqlite_errorcode in (sqlite3.SQLITE_READONLY_DIRECTORY, sqlite3.SQLITE_CANTOPEN)
            if not cannot_create or os.access(self.path.parent, os.W_OK):
                raise
            wal = self.path.with_name(self.path.name + "-wal")
            if wal.exists() and wal.stat().st_size > 0:  # committed rows may be in it: never read around them
                raise StorageUnavailable(
                    f"cannot read {self.path}: its folder is read-only and {wal.name} holds unmerged writes; "
                    "make the folder writable",
                    "readonly",
                    str(self.path),
                ) from None
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            self._local.read_only = True
        else:
            # Opened while a file was read-only, SQLite holds it read-only for good: replaced at the next write.
            self._local.read_only = bool(read_only_files(self.path))
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    @contextmanager
    def write(self, lock: tuple | list[tuple] | None = None) -> Iterator[Database]:
        """A write transaction (``BEGIN IMMEDIATE``): all of it lands, or none of it.

        A full disk, a read-only database or a disk I/O error raises ``StorageUnavailable`` after
        the transaction was rolled back (also when it is the ``COMMIT`` that fails); this thread then
        gets a new connection at its next call, so that writes work again once the fault is fixed.

        ``lock`` (PostgreSQL only; SQLite serialises every write anyway): the one thing this
        transaction changes and checks, e.g. ``("attempt", id)``, or a list of them; such writes wait
        only for writes of the same things and for unkeyed ones (see ``_pg_write``).
        """
        if self.postgres:
            with self._pg_write(lock) as db:
                yield db
            return
        db = getattr(self._local, "db", None)
        if db is not None and getattr(self._local, "read_only", False) and not db.conn.in_transaction:
            self._drop_connection()  # opened while the files were read-only: try a new one
        db = self.db
        if db.conn.in_transaction:  # nested: a savepoint in the outer transaction
            with db.atomic():
                yield db
            return
        try:
            db.execute("BEGIN IMMEDIATE")
            yield db
            db.execute("COMMIT")
        except BaseException as e:
            self._rollback(db)
            if isinstance(e, sqlite3.OperationalError) and (reason := storage_fault(e)):
                # A connection opened while the file was read-only stays so after the fix: open a new
                # one next time (cheap, and only after a failure).
                self._drop_connection()
                raise StorageUnavailable(storage_message(reason, self.path, e), reason, str(self.path)) from e
            raise

    @contextmanager
    def _pg_write(self, lock: tuple | list[tuple] | None = None) -> Iterator[pg.PgDatabase]:
        """PostgreSQL's write transaction: READ COMMITTED, and first the advisory locks that stand
        for SQLite's single writer, so that every read inside it sees the writes it must wait for and
        check-then-write code stays right:

        - unkeyed (``lock`` None): the global lock, exclusive: it waits for every other write, as
          ``BEGIN IMMEDIATE`` does;
        - keyed (``lock=("attempt", id)``): the global lock shared, and the key's lock exclusive:
          writes of different keys (answer saves, submissions, buzzes of different attempts and
          runs) run side by side; the same key, and every unkeyed write, still wait.
        A keyed write may only rely on rows of its key (and on constraints).
        """
        db = getattr(self._local, "db", None)
        if db is not None and db.conn.broken:
            self._drop_connection()  # the server went away: a new connection
        try:
            db = self.db
        except Exception as e:
            if reason := pg_storage_fault(e):
                raise StorageUnavailable(storage_message(reason, self.name, e), reason, self.name) from e
            raise
        # Several keys are taken in one order (by their lock number): two writes that share keys
        # cannot each hold one the other waits for.
        keys = sorted(
            set(lock) if isinstance(lock, list) and lock else {lock or None}, key=lambda k: -1 if k is None else lock_key(k)
        )
        if db.conn.in_transaction:  # nested: a savepoint in the outer transaction, with its locks too
            held = self._local.pg_locks
            with db.atomic():
                for key in keys:
                    if key not in held:
                        db.raw.execute("SELECT pg_advisory_xact_lock(%s)", (self.GLOBAL_LOCK if key is None else lock_key(key),))
                        held.add(key)
                yield db
            return
        try:
            db.raw.execute("BEGIN")
            if keys == [None]:
                db.raw.execute("SELECT pg_advisory_xact_lock(%s)", (self.GLOBAL_LOCK,))
            else:
                db.raw.execute(  # one round trip: the global lock shared, then each key's, in this order
                    "SELECT pg_advisory_xact_lock_shared(%s)" + ", pg_advisory_xact_lock(%s)" * len(keys),
                    (self.GLOBAL_LOCK, *(lock_key(k) for k in keys)),
                )
            self._local.pg_locks = set(keys)
            yield db
            db.raw.execute("COMMIT")
        except BaseException as e:
            self._rollback(db)
            if reason := pg_storage_fault(e):
                self._drop_connection()
                raise StorageUnavailable(storage_message(reason, self.name, e), reason, self.name) from e
            raise

    def _rollback(self, db: Database) -> None:
        """Roll back; if even that fails, drop the connection (SQLite rolls back when it closes)."""
        try:
            if db.conn.in_transaction:
                db.conn.rollback()
        except Exception:
            self._drop_connection()

    def _drop_connection(self) -> None:
        """Close this thread's connection; the next call opens a new one."""
        db = getattr(self._local, "db", None)
        self._local.db = None
        if db is not None:
            with self._conns_lock:
                self._conns.pop(threading.current_thread(), None)
            with contextlib.suppress(Exception):
                db.conn.close()

    def close(self) -> None:
        """Close every connection this tracker opened (in any thread), and stop the sweeper."""
        self.stop_sweeper()
        with self._conns_lock:
            for conn in self._conns.values():
                conn.close()
            self._conns.clear()
        self._local = threading.local()

    def _in_transaction(self) -> bool:
        """Whether this thread's connection is inside a transaction (sqlite3's and the PostgreSQL
        facade's ``in_transaction``)."""
        db = getattr(self._local, "db", None)
        return bool(db is not None and db.conn.in_transaction)

    def _one(self, sql: str, params: dict | tuple = ()) -> dict | None:
        rows = list(self.db.query(sql, params))
        return rows[0] if rows else None

    def audit(
        self, actor: str | None, action: str, detail: Any = None, *, subject: str | None = None, address: str | None = None
    ) -> None:
        """Record who did what (sign-ins, user management, roster changes, publishing, locks) in
        ``audit_log``; ``subject`` is the user name or 工号 acted on, ``address`` the client's."""
        with self.write(lock=("audit log",)) as db:  # an append: it need not wait for other writes
            db["audit_log"].insert(
                {
                    "at": iso(utcnow()),
                    "actor": actor,
                    "action": action,
                    "detail": json.dumps(detail, ensure_ascii=False) if detail is not None else None,
                    "subject": subject,
                    "address": address or None,
                }
            )

    def check_role(self, account: Account | None, *roles: str) -> Account:
        """``AccessDenied`` unless ``account`` has one of ``roles`` (admin always passes) and has set
        its own password (an account signed in with a one-time password may only change it)."""
        if account is None or account.disabled or (account.role not in roles and account.role != "admin"):
            raise AccessDenied(f"this needs the role {' or '.join(roles)}")
        if getattr(account, "must_change", False):
            raise AccessDenied(f"user {account.username}: change the one-time password first")
        return account
