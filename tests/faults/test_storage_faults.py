"""Disk full and read-only database: every write fails with ``StorageUnavailable`` and writes nothing,
reads go on, nothing acknowledged is lost, and writes work again once the fault is gone.

The faults are injected into SQLite (tests/faults/inject.py), so these tests hold when run as root.
The real permission cases (file or folder ``chmod``-ed read-only) are in test_readonly_files.py.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from quizzes import load_catalog
from tests.conftest import SMALL_LESSON, SMALL_QUIZ, write_files
from tests.faults.inject import small_pages_db
from tracker import StorageUnavailable, Tracker
from tracker.access import Access
from tracker.reports import item_analysis, participation_report
from tracker.store import Account

QUIZ = SMALL_QUIZ.replace("pass_percent: 60", "pass_percent: 60\nmax_attempts: 100")
ALL_RIGHT = {"s1": "A", "m1": "ABD", "t1": True, "f1": ["预防为主"], "c1": "A"}
TABLES = ("employees", "accounts", "attempts", "answers", "lesson_progress", "content_versions", "audit_log")
MESSAGES = {"full": "is full", "readonly": "is read-only"}


def snapshot(tracker: Tracker) -> dict[str, list[tuple]]:
    return {name: tracker.db.execute(f"SELECT * FROM {name} ORDER BY 1, 2").fetchall() for name in TABLES}


@pytest.fixture
def store(tmp_path):
    """A store on 1 KiB pages with four submitted attempts, lesson progress, and one attempt in progress."""
    content = write_files(tmp_path / "content", {"quizzes/small.yaml": QUIZ, "lessons/basics.yaml": SMALL_LESSON})
    catalog = load_catalog(content)
    tracker = Tracker(small_pages_db(tmp_path / "data" / "mingde.db"))
    for n in range(1, 7):
        tracker.add_employee(f"E{n}", f"员工{n}", "办公室" if n % 2 else "财务科")
    tracker.add_user("boss", "password-1", "leader")
    quiz = catalog.quizzes["small"]
    acknowledged = {}
    for n in range(1, 5):
        attempt = tracker.start_attempt(f"E{n}", quiz)
        tracker.save_answer(attempt, "s1", "A")
        acknowledged[attempt] = tracker.submit_attempt(attempt, ALL_RIGHT if n % 2 else {"t1": False}).score
    tracker.complete_lesson("E1", catalog.lessons["basics"])
    tracker.open_lesson("E2", "basics")
    open_attempt = tracker.start_attempt("E5", quiz)
    tracker.save_answer(open_attempt, "s1", "A")
    yield tracker, catalog, acknowledged, open_attempt
    tracker.close()


def period() -> str:
    return f"{dt.date.today().year}"


@pytest.mark.parametrize("kind", ["full", "readonly"])
def test_reads_go_on_writes_fail_by_name_and_nothing_acknowledged_is_lost(store, fault, kind):
    tracker, catalog, acknowledged, open_attempt = store
    quiz, lesson = catalog.quizzes["small"], catalog.lessons["basics"]
    before = snapshot(tracker)
    boss = Account("boss", "leader")
    employee = Access(tracker, Account("e1", "employee", "E1"))
    assert tracker.db.execute("PRAGMA freelist_count").fetchone()[0] == 0  # so a new page means a bigger file

    f = fault(kind, tracker)

    # reads: history, own results, lessons, reports
    assert {a["id"] for a in employee.my_attempts()} <= set(acknowledged)
    first = next(iter(acknowledged))
    assert tracker.grade_of(first).score == acknowledged[first]
    assert employee.lesson_progress()["basics"]["completed_at"]
    assert employee.quiz_status(quiz).code == "open"
    report = participation_report(tracker, boss, period())
    assert report.set_index("department").loc["合计", "participants"] == 4
    assert set(item_analysis(tracker, boss, quiz_id="small")["question_id"]) == {"s1", "m1", "t1", "f1", "c1"}

    # writes: refused by name, with the database file in the message, and nothing half-written
    drafts = tracker.saved_responses(open_attempt)
    with pytest.raises(StorageUnavailable, match=MESSAGES[kind]) as refused:
        tracker.submit_attempt(open_attempt, ALL_RIGHT)
    assert refused.value.reason == kind
    assert refused.value.path == str(tracker.path)
    assert "mingde.db" in str(refused.value)
    assert tracker.attempt(open_attempt)["submitted_at"] is None
    assert tracker.saved_responses(open_attempt) == drafts
    with pytest.raises(StorageUnavailable):
        employee.start_attempt(quiz)
    if kind == "readonly":  # a full disk may still take a write that fits in a page's free room
        with pytest.raises(StorageUnavailable):
            tracker.complete_lesson("E2", lesson)
        with pytest.raises(StorageUnavailable):
            tracker.save_answer(open_attempt, "m1", "AB")
    assert not tracker.db.conn.in_transaction

    # nothing acknowledged is lost or changed, and the file is sound
    assert snapshot(tracker) == before
    assert tracker.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # the admin frees space / makes the file writable again: the same store writes again
    f.clear()
    assert tracker.submit_attempt(open_attempt, ALL_RIGHT).score == 8
    assert employee.start_attempt(quiz)
    reopened = Tracker(tracker.path)
    try:
        after = snapshot(reopened)
        for name in TABLES:
            assert set(before[name]) - set(after[name]) <= {r for r in before[name] if r[0] == open_attempt}, name
        assert reopened.attempt(open_attempt)["score"] == 8
        assert reopened.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        reopened.close()


def test_a_full_disk_in_another_thread_is_refused_there_too(store, fault):
    """Each thread has its own connection; the fault reaches connections opened after it began."""
    tracker, catalog, _, _ = store
    fault("full", tracker)
    outcome: list[BaseException | str] = []

    def start() -> None:
        try:
            tracker.start_attempt("E6", catalog.quizzes["small"])
            outcome.append("written")
        except BaseException as e:  # reported below
            outcome.append(e)

    thread = threading.Thread(target=start)
    thread.start()
    thread.join()
    assert isinstance(outcome[0], StorageUnavailable) and outcome[0].reason == "full"
    assert tracker.attempts("E6") == []


def test_a_disk_io_error_is_named_and_rolled_back(tracker):
    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorcode, error.sqlite_errorname = sqlite3.SQLITE_IOERR_WRITE, "SQLITE_IOERR_WRITE"
    with pytest.raises(StorageUnavailable, match="I/O error") as refused, tracker.write() as db:
        db.execute("INSERT INTO employees (id, name, department) VALUES ('X1', '某', '办公室')")
        raise error
    assert refused.value.reason == "io"
    assert refused.value.__cause__ is error
    assert tracker.employees() == []


def test_a_write_lock_held_past_the_busy_timeout_is_refused_by_name(tmp_path, monkeypatch):
    """Under overload far past capacity a write can wait out the whole busy timeout: it is refused
    with a message (reason "busy"), not a traceback, and works again once the lock is free."""
    monkeypatch.setattr("tracker.store.core.BUSY_TIMEOUT_MS", 200)
    store = Tracker(tmp_path / "busy.db")
    holder = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        with pytest.raises(StorageUnavailable, match="stayed locked by other writes for 0.2 s") as refused:
            store.add_employee("X1", "某", "办公室")
        assert refused.value.reason == "busy"
        assert store.employees() == []  # reads go on
        holder.execute("ROLLBACK")
        store.add_employee("X1", "某", "办公室")
        assert [e["id"] for e in store.employees()] == ["X1"]
    finally:
        holder.close()
        store.close()


def test_other_database_errors_are_not_storage_faults(tracker):
    with pytest.raises(sqlite3.OperationalError, match="no such table"), tracker.write() as db:
        db.execute("INSERT INTO nowhere VALUES (1)")


def test_a_failed_commit_leaves_no_transaction_open(tracker, tmp_path):
    """Before, a COMMIT that failed left the thread's connection inside its transaction: every later
    write on that thread became a savepoint of it, was acknowledged, and was never committed."""
    with pytest.raises(sqlite3.IntegrityError), tracker.write() as db:
        db.execute("PRAGMA defer_foreign_keys = ON")  # the foreign key is checked at COMMIT
        db.execute(
            "INSERT INTO attempts (id, employee_id, quiz_id, seed, paper, started_at) VALUES ('a', 'NOBODY', 'q', 1, '{}', 'x')"
        )
    assert not tracker.db.conn.in_transaction
    tracker.add_employee("E1", "张三", "办公室")
    other = Tracker(tracker.path)
    try:
        assert [e["id"] for e in other.employees()] == ["E1"]
    finally:
        other.close()


def test_a_store_opens_without_writing_when_its_schema_is_current(tracker, fault):
    """So a full or read-only database still opens (after a restart) and serves reads."""
    tracker.add_employee("E1", "张三", "办公室")
    fault("readonly", tracker)
    again = Tracker(tracker.path)
    try:
        assert [e["id"] for e in again.employees()] == ["E1"]
    finally:
        again.close()


def test_the_sweeper_survives_a_full_disk(store, fault):
    tracker, catalog, _, open_attempt = store
    with tracker.write() as db:
        db.execute("UPDATE attempts SET deadline = '2000-01-01T00:00:00.000+00:00' WHERE id = ?", (open_attempt,))
    fault("full", tracker)
    sweeper = tracker.start_sweeper(interval=0.05)
    try:
        threading.Event().wait(0.3)
        assert sweeper.is_alive()
        assert tracker.attempt(open_attempt)["submitted_at"] is None
    finally:
        tracker.stop_sweeper()


def test_connections_of_finished_threads_are_closed(tracker):
    """Streamlit runs every rerun in a new thread: their connections must not pile up (two file
    descriptors each, until the process runs out)."""
    tracker.employees()
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        pytest.skip("needs /proc")
    before = len(os.listdir(fds))
    for _ in range(50):
        thread = threading.Thread(target=tracker.employees)
        thread.start()
        thread.join()
    tracker.employees()
    assert len(os.listdir(fds)) <= before + 4
    assert len(tracker._conns) <= 2
