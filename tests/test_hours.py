"""学时: credit and cap rules as tables, and a person's ledger from lessons, quizzes, events and competitions."""

from __future__ import annotations

import datetime as dt

import pytest

from quizzes import load_catalog
from quizzes.model import CreditRule, HoursRules
from tests.conftest import CONTENT
from tracker.hours import Entry, apply_caps, credit_for, ledger, ledgers


@pytest.mark.parametrize(
    "rule, minutes, credit, hours",
    [
        (CreditRule(credit=0.5), None, None, 0.5),
        (CreditRule(credit=0.5, per_minutes=45), 90, None, 2.0),
        (CreditRule(credit=0.5, per_minutes=45), 15, None, 0.33),
        (CreditRule(credit=0.5, per_minutes=45), None, None, 0.5),  # a lesson without a length
        (CreditRule(min_minutes=30), 120, 2, 2.0),  # an event's own credit
        (CreditRule(min_minutes=30), 29, 2, 0.0),  # too short
        (CreditRule(min_minutes=30), 30, 2, 2.0),
        (CreditRule(per_minutes=60, min_minutes=30), 90, 4, 1.5),  # by minutes instead
        (CreditRule(credit=1), 0, None, 1.0),
    ],
)
def test_credit_for(rule, minutes, credit, hours):
    assert credit_for(rule, minutes=minutes, credit=credit) == hours


def e(day: int, kind: str, hours: float, source: str = "x") -> Entry:
    return Entry(dt.date(2026, 1, day), kind, f"{source}{day}", "t", hours)


@pytest.mark.parametrize(
    "entries, counted",
    [
        ([e(1, "quizzes", 0.5), e(2, "quizzes", 0.5), e(3, "quizzes", 0.5)], [0.5, 0.5, 0.0]),  # cap 1
        ([e(3, "quizzes", 0.5), e(1, "quizzes", 0.8)], [0.8, 0.2]),  # the earliest first; partly over the cap
        ([e(1, "events", 12), e(2, "events", 40)], [12, 40]),  # no cap
        ([e(1, "lessons", 3), e(2, "competitions", 3), e(3, "lessons", 3)], [3, 2, 2]),  # caps per kind
    ],
)
def test_apply_caps(entries, counted):
    rules = HoursRules(
        quizzes=CreditRule(credit=0.5, cap=1), lessons=CreditRule(cap=5), competitions=CreditRule(cap=2), events=CreditRule()
    )
    assert [x.counted for x in apply_caps(entries, rules)] == counted


def test_ledger_from_every_source(tracker, small_quiz):
    from tracker.attendance import make_code, slot_of

    catalog = load_catalog(CONTENT)
    tracker.add_employee("E1", "张伟", "办公室", "综合组")
    tracker.add_employee("E2", "李娜", "办公室", "综合组")
    lesson = catalog.lessons["ethics-basics"]  # 8 minutes: 8/45 学时
    tracker.open_lesson("E1", lesson.id, now=dt.datetime(2026, 3, 2, 0, tzinfo=dt.UTC))
    tracker.complete_lesson("E1", lesson, now=dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC))
    tracker.open_lesson("E1", "integrity", now=dt.datetime(2025, 12, 29, tzinfo=dt.UTC))
    tracker.complete_lesson("E1", catalog.lessons["integrity"], now=dt.datetime(2025, 12, 30, tzinfo=dt.UTC))  # last year
    attempt = tracker.start_attempt("E1", small_quiz, now=dt.datetime(2026, 3, 3, 1, tzinfo=dt.UTC))
    tracker.submit_attempt(
        attempt,
        {"s1": "A", "m1": "ABD", "t1": True, "f1": ["预防为主"], "c1": "A"},
        now=dt.datetime(2026, 3, 3, 1, 5, tzinfo=dt.UTC),
    )
    event = catalog.events["ethics-training-2026"]
    starts = event.sessions[0].starts
    tracker.open_checkin(event, "day1", "org", now=starts)
    token = tracker.issue_ticket(event, make_code(tracker.checkin_secret(), event.id, "day1", slot_of(starts)), now=starts)
    tracker.check_in(event, token, "E1", "e1", now=starts)
    tracker.mark(event, "day2", "E1", "present", "org", now=event.sessions[1].starts)
    tracker.mark(event, "day3", "E1", "leave", "org", reason="下乡", now=event.sessions[2].starts)

    book = ledger(tracker, catalog, "E1", 2026)
    assert [(x.kind, x.source, x.counted) for x in book.entries] == [
        ("lessons", "ethics-basics", 0.18),
        ("quizzes", "small", 0.5),
        ("events", "ethics-training-2026/day1", 4.0),
        ("events", "ethics-training-2026/day2", 4.0),
    ]
    assert book.total == 8.68 and book.required == 40 and not book.met and book.missing == 31.32
    assert book.by_kind == {"lessons": 0.18, "quizzes": 0.5, "events": 8.0, "competitions": 0.0}
    everyone = ledgers(tracker, catalog, 2026)
    assert everyone["E1"].total == 8.68 and everyone["E2"].total == 0
    assert ledger(tracker, catalog, "E1", 2025).total == 0.18  # an 8-minute lesson


def test_requirement_report_by_department_and_team(tracker):
    from tracker import AccessDenied
    from tracker.hours import requirement_report
    from tracker.store import Account

    catalog = load_catalog(CONTENT)
    event = catalog.events["integrity-lecture-2026"]  # 2 学时
    tracker.add_employee("E1", "张伟", "农村经营管理站", "农经组")
    tracker.add_employee("E2", "李娜", "农村经营管理站", "合作社指导组")
    tracker.add_employee("E3", "王强", "办公室", "综合组")
    tracker.mark(event, "s1", "E1", "present", "org", now=event.sessions[0].starts)
    catalog.assessment.hours.required = 2  # so that one lecture meets it
    leader = Account("leader", "leader", None)
    rows = requirement_report(tracker, leader, catalog, 2026)
    assert [(r["group"], r["headcount"], r["met"], r["share"], r["hours_per_head"]) for r in rows] == [
        ("农村经营管理站", 2, 1, 0.5, 1.0),
        ("办公室", 1, 0, 0.0, 0.0),
    ]
    by_group = {r["group"]: r for r in rows}
    assert by_group["农村经营管理站"]["behind"] == ["李娜（E2）0.0"]  # 学时 with one decimal
    teams = {r["group"]: r["met"] for r in requirement_report(tracker, leader, catalog, 2026, by="team")}
    assert teams == {"农经组": 1, "合作社指导组": 0, "综合组": 0}
    with pytest.raises(AccessDenied):
        requirement_report(tracker, Account("e", "employee", "E1"), catalog, 2026)
