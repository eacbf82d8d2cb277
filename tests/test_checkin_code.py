"""The typed 签到码: 6 digits of the session and time slot (HMAC with the QR code's secret), good in
its slot and the one before; the rules of a scanned code; wrong codes counted per account in the
database (they hold across nodes), audited, and a wait after ``CODE_MAX_FAILURES``."""

from __future__ import annotations

import datetime as dt

import pytest

from quizzes.events import Event
from tests.conftest import wrong_code
from tracker import Tracker
from tracker import attendance as rules
from tracker.access import Access
from tracker.errors import AccessDenied, EventRefused
from tracker.store import Account
from tracker.store.events import CODE_FAILURE_WINDOW, CODE_MAX_FAILURES

START = dt.datetime(2026, 12, 10, 6, 30, tzinfo=dt.UTC)  # 14:30 Shanghai
SECRET = b"k" * 32
SLOT = rules.CODE_SECONDS


def lecture(event_id: str = "talk", sessions: int = 1, **extra) -> Event:
    data = {
        "id": event_id,
        "title": "廉洁自律专题讲座",
        "kind": "training" if sessions > 1 else "lecture",
        "organizer": "局办公室",
        "audience": {"departments": ["执法大队"]},
        "credit_hours": 2,
        "sessions": [
            {"date": f"2026-12-{10 + i}", "start": "14:30", "end": "16:30", "place": "三楼会议室"} for i in range(sessions)
        ],
        **extra,
    }
    return Event.model_validate(data)


def at(minutes: float) -> dt.datetime:
    return START + dt.timedelta(minutes=minutes)


def typed_at(store, moment, session="s1", event="talk") -> str:
    return rules.typed_code(store.checkin_secret(), event, session, rules.slot_of(moment))


def count(store, table="attendance") -> int:
    return store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


# -- the code itself: a table ----------------------------------------------------------------------
NOW = at(0)
CURRENT = rules.slot_of(NOW)


def one_digit_off(code: str) -> str:
    """The code with one digit changed, and no code of the session in the last slots either."""
    known = {rules.typed_code(SECRET, "talk", "s1", CURRENT - n) for n in range(rules.TYPED_EXPIRED_SLOTS + 2)}
    return next(c for i in range(6) for d in "0123456789" if (c := code[:i] + d + code[i + 1 :]) not in known)


@pytest.mark.parametrize(
    "typed, expected",
    [
        (rules.typed_code(SECRET, "talk", "s1", CURRENT), None),  # the code on the screen
        (rules.typed_code(SECRET, "talk", "s1", CURRENT - 1), None),  # the slot before: time to type it
        (rules.typed_code(SECRET, "talk", "s1", CURRENT - 2), "expired"),  # two slots old
        (rules.typed_code(SECRET, "talk", "s1", CURRENT - 1 - rules.TYPED_EXPIRED_SLOTS), "expired"),
        (one_digit_off(rules.typed_code(SECRET, "talk", "s1", CURRENT)), "wrong"),  # wrong digits
        (rules.typed_code(SECRET, "talk", "s1", CURRENT + 1), "wrong"),  # not shown yet
        (rules.typed_code(SECRET, "talk", "s2", CURRENT), "wrong"),  # another session's
        (rules.typed_code(SECRET, "other", "s1", CURRENT), "wrong"),  # another event's
        (rules.typed_code(b"another secret", "talk", "s1", CURRENT), "wrong"),  # another server's
        (" ".join(rules.typed_code(SECRET, "talk", "s1", CURRENT)), None),  # spaces between digits
        (rules.typed_code(SECRET, "talk", "s1", CURRENT).translate(str.maketrans("0123456789", "０１２３４５６７８９")), None),
        ("12345", "format"),
        ("1234567", "format"),
        ("12345a", "format"),
        ("", "format"),
        ("١٢٣٤٥٦", "format"),  # digits of another script are not the screen's digits
    ],
)
def test_typed_code_table(typed, expected):
    assert rules.check_typed_code(SECRET, "talk", "s1", typed, NOW) == expected


def test_the_code_is_six_digits_and_changes_with_the_slot():
    codes = [rules.typed_code(SECRET, "talk", "s1", CURRENT + i) for i in range(50)]
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(set(codes)) >= 48  # a new code every slot (two equal in 50 is possible, not likely)
    assert rules.typed_code(SECRET, "talk", "s1", CURRENT) != rules.make_code(SECRET, "talk", "s1", CURRENT).split(".")[3][:6]


