"""学习积分: caps per activity and day as a table; points derived from the records; rankings per
head; locks; the rules in assessment.yaml."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from quizzes import load_catalog
from quizzes.model import Points
from tests.conftest import SMALL_QUIZ, at, write_files
from tests.test_daily import BANK
from tracker import points
from tracker.access import Access
from tracker.errors import AccessDenied
from tracker.reports import month_period, quarter_period
from tracker.store import Account


# -- the cap rule ---------------------------------------------------------------------------------
def entries(*rows):
    return pd.DataFrame(
        [(e, day, a, f"s{i}", fl, f"{day}T0{i}:00") for i, (e, day, a, fl) in enumerate(rows)], columns=points.LEDGER_COLUMNS
    )


RULES = Points.model_validate(
    {
        "lesson_read": {"points": 1, "daily_cap": 2},
        "quiz_passed": {"points": 3, "daily_cap": 5},
        "daily": {"points": 5, "daily_cap": 5},
        "competition": {"points": 4},
    }
)


@pytest.mark.parametrize(
    "rows, credited",
    [
        ([("E1", "2026-03-02", "lesson_read", 0)], [1]),
        # three reads a day, cap 2: the third earns nothing
        ([("E1", "2026-03-02", "lesson_read", 0)] * 3, [1, 1, 0]),
        # the cap is per day: the next day starts again
        ([("E1", "2026-03-02", "lesson_read", 0)] * 2 + [("E1", "2026-03-03", "lesson_read", 0)], [1, 1, 1]),
        # per activity: reads capped, a quiz the same day is not
        ([("E1", "2026-03-02", "lesson_read", 0)] * 3 + [("E1", "2026-03-02", "quiz_passed", 0)], [1, 1, 0, 3]),
        # a cap that is not a multiple: 3 + 2 (capped part) + 0
        ([("E1", "2026-03-02", "quiz_passed", 0)] * 3, [3, 2, 0]),
        # per person: another employee has a cap of their own
        ([("E1", "2026-03-02", "lesson_read", 0)] * 2 + [("E2", "2026-03-02", "lesson_read", 0)], [1, 1, 1]),
        # a flagged daily set earns nothing and does not use the cap
        ([("E1", "2026-03-02", "daily", 1), ("E1", "2026-03-03", "daily", 0)], [0, 5]),
        # no cap
        ([("E1", "2026-03-02", "competition", 0)] * 3, [4, 4, 4]),
    ],
)
def test_caps_per_activity_and_day(rows, credited):
    df = points.credit(entries(*rows), RULES)
    assert df.sort_values("at")["points"].tolist() == credited


def test_capped_and_flagged_are_marked():
    df = points.credit(entries(*[("E1", "2026-03-02", "lesson_read", 0)] * 3, ("E1", "2026-03-02", "daily", 1)), RULES)
    assert df["capped"].tolist() == [False, False, True, False] and df["flagged"].tolist() == [False, False, False, True]


# -- derived from the records -----------------------------------------------------------------------
LESSON = """
id: basics
title: 基础
min_read_time: 1m
quiz: small
sections:
  - title: 一
    body: 正文。
"""
LESSON2 = """
id: plain
title: 无测验的课
sections:
  - title: 一
    body: 正文。
"""
ASSESSMENT = """
points:
  lesson_read: {points: 1, daily_cap: 5}
  lesson_finished: {points: 2}
  daily: {points: 5, daily_cap: 5}
  quiz_passed: {points: 3, daily_cap: 3}
  competition: {points: 4}
