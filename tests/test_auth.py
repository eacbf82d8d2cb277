"""Sign-in sessions (only a hash of the token is stored) and throttling of failed sign-ins."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from tests.conftest import at
from tracker import Account, passwords
from tracker.auth import session_account, sign_in, sign_out, sign_out_everywhere
from tracker.errors import SignInFailed, Throttled

T0 = at("2026-03-10T02:00")
PASSWORD = "correct-horse-1"
WRONG = "wrong-password"


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    """Cheaper scrypt for these tests (the sign-in logic is the subject, not the hash's cost)."""
    monkeypatch.setattr(passwords, "N", 2**8)
    monkeypatch.setattr(passwords, "_DUMMY", passwords.hash_password("dummy-password"))


@pytest.fixture(autouse=True)
def no_idle_timeout(monkeypatch):
    """These tests are about expiry and throttling: the idle timeout is tested in test_accounts_admin.py."""
    monkeypatch.setattr("tracker.auth.idle_limit", lambda: dt.timedelta(days=10_000))


@pytest.fixture
def people(tracker):
    """alice (employee E001) and bob (organizer); returns the tracker."""
    tracker.add_employee("E001", "张三", "办公室", "综合组")
    tracker.add_user("alice", PASSWORD, "employee", "E001")
    tracker.add_user("bob", PASSWORD, "organizer")
    return tracker


def sessions(tracker) -> list[dict]:
    return list(tracker.db.query("SELECT * FROM sessions ORDER BY created_at, username"))


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def seconds(n: float) -> dt.timedelta:
    return dt.timedelta(seconds=n)


def fail(tracker, username: str, times: int, start: dt.datetime = T0, gap: dt.timedelta = minutes(16)) -> dt.datetime:
    """``times`` failed sign-ins, ``gap`` apart (16 min: longer than any lock, within the hour of memory);
    return the time of the last one."""
    when = start
    for i in range(times):
        when = start + gap * i
        with pytest.raises(SignInFailed):
            sign_in(tracker, username, WRONG, now=when)
    return when


def outcome(tracker, username: str, password: str, now: dt.datetime) -> tuple:
    """What one sign-in does: ('ok',), ('failed', message) or ('throttled', seconds)."""
    try:
        sign_in(tracker, username, password, now=now)
    except Throttled as e:
        return ("throttled", e.seconds)
    except SignInFailed as e:
        return ("failed", str(e))
    return ("ok",)


# -- sign_in ------------------------------------------------------------------------------------


def test_sign_in_returns_the_account_and_a_token(people):
    result = sign_in(people, "alice", PASSWORD, now=T0)
    assert result.account == Account("alice", "employee", "E001")
    assert isinstance(result.token, str)
    assert len(result.token) >= 40  # 32 random bytes, URL-safe base64
    assert result.expires_at == T0 + dt.timedelta(hours=12)


def test_each_sign_in_gets_a_new_token(people):
    tokens = {sign_in(people, "alice", PASSWORD, now=T0).token for _ in range(3)}
    assert len(tokens) == 3
    assert len(sessions(people)) == 3


def test_sign_in_trims_the_user_name(people):
    assert sign_in(people, "  alice\n", PASSWORD, now=T0).account.username == "alice"


def test_sessions_store_only_the_sha256_of_the_token(people):
    token = sign_in(people, "alice", PASSWORD, now=T0).token
    [row] = sessions(people)
    assert row == {
        "token_hash": hashlib.sha256(token.encode()).hexdigest(),
        "username": "alice",
        "created_at": "2026-03-10T02:00:00.000+00:00",
        "expires_at": "2026-03-10T14:00:00.000+00:00",
        "last_seen": "2026-03-10T02:00:00.000+00:00",
        "remember": 0,
        "address": None,
    }


def test_the_token_is_nowhere_in_the_database(people):
    token = sign_in(people, "alice", PASSWORD, now=T0).token
    dump = "\n".join(people.db.conn.iterdump())
    assert "sessions" in dump
    assert token not in dump


def test_wrong_password_and_unknown_user_fail_with_the_same_message(people):
    with pytest.raises(SignInFailed) as wrong:
        sign_in(people, "alice", WRONG, now=T0)
    with pytest.raises(SignInFailed) as unknown:
        sign_in(people, "nobody", PASSWORD, now=T0)
    assert str(wrong.value) == str(unknown.value)
    assert "alice" not in str(wrong.value)
    assert sessions(people) == []


def test_a_disabled_account_cannot_sign_in(people):
    with people.write() as db:
        db.execute("UPDATE accounts SET disabled = 1 WHERE username = 'alice'")
    with pytest.raises(SignInFailed, match="wrong user name or password"):
        sign_in(people, "alice", PASSWORD, now=T0)


# -- session_account ----------------------------------------------------------------------------


def test_session_account_of_a_live_token(people):
    token = sign_in(people, "alice", PASSWORD, now=T0).token
    assert session_account(people, token, now=T0 + minutes(5)) == Account("alice", "employee", "E001")


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda token: None, id="none"),
        pytest.param(lambda token: "", id="empty"),
        pytest.param(lambda token: "not-a-token", id="garbage"),
        pytest.param(lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"), id="last-char-changed"),
        pytest.param(lambda token: token + "x", id="extended"),
        pytest.param(lambda token: hashlib.sha256(token.encode()).hexdigest(), id="the-stored-hash"),
    ],
)
def test_session_account_of_an_unknown_or_forged_token_is_none(people, forge):
    token = sign_in(people, "alice", PASSWORD, now=T0).token
    assert session_account(people, forge(token), now=T0 + minutes(5)) is None


