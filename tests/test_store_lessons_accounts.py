"""The store's lessons, accounts, roles, schema and backup."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading

import pytest

from lessons.model import Lesson
from tests.conftest import INTEGRITY_ERRORS, ROOT, at
from tracker import SCHEMA_VERSION, AccessDenied, Account, AccountError, NotFound, TooEarly, Tracker, TrackerError
from tracker.schema import schema_version

T0 = at("2026-03-10T02:00")
PASSWORD = "correct-horse"


def lesson(**changes) -> Lesson:
    return Lesson.model_validate(
        {
            "id": "integrity",
            "title": "诚实守信",
            "min_read_time": "2m",
            "sections": [{"title": "为什么", "body": "诚实守信是立身之本。"}],
            **changes,
        }
    )


@pytest.fixture
def emp(tracker):
    tracker.add_employee("E001", "张三", "办公室", "综合组")
    return "E001"


def disable(tracker: Tracker, username: str) -> None:
    with tracker.write() as db:
        db.execute("UPDATE accounts SET disabled = 1 WHERE username = ?", (username,))


# -- lessons ------------------------------------------------------------------------------------


def test_open_lesson_records_the_first_opening(tracker, emp):
    row = tracker.open_lesson(emp, "integrity", now=T0)
    assert row == {
        "employee_id": emp,
        "lesson_id": "integrity",
        "started_at": "2026-03-10T02:00:00.000+00:00",
        "completed_at": None,
    }


def test_opening_a_lesson_again_keeps_the_first_start(tracker, emp):
    tracker.open_lesson(emp, "integrity", now=T0)
    row = tracker.open_lesson(emp, "integrity", now=T0 + dt.timedelta(hours=3))
    assert row["started_at"] == "2026-03-10T02:00:00.000+00:00"


def test_open_lesson_for_an_unknown_employee_is_not_found(tracker):
    with pytest.raises(NotFound, match="E404"):
        tracker.open_lesson("E404", "integrity", now=T0)


@pytest.mark.parametrize(
    ("after_seconds", "seconds_left"),
    [(0, 120), (30, 90), (119, 1), (119.5, 1)],
)
def test_complete_lesson_too_early_says_how_long_is_left(tracker, emp, after_seconds, seconds_left):
    tracker.open_lesson(emp, "integrity", now=T0)
    with pytest.raises(TooEarly) as caught:
        tracker.complete_lesson(emp, lesson(), now=T0 + dt.timedelta(seconds=after_seconds))
    assert caught.value.seconds_left == seconds_left
    assert f"{seconds_left} s" in str(caught.value)
    assert tracker.lesson_progress(emp)["integrity"]["completed_at"] is None


def test_completing_without_opening_first_starts_the_clock(tracker, emp):
    with pytest.raises(TooEarly) as caught:
        tracker.complete_lesson(emp, lesson(), now=T0)
    assert caught.value.seconds_left == 120
    assert tracker.lesson_progress(emp)["integrity"]["started_at"] == "2026-03-10T02:00:00.000+00:00"


@pytest.mark.parametrize("after_seconds", [120, 121, 3600])
def test_complete_lesson_after_the_minimum_reading_time(tracker, emp, after_seconds):
    tracker.open_lesson(emp, "integrity", now=T0)
    when = T0 + dt.timedelta(seconds=after_seconds)
    assert tracker.complete_lesson(emp, lesson(), now=when) == when.isoformat(timespec="milliseconds")
    assert tracker.lesson_progress(emp)["integrity"]["completed_at"] == when.isoformat(timespec="milliseconds")


def test_reading_time_is_measured_from_the_server_side_start(tracker, emp):
    tracker.open_lesson(emp, "integrity", now=T0)
    # Re-opening later (a new browser tab) must not restart the clock, nor skip it.
    tracker.open_lesson(emp, "integrity", now=T0 + dt.timedelta(seconds=100))
    assert tracker.complete_lesson(emp, lesson(), now=T0 + dt.timedelta(seconds=120))


def test_completing_twice_keeps_the_first_completion(tracker, emp):
    tracker.open_lesson(emp, "integrity", now=T0)
    first = tracker.complete_lesson(emp, lesson(), now=T0 + dt.timedelta(minutes=5))
    second = tracker.complete_lesson(emp, lesson(), now=T0 + dt.timedelta(days=2))
    assert second == first == "2026-03-10T02:05:00.000+00:00"
    assert tracker.lesson_progress(emp)["integrity"]["completed_at"] == first


def test_lesson_without_minimum_reading_time_completes_at_once(tracker, emp):
    assert tracker.complete_lesson(emp, lesson(min_read_time=None), now=T0) == "2026-03-10T02:00:00.000+00:00"


def test_lesson_progress_is_per_employee(tracker, emp):
    tracker.add_employee("E002", "李四", "办公室")
    tracker.open_lesson(emp, "integrity", now=T0)
    assert tracker.lesson_progress("E002") == {}
    assert list(tracker.lesson_progress(emp)) == ["integrity"]


# -- accounts -----------------------------------------------------------------------------------


def test_add_user_returns_the_account(tracker, emp):
    account = tracker.add_user("zhangsan", PASSWORD, "employee", emp)
    assert account == Account("zhangsan", "employee", emp)


@pytest.mark.parametrize(
    ("username", "password", "role", "employee_id", "message"),
    [
        ("boss", PASSWORD, "king", None, "role must be one of"),
        ("boss", PASSWORD, "", None, "role must be one of"),
        ("boss", "short", "admin", None, "at least 8 characters"),
        ("boss", "", "admin", None, "at least 8 characters"),
        ("x", PASSWORD, "admin", None, "user name"),
        ("has space", PASSWORD, "admin", None, "user name"),
        ("semi;colon", PASSWORD, "admin", None, "user name"),
        ("", PASSWORD, "admin", None, "user name"),
        ("a" * 65, PASSWORD, "admin", None, "user name"),
        ("worker", PASSWORD, "employee", None, "needs --employee"),
    ],
)
def test_add_user_refuses_bad_input(tracker, username, password, role, employee_id, message):
    with pytest.raises(AccountError, match=message):
        tracker.add_user(username, password, role, employee_id)
    assert tracker.users() == []


def test_add_user_with_an_unknown_employee_is_refused(tracker):
    with pytest.raises(NotFound, match="E404"):
        tracker.add_user("worker", PASSWORD, "employee", "E404")
    assert tracker.users() == []


def test_add_user_refuses_a_name_with_a_trailing_newline(tracker):
    with pytest.raises(AccountError, match="user name"):
        tracker.add_user("alice\n", PASSWORD, "admin")


def test_add_user_twice_is_refused(tracker):
    tracker.add_user("boss", PASSWORD, "admin")
    with pytest.raises(AccountError, match="already exists"):
        tracker.add_user("boss", "another-password", "leader")
    assert tracker.users() == [Account("boss", "admin")]


@pytest.mark.parametrize("role", ["organizer", "leader", "admin"])
def test_other_roles_need_no_employee(tracker, role):
    assert tracker.add_user("someone", PASSWORD, role).role == role


def test_password_is_stored_only_as_a_scrypt_hash(tracker):
    tracker.add_user("boss", PASSWORD, "admin")
    stored = tracker.db.execute("SELECT password_hash FROM accounts WHERE username = 'boss'").fetchone()[0]
    assert stored.startswith("scrypt$")
    assert PASSWORD not in stored
    assert PASSWORD.encode().hex() not in stored


def test_same_password_gets_a_different_salt(tracker):
    tracker.add_user("one", PASSWORD, "admin")
    tracker.add_user("two", PASSWORD, "admin")
    hashes = [r[0] for r in tracker.db.execute("SELECT password_hash FROM accounts")]
    assert hashes[0] != hashes[1]


def test_authenticate_with_the_right_password(tracker, emp):
    tracker.add_user("zhangsan", PASSWORD, "employee", emp)
    assert tracker.authenticate("zhangsan", PASSWORD) == Account("zhangsan", "employee", emp)


@pytest.mark.parametrize(
    ("username", "password"),
    [("boss", "wrong-password"), ("boss", PASSWORD.upper()), ("boss", ""), ("nobody", PASSWORD), ("BOSS", PASSWORD)],
)
def test_authenticate_with_bad_credentials_gives_none(tracker, username, password):
    tracker.add_user("boss", PASSWORD, "admin")
    assert tracker.authenticate(username, password) is None


def test_authenticate_a_disabled_account_gives_none(tracker):
    tracker.add_user("boss", PASSWORD, "admin")
    disable(tracker, "boss")
    assert tracker.authenticate("boss", PASSWORD) is None


def test_set_password_replaces_the_old_one(tracker):
    tracker.add_user("boss", PASSWORD, "admin")
    tracker.set_password("boss", "new-password-1")
    assert tracker.authenticate("boss", PASSWORD) is None
    assert tracker.authenticate("boss", "new-password-1") == Account("boss", "admin")


def test_set_password_too_short_is_refused(tracker):
    tracker.add_user("boss", PASSWORD, "admin")
    with pytest.raises(AccountError, match="at least 8"):
        tracker.set_password("boss", "1234567")
    assert tracker.authenticate("boss", PASSWORD) is not None


def test_set_password_of_an_unknown_user_is_not_found(tracker):
    with pytest.raises(NotFound, match="nobody"):
        tracker.set_password("nobody", "new-password-1")


def test_users_lists_accounts_by_role_then_name(tracker, emp):
    tracker.add_user("zed", PASSWORD, "leader")
    tracker.add_user("amy", PASSWORD, "leader")
    tracker.add_user("root", PASSWORD, "admin")
    tracker.add_user("zhangsan", PASSWORD, "employee", emp)
    tracker.set_lang("amy", "en")
    disable(tracker, "zed")
    assert tracker.users() == [
        Account("root", "admin"),
        Account("zhangsan", "employee", emp),
        Account("amy", "leader", lang="en"),
        Account("zed", "leader", disabled=True),
    ]


def test_account_never_carries_the_hash(tracker):
    account = tracker.add_user("boss", PASSWORD, "admin")
    assert not any("scrypt" in str(v) for v in vars(account).values())
    assert not any("scrypt" in repr(a) for a in tracker.users())


# -- roles --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "needed", "allowed"),
    [
        ("leader", ("leader",), True),
        ("organizer", ("leader", "organizer"), True),
        ("admin", ("leader",), True),  # admin always passes
        ("employee", ("leader", "organizer"), False),
        ("organizer", ("leader",), False),
        ("leader", ("admin",), False),
    ],
)
def test_check_role(tracker, role, needed, allowed):
    account = Account("someone", role)
    if allowed:
        assert tracker.check_role(account, *needed) is account
    else:
        with pytest.raises(AccessDenied, match=" or ".join(needed)):
            tracker.check_role(account, *needed)


def test_check_role_refuses_nobody(tracker):
    with pytest.raises(AccessDenied):
        tracker.check_role(None, "employee")


def test_check_role_refuses_a_disabled_admin(tracker):
    with pytest.raises(AccessDenied):
        tracker.check_role(Account("root", "admin", disabled=True), "admin")


# -- schema -------------------------------------------------------------------------------------


def test_new_database_has_the_current_schema_version(tracker):
    assert schema_version(tracker.db) == SCHEMA_VERSION
    assert len(list((ROOT / "tracker" / "sql").glob("[0-9][0-9][0-9]_*.sql"))) == SCHEMA_VERSION
    tables = set(tracker.db.table_names())
    assert {"employees", "accounts", "attempts", "answers", "sessions", "audit_log", "competition_events"} <= tables


@pytest.mark.sqlite_only
def test_database_uses_wal_journal(tracker):
    assert tracker.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.sqlite_only
def test_foreign_keys_are_on_in_every_thread(tracker):
    seen = []
    thread = threading.Thread(target=lambda: seen.append(tracker.db.execute("PRAGMA foreign_keys").fetchone()[0]))
    thread.start()
    thread.join()
    assert tracker.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert seen == [1]


def test_foreign_keys_are_enforced(tracker):
    with pytest.raises(INTEGRITY_ERRORS), tracker.write() as db:
        db.execute("INSERT INTO lesson_progress (employee_id, lesson_id, started_at) VALUES ('E404', 'x', 'now')")


def test_all_tables_exist(tracker):
    assert {"employees", "accounts", "attempts", "answers", "lesson_progress", "content_versions", "audit_log"} <= set(
        tracker.db.table_names()
    )


def test_reopening_keeps_the_data(tmp_path):
    first = Tracker(tmp_path / "m.db")
    first.add_employee("E001", "张三", "办公室")
    first.close()
    again = Tracker(tmp_path / "m.db")
    try:
        assert [e["id"] for e in again.employees()] == ["E001"]
        assert schema_version(again.db) == SCHEMA_VERSION
    finally:
        again.close()


@pytest.mark.sqlite_only  # on PostgreSQL: tests/test_postgres.py
def test_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(TrackerError, match="newer"):
        Tracker(path)


# -- audit --------------------------------------------------------------------------------------


def test_audit_records_who_did_what(tracker):
    tracker.audit("cli", "user.add", {"username": "张三"})
    row = tracker.db.execute("SELECT actor, action, detail FROM audit_log").fetchone()
    assert row == ("cli", "user.add", '{"username": "张三"}')


# -- backup -------------------------------------------------------------------------------------


def _rows(conn: sqlite3.Connection, sql: str) -> list[tuple]:
    return conn.execute(sql).fetchall()


@pytest.mark.sqlite_only  # SQLite's backup API (pg_dump: issue 20, the multi-node part)
def test_backup_copies_every_row(tracker, tmp_path, emp):
    tracker.add_user("boss", PASSWORD, "admin")
    tracker.open_lesson(emp, "integrity", now=T0)
    dest = tracker.backup(tmp_path / "backups" / "copy.db")
    assert dest == tmp_path / "backups" / "copy.db"
    copy = sqlite3.connect(dest)
    try:
        for name in ("employees", "accounts", "lesson_progress"):
            assert _rows(copy, f"SELECT * FROM {name}") == list(tracker.db.execute(f"SELECT * FROM {name}").fetchall())
        assert _rows(copy, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    finally:
        copy.close()
    assert not (tmp_path / "backups" / "copy.db.partial").exists()


@pytest.mark.sqlite_only
def test_backup_while_a_writer_keeps_inserting(tracker, tmp_path):
    for i in range(200):
        tracker.add_employee(f"E{i:03d}", f"员工{i}", f"部门{i % 6}", f"班组{i % 3}")
    written = threading.Event()
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer():
        try:
            n = 0
            while not stop.is_set():
                tracker.audit("writer", "tick", {"n": n})
                n += 1
                if n == 50:
                    written.set()
        except BaseException as e:  # reported below
            errors.append(e)
            written.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert written.wait(timeout=60)
        dest = tracker.backup(tmp_path / "live.db")
    finally:
        stop.set()
        thread.join(timeout=60)
    assert errors == []

    copy = sqlite3.connect(dest)
    try:
        assert _rows(copy, "PRAGMA integrity_check") == [("ok",)]
        assert _rows(copy, "SELECT COUNT(*) FROM employees") == [(200,)]
        assert _rows(
            copy, "SELECT id, name, department, team, active FROM employees WHERE id IN ('E000', 'E123', 'E199') ORDER BY id"
        ) == [
            ("E000", "员工0", "部门0", "班组0", 1),
            ("E123", "员工123", "部门3", "班组0", 1),
            ("E199", "员工199", "部门1", "班组1", 1),
        ]
        copied = _rows(copy, "SELECT * FROM audit_log ORDER BY id")
    finally:
        copy.close()
    source = tracker.db.execute("SELECT * FROM audit_log ORDER BY id").fetchall()
    # A consistent snapshot: at least what was written before, and exactly the first rows of the source.
    assert 50 <= len(copied) <= len(source)
    assert copied == source[: len(copied)]
