"""Accounts that hold under attack (issue 15): the throttle under parallel tries, per account and
address and per address; the password policy; idle sessions; disabling and deactivation ending
sessions; admin calls on accounts, the roster and the audit log; file modes of the database."""

from __future__ import annotations

import datetime as dt
import stat
import threading

import pytest

from tests.conftest import at
from tracker import AccessDenied, Account, AccountError, Tracker, passwords
from tracker.auth import ADDRESS_MAX_FAILURES, MAX_FAILURES, session_account, sign_in
from tracker.errors import SignInFailed, Throttled
from tracker.passwords import WeakPassword, check_password, common_passwords, one_time_password

T0 = at("2026-03-10T02:00")
PASSWORD = "correct-horse-1"
WRONG = "wrong-password"
ADMIN = Account("root", "admin")


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    monkeypatch.setattr(passwords, "N", 2**8)
    monkeypatch.setattr(passwords, "_DUMMY", passwords.hash_password("dummy-password"))


@pytest.fixture
def people(tracker):
    tracker.add_employee("E001", "张三", "办公室", "综合组")
    tracker.add_employee("E002", "李四", "办公室", "综合组")
    tracker.add_employee("E003", "王五", "执法大队", "一中队")
    tracker.add_user("alice", PASSWORD, "employee", "E001")
    tracker.add_user("bob", PASSWORD, "organizer")
    tracker.add_user("root", PASSWORD, "admin")
    return tracker


def outcome(tracker, username, password, now=T0, address="10.0.0.9"):
    try:
        sign_in(tracker, username, password, address=address, now=now)
    except Throttled as e:
        return ("throttled", e.seconds)
    except SignInFailed:
        return ("failed",)
    return ("ok",)


def counting_checks(monkeypatch) -> list[str]:
    """Record every password check (``verify_password``) made by sign-ins."""
    checked: list[str] = []
    real = passwords.verify_password

    def spy(password, stored):
        checked.append(password)
        return real(password, stored)

    monkeypatch.setattr(passwords, "verify_password", spy)
    return checked