@pytest.mark.parametrize(
    ("later", "live"),
    [
        (dt.timedelta(0), True),
        (dt.timedelta(hours=11, minutes=59), True),
        (dt.timedelta(hours=12) - dt.timedelta(milliseconds=1), True),
        (dt.timedelta(hours=12), False),
        (dt.timedelta(days=3), False),
    ],
)
def test_session_expires_after_twelve_hours(people, later, live):
    token = sign_in(people, "alice", PASSWORD, now=T0).token
    assert (session_account(people, token, now=T0 + later) is not None) is live


def test_sign_out_ends_only_that_session(people):
    first = sign_in(people, "alice", PASSWORD, now=T0).token
    second = sign_in(people, "alice", PASSWORD, now=T0).token
    sign_out(people, first)
    assert session_account(people, first, now=T0) is None
    assert session_account(people, second, now=T0) is not None
    assert len(sessions(people)) == 1


@pytest.mark.parametrize("token", [None, "", "never-issued"])
def test_sign_out_of_no_session_does_nothing(people, token):
    live = sign_in(people, "alice", PASSWORD, now=T0).token
    sign_out(people, token)
    assert session_account(people, live, now=T0) is not None


def test_session_of_a_disabled_account_is_none(people):
    token = sign_in(people, "alice", PASSWORD, now=T0).token
    with people.write() as db:
        db.execute("UPDATE accounts SET disabled = 1 WHERE username = 'alice'")
    assert session_account(people, token, now=T0) is None


def test_set_password_ends_every_session_of_that_user(people):
    alice = [sign_in(people, "alice", PASSWORD, now=T0).token for _ in range(2)]
    bob = sign_in(people, "bob", PASSWORD, now=T0).token
    people.set_password("alice", "another-secret-2")
    assert [session_account(people, t, now=T0) for t in alice] == [None, None]
    assert session_account(people, bob, now=T0) == Account("bob", "organizer")
    with pytest.raises(SignInFailed):
        sign_in(people, "alice", PASSWORD, now=T0)
    assert sign_in(people, "alice", "another-secret-2", now=T0).account.username == "alice"


def test_sign_out_everywhere_counts_the_sessions_it_ended(people):
    alice = [sign_in(people, "alice", PASSWORD, now=T0).token for _ in range(2)]
    bob = sign_in(people, "bob", PASSWORD, now=T0).token
    assert sign_out_everywhere(people, "alice") == 2
    assert [session_account(people, t, now=T0) for t in alice] == [None, None]
    assert session_account(people, bob, now=T0) is not None


# -- MINGDE_SESSION_HOURS -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "hours"),
    [("2", 2), ("0.5", 0.5), ("48", 48), ("twelve", 12), ("", 12)],
)
def test_session_hours_come_from_the_environment(people, monkeypatch, setting, hours):
    monkeypatch.setenv("MINGDE_SESSION_HOURS", setting)
    result = sign_in(people, "alice", PASSWORD, now=T0)
    lasts = dt.timedelta(hours=hours)
    assert result.expires_at == T0 + lasts
    assert session_account(people, result.token, now=T0 + lasts - seconds(1)) is not None
    assert session_account(people, result.token, now=T0 + lasts) is None


@pytest.mark.parametrize("setting", ["nan", "inf", "0", "-3", "1e9"])
def test_a_non_finite_session_setting_falls_back_to_the_default(people, monkeypatch, setting):
    monkeypatch.setenv("MINGDE_SESSION_HOURS", setting)
    assert sign_in(people, "alice", PASSWORD, now=T0).expires_at == T0 + dt.timedelta(hours=12)


def test_expired_sessions_are_purged_on_the_next_sign_in(people):
    sign_in(people, "alice", PASSWORD, now=T0)
    sign_in(people, "bob", PASSWORD, now=T0 + dt.timedelta(hours=6))
    sign_in(people, "bob", PASSWORD, now=T0 + dt.timedelta(hours=13))  # alice's (to T0+12h) has expired
    assert [(r["username"], r["created_at"]) for r in sessions(people)] == [
        ("bob", "2026-03-10T08:00:00.000+00:00"),
        ("bob", "2026-03-10T15:00:00.000+00:00"),
    ]


