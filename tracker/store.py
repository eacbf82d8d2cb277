"""The SQLite store: roster, accounts, attempts, answers and lesson progress.

One ``Tracker`` per database file is safe to share between threads: each thread gets its own
connection, and every write runs in ``BEGIN IMMEDIATE`` so that concurrent writers queue on the
database lock (``busy_timeout``) instead of failing with "database is locked".
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import sqlite3
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlite_utils import Database

from lessons.model import Lesson
from quizzes.fields import SHANGHAI, utcnow
from quizzes.grading import Grade, grade, normalize_response
from quizzes.model import Quiz
from quizzes.paper import Paper, draw_paper
from tracker import passwords
from tracker.errors import (
    AccessDenied,
    AccountError,
    AttemptClosed,
    NotFound,
    QuizUnavailable,
    StorageUnavailable,
    TooEarly,
)
from tracker.roster import read_roster
from tracker.schema import SCHEMA_VERSION, migrate

ROLES = ("employee", "organizer", "leader", "admin")
USERNAME = re.compile(r"[\w.@-]{2,64}")
BUSY_TIMEOUT_MS = 30_000
PAPER_CACHE = 4096  # parsed papers kept per Tracker (a few MB)


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


def day_start(day: dt.date | str) -> dt.datetime:
    """Midnight in Asia/Shanghai at the start of ``day``."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    if isinstance(day, dt.datetime):
        day = (day if day.tzinfo else day.replace(tzinfo=SHANGHAI)).astimezone(SHANGHAI).date()
    return dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Account:
    """A signed-in (or listed) user; never carries the password hash."""

    username: str
    role: str
    employee_id: str | None = None
    lang: str | None = None
    disabled: bool = False