def in_parallel(tracker, tries: list[tuple[str, str]], address="10.0.0.9") -> list[tuple]:
    """All ``tries`` (user, password) at once, released together by a barrier."""
    barrier = threading.Barrier(len(tries))
    results: list[tuple] = [()] * len(tries)

    def run(i, user, password):
        barrier.wait()
        results[i] = outcome(tracker, user, password, now=T0, address=address)

    threads = [threading.Thread(target=run, args=(i, u, p)) for i, (u, p) in enumerate(tries)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    return results


# -- the throttle under parallel tries ---------------------------------------------------------------


def test_forty_parallel_wrong_passwords_check_only_five(people, monkeypatch):
    checked = counting_checks(monkeypatch)
    results = in_parallel(people, [("alice", WRONG)] * 40)
    assert len(checked) == MAX_FAILURES
    assert results.count(("failed",)) == MAX_FAILURES
    assert sum(1 for r in results if r[0] == "throttled") == 40 - MAX_FAILURES
    [row] = people.db.query("SELECT failures FROM sign_in_throttle WHERE key = 'account:10.0.0.9:alice'")
    assert row["failures"] == MAX_FAILURES


def test_thirty_nine_wrong_and_the_right_one_together_check_only_five(people, monkeypatch):
    checked = counting_checks(monkeypatch)
    results = in_parallel(people, [("alice", WRONG)] * 39 + [("alice", PASSWORD)])
    wrong = [p for p in checked if p == WRONG]
    if results[-1] == ("ok",):
        # the right password was among the first five tried; its success starts the count afresh,
        # so at most four wrong ones before it and five after it
        assert len(wrong) <= 2 * MAX_FAILURES - 1
    else:
        assert results[-1] == ("throttled", 60)
        assert len(checked) == len(wrong) == MAX_FAILURES
    assert sum(1 for r in results if r[0] == "throttled") == 40 - len(checked)


def test_tries_are_counted_before_the_password_is_checked(people, monkeypatch):
    seen: list[int] = []
    real = passwords.verify_password

    def spy(password, stored):
        [row] = people.db.query("SELECT failures FROM sign_in_throttle WHERE key = 'account:10.0.0.9:alice'")
        seen.append(row["failures"])
        return real(password, stored)

    monkeypatch.setattr(passwords, "verify_password", spy)
    assert outcome(people, "alice", WRONG) == ("failed",)
    assert seen == [1]  # counted already while the password was being checked


# -- per account and address, and per address -------------------------------------------------------


def test_an_outsider_cannot_lock_a_user_out_at_another_address(people):
    for _ in range(MAX_FAILURES):
        assert outcome(people, "alice", WRONG, address="10.9.9.9") == ("failed",)
    assert outcome(people, "alice", PASSWORD, address="10.9.9.9") == ("throttled", 60)
    assert outcome(people, "alice", PASSWORD, address="10.0.0.5") == ("ok",)  # alice at her own PC


def test_one_password_against_every_account_is_limited_per_address(people):
    names = [f"user{i}" for i in range(ADDRESS_MAX_FAILURES)]
    assert [outcome(people, n, WRONG, address="10.6.6.6") for n in names] == [("failed",)] * ADDRESS_MAX_FAILURES
    assert outcome(people, "bob", PASSWORD, address="10.6.6.6") == ("throttled", 60)
    assert outcome(people, "bob", PASSWORD, address="10.0.0.7") == ("ok",)


def test_a_success_is_forgiven_in_the_address_count(people):
    for _ in range(30):  # a busy shared PC: many good sign-ins never add up to a lock
        assert outcome(people, "bob", PASSWORD, address="10.1.1.1") == ("ok",)
    [row] = people.db.query("SELECT failures FROM sign_in_throttle WHERE key = 'address:10.1.1.1'")
    assert row["failures"] == 0


def test_sign_ins_and_failures_are_audited_with_the_address(people):
    outcome(people, "alice", WRONG, address="10.2.2.2")
    outcome(people, "alice", PASSWORD, address="10.2.2.2")
    rows = people.audit_entries(ADMIN, person="alice")
    assert [(r["action"], r["address"]) for r in rows] == [("sign_in", "10.2.2.2"), ("sign_in.failed", "10.2.2.2")]
    assert people.account_rows(ADMIN)[-1].last_sign_in is not None or any(r.last_sign_in for r in people.account_rows(ADMIN))


# -- the password policy -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "username", "employee_id", "rule"),
    [
        ("12345678", "e071", "E071", "common"),
        ("password", "e071", "E071", "common"),
        ("Password", "e071", "E071", "common"),
        ("qwertyuiop", "zhang", None, "common"),
        ("woaini1314", "zhang", None, "common"),
        ("        ", "e071", "E071", "repeated"),
        ("aaaaaaaaaaaa", "e071", "E071", "repeated"),
        ("e071e071", "e071", "E071", "contains_name"),
        ("my-E071-pass", "zhang", "E071", "contains_name"),
        ("zhangsan-2026", "zhangsan", None, "contains_name"),
        ("short1", "zhang", None, "too_short"),
        ("", "zhang", None, "too_short"),
        ("1234567", "zhang", None, "too_short"),
        ("correct-horse-1", "zhang", "E071", None),
        ("职业道德天天学习", "zhang", None, None),
        ("tq7-mountain-ink", "e071", "E071", None),
    ],
)
def test_password_policy(password, username, employee_id, rule):
    if rule is None:
        check_password(password, username, employee_id)
    else:
        with pytest.raises(WeakPassword) as caught:
            check_password(password, username, employee_id)
        assert caught.value.rule == rule
        assert username in str(caught.value)


def test_the_common_list_is_shipped_and_large():
    words = common_passwords()
    assert len(words) > 1000
    assert {"123456", "password", "12345678", "5201314"} <= words


def test_add_user_and_set_password_use_the_policy(people):
    with pytest.raises(WeakPassword, match="common"):
        people.add_user("carol", "12345678", "organizer")
    with pytest.raises(WeakPassword, match="user name"):
        people.set_password("bob", "bob-bob-bob")


def test_one_time_passwords_pass_the_policy_and_differ():
    made = {one_time_password("e3", "E3") for _ in range(2000)}
    assert len(made) == 2000
    for p in made:
        check_password(p, "e3", "E3")  # a short user name never turns up in its password


# -- sessions: idle timeout, last_seen, remember ---------------------------------------------------------


def test_a_session_ends_after_idling(people):
    token = sign_in(people, "alice", PASSWORD, now=T0).token
    idle = dt.timedelta(minutes=30)
    assert session_account(people, token, now=T0 + dt.timedelta(minutes=29), idle=idle) is not None
    assert session_account(people, token, now=T0 + dt.timedelta(minutes=58), idle=idle) is not None  # used at 29
    assert session_account(people, token, now=T0 + dt.timedelta(minutes=89), idle=idle) is None
    assert list(people.db.query("SELECT * FROM sessions")) == []  # ended on the server


