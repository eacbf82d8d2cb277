"""The store's core: per-thread connections, write transactions and storage faults.

One store per database file is safe to share between threads: each thread gets its own
connection, and every write runs in ``BEGIN IMMEDIATE`` so that concurrent writers queue on the
database lock (``busy_timeout``) instead of failing with "database is locked". The domains
(roster, accounts, attempts, lessons, content settings, backup) are mixins over this class in the
modules beside it; ``tracker.store.Tracker`` combines them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from quizzes.fields import SHANGHAI, utcnow
from tracker.errors import AccessDenied, StorageUnavailable
from tracker.schema import SCHEMA_VERSION, migrate

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


def storage_message(reason: str, path: Path, error: BaseException) -> str:
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

    def __init__(self, db_path: str | Path, *, grace_seconds: int = 20):
        self.path = Path(db_path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        create_private(self.path)  # it holds password hashes: readable by its owner only
        tighten_mode(self.path)  # an older file (or a copied backup) may be readable by others
        self.grace = dt.timedelta(seconds=grace_seconds)
        self._local = threading.local()
        # Each thread's connection, by thread: closed once its thread has ended (Streamlit runs every
        # rerun in a new thread, so keeping them all would leak two file descriptors per click).
        self._conns: dict[threading.Thread, sqlite3.Connection] = {}
        self._conns_lock = threading.Lock()
        # A current schema needs no write: a read-only or full database still opens and serves reads.
        if self.db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            with self.write() as db:
                migrate(db)

    @property
    def db(self) -> Database:
        """This thread's sqlite-utils ``Database``."""
        db = getattr(self._local, "db", None)
        if db is None:
            conn = self._connect()
            db = Database(conn, execute_plugins=False)
            self._local.db = db
            me = threading.current_thread()
            with self._conns_lock:
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
    def write(self) -> Iterator[Database]:
        """A write transaction (``BEGIN IMMEDIATE``): all of it lands, or none of it.

        A full disk, a read-only database or a disk I/O error raises ``StorageUnavailable`` after
        the transaction was rolled back (also when it is the ``COMMIT`` that fails); this thread then
        gets a new connection at its next call, so that writes work again once the fault is fixed.
        """
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

    def _rollback(self, db: Database) -> None:
        """Roll back; if even that fails, drop the connection (SQLite rolls back when it closes)."""
        try:
            if db.conn.in_transaction:
                db.conn.rollback()
        except sqlite3.Error:
            self._drop_connection()

    def _drop_connection(self) -> None:
        """Close this thread's connection; the next call opens a new one."""
        db = getattr(self._local, "db", None)
        self._local.db = None
        if db is not None:
            with self._conns_lock:
                self._conns.pop(threading.current_thread(), None)
            db.conn.close()

    def close(self) -> None:
        """Close every connection this tracker opened (in any thread), and stop the sweeper."""
        self.stop_sweeper()
        with self._conns_lock:
            for conn in self._conns.values():
                conn.close()
            self._conns.clear()
        self._local = threading.local()

    def _one(self, sql: str, params: dict | tuple = ()) -> dict | None:
        rows = list(self.db.query(sql, params))
        return rows[0] if rows else None

    def audit(
        self, actor: str | None, action: str, detail: Any = None, *, subject: str | None = None, address: str | None = None
    ) -> None:
        """Record who did what (sign-ins, user management, roster changes, publishing, locks) in
        ``audit_log``; ``subject`` is the user name or 工号 acted on, ``address`` the client's."""
        with self.write() as db:
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