class Tracker:
    """The store. ``Tracker(path)`` opens the database, creating and migrating it if needed.

    ``grace_seconds``: how long after a time limit a submission is still taken as it is.
    """

    def __init__(self, db_path: str | Path, *, grace_seconds: int = 20):
        self.path = Path(db_path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.grace = dt.timedelta(seconds=grace_seconds)
        self._local = threading.local()
        # Each thread's connection, by thread: closed once its thread has ended (Streamlit runs every
        # rerun in a new thread, so keeping them all would leak two file descriptors per click).
        self._conns: dict[threading.Thread, sqlite3.Connection] = {}
        self._conns_lock = threading.Lock()
        # Parsed papers by attempt id: a paper never changes once drawn, and parsing 50 questions
        # costs more than the rest of a submission.
        self._papers: OrderedDict[str, Paper] = OrderedDict()
        self._papers_lock = threading.Lock()
        # A current schema needs no write: a read-only or full database still opens and serves reads.
        if self.db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            with self.write() as db:
                migrate(db)

    # -- connections and transactions -------------------------------------------------------
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

    def audit(self, actor: str | None, action: str, detail: Any = None) -> None:
        """Record who did what (user management, imports) in ``audit_log``."""
        with self.write() as db:
            db["audit_log"].insert(
                {
                    "at": iso(utcnow()),
                    "actor": actor,
                    "action": action,
                    "detail": json.dumps(detail, ensure_ascii=False) if detail is not None else None,
                }
            )

    # -- roster --------------------------------------------------------------------------------
    def import_roster(self, path: str | Path, *, deactivate_missing: bool = False) -> int:
        """Add or update the employees of a CSV/XLSX roster; return how many rows it had.

        Raises ``RosterError`` listing every bad row; then nothing is written. With
        ``deactivate_missing``, employees not in the file are marked inactive (they left).
        """
        rows = read_roster(path)
        with self.write() as db:
            db["employees"].upsert_all(
                [{"id": r.id, "name": r.name, "department": r.department, "team": r.team, "active": r.active} for r in rows],
                pk="id",
            )
            if deactivate_missing:
                ids = [r.id for r in rows]
                db.execute(f"UPDATE employees SET active = 0 WHERE id NOT IN ({','.join('?' * len(ids))})", ids)
        return len(rows)

    def add_employee(self, id: str, name: str, department: str, team: str | None = None, active: bool = True) -> None:
        with self.write() as db:
            db["employees"].upsert(
                {"id": id, "name": name, "department": department, "team": team, "active": int(active)}, pk="id"
            )

    def employee(self, employee_id: str) -> dict:
        row = self._one("SELECT * FROM employees WHERE id = ?", (employee_id,))
        if row is None:
            raise NotFound(f"employee {employee_id} not found")
        return row

    def employees(self, active_only: bool = False) -> list[dict]:
        where = "WHERE active = 1" if active_only else ""
        return list(self.db.query(f"SELECT * FROM employees {where} ORDER BY department, team, id"))

    # -- accounts ------------------------------------------------------------------------------
    def add_user(self, username: str, password: str, role: str, employee_id: str | None = None) -> Account:
        """Create an account; the password is stored only as a slow salted hash."""
        if not USERNAME.fullmatch(username or ""):
            raise AccountError(f"user name {username!r}: 2–64 letters, digits, '.', '-', '_' or '@'")
        if role not in ROLES:
            raise AccountError(f"user {username}: role must be one of {', '.join(ROLES)}, not {role!r}")
        if len(password or "") < passwords.MIN_LENGTH:
            raise AccountError(f"user {username}: the password needs at least {passwords.MIN_LENGTH} characters")
        if role == "employee" and not employee_id:
            raise AccountError(f"user {username}: an employee account needs --employee (工号)")
        if employee_id:
            self.employee(employee_id)
        hashed = passwords.hash_password(password)
        with self.write() as db:
            if self._one("SELECT 1 AS x FROM accounts WHERE username = ?", (username,)):
                raise AccountError(f"user {username} already exists")
            db["accounts"].insert(
                {
                    "username": username,
                    "password_hash": hashed,
                    "role": role,
                    "employee_id": employee_id,
                    "created_at": iso(utcnow()),
                }
            )
        return Account(username, role, employee_id)

    def set_password(self, username: str, password: str) -> None:
        if len(password or "") < passwords.MIN_LENGTH:
            raise AccountError(f"user {username}: the password needs at least {passwords.MIN_LENGTH} characters")
        hashed = passwords.hash_password(password)
        with self.write() as db:
            if db.execute("UPDATE accounts SET password_hash = ? WHERE username = ?", (hashed, username)).rowcount == 0:
                raise NotFound(f"user {username} not found")
            db.execute("DELETE FROM sessions WHERE username = ?", (username,))  # sign out everywhere

    def set_lang(self, username: str, lang: str) -> None:
        with self.write() as db:
            db.execute("UPDATE accounts SET lang = ? WHERE username = ?", (lang, username))

    def users(self) -> list[Account]:
        return [
            Account(r["username"], r["role"], r["employee_id"], r["lang"], bool(r["disabled"]))
            for r in self.db.query("SELECT * FROM accounts ORDER BY role, username")
        ]

    def authenticate(self, username: str, password: str) -> Account | None:
        """The account for these credentials, or None (the same way for an unknown user)."""
        row = self._one("SELECT * FROM accounts WHERE username = ?", (username,))
        if row is None:
            passwords.burn_time(password)
            return None
        if not passwords.verify_password(password, row["password_hash"]) or row["disabled"]:
            return None
        return Account(row["username"], row["role"], row["employee_id"], row["lang"])

    # -- attempts ------------------------------------------------------------------------------
    def start_attempt(self, employee_id: str, quiz: Quiz, *, now: dt.datetime | None = None, seed: int | None = None) -> str:
        """Start (or resume) an attempt: the questions are drawn and shuffled once and stored.

        Returns the id of the employee's attempt in progress on this quiz if there is one.
        Raises ``QuizUnavailable`` outside the quiz's window or when all attempts are used.
        """
        now = now or utcnow()
        employee = self.employee(employee_id)
        if not employee["active"]:
            raise QuizUnavailable(f"employee {employee_id} is not active")
        self.finalize_expired(now=now, employee_id=employee_id)
        if quiz.opens and now < quiz.opens:
            raise QuizUnavailable(f"quiz '{quiz.id}' opens at {quiz.opens.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
        if quiz.closes and now >= quiz.closes:
            raise QuizUnavailable(f"quiz '{quiz.id}' closed at {quiz.closes.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
        seed = secrets.randbits(31) if seed is None else seed
        paper = draw_paper(quiz, seed)
        deadline = now + dt.timedelta(seconds=quiz.time_limit) if quiz.time_limit else None
        if quiz.closes and (deadline is None or quiz.closes < deadline):
            deadline = quiz.closes
        source = getattr(quiz, "_source", None)
        with self.write() as db:
            open_row = self._one(
                "SELECT id FROM attempts WHERE employee_id = ? AND quiz_id = ? AND submitted_at IS NULL",
                (employee_id, quiz.id),
            )
            if open_row:
                return open_row["id"]
            used = self._one("SELECT COUNT(*) AS n FROM attempts WHERE employee_id = ? AND quiz_id = ?", (employee_id, quiz.id))[
                "n"
            ]
            allowed = quiz.attempts_allowed
            if allowed is not None and used >= allowed:
                raise QuizUnavailable(f"employee {employee_id} has used all {allowed} attempt(s) of quiz '{quiz.id}'")
            if source is not None and source.digest:
                db["content_versions"].insert(
                    {
                        "hash": source.digest,
                        "kind": "quiz",
                        "object_id": quiz.id,
                        "path": source.path,
                        "body": source.text,
                        "first_seen": iso(now),
                    },
                    pk="hash",
                    ignore=True,
                )
            attempt_id = self._insert_attempt(
                db, employee_id, quiz.kind, paper, now, deadline, source.digest if source is not None else None
            )
            if quiz.review_from is not None:
                db.execute("UPDATE attempts SET review_after = ? WHERE id = ?", (iso(quiz.review_from), attempt_id))
            return attempt_id

    def _insert_attempt(
        self,
        db: Database,
        employee_id: str,
        kind: str,
        paper: Paper,
        now: dt.datetime,
        deadline: dt.datetime | None,
        content_hash: str | None,
    ) -> str:
        attempt_id = uuid.uuid4().hex
        db.execute(
            "INSERT INTO attempts (id, employee_id, quiz_id, quiz_kind, content_hash, seed, paper, started_at, deadline) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                attempt_id,
                employee_id,
                paper.quiz_id,
                kind,
                content_hash,
                paper.seed,
                paper.to_json(),
                iso(now),
                iso(deadline) if deadline else None,
            ),
        )
        self._remember_paper(attempt_id, paper)
        return attempt_id

    def _remember_paper(self, attempt_id: str, paper: Paper) -> None:
        with self._papers_lock:
            self._papers[attempt_id] = paper
            self._papers.move_to_end(attempt_id)
            while len(self._papers) > PAPER_CACHE:
                self._papers.popitem(last=False)

    def start_practice(self, employee_id: str, paper: Paper, *, now: dt.datetime | None = None) -> str:
        """An untimed practice attempt on a given paper (such as the wrong-answer book).

        Practice attempts (``quiz_kind`` = 'practice') are kept out of participation reports;
        an unfinished one on the same paper id is resumed.
        """
        now = now or utcnow()
        self.employee(employee_id)
        with self.write() as db:
            open_row = self._one(
                "SELECT id FROM attempts WHERE employee_id = ? AND quiz_id = ? AND submitted_at IS NULL",
                (employee_id, paper.quiz_id),
            )
            if open_row:
                return open_row["id"]
            return self._insert_attempt(db, employee_id, "practice", paper, now, None, None)

    def attempt(self, attempt_id: str) -> dict:
        """The attempt's row (without the paper); ``NotFound`` if there is none."""
        row = self._one(
            "SELECT id, employee_id, quiz_id, quiz_kind, content_hash, seed, started_at, deadline, submitted_at, "
            "score, max_score, percent, passed, auto_submitted, review_after FROM attempts WHERE id = ?",
            (attempt_id,),
        )
        if row is None:
            raise NotFound(f"attempt {attempt_id} not found")
        return row

    def paper(self, attempt_id: str) -> Paper:
        """The questions of an attempt as drawn (answer key included: never send it to a browser)."""
        with self._papers_lock:
            cached = self._papers.get(attempt_id)
        if cached is not None:
            return cached
        row = self._one("SELECT paper FROM attempts WHERE id = ?", (attempt_id,))
        if row is None:
            raise NotFound(f"attempt {attempt_id} not found")
        paper = Paper.from_json(row["paper"])
        self._remember_paper(attempt_id, paper)
        return paper

    def attempts(self, employee_id: str, quiz_id: str | None = None) -> list[dict]:
        """An employee's attempts, newest first."""
        sql = (
            "SELECT id, quiz_id, quiz_kind, started_at, deadline, submitted_at, score, max_score, percent, passed, "
            "auto_submitted FROM attempts WHERE employee_id = ?"
        )
        params: list = [employee_id]
        if quiz_id:
            sql += " AND quiz_id = ?"
            params.append(quiz_id)
        return list(self.db.query(sql + " ORDER BY started_at DESC", params))

    def _closing_time(self, row: dict) -> dt.datetime | None:
        return parse_iso(row["deadline"]) + self.grace if row["deadline"] else None

    def save_answer(self, attempt_id: str, question_key: str, response: Any, *, now: dt.datetime | None = None) -> None:
        """Save one answer of an attempt in progress (as given; graded only on submission)."""
        now = now or utcnow()
        paper = self.paper(attempt_id)
        try:
            pq = paper.question(question_key)
        except KeyError:
            raise NotFound(f"attempt {attempt_id} has no question '{question_key}'") from None
        value = normalize_response(pq.question, response)
        with self.write() as db:
            row = self.attempt(attempt_id)
            closing = self._closing_time(row)
            if row["submitted_at"]:
                raise AttemptClosed(f"attempt {attempt_id} was already submitted")
            if closing and now > closing:
                raise AttemptClosed(f"attempt {attempt_id}: the time is up")
            db["answers"].upsert(
                {
                    "attempt_id": attempt_id,
                    "question_id": question_key,
                    "position": [q.key for q in paper.questions].index(question_key),
                    "response": json.dumps(value, ensure_ascii=False) if value is not None else None,
                    "saved_at": iso(now),
                },
                pk=("attempt_id", "question_id"),
            )

    def saved_responses(self, attempt_id: str) -> dict[str, Any]:
        """The answers saved so far (or as submitted), by question key."""
        return {
            r["question_id"]: json.loads(r["response"])
            for r in self.db.query(
                "SELECT question_id, response FROM answers WHERE attempt_id = ? AND response IS NOT NULL", (attempt_id,)
            )
        }

    def submit_attempt(
        self, attempt_id: str, responses: dict[str, Any] | None = None, *, now: dt.datetime | None = None
    ) -> Grade:
        """Grade and record an attempt on the server; all of it is written, or nothing.

        ``responses`` are merged over the answers saved so far. Submitting again returns the
        first result and writes nothing. After the time limit plus the grace period the
        submission is *clamped*: the responses sent with it are ignored and the attempt is graded
        from the answers saved in time (``auto_submitted`` = 1).
        """
        now = now or utcnow()
        paper = self.paper(attempt_id)
        given = {
            k: normalize_response(paper.question(k).question, v)
            for k, v in (responses or {}).items()
            if self._has_key(paper, k, attempt_id)
        }
        with self.write() as db:
            row = self.attempt(attempt_id)
            if row["submitted_at"]:
                return grade(paper, self.saved_responses(attempt_id))
            closing = self._closing_time(row)
            late = closing is not None and now > closing
            drafts = db.conn.execute(
                "SELECT question_id, response, saved_at FROM answers WHERE attempt_id = ?", (attempt_id,)
            ).fetchall()
            merged = {key: json.loads(response) for key, response, _ in drafts if response is not None}
            saved_at = {key: at for key, _, at in drafts}
            if not late:
                merged.update(given)
            # drafts were normalized when saved and ``given`` just now: not parsed a second time
            result = grade(paper, {k: v for k, v in merged.items() if v is not None}, normalized=True)
            db.execute("DELETE FROM answers WHERE attempt_id = ?", (attempt_id,))
            stamp = iso(now)
            db.conn.executemany(
                "INSERT INTO answers (attempt_id, question_id, position, response, points, correct, saved_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        attempt_id,
                        r.key,
                        i,
                        json.dumps(r.response, ensure_ascii=False) if r.response is not None else None,
                        r.points,
                        int(r.correct),
                        stamp if (r.key in given and not late) else saved_at.get(r.key),
                    )
                    for i, r in enumerate(result.results)
                ],
            )
            submitted = parse_iso(row["deadline"]) if late else now
            db.execute(
                "UPDATE attempts SET submitted_at = ?, score = ?, max_score = ?, percent = ?, passed = ?, auto_submitted = ? WHERE id = ?",
                (iso(submitted), result.score, result.max_score, result.percent, int(result.passed), int(late), attempt_id),
            )
        return result

    @staticmethod
    def _has_key(paper: Paper, key: str, attempt_id: str) -> bool:
        try:
            paper.question(key)
        except KeyError:
            raise NotFound(f"attempt {attempt_id} has no question '{key}'") from None
        return True

    def grade_of(self, attempt_id: str) -> Grade:
        """The grade of a submitted attempt, rebuilt from what was recorded."""
        row = self.attempt(attempt_id)
        if not row["submitted_at"]:
            raise AttemptClosed(f"attempt {attempt_id} is still in progress")
        return grade(self.paper(attempt_id), self.saved_responses(attempt_id))

    def finalize_expired(self, *, now: dt.datetime | None = None, employee_id: str | None = None) -> int:
        """Submit every attempt whose time ran out (with the answers saved in time); return how many."""
        now = now or utcnow()
        sql = "SELECT id FROM attempts WHERE submitted_at IS NULL AND deadline IS NOT NULL AND deadline < ?"
        params: list = [iso(now - self.grace)]
        if employee_id:
            sql += " AND employee_id = ?"
            params.append(employee_id)
        ids = [r["id"] for r in self.db.query(sql, params)]
        for attempt_id in ids:
            self.submit_attempt(attempt_id, now=now)
        return len(ids)

    def start_sweeper(self, interval: float = 30.0) -> threading.Thread:
        """A daemon thread that submits timed-out attempts every ``interval`` seconds, so an attempt
        whose browser was closed is graded at its deadline even if nobody looks at it again."""
        existing = getattr(self, "_sweeper", None)
        if existing is not None and existing.is_alive():
            return existing
        stop = self._sweeper_stop = threading.Event()

        def sweep() -> None:
            while not stop.wait(interval):
                try:
                    self.finalize_expired()
                except (sqlite3.Error, StorageUnavailable):  # a busy, full or read-only database: next time
                    continue

        self._sweeper = threading.Thread(target=sweep, name="mingde-sweeper", daemon=True)
        self._sweeper.start()
        return self._sweeper

    def stop_sweeper(self) -> None:
        stop = getattr(self, "_sweeper_stop", None)
        if stop is not None:
            stop.set()

    # -- lessons -------------------------------------------------------------------------------
    def open_lesson(self, employee_id: str, lesson_id: str, *, now: dt.datetime | None = None) -> dict:
        """Record that an employee opened a lesson (the first time counts); return the progress row."""
        now = now or utcnow()
        self.employee(employee_id)
        with self.write() as db:
            db.execute(
                "INSERT OR IGNORE INTO lesson_progress (employee_id, lesson_id, started_at) VALUES (?, ?, ?)",
                (employee_id, lesson_id, iso(now)),
            )
        return self._one("SELECT * FROM lesson_progress WHERE employee_id = ? AND lesson_id = ?", (employee_id, lesson_id))

    def complete_lesson(self, employee_id: str, lesson: Lesson, *, now: dt.datetime | None = None) -> str:
        """Mark a lesson completed; return when. ``TooEarly`` before ``min_read_time`` has passed
        since the lesson was first opened (measured on the server)."""
        now = now or utcnow()
        row = self.open_lesson(employee_id, lesson.id, now=now)
        if row["completed_at"]:
            return row["completed_at"]
        if lesson.min_read_time:
            spent = (now - parse_iso(row["started_at"])).total_seconds()
            if spent < lesson.min_read_time:
                left = int(lesson.min_read_time - spent + 0.999)
                raise TooEarly(f"lesson '{lesson.id}': {left} s more reading before it counts as completed", left)
        with self.write() as db:
            db.execute(
                "UPDATE lesson_progress SET completed_at = ? WHERE employee_id = ? AND lesson_id = ? AND completed_at IS NULL",
                (iso(now), employee_id, lesson.id),
            )
        return self._one(
            "SELECT completed_at FROM lesson_progress WHERE employee_id = ? AND lesson_id = ?", (employee_id, lesson.id)
        )["completed_at"]

    def lesson_progress(self, employee_id: str) -> dict[str, dict]:
        """An employee's lesson progress rows by lesson id."""
        return {r["lesson_id"]: r for r in self.db.query("SELECT * FROM lesson_progress WHERE employee_id = ?", (employee_id,))}

    # -- reports -------------------------------------------------------------------------------
    def participation(
        self,
        start: dt.date | str,
        end: dt.date | str,
        by: str = "department",
        quiz_id: str | None = None,
        *,
        total: str | None = None,
    ) -> pd.DataFrame:
        """Participation per department (or ``by="team"``: per department and 班组) for the dates
        ``start``..``end`` inclusive, Asia/Shanghai days.

        headcount = active employees; participants = those of them with at least one submitted
        attempt in the period (of ``quiz_id`` if given); rate = participants / headcount.
        ``total``: the label of a whole-bureau total row to append (e.g. "合计").
        """
        if by not in ("department", "team"):
            raise ValueError("by is 'department' or 'team'")
        lo, hi = iso(day_start(start)), iso(day_start(end) + dt.timedelta(days=1))
        keys = "e.department" if by == "department" else "e.department, COALESCE(e.team, '') AS team"
        group = "e.department" if by == "department" else "e.department, COALESCE(e.team, '')"
        quiz_filter = "AND quiz_id = :quiz" if quiz_id else ""
        sql = f"""
            WITH p AS (
                SELECT DISTINCT employee_id FROM attempts
                WHERE submitted_at >= :lo AND submitted_at < :hi AND quiz_kind != 'practice' {quiz_filter}
            )
            SELECT {keys}, COUNT(*) AS headcount, COUNT(p.employee_id) AS participants
            FROM employees e LEFT JOIN p ON p.employee_id = e.id
            WHERE e.active = 1
            GROUP BY {group} ORDER BY {group}
        """
        df = pd.DataFrame(
            list(self.db.query(sql, {"lo": lo, "hi": hi, "quiz": quiz_id})),
            columns=["department", *(["team"] if by == "team" else []), "headcount", "participants"],
        )
        if total is not None:
            row = {"department": total, "headcount": int(df["headcount"].sum()), "participants": int(df["participants"].sum())}
            if by == "team":
                row["team"] = ""
            df = pd.concat([df, pd.DataFrame([row])], ignore_index=True)
        df["participation_rate"] = (df["participants"] / df["headcount"].where(df["headcount"] > 0)).fillna(0).round(4)
        return df

    # -- maintenance ---------------------------------------------------------------------------
    def backup(self, dest: str | Path) -> Path:
        """Copy the database with SQLite's online backup API (safe while others write)."""
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".partial")
        tmp.unlink(missing_ok=True)
        target = sqlite3.connect(tmp)
        try:
            self.db.conn.backup(target)
        finally:
            target.close()
        tmp.replace(dest)
        return dest

    # -- content settings ----------------------------------------------------------------------
    def set_quiz_hidden(self, account: Account, quiz_id: str, hidden: bool) -> None:
        """Hide (or show again) a quiz for employees without deleting its file; organizers only."""
        self.check_role(account, "organizer")
        with self.write() as db:
            db["quiz_settings"].upsert(
                {"quiz_id": quiz_id, "hidden": int(hidden), "updated_at": iso(utcnow()), "updated_by": account.username},
                pk="quiz_id",
            )
        self.audit(account.username, "quiz.hide" if hidden else "quiz.show", {"quiz_id": quiz_id})

    def set_quiz_owners(self, account: Account, quiz_id: str, usernames: list[str]) -> None:
        """Set the organizers who run a quiz (organizers and admins). Organizers see the reports of
        the quizzes they run and of quizzes nobody runs; leaders see everything."""
        self.check_role(account, "organizer")
        known = {a.username: a.role for a in self.users()}
        for name in usernames:
            if known.get(name) not in ("organizer", "admin"):
                raise AccountError(f"{name} is not an organizer")
        with self.write() as db:
            db.execute("DELETE FROM quiz_owners WHERE quiz_id = ?", (quiz_id,))
            db.conn.executemany(
                "INSERT INTO quiz_owners (quiz_id, username) VALUES (?, ?)", [(quiz_id, name) for name in sorted(set(usernames))]
            )
        self.audit(account.username, "quiz.owners", {"quiz_id": quiz_id, "owners": sorted(set(usernames))})

    def quiz_owners(self) -> dict[str, set[str]]:
        """The organizers of each quiz that has any."""
        owners: dict[str, set[str]] = {}
        for row in self.db.query("SELECT quiz_id, username FROM quiz_owners"):
            owners.setdefault(row["quiz_id"], set()).add(row["username"])
        return owners

    def quizzes_hidden_from(self, account: Account) -> set[str]:
        """Quizzes whose reports ``account`` may not see: for organizers, those run only by others."""
        if account.role != "organizer":
            return set()
        return {quiz for quiz, names in self.quiz_owners().items() if account.username not in names}

    def hidden_quizzes(self) -> set[str]:
        """Ids of the quizzes organizers have hidden."""
        return {r["quiz_id"] for r in self.db.query("SELECT quiz_id FROM quiz_settings WHERE hidden = 1")}

    def check_role(self, account: Account | None, *roles: str) -> Account:
        """``AccessDenied`` unless ``account`` has one of ``roles`` (admin always passes)."""
        if account is None or account.disabled or (account.role not in roles and account.role != "admin"):
            raise AccessDenied(f"this needs the role {' or '.join(roles)}")
        return account