"""


@pytest.fixture
def env(tmp_path, tracker):
    root = write_files(
        tmp_path / "content",
        {
            "lessons/basics.yaml": LESSON,
            "lessons/plain.yaml": LESSON2,
            "quizzes/small.yaml": SMALL_QUIZ,
            "banks/b.yaml": BANK,
            "daily.yaml": "sets:\n  - id: all\n    banks: [b]\n    count: 2\n",
            "assessment.yaml": ASSESSMENT,
        },
    )
    cat = load_catalog(root)
    assert cat.ok, cat.errors
    for i, (dept, team) in enumerate([("办公室", "一组"), ("办公室", "一组"), ("办公室", "二组"), ("农技站", "")], start=1):
        tracker.add_employee(f"E00{i}", f"职工{i}", dept, team or None)
    tracker.add_user("boss", "password-1", "leader")
    return root, cat, tracker


def me(tracker, n=1):
    return Access(tracker, Account(f"u{n}", "employee", f"E00{n}", None, False))


RIGHT = {"s1": "A", "m1": "ABD", "t1": True, "f1": ["预防为主"], "c1": "A"}


def activity(env):
    """E001: reads both lessons, passes the quiz twice (counts once), does two daily sets (one too fast)."""
    root, cat, tracker = env
    e1 = me(tracker)
    e1.open_lesson(cat.lessons["basics"], now=at("2026-03-02T01:00"))
    e1.complete_lesson(cat.lessons["basics"], now=at("2026-03-02T01:02"))
    e1.open_lesson(cat.lessons["plain"], now=at("2026-03-02T01:05"))
    e1.complete_lesson(cat.lessons["plain"], now=at("2026-03-02T01:06"))
    quiz = cat.quizzes["small"]
    for day in ("2026-03-03", "2026-03-04"):
        aid = e1.start_attempt(quiz, now=at(f"{day}T02:00"))
        e1.submit(aid, RIGHT, now=at(f"{day}T02:05"))
    for day, seconds in (("2026-03-05", 30), ("2026-03-06", 1)):
        today = e1.daily_today(cat, now=at(f"{day}T01:00"))
        for q in today.questions:
            e1.answer_daily(q.key, "A", now=at(f"{day}T01:00:{seconds:02d}"))
    with tracker.write() as db:
        db["competition_runs"].insert(
            {"id": "run1", "competition_id": "c", "title": "赛", "mode": "host", "setup": "{}", "status": "finished",
             "created_at": "2026-03-07T01:00:00.000+00:00", "finished_at": "2026-03-07T03:00:00.000+00:00"}
        )  # fmt: skip
        db["competition_members"].insert_all(
            [{"run_id": "run1", "team": "甲", "employee_id": "E001"}, {"run_id": "run1", "team": "乙", "employee_id": "E003"}]
        )


def test_points_are_derived_from_the_records(env):
    root, cat, tracker = env
    activity(env)
    p = month_period(2026, 3)
    mine, hist = me(tracker).my_points(cat, p)
    assert mine["lesson_read"] == 2  # both lessons read for their minimum time
    assert mine["lesson_finished"] == 4  # basics (its quiz passed) and plain (no quiz)
    assert mine["quiz_passed"] == 3  # passed twice, counted once
    assert mine["daily"] == 5  # the too-fast set is flagged, not credited
    assert mine["competition"] == 4 and mine["event_attended"] == 0
    assert mine["points"] == 18
    assert set(hist.columns) >= {"day", "activity", "source", "points", "flagged", "capped"}
    flagged = hist[hist["flagged"]]
    assert flagged["activity"].tolist() == ["daily"] and flagged["points"].tolist() == [0]
    assert hist["points"].sum() == mine["points"]
    # lesson_finished of basics falls on the day its quiz was passed
    fin = hist[(hist["activity"] == "lesson_finished") & (hist["source"] == "basics")]
    assert fin["day"].tolist() == ["2026-03-03"]


def test_reading_below_the_minimum_time_earns_nothing(env):
    root, cat, tracker = env
    from tracker.errors import TooEarly

    e1 = me(tracker)
    e1.open_lesson(cat.lessons["basics"], now=at("2026-03-02T01:00"))
    with pytest.raises(TooEarly):
        e1.complete_lesson(cat.lessons["basics"], now=at("2026-03-02T01:00:30"))
    assert me(tracker).my_points(cat, month_period(2026, 3))[0]["points"] == 0


def test_changing_the_rules_recomputes(env):
    root, cat, tracker = env
    activity(env)
    (root / "assessment.yaml").write_text(ASSESSMENT.replace("competition: {points: 4}", "competition: {points: 10}"))
    cat2 = load_catalog(root)
    assert me(tracker).my_points(cat2, month_period(2026, 3))[0]["competition"] == 10


def test_rankings_people_and_units_per_head(env):
    root, cat, tracker = env
    activity(env)
    boss = Access(tracker, next(u for u in tracker.users() if u.username == "boss"))
    p = quarter_period(2026, 1)
    people = boss.points_ranking(cat, p, "employee")
    assert people.iloc[0]["employee_id"] == "E001" and people.iloc[0]["rank"] == 1
    assert people.set_index("employee_id").loc["E003", "points"] == 4
    assert people[people["points"] == 0]["rank"].nunique() == 1  # ties share a rank
    depts = boss.points_ranking(cat, p, "department").set_index("department")
    assert depts.loc["办公室", "headcount"] == 3 and depts.loc["办公室", "points_per_head"] == round(22 / 3, 2)
    teams = boss.points_ranking(cat, p, "team")
    assert teams.iloc[0]["team"] == "一组" and teams.iloc[0]["points_per_head"] == 9
    # an inactive member leaves the roster and the per-head figure
    tracker.add_employee("E002", "职工2", "办公室", "一组", active=False)
    teams = boss.points_ranking(cat, p, "team")
    assert teams.iloc[0]["points_per_head"] == 18 and teams.iloc[0]["headcount"] == 1
    # employees may see the ranking too
    assert len(me(tracker, 2).points_ranking(cat, p)) == 3


def test_history_of_someone_else_needs_a_leader(env):
    root, cat, tracker = env
    activity(env)
    with pytest.raises(AccessDenied):
        me(tracker, 2).points_history(cat, month_period(2026, 3), "E001")
    boss = Access(tracker, next(u for u in tracker.users() if u.username == "boss"))
    assert len(boss.points_history(cat, month_period(2026, 3), "E001")) > 0


def test_a_locked_period_keeps_its_points(env):
    root, cat, tracker = env
    activity(env)
    boss = Access(tracker, next(u for u in tracker.users() if u.username == "boss"))
    p = month_period(2026, 3)
    with pytest.raises(AccessDenied):
        me(tracker).lock_points(cat, p)
    boss.lock_points(cat, p, reason="月末归档")
    (root / "assessment.yaml").write_text(ASSESSMENT.replace("competition: {points: 4}", "competition: {points: 10}"))
    cat2 = load_catalog(root)
    ranked = boss.points_ranking(cat2, p)
    assert ranked.attrs["locked"]["locked_by"] == "boss"
    assert ranked.set_index("employee_id").loc["E001", "points"] == 18
    with pytest.raises(points.PointsLocked):
        boss.lock_points(cat2, p)
    boss.unlock_points(p, reason="更正")
    assert boss.points_ranking(cat2, p).set_index("employee_id").loc["E001", "points"] == 24
    log = [r["action"] for r in tracker.db.query("SELECT action FROM report_lock_log WHERE period_key = 'points:2026-03'")]
    assert log == ["lock", "unlock"]


def test_events_plug_in_when_their_table_exists(env):
    root, cat, tracker = env
    p = month_period(2026, 3)
    assert me(tracker).my_points(cat, p)[0]["event_attended"] == 0  # no table: an empty source
    with tracker.write() as db:
        db.execute("CREATE TABLE event_attendance (employee_id TEXT, event_id TEXT, attended_at TEXT)")
        db["event_attendance"].insert_all(
            [{"employee_id": "E001", "event_id": f"ev{i}", "attended_at": f"2026-03-1{i}T02:00:00.000+00:00"} for i in range(3)]
        )
    mine = me(tracker).my_points(cat, p)[0]
    assert mine["event_attended"] == 15 and json.dumps(mine, default=str)


def test_a_quiz_passed_before_the_period_earns_nothing_again(env):
    root, cat, tracker = env
    e1 = me(tracker)
    quiz = cat.quizzes["small"]
    for day in ("2026-02-10", "2026-03-10"):
        e1.submit(e1.start_attempt(quiz, now=at(f"{day}T02:00")), RIGHT, now=at(f"{day}T02:05"))
    assert e1.my_points(cat, month_period(2026, 2))[0]["quiz_passed"] == 3
    assert e1.my_points(cat, month_period(2026, 3))[0]["quiz_passed"] == 0
    assert e1.my_points(cat, quarter_period(2026, 1))[0]["quiz_passed"] == 3