def test_last_seen_is_written_at_most_once_a_minute(people):
    token = sign_in(people, "alice", PASSWORD, now=T0).token
    seen = lambda: people._one("SELECT last_seen FROM sessions")["last_seen"]  # noqa: E731
    session_account(people, token, now=T0 + dt.timedelta(seconds=59))
    assert seen() == "2026-03-10T02:00:00.000+00:00"
    session_account(people, token, now=T0 + dt.timedelta(seconds=61))
    assert seen() == "2026-03-10T02:01:01.000+00:00"
    changes = people.db.conn.total_changes
    for s in range(62, 120):
        session_account(people, token, now=T0 + dt.timedelta(seconds=s))
    assert people.db.conn.total_changes == changes


def test_idle_minutes_from_the_environment(monkeypatch):
    from tracker.config import settings

    monkeypatch.setenv("MINGDE_IDLE_MINUTES", "5")
    assert settings().idle_minutes == 5
    for bad in ("0", "-3", "nan", "inf", "x", "100000"):
        monkeypatch.setenv("MINGDE_IDLE_MINUTES", bad)
        assert settings().idle_minutes == 30


def test_remember_is_kept_with_the_session(people):
    sign_in(people, "alice", PASSWORD, remember=True, now=T0)
    sign_in(people, "bob", PASSWORD, now=T0)
    assert {r["username"]: r["remember"] for r in people.db.query("SELECT * FROM sessions")} == {"alice": 1, "bob": 0}


# -- disabling and deactivation end sessions ---------------------------------------------------------------


def test_disabling_an_account_ends_its_sessions_and_sign_in(people):
    token = sign_in(people, "alice", PASSWORD, now=T0).token
    people.set_disabled(ADMIN, "alice", True)
    assert session_account(people, token, now=T0) is None
    assert outcome(people, "alice", PASSWORD) == ("failed",)
    people.set_disabled(ADMIN, "alice", False)
    assert outcome(people, "alice", PASSWORD) == ("ok",)
    assert [r["action"] for r in people.audit_entries(ADMIN, person="alice")] == [
        "sign_in",
        "user.enable",
        "sign_in.failed",
        "user.disable",
        "sign_in",
    ]


def test_an_admin_cannot_disable_themselves(people):
    with pytest.raises(AccountError, match="your own"):
        people.set_disabled(ADMIN, "root", True)


def test_marking_an_employee_as_left_disables_the_account(people):
    token = sign_in(people, "alice", PASSWORD, now=T0).token
    assert people.mark_left(ADMIN, "E001", "2026-03-01") == ["alice"]
    assert session_account(people, token, now=T0) is None
    assert outcome(people, "alice", PASSWORD) == ("failed",)
    assert people.employee("E001")["left_on"] == "2026-03-01"
    assert people.employee("E001")["active"] == 0


def test_roster_import_with_deactivate_missing_disables_accounts(people, tmp_path):
    token = sign_in(people, "alice", PASSWORD, now=T0).token
    path = tmp_path / "roster.csv"
    path.write_text(
        "工号,姓名,部门,班组\nE002,李四,办公室,综合组\nE003,王五,执法大队,二中队\nE004,赵六,办公室,\n", encoding="utf-8"
    )
    preview = people.preview_roster(path, deactivate_missing=True)
    assert [r.id for r in preview.added] == ["E004"]
    assert [(before["team"], after.team) for before, after in preview.changed] == [("一中队", "二中队")]
    assert [e["id"] for e in preview.deactivated] == ["E001"]
    assert preview.unchanged == 1
    assert session_account(people, token, now=T0) is not None  # a preview writes nothing
    people.import_roster(path, deactivate_missing=True)
    assert session_account(people, token, now=T0) is None
    assert outcome(people, "alice", PASSWORD) == ("failed",)
    assert people.employee("E001")["left_on"] is not None


# -- accounts administration ------------------------------------------------------------------------------


def test_a_created_account_must_change_its_one_time_password(people):
    made = people.create_account(ADMIN, "carol", "leader")
    result = sign_in(people, "carol", made.password, now=T0)
    assert result.account.must_change
    assert session_account(people, result.token, now=T0).must_change
    people.change_own_password(result.account, made.password, "a-fresh-secret-9")
    assert session_account(people, result.token, now=T0) is None  # the change ends the session
    assert not sign_in(people, "carol", "a-fresh-secret-9", now=T0).account.must_change


def test_change_own_password_checks_the_current_one_and_the_policy(people):
    me = Account("bob", "organizer")
    with pytest.raises(AccountError, match="current password is wrong"):
        people.change_own_password(me, WRONG, "a-fresh-secret-9")
    with pytest.raises(WeakPassword, match="common"):
        people.change_own_password(me, PASSWORD, "password1")
    with pytest.raises(WeakPassword, match="same"):
        people.change_own_password(me, PASSWORD, PASSWORD)
    with pytest.raises(AccessDenied):
        people.change_own_password(None, PASSWORD, "a-fresh-secret-9")


