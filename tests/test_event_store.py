"""The events store: sign-up with a waitlist, check-in by ticket, refusals that record nothing,
roll call, 请假, check-out and closing a session."""

from __future__ import annotations

import datetime as dt

import pytest

from quizzes.events import Event
from tracker import attendance as rules
from tracker.errors import EventRefused

START = dt.datetime(2026, 12, 10, 6, 30, tzinfo=dt.UTC)  # 14:30 Shanghai


def lecture(**extra) -> Event:
    data = {
        "id": "talk",
        "title": "廉洁自律专题讲座",
        "kind": "lecture",
        "organizer": "局办公室",
        "audience": {"departments": ["执法大队"]},
        "credit_hours": 2,
        "sessions": [{"date": "2026-12-10", "start": "14:30", "end": "16:30", "place": "三楼会议室"}],
        **extra,
    }
    return Event.model_validate(data)


def at(minutes: float) -> dt.datetime:
    return START + dt.timedelta(minutes=minutes)


def code_at(store, moment, session="s1", event="talk"):
    return rules.make_code(store.checkin_secret(), event, session, rules.slot_of(moment))


def rows(store):
    return store.db.execute("SELECT COUNT(*) FROM attendance").fetchone()[0]


def test_signup_capacity_waitlist_and_promotion(store):
    event = lecture(signup=True, capacity=2)
    before = at(-24 * 60)
    assert [store.sign_up(event, e, now=before + dt.timedelta(seconds=i)) for i, e in enumerate(["E0", "E1", "E2", "E3"])] == [
        "signed",
        "signed",
        "waitlist",
        "waitlist",
    ]
    assert store.sign_up(event, "E2", now=before) == "waitlist"  # twice: unchanged
    assert store.cancel_signup(event, "E0", now=before + dt.timedelta(minutes=1)) == ["E2"]
    assert {r["employee_id"]: r["status"] for r in store.signups("talk")} == {
        "E0": "cancelled",
        "E1": "signed",
        "E2": "signed",
        "E3": "waitlist",
    }
    assert store.cancel_signup(event, "E3", now=before) == []
    # Signing up again after cancelling goes to the end of the line.
    assert store.sign_up(event, "E0", now=before + dt.timedelta(minutes=2)) == "waitlist"
    assert [e["id"] for e in store.expected(event)] == ["E1", "E2"]


@pytest.mark.parametrize(
    "employee, event_kw, now, reason",
    [
        ("X1", {"signup": True}, -60, "outsider"),
        ("L1", {"signup": True}, -60, "left"),
        ("E0", {}, -60, "no_signup"),
        ("E0", {"signup": True}, 0, "started"),
    ],
)
def test_signup_refusals_record_nothing(store, employee, event_kw, now, reason):
    with pytest.raises(EventRefused) as e:
        store.sign_up(lecture(**event_kw), employee, now=at(now))
    assert e.value.reason == reason
    assert store.signups("talk") == []


def test_check_in_by_code_on_time_and_late(store):
    event = lecture()
    store.open_checkin(event, "s1", "org", now=at(-30))
    token = store.issue_ticket(event, code_at(store, at(-5)), "dev-a", now=at(-5))
    row = store.check_in(event, token, "E0", "e0", now=at(-4))
    assert (row["status"], row["minutes"], row["device"], row["method"]) == ("present", 120, "dev-a", "code")
    token = store.issue_ticket(event, code_at(store, at(25)), "dev-b", now=at(25))
    row = store.check_in(event, token, "E1", "e1", now=at(26))
    assert (row["status"], row["minutes"]) == ("late", 94)
    row = store.check_out(event, "s1", "E1", now=at(86))
    assert row["minutes"] == 60
    # Closing sets the rest of the audience absent.
    assert store.close_checkin(event, "s1", "org", now=at(130)) == 3
    statuses = {r["employee_id"]: r["status"] for r in store.attendance("talk", "s1")}
    assert statuses == {"E0": "present", "E1": "late", "E2": "absent", "E3": "absent", "E4": "absent"}


def test_a_ticket_survives_signing_in(store):
    """The code is checked when scanned; the ticket still works minutes later, once signed in."""
    event = lecture()
    store.open_checkin(event, "s1", "org", now=at(-30))
    token = store.issue_ticket(event, code_at(store, at(0)), now=at(0))
    row = store.check_in(event, token, "E0", "e0", now=at(3))  # the code itself expired long ago
    assert row["status"] == "present"