# -- throttling ---------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["alice", "ghost"])
@pytest.mark.parametrize(
    ("failures", "wait"),
    [(1, None), (4, None), (5, 60), (6, 120), (7, 240), (8, 480), (9, 900), (10, 900), (14, 900)],
)
def test_wait_after_consecutive_failures(people, username, failures, wait):
    """After 5 failures the next try, even with the right password, waits 60 s; each further failure
    doubles the wait, up to 15 minutes. Unknown names are treated the same (no enumeration)."""
    last = fail(people, username, failures)
    result = outcome(people, username, PASSWORD, now=last)
    if wait is None:
        assert result == (("ok",) if username == "alice" else ("failed", "wrong user name or password"))
    else:
        assert result == ("throttled", wait)


def test_throttled_message_gives_the_wait(people):
    last = fail(people, "alice", 5)
    with pytest.raises(Throttled, match="wait 60 s") as caught:
        sign_in(people, "alice", PASSWORD, now=last)
    assert caught.value.seconds == 60


@pytest.mark.parametrize(
    ("failures", "after", "expected"),
    [
        (5, seconds(0.5), ("throttled", 60)),  # part of a second left is a whole second
        (5, seconds(30), ("throttled", 30)),
        (5, seconds(59), ("throttled", 1)),
        (5, seconds(60), ("ok",)),
        (6, seconds(119), ("throttled", 1)),
        (6, seconds(120), ("ok",)),
        (9, minutes(14), ("throttled", 60)),
        (9, minutes(15), ("ok",)),
    ],
)
def test_the_lock_ends_after_the_wait(people, failures, after, expected):
    last = fail(people, "alice", failures)
    assert outcome(people, "alice", PASSWORD, now=last + after) == expected


def test_tries_while_locked_do_not_extend_the_lock(people):
    last = fail(people, "alice", 5)
    assert [outcome(people, "alice", WRONG, now=last + seconds(s)) for s in (10, 20, 50)] == [
        ("throttled", 50),
        ("throttled", 40),
        ("throttled", 10),
    ]
    assert outcome(people, "alice", PASSWORD, now=last + seconds(60)) == ("ok",)


def test_a_failure_after_the_lock_doubles_the_wait(people):
    last = fail(people, "alice", 5)
    assert outcome(people, "alice", WRONG, now=last + seconds(60)) == ("failed", "wrong user name or password")
    assert outcome(people, "alice", PASSWORD, now=last + seconds(60)) == ("throttled", 120)


def test_a_success_resets_the_counter(people):
    last = fail(people, "alice", 4)
    assert outcome(people, "alice", PASSWORD, now=last) == ("ok",)
    last = fail(people, "alice", 4, start=last + minutes(1))
    assert outcome(people, "alice", PASSWORD, now=last) == ("ok",)


def test_a_success_after_a_lock_starts_counting_afresh(people):
    last = fail(people, "alice", 6)
    assert outcome(people, "alice", PASSWORD, now=last + seconds(120)) == ("ok",)
    last = fail(people, "alice", 5, start=last + minutes(3))  # not locked before the fifth
    assert outcome(people, "alice", PASSWORD, now=last) == ("throttled", 60)  # 60 s again, not 240 s


@pytest.mark.parametrize(
    ("gap", "expected"),
    [
        (minutes(59), ("throttled", 60)),  # the four earlier failures still count: this is the fifth
        (minutes(60), ("ok",)),  # forgotten: this is the first
        (dt.timedelta(days=2), ("ok",)),
    ],
)
def test_failures_older_than_an_hour_are_forgotten(people, gap, expected):
    last = fail(people, "alice", 4)
    fail(people, "alice", 1, start=last + gap)
    assert outcome(people, "alice", PASSWORD, now=last + gap) == expected


def test_an_old_lock_is_forgotten_after_an_hour(people):
    last = fail(people, "alice", 9)  # locked for 15 minutes
    fail(people, "alice", 1, start=last + minutes(61))
    assert outcome(people, "alice", PASSWORD, now=last + minutes(61)) == ("ok",)


def test_unknown_and_known_names_are_throttled_alike(people):
    """Nothing in the outcomes tells an existing user name from an unknown one."""
    times = [T0 + seconds(s) for s in (0, 0, 0, 0, 0, 0, 30, 60, 60, 90, 180, 180, 420)]
    known = [outcome(people, "alice", WRONG, now=t) for t in times]
    unknown = [outcome(people, "ghost", WRONG, now=t) for t in times]
    assert known == unknown
    failed = ("failed", "wrong user name or password")
    assert known == [failed] * 5 + [
        ("throttled", 60),
        ("throttled", 30),
        failed,
        ("throttled", 120),
        ("throttled", 90),
        failed,
        ("throttled", 240),
        failed,
    ]


def test_a_lock_is_per_user_name(people):
    last = fail(people, "alice", 5)
    assert outcome(people, "bob", PASSWORD, now=last) == ("ok",)
    assert outcome(people, "alice", PASSWORD, now=last) == ("throttled", 60)


def test_a_lock_cannot_be_dodged_with_spaces_around_the_name(people):
    last = fail(people, "alice", 5)
    assert outcome(people, " alice ", PASSWORD, now=last) == ("throttled", 60)