def test_reset_gives_a_one_time_password_and_ends_sessions(people):
    token = sign_in(people, "alice", PASSWORD, now=T0).token
    made = people.reset_password(ADMIN, "alice")
    assert session_account(people, token, now=T0) is None
    assert outcome(people, "alice", PASSWORD) == ("failed",)
    assert sign_in(people, "alice", made.password, now=T0).account.must_change


def test_department_accounts_use_the_employee_number(people):
    made = people.create_department_accounts(ADMIN, "办公室")
    assert [(m.username, m.name) for m in made] == [("E002", "李四")]  # E001 has an account already
    assert sign_in(people, "E002", made[0].password, now=T0).account == Account("E002", "employee", "E002", must_change=True)
    assert people.create_department_accounts(ADMIN, "办公室") == []


def test_the_last_admin_keeps_the_role(people):
    with pytest.raises(AccountError, match="last admin"):
        people.set_role(ADMIN, "root", "leader")
    people.set_role(ADMIN, "bob", "admin")
    people.set_role(ADMIN, "root", "leader")
    assert {a.username: a.role for a in people.users()}["root"] == "leader"
    with pytest.raises(AccountError, match="employee record"):
        people.set_role(Account("bob", "admin"), "root", "employee")


def test_audit_entries_filter_by_person_action_and_day(people):
    people.set_disabled(ADMIN, "alice", True)
    people.save_employee(ADMIN, "E009", "新人", "办公室", "综合组")
    assert [r["action"] for r in people.audit_entries(ADMIN, action="roster.add")] == ["roster.add"]
    assert {r["action"] for r in people.audit_entries(ADMIN, person="alice")} == {"user.disable"}
    today = dt.datetime.now(dt.UTC).date()
    assert len(people.audit_entries(ADMIN, since=today - dt.timedelta(days=1))) == 2
    assert people.audit_entries(ADMIN, until=today - dt.timedelta(days=3)) == []


def test_find_employees_filters(people):
    people.mark_left(ADMIN, "E002")
    ids = lambda **f: [e["id"] for e in people.find_employees(ADMIN, **f)]  # noqa: E731
    assert ids(department="办公室") == ["E001", "E002"]
    assert ids(status="left") == ["E002"]
    assert ids(text="王") == ["E003"]
    assert ids(text="%") == []
    assert ids(team="一中队", status="active") == ["E003"]


# -- quiz owners (only admins or the current owners change them) -------------------------------------------


def test_quiz_owners_change_only_by_admins_or_owners(people):
    people.add_user("org2", PASSWORD, "organizer")
    bob, org2 = Account("bob", "organizer"), Account("org2", "organizer")
    people.set_quiz_owners(bob, "q1", ["bob"])  # nobody ran it: bob takes it
    with pytest.raises(AccessDenied):
        people.set_quiz_owners(org2, "q1", ["org2"])
    assert not people.may_set_quiz_owners(org2, "q1")
    people.set_quiz_owners(ADMIN, "q1", ["org2"])
    assert people.quiz_owners()["q1"] == {"org2"}


# -- file modes ----------------------------------------------------------------------------------------------


@pytest.mark.sqlite_only  # file modes of the database file and its backup
def test_the_database_and_backups_are_created_private(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        t = Tracker(tmp_path / "new.db")
        t.add_employee("E1", "张三", "办公室")
        dest = t.backup(tmp_path / "backups" / "copy.db")
        t.close()
    finally:
        os.umask(old)
    for path in (tmp_path / "new.db", tmp_path / "new.db-wal", dest):
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


# -- the client address ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("peer", "forwarded", "proxies", "address"),
    [
        ("10.0.0.5", None, "", "10.0.0.5"),
        ("10.0.0.5", "1.2.3.4", "", "10.0.0.5"),  # not a proxy: its header is not believed
        ("127.0.0.1", "10.1.1.1", "127.0.0.1", "10.1.1.1"),
        ("127.0.0.1", "6.6.6.6, 10.1.1.1", "127.0.0.1", "10.1.1.1"),  # the left part is the client's to forge
        ("10.0.1.7", "10.1.1.1, 10.0.1.8", "10.0.1.0/24", "10.1.1.1"),  # a chain of trusted proxies
        ("127.0.0.1", "not-an-address", "127.0.0.1", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1", "127.0.0.1"),
        ("127.0.0.1", "10.0.0.9", "garbage", "127.0.0.1"),
        (None, None, "", ""),
    ],
)
def test_client_address(peer, forwarded, proxies, address):
    from tracker.config import trusted_proxies
    from ui.server import client_address

    assert client_address(peer, forwarded, trusted_proxies(proxies)) == address