# -- the store: the rules of a scanned code ---------------------------------------------------------
@pytest.mark.parametrize(
    "case, employee, code_minutes, now_minutes, state, reason",
    [
        ("right code", "E0", 0, 0, "open", None),
        ("previous slot", "E0", 0, SLOT / 60, "open", None),
        ("two slots old", "E0", 0, 2 * SLOT / 60, "open", "code_expired"),
        ("long ago", "E0", 0, 30, "open", "code_wrong"),
        ("wrong digits", "E0", None, 0, "open", "code_wrong"),
        ("another session's code", "E0", "s2", 0, "open", "code_wrong"),
        ("not 6 digits", "E0", "12a", 0, "open", "code_format"),
        ("not in audience", "X1", 0, 0, "open", "outsider"),
        ("left", "L1", 0, 0, "open", "left"),
        ("closed", "E0", 0, 0, "closed", "closed"),
        ("not open", "E0", 0, 0, None, "not_open"),
    ],
)
def test_check_in_by_typed_code_table(store, case, employee, code_minutes, now_minutes, state, reason):
    event = lecture(sessions=2)
    if state:
        store.open_checkin(event, "s1", "org", now=at(-30))
        store.open_checkin(event, "s2", "org", now=at(-30))
    if state == "closed":
        store.close_checkin(event, "s1", "org", now=at(-1))
    if code_minutes is None:
        right = typed_at(store, at(0))
        typed = next(c for c in (f"{(int(right) + n) % 10**6:06d}" for n in range(1, 50)) if c != right)
        if rules.check_typed_code(store.checkin_secret(), "talk", "s1", typed, at(0)) != "wrong":
            pytest.skip("the neighbour digits happen to be an older slot's code")
    elif code_minutes == "s2":
        typed = typed_at(store, at(0), session="s2")
    elif isinstance(code_minutes, str):
        typed = code_minutes
    else:
        typed = typed_at(store, at(code_minutes))
    before = count(store)
    if reason is None:
        row = store.check_in_typed(event, "s1", typed, employee, employee.lower(), "phone-1", now=at(now_minutes))
        assert (row["status"], row["method"], row["device"]) == ("present", "code", "phone-1")
        assert row["minutes"] == rules.minutes_attended(at(now_minutes), None, at(0), at(120))
        assert count(store) == before + 1
        return
    with pytest.raises(EventRefused) as e:
        store.check_in_typed(event, "s1", typed, employee, employee.lower(), "phone-1", now=at(now_minutes))
    assert e.value.reason == reason, case
    assert count(store) == before, "a refusal recorded an attendance"
    counted = 1 if reason == "code_wrong" else 0
    assert count(store, "checkin_code_failures") == counted
    wrong = store.db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'event.checkin_code_wrong'").fetchone()[0]
    assert wrong == counted


def test_late_once_only_and_proxy_flags_by_device(store):
    event = lecture()
    store.open_checkin(event, "s1", "org", now=at(-30))
    row = store.check_in_typed(event, "s1", typed_at(store, at(25)), "E0", "e0", "shared", now=at(25))
    assert (row["status"], row["minutes"]) == ("late", 95)
    with pytest.raises(EventRefused) as e:
        store.check_in_typed(event, "s1", typed_at(store, at(26)), "E0", "e0", "shared", now=at(26))
    assert e.value.reason == "twice"
    for person, minute in (("E1", 26), ("E2", 27)):
        store.check_in_typed(event, "s1", typed_at(store, at(minute)), person, person.lower(), "shared", now=at(minute))
    store.check_in_typed(event, "s1", typed_at(store, at(28)), "E3", "e3", "own", now=at(28))
    assert store.proxy_flags("talk", "s1") == {"E0": "shared", "E1": "shared", "E2": "shared"}


# -- the throttle ------------------------------------------------------------------------------------
def _try(store, event, typed, now, employee="E0", actor="e0"):
    try:
        store.check_in_typed(event, "s1", typed, employee, actor, now=now)
    except EventRefused as e:
        return e.reason, e.wait
    return "ok", 0