def _refusal(store, event, fn) -> str:
    before = rows(store)
    with pytest.raises(EventRefused) as e:
        fn()
    assert rows(store) == before, "a refusal recorded something"
    return e.value.reason


def test_check_in_refusals(store):
    event = lecture()
    assert _refusal(store, event, lambda: store.issue_ticket(event, code_at(store, at(0)), now=at(0))) == "not_open"
    store.open_checkin(event, "s1", "org", now=at(-30))
    assert _refusal(store, event, lambda: store.issue_ticket(event, code_at(store, at(0)), now=at(1))) == "expired"
    assert _refusal(store, event, lambda: store.issue_ticket(event, "talk.s1.1.abc", now=at(0))) == "forged"
    assert _refusal(store, event, lambda: store.issue_ticket(event, code_at(store, at(0), session="s9"), now=at(0))) == "forged"
    assert _refusal(store, event, lambda: store.check_in(event, "no-such-ticket", "E0", "e0", now=at(0))) == "forged"
    token = store.issue_ticket(event, code_at(store, at(0)), now=at(0))
    assert _refusal(store, event, lambda: store.check_in(event, token, "X1", "x1", now=at(0))) == "outsider"
    assert _refusal(store, event, lambda: store.check_in(event, token, "L1", "l1", now=at(0))) == "left"
    store.check_in(event, token, "E0", "e0", now=at(0))
    assert _refusal(store, event, lambda: store.check_in(event, token, "E1", "e1", now=at(0))) == "replayed"
    again = store.issue_ticket(event, code_at(store, at(0)), now=at(0))
    assert _refusal(store, event, lambda: store.check_in(event, again, "E0", "e0", now=at(0))) == "twice"
    old = store.issue_ticket(event, code_at(store, at(0)), now=at(0))
    assert _refusal(store, event, lambda: store.check_in(event, old, "E2", "e2", now=at(16))) == "expired"
    late = store.issue_ticket(event, code_at(store, at(10)), now=at(10))
    store.close_checkin(event, "s1", "org", now=at(11))
    assert _refusal(store, event, lambda: store.check_in(event, late, "E2", "e2", now=at(11))) == "closed"
    assert _refusal(store, event, lambda: store.issue_ticket(event, code_at(store, at(12)), now=at(12))) == "closed"


def test_roll_call_leave_and_corrections(store):
    event = lecture()
    store.open_checkin(event, "s1", "org", now=at(-10))
    assert store.mark(event, "s1", "E0", "present", "org", now=at(2))["minutes"] == 120
    assert _refusal(store, event, lambda: store.mark(event, "s1", "E1", "leave", "org", reason=" ")) == "reason_needed"
    assert _refusal(store, event, lambda: store.mark(event, "s1", "E1", "gone", "org")) == "status"
    assert _refusal(store, event, lambda: store.mark(event, "s1", "X1", "present", "org")) == "outsider"
    row = store.mark(event, "s1", "E1", "leave", "org", reason="下乡督导", now=at(0))
    assert (row["status"], row["reason"], row["minutes"], row["method"]) == ("leave", "下乡督导", 0, "leave")
    store.close_checkin(event, "s1", "org", now=at(130))
    # A correction after closing replaces the absent.
    row = store.mark(event, "s1", "E2", "late", "org", method="paper", now=at(131))
    assert (row["status"], row["method"]) == ("late", "paper")
    assert {r["employee_id"]: r["status"] for r in store.attendance("talk", "s1")} == {
        "E0": "present",
        "E1": "leave",
        "E2": "late",
        "E3": "absent",
        "E4": "absent",
    }


def test_proxy_flags_from_one_device(store):
    event = lecture()
    store.open_checkin(event, "s1", "org", now=at(-10))
    for i, person in enumerate(["E0", "E1", "E2"]):
        token = store.issue_ticket(event, code_at(store, at(i * 0.2)), now=at(i * 0.2))
        store.check_in(event, token, person, person.lower(), device="shared-phone", now=at(i * 0.2))
    token = store.issue_ticket(event, code_at(store, at(1)), now=at(1))
    store.check_in(event, token, "E3", "e3", device="own-phone", now=at(1))
    assert store.proxy_flags("talk", "s1") == {"E0": "shared-phone", "E1": "shared-phone", "E2": "shared-phone"}


def test_the_secret_is_kept_and_the_environment_wins(store, monkeypatch):
    first = store.checkin_secret()
    assert first == store.checkin_secret() and len(first) == 32
    monkeypatch.setenv("MINGDE_CHECKIN_SECRET", "from-env")
    assert store.checkin_secret() == b"from-env"
