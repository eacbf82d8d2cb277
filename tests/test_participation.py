"""Participation reports against the active roster, by department or team, in Asia/Shanghai days."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import at
from tracker import Account
from tracker.reports import date_period, participation_report

ADMIN = Account("admin", "admin")


def participation(tracker, start, end, *, by="department", quiz_id=None, total=None):
    """The participation report's headcount columns for the days ``start``..``end`` (the one
    library report: ``tracker.reports.participation_report``); its 合计 row only with ``total``."""
    df = participation_report(tracker, ADMIN, date_period(start, end), by=by, quiz_id=quiz_id)
    keys = ["department", "team"] if by == "team" else ["department"]
    df = df[[*keys, "headcount", "participants", "participation_rate"]]
    return df if total else df.iloc[:-1]


# (id, department, team)
PEOPLE = [
    ("E01", "办公室", "综合组"),
    ("E02", "办公室", "综合组"),
    ("E03", "办公室", "财务组"),
    ("E04", "办公室", "综合组"),  # takes part, then leaves: inactive
    ("E11", "执法大队", "一中队"),
    ("E12", "执法大队", "一中队"),
    ("E13", "执法大队", None),
    ("E21", "农机中心", None),  # never takes part
]


def take(tracker, emp: str, quiz, submitted: str, *, minutes: int = 10) -> str:
    """A submitted attempt of ``quiz`` by ``emp``, submitted at ``submitted`` (UTC)."""
    end = at(submitted)
    attempt_id = tracker.start_attempt(emp, quiz, now=end - dt.timedelta(minutes=minutes))
    tracker.submit_attempt(attempt_id, {"s1": "A"}, now=end)
    return attempt_id


@pytest.fixture
def bureau(tracker, small_quiz):
    """The people above and their attempts; returns the tracker."""
    other = small_quiz.model_copy(update={"id": "other"})
    for emp, department, team in PEOPLE:
        tracker.add_employee(emp, f"员工{emp}", department, team)
    take(tracker, "E01", small_quiz, "2026-03-10T02:00")
    take(tracker, "E02", small_quiz, "2026-03-31T17:00")  # 2026-04-01 01:00 in Shanghai: April
    tracker.start_attempt("E03", small_quiz, now=at("2026-03-15T02:00"))  # never submitted
    take(tracker, "E04", small_quiz, "2026-03-12T02:00")
    tracker.add_employee("E04", "员工E04", "办公室", "综合组", active=False)
    take(tracker, "E11", other, "2026-03-20T02:00")
    take(tracker, "E11", small_quiz, "2026-03-21T02:00")  # a second attempt: still one participant
    take(tracker, "E12", small_quiz, "2026-03-31T15:59")  # 2026-03-31 23:59 in Shanghai: March
    take(tracker, "E13", other, "2026-02-28T16:00", minutes=1)  # 2026-03-01 00:00 in Shanghai: March
    return tracker


def rows(df) -> list[tuple]:
    return [tuple(r) for r in df.itertuples(index=False)]


def test_participation_by_department(bureau):
    df = participation(bureau, "2026-03-01", "2026-03-31")
    assert list(df.columns) == ["department", "headcount", "participants", "participation_rate"]
    assert rows(df) == [
        ("农机中心", 1, 0, 0.0),
        ("办公室", 3, 1, 0.3333),  # E04 is inactive; E02 is April; E03 never submitted
        ("执法大队", 3, 3, 1.0),
    ]


def test_total_row(bureau):
    df = participation(bureau, "2026-03-01", "2026-03-31", total="合计")
    assert rows(df)[-1] == ("合计", 7, 4, 0.5714)
    assert len(df) == 4


def test_submission_late_in_the_utc_day_counts_in_the_next_shanghai_month(bureau):
    df = participation(bureau, dt.date(2026, 4, 1), dt.date(2026, 4, 30), total="合计")
    assert rows(df) == [
        ("农机中心", 1, 0, 0.0),
        ("办公室", 3, 1, 0.3333),
        ("执法大队", 3, 0, 0.0),
        ("合计", 7, 1, 0.1429),
    ]


@pytest.mark.parametrize(
    ("start", "end", "participants"),
    [
        ("2026-04-01", "2026-04-01", 1),  # a one-day period, both ends inclusive (E02)
        ("2026-03-31", "2026-03-31", 1),  # E12 at 23:59 Shanghai
        ("2026-03-01", "2026-03-01", 1),  # E13 at 00:00 Shanghai
        ("2026-02-01", "2026-02-28", 0),  # E13 is 2026-02-28T16:00Z, already March in Shanghai
        ("2026-03-02", "2026-03-30", 2),  # E01, E11
        ("2026-03-01", "2026-04-01", 5),  # E01, E02, E11, E12, E13
        ("2025-01-01", "2025-12-31", 0),
    ],
)
def test_period_is_inclusive_in_shanghai_days(bureau, start, end, participants):
    df = participation(bureau, start, end, total="合计")
    assert df.iloc[-1]["participants"] == participants


def test_in_progress_attempts_do_not_count(tracker, small_quiz):
    tracker.add_employee("E01", "张三", "办公室")
    tracker.start_attempt("E01", small_quiz, now=at("2026-03-10T02:00"))
    assert rows(participation(tracker, "2026-03-01", "2026-03-31")) == [("办公室", 1, 0, 0.0)]


def test_inactive_employees_count_neither_in_headcount_nor_participants(bureau):
    df = participation(bureau, "2026-03-12", "2026-03-12")  # only E04, now inactive, submitted that day
    assert rows(df)[1] == ("办公室", 3, 0, 0.0)


@pytest.mark.parametrize(
    ("quiz_id", "expected"),
    [
        ("small", [("农机中心", 1, 0, 0.0), ("办公室", 3, 1, 0.3333), ("执法大队", 3, 2, 0.6667), ("合计", 7, 3, 0.4286)]),
        ("other", [("农机中心", 1, 0, 0.0), ("办公室", 3, 0, 0.0), ("执法大队", 3, 2, 0.6667), ("合计", 7, 2, 0.2857)]),
        ("nothing", [("农机中心", 1, 0, 0.0), ("办公室", 3, 0, 0.0), ("执法大队", 3, 0, 0.0), ("合计", 7, 0, 0.0)]),
    ],
)
def test_quiz_filter(bureau, quiz_id, expected):
    assert rows(participation(bureau, "2026-03-01", "2026-03-31", quiz_id=quiz_id, total="合计")) == expected


def test_participation_by_team(bureau):
    df = participation(bureau, "2026-03-01", "2026-03-31", by="team", total="合计")
    assert list(df.columns) == ["department", "team", "headcount", "participants", "participation_rate"]
    assert rows(df) == [
        ("农机中心", "", 1, 0, 0.0),
        ("办公室", "综合组", 2, 1, 0.5),
        ("办公室", "财务组", 1, 0, 0.0),
        ("执法大队", "", 1, 1, 1.0),
        ("执法大队", "一中队", 2, 2, 1.0),
        ("合计", "", 7, 4, 0.5714),
    ]


def test_late_clamped_submission_counts_on_its_deadline(tracker, small_quiz):
    tracker.add_employee("E01", "张三", "办公室")
    timed = small_quiz.model_copy(update={"time_limit": 600})
    attempt_id = tracker.start_attempt("E01", timed, now=at("2026-03-31T15:50"))  # deadline 04-01 00:00 Shanghai
    tracker.submit_attempt(attempt_id, {}, now=at("2026-04-05T02:00"))
    assert rows(participation(tracker, "2026-04-01", "2026-04-01")) == [("办公室", 1, 1, 1.0)]
    assert rows(participation(tracker, "2026-04-05", "2026-04-05")) == [("办公室", 1, 0, 0.0)]


def test_empty_roster_gives_a_zero_total(tracker):
    df = participation(tracker, "2026-03-01", "2026-03-31", total="合计")
    assert rows(df) == [("合计", 0, 0, 0.0)]


def test_department_with_only_inactive_employees_is_left_out(tracker):
    tracker.add_employee("E01", "张三", "办公室")
    tracker.add_employee("E02", "李四", "已撤销科室", active=False)
    assert rows(participation(tracker, "2026-03-01", "2026-03-31")) == [("办公室", 1, 0, 0.0)]


def test_unknown_grouping_is_refused(tracker):
    with pytest.raises(ValueError, match="department"):
        participation(tracker, "2026-03-01", "2026-03-31", by="section")