def test_wrong_codes_make_the_account_wait_across_nodes(store, tmp_path):
    event = lecture()
    store.open_checkin(event, "s1", "org", now=at(-30))
    other_node = Tracker(store.path)  # a second worker on the same database
    try:
        nodes = [store, other_node]
        for n in range(CODE_MAX_FAILURES):  # the tries alternate between the nodes
            assert _try(nodes[n % 2], event, wrong_code(store.checkin_secret(), "talk", "s1", at(n)), at(n))[0] in ("code_wrong",)
        reason, wait = _try(other_node, event, typed_at(store, at(5)), at(5))  # even the right code now waits
        assert reason == "throttled"
        assert wait == int((at(0) + CODE_FAILURE_WINDOW - at(5)).total_seconds())
        assert store.code_wait("e0", now=at(5)) == wait
        assert count(store) == 0
        # Another account is not held up by e0's failures.
        assert _try(store, event, typed_at(store, at(5)), at(5), "E1", "e1") == ("ok", 0)
        # After the window the right code works, and the count is forgiven.
        assert _try(store, event, typed_at(store, at(10)), at(10)) == ("ok", 0)
        assert count(store, "checkin_code_failures") == 0
    finally:
        other_node.close()
    audited = list(store.db.query("SELECT actor, subject, detail FROM audit_log WHERE action = 'event.checkin_code_wrong'"))
    assert len(audited) == CODE_MAX_FAILURES and {(r["actor"], r["subject"]) for r in audited} == {("e0", "E0")}


def test_failures_older_than_the_window_start_a_new_count(store):
    event = lecture()
    store.open_checkin(event, "s1", "org", now=at(-30))
    wrong = wrong_code(store.checkin_secret(), "talk", "s1", at(0))
    for n in range(CODE_MAX_FAILURES - 1):
        assert _try(store, event, wrong, at(n))[0] == "code_wrong"
    assert _try(store, event, wrong, at(11))[0] == "code_wrong"  # a new window: 1 failure
    assert store.code_wait("e0", now=at(11)) == 0
    assert store.db.execute("SELECT failures FROM checkin_code_failures").fetchone()[0] == 1


def test_expired_and_malformed_codes_are_not_counted(store):
    event = lecture()
    store.open_checkin(event, "s1", "org", now=at(-30))
    for n in range(CODE_MAX_FAILURES + 2):
        assert _try(store, event, typed_at(store, at(0)), at(1 + n / 60))[0] == "code_expired"
        assert _try(store, event, "12 34", at(1))[0] == "code_format"
    assert store.code_wait("e0", now=at(2)) == 0
    assert count(store, "checkin_code_failures") == 0


# -- Access: who may see and type the code -----------------------------------------------------------
class FakeCatalog:
    def __init__(self, *events):
        self.events = {e.id: e for e in events}


def test_access_open_checkins_and_the_screen_code(store):
    store.add_user("e0", "password-1", "employee", "E0")
    me = Access(store, Account("e0", "employee", "E0"))
    org = Access(store, Account("org", "organizer", None))
    talk, other, office = lecture(), lecture("other", sessions=2), lecture("office", audience={"departments": ["办公室"]})
    catalog = FakeCatalog(talk, other, office)
    assert me.open_checkins(catalog) == []
    for event in (talk, other, office):
        org.open_checkin(event, "s1")
    assert [(e.id, s) for e, s in me.open_checkins(catalog)] == [("other", "s1"), ("talk", "s1")]  # not office's
    with pytest.raises(AccessDenied):
        me.typed_code(talk, "s1")
    now = dt.datetime.now(dt.UTC)
    code = org.typed_code(talk, "s1", now=now)
    assert code == rules.typed_code(store.checkin_secret(), "talk", "s1", rules.slot_of(now))
    row = me.check_in_code(talk, "s1", code, "phone-1", now=now)
    assert (row["employee_id"], row["method"], row["recorded_by"]) == ("E0", "code", "e0")
    assert [(e.id, s) for e, s in me.open_checkins(catalog)] == [("other", "s1")]  # checked in: gone from the list
    org.close_checkin(other, "s1")
    assert me.open_checkins(catalog) == []
    with pytest.raises(AccessDenied):
        Access(store, Account("admin", "admin", None)).open_checkins(catalog)
    with pytest.raises(EventRefused):
        org.typed_code(other, "s2")  # not open
