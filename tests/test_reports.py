"""Leaders' reports: participation extras, drill-down, trends, assessment indicators (each grade
policy, inactive employees, competitions), all against tables computed by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import uuid

import pandas as pd
import pytest

from quizzes import load_catalog
from tests.conftest import write_files
from tracker import AccessDenied, Account
from tracker import reports as r

ADMIN = Account("admin", "admin")
LEADER = Account("boss", "leader")
ORGANIZER = Account("org", "organizer")

QUIZ = """
id: {id}
title: 测验 {id}
grade_policy: {policy}
{extra}
questions:
  - id: q1
    type: single
    prompt: 哪一个？
    options: [甲, 乙]
    answer: A
"""
LESSON = """
id: {id}
title: 课程 {id}
sections:
  - title: 一
    body: 正文。
"""
ASSESSMENT = """
period: quarter
participation_target: 0.8
weights: {lessons: 0.2, quizzes: 0.5, competitions: 0.3}
"""


def make_catalog(root):
    files = {f"lessons/{i}.yaml": LESSON.format(id=i) for i in ("l1", "l2")}
    for qid, policy, extra in [
        ("qh", "highest", ""),
        ("ql", "last", ""),
        ("qf", "first", ""),
        ("qa", "average", ""),
        ("qold", "highest", "closes: 2025-12-01 00:00"),
        ("qlater", "highest", "opens: 2026-05-01 00:00"),
    ]:
        files[f"quizzes/{qid}.yaml"] = QUIZ.format(id=qid, policy=policy, extra=extra)
    files["assessment.yaml"] = ASSESSMENT
    catalog = load_catalog(write_files(root, files))
    assert catalog.ok, catalog.errors
    return catalog


def utc(text: str) -> str:
    """'2026-01-10T02:00' (UTC) as the store writes timestamps."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).isoformat(timespec="milliseconds")


def add_attempt(db, emp: str, quiz: str, submitted: str, percent: float, *, kind: str = "quiz", pass_percent: float = 60) -> str:
    """A submitted attempt inserted directly (no paper needed for these reports)."""
    attempt_id = uuid.uuid4().hex
    db["attempts"].insert(
        {
            "id": attempt_id,
            "employee_id": emp,
            "quiz_id": quiz,
            "quiz_kind": kind,
            "seed": 0,
            "paper": json.dumps(
                {"quiz_id": quiz, "seed": 0, "multiple_scoring": "all_or_nothing", "pass_percent": 60, "questions": []}
            ),
            "started_at": utc(submitted),
            "submitted_at": utc(submitted),
            "score": percent,
            "max_score": 100,
            "percent": percent,
            "passed": int(percent >= pass_percent),
        }
    )
    return attempt_id


def add_run(db, run_id: str, finished: str | None, teams: dict[str, tuple[int, list[str]]], status: str = "finished") -> None:
    db["competition_runs"].insert(
        {
            "id": run_id,
            "competition_id": "c",
            "title": "竞赛",
            "mode": "host",
            "setup": "{}",
            "status": status,
            "created_at": utc("2026-01-01T00:00"),
            "finished_at": utc(finished) if finished else None,
        }
    )
    for team, (rank, members) in teams.items():
        db["competition_results"].insert({"run_id": run_id, "team": team, "rank": rank, "points": 10.0 - rank})
        for m in members:
            db["competition_members"].insert({"run_id": run_id, "team": team, "employee_id": m})


def build_bureau(tracker):
    """A1, A2 (D1), A3 (D2) active; X (D1) inactive. See the module's hand computations."""
    tracker.add_employee("A1", "甲一", "D1", "T1")
    tracker.add_employee("A2", "甲二", "D1")
    tracker.add_employee("A3", "乙三", "D2")
    tracker.add_employee("X", "离职", "D1", "T1", active=False)
    with tracker.write() as db:
        for quiz, when, pct in [
            ("qh", "2026-01-10T02:00", 50),
            ("qh", "2026-01-20T02:00", 80),
            ("qh", "2026-01-30T02:00", 70),
            ("ql", "2026-01-10T03:00", 90),
            ("ql", "2026-02-10T02:00", 60),
            ("qf", "2026-01-05T02:00", 40),
            ("qf", "2026-01-06T02:00", 100),
            ("qa", "2026-03-01T02:00", 50),
            ("qa", "2026-03-02T02:00", 70),
            ("qh", "2025-12-10T02:00", 100),
        ]:
            add_attempt(db, "A1", quiz, when, pct)
        add_attempt(db, "A1", "qh", "2026-02-01T02:00", 100, kind="practice")  # never counted
        add_attempt(db, "A2", "qh", "2026-02-15T02:00", 100)
        add_attempt(db, "A3", "qh", "2026-03-31T17:00", 100)  # 2026-04-01 01:00 in Shanghai: Q2
        add_attempt(db, "X", "qh", "2026-02-15T02:00", 100)
        for emp, lesson, when in [
            ("A1", "l1", "2025-12-20T02:00"),
            ("A1", "l2", "2026-02-01T02:00"),
            ("A2", "l1", "2026-04-02T02:00"),
            ("A3", "l1", "2026-02-01T02:00"),
            ("A3", "gone", "2026-02-01T02:00"),
            ("X", "l1", "2026-01-01T02:00"),
            ("X", "l2", "2026-01-02T02:00"),
        ]:
            db["lesson_progress"].insert(
                {"employee_id": emp, "lesson_id": lesson, "started_at": utc(when), "completed_at": utc(when)}
            )
        add_run(db, "R1", "2026-03-01T02:00", {"red": (1, ["A1"]), "blue": (2, ["X"]), "green": (3, ["A2"])})
        add_run(db, "R4", "2026-03-15T02:00", {"red": (1, []), "blue": (2, ["A1"])})
        add_run(db, "R2", "2026-04-10T02:00", {"solo": (1, ["A3"])})  # finished in Q2
        add_run(db, "R3", None, {"solo": (1, ["A3"])}, status="running")
    return tracker


@pytest.fixture
def catalog(tmp_path):
    return make_catalog(tmp_path / "content")


@pytest.fixture
def bureau(tracker):
    return build_bureau(tracker)


def rows(df) -> list[tuple]:
    return [tuple(None if isinstance(v, float) and math.isnan(v) else v for v in row) for row in df.itertuples(index=False)]


# -- periods --------------------------------------------------------------------------------------
def test_periods_in_shanghai_days():
    q = r.parse_period("2026Q3")
    assert (q.key, q.start, q.end) == ("2026Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert q.lo == "2026-06-30T16:00:00.000+00:00" and q.hi == "2026-09-30T16:00:00.000+00:00"
    assert r.parse_period("2026-02").end == dt.date(2026, 2, 28)
    assert r.parse_period("2026").months()[-1] == "2026-12"
    assert r.parse_period("2026-01-05..2026-01-06").key == "2026-01-05..2026-01-06"
    assert r.current_period("quarter", dt.date(2026, 11, 24)).key == "2026Q4"
    assert r.current_period("month", dt.date(2026, 11, 24)).key == "2026-11"
    with pytest.raises(ValueError):
        r.parse_period("2026Q5")


# -- participation ----------------------------------------------------------------------------------
def test_participation_by_department_with_extras(bureau, catalog):
    df = r.participation_report(bureau, LEADER, "2026Q1", catalog=catalog)
    assert list(df.columns) == [
        "department",
        "headcount",
        "participants",
        "participation_rate",
        "attempts",
        "avg_percent",
        "pass_rate",
        "lessons_completed",
        "lesson_completion_rate",
        "below_target",
        "event_attendees",
        "training_attendees",
        "lecture_attendees",
        "exchange_attendees",
        "any_participants",
        "any_participation_rate",
        "hours_per_head",
    ]
    # no events in this catalogue; any activity: A1, A2 took quizzes, A3 completed L1 in February;
    # 学时 by the default rules: A1 0.5 (L2) + 4 × 0.5 (quizzes passed) + 2 × 2 (R1, R4) = 6.5, A2 0.5 + 2,
    # A3 0.5 (L1) + 0.5 ('gone', a lesson the ledger still counts)
    assert rows(df.iloc[:, 10:]) == [(0, 0, 0, 0, 2, 1.0, 4.5), (0, 0, 0, 0, 1, 1.0, 1.0), (0, 0, 0, 0, 3, 1.0, 3.33)]
    assert rows(df.iloc[:, :10]) == [
        # A1: 9 attempts (Dec and practice left out) 610 %, 6 passed; A2: 1 attempt 100 %. Lessons in Q1: A1 L2.
        ("D1", 2, 2, 1.0, 10, 71.0, 0.7, 1, 0.25, False),
        # A3's attempt is April in Shanghai; lesson L1 in Feb (the lesson 'gone' is not in the catalogue)
        ("D2", 1, 0, 0.0, 0, None, None, 1, 0.5, True),
        ("合计", 3, 2, 0.6667, 10, 71.0, 0.7, 2, 0.3333, True),
    ]
    assert df.attrs["target"] == 0.8


def test_participation_by_team_and_filters(bureau, catalog):
    df = r.participation_report(bureau, ORGANIZER, "2026Q1", by="team", catalog=catalog)
    assert [(d, t, h, p) for d, t, h, p, *_ in rows(df)] == [
        ("D1", "", 1, 1),
        ("D1", "T1", 1, 1),
        ("D2", "", 1, 0),
        ("合计", "", 3, 2),
    ]
    one_quiz = r.participation_report(bureau, LEADER, "2026Q1", quiz_id="qa", catalog=catalog)
    assert rows(one_quiz)[0][:7] == ("D1", 2, 1, 0.5, 2, 60.0, 0.5)
    one_lesson = r.participation_report(bureau, LEADER, "2026Q1", lesson_id="l1", catalog=catalog)
    # participants are those who completed L1 in the period: A3 only
    assert [(d, p, rate) for d, _, p, rate, *_ in rows(one_lesson)] == [("D1", 0, 0.0), ("D2", 1, 1.0), ("合计", 1, 0.3333)]
    assert rows(one_lesson)[1][-2] == 1.0  # lesson completion of the one lesson


def test_drill_down_lists_who_has_not_taken_part(bureau):
    assert rows(r.non_participants(bureau, LEADER, "2026Q1")) == [("D2", "", "A3", "乙三")]
    assert rows(r.non_participants(bureau, LEADER, "2026Q1", quiz_id="qa")) == [
        ("D1", "", "A2", "甲二"),
        ("D2", "", "A3", "乙三"),
    ]
    assert rows(r.non_participants(bureau, LEADER, "2026Q1", quiz_id="qa", department="D2")) == [("D2", "", "A3", "乙三")]


def test_monthly_trend_is_tidy(bureau):
    df = r.participation_trend(bureau, LEADER, "2026Q1")
    assert list(df.columns) == [
        "month",
        "department",
        "headcount",
        "participants",
        "participation_rate",
        "attempts",
        "avg_percent",
    ]
    got = {(m, d): (p, a, avg) for m, d, _, p, _, a, avg in rows(df)}
    assert len(got) == 6
    assert got[("2026-01", "D1")] == (1, 6, 71.67)
    assert got[("2026-02", "D1")] == (2, 2, 80.0)  # A2's practice-free attempt and A1's qL; X is inactive
    assert got[("2026-03", "D1")] == (1, 2, 60.0)
    assert got[("2026-03", "D2")] == (0, 0, None)


def test_department_quiz_matrix(bureau):
    wide = r.score_matrix(bureau, LEADER, "2026Q1", wide=True)
    assert list(wide.index) == ["D1"]
    assert wide.loc["D1"].to_dict() == {"qa": 60.0, "qf": 70.0, "qh": 75.0, "ql": 75.0}
    tidy = r.score_matrix(bureau, LEADER, "2026Q1")
    assert ("D1", "qh", 2, 4, 75.0) in rows(tidy)


# -- assessment indicators ----------------------------------------------------------------------------
def test_indicators_per_employee(bureau, catalog):
    df = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog)
    assert list(df.columns) == r.EMPLOYEE_COLUMNS
    by_id = {row.employee_id: row for row in df.itertuples(index=False)}
    a1 = by_id["A1"]
    # lessons: L1 (December) and L2 by the end of Q1 → 100
    assert (a1.lessons_completed, a1.lessons_total, a1.lesson_score) == (2, 2, 100.0)
    # quizzes open in Q1: qa qf ql qh (qold closed, qlater not open yet): highest 80, last 60, first 40, average 60
    assert (a1.quizzes_taken, a1.quizzes_total, a1.quiz_score) == (4, 4, 60.0)
    # competitions finished in Q1: R1 rank 1 of 3 → 100, R4 rank 2 of 2 → 60
    assert (a1.competitions, a1.competitions_total, a1.competition_score) == (2, 2, 80.0)
    assert (a1.lesson_weight, a1.quiz_weight, a1.competition_weight) == (0.2, 0.5, 0.3)
    assert a1.indicator == 74.0  # 0.2·100 + 0.5·60 + 0.3·80
    assert (by_id["A2"].lesson_score, by_id["A2"].quiz_score, by_id["A2"].competition_score, by_id["A2"].indicator) == (
        0.0,
        25.0,
        60.0,
        30.5,
    )
    assert (by_id["A3"].lesson_score, by_id["A3"].quiz_score, by_id["A3"].competitions, by_id["A3"].indicator) == (
        50.0,
        0.0,
        0,
        10.0,
    )
    x = by_id["X"]
    assert (bool(x.active), x.competition_score, x.indicator) == (False, 80.0, 56.5)


def test_indicators_per_department_leave_out_inactive_employees(bureau, catalog):
    df = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog, by="department")
    assert list(df.columns) == r.DEPARTMENT_COLUMNS
    old = ["department", "headcount", "lesson_score", "lesson_weight", "quiz_score", "quiz_weight", "competition_score"]
    assert rows(df[[*old, "competition_weight", "indicator"]]) == [
        ("D1", 2, 50.0, 0.2, 42.5, 0.5, 70.0, 0.3, 52.25),
        ("D2", 1, 50.0, 0.2, 0.0, 0.5, 0.0, 0.3, 10.0),
        ("合计", 3, 50.0, 0.2, 28.33, 0.5, 46.67, 0.3, 38.17),
    ]


@pytest.mark.parametrize(("policy", "expected"), [("highest", 80.0), ("last", 70.0), ("first", 50.0), ("average", 66.67)])
def test_each_grade_policy(tracker, tmp_path, policy, expected):
    root = write_files(tmp_path / "c", {"quizzes/q.yaml": QUIZ.format(id="q", policy=policy, extra="")})
    catalog = load_catalog(root)
    tracker.add_employee("E", "员工", "D")
    with tracker.write() as db:
        for when, pct in [("2026-07-02T02:00", 50), ("2026-07-03T02:00", 80), ("2026-07-04T02:00", 70)]:
            add_attempt(db, "E", "q", when, pct)
    df = r.assessment_indicators(tracker, ADMIN, "2026Q3", catalog)
    # no lessons and no competitions: the quiz part carries the whole weight
    assert rows(df[["quiz_score", "lesson_weight", "quiz_weight", "competition_weight", "indicator"]]) == [
        (expected, 0.0, 1.0, 0.0, expected)
    ]


def test_weights_are_rescaled_over_the_parts_that_apply(bureau, catalog):
    df = r.assessment_indicators(bureau, LEADER, "2025Q4", catalog)
    a1 = df[df["employee_id"] == "A1"].iloc[0]
    # 5 quizzes open in Q4 (qold too), A1 took qh (100) → 20; L1 done → 50; no competitions
    assert (a1["quizzes_total"], a1["quiz_score"], a1["lesson_score"]) == (5, 20.0, 50.0)
    assert (a1["lesson_weight"], a1["quiz_weight"], a1["competition_weight"]) == (0.2857, 0.7143, 0.0)
    assert a1["indicator"] == 28.57


def test_draft_quizzes_do_not_count(bureau, catalog):
    """A quiz saved as a draft (组卷 保存草稿 / 撤回为草稿) is due for nobody: it counted in 应参加测验数 and
    测验成绩 before (found by the new-user review)."""
    draft = catalog.quizzes["qf"].model_copy(update={"status": "draft"})
    drafted = dataclasses.replace(catalog, quizzes={**catalog.quizzes, "qf": draft})
    assert r.period_quizzes(bureau, drafted, "2026Q1") == ["qa", "qh", "ql"]
    assert "qf" in r.period_quizzes(bureau, catalog, "2026Q1")


def test_hidden_quizzes_do_not_count(bureau, catalog):
    with bureau.write() as db:
        db["quiz_settings"].insert({"quiz_id": "qf", "hidden": 1, "updated_at": utc("2026-01-01T00:00")})
    assert r.period_quizzes(bureau, catalog, "2026Q1") == ["qa", "qh", "ql"]
    a1 = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog).set_index("employee_id").loc["A1"]
    assert a1["quiz_score"] == round((80 + 60 + 60) / 3, 2)


def test_my_indicator_and_roles(bureau, catalog):
    me = Account("a1", "employee", "A1")
    mine = r.my_indicator(bureau, me, "2026Q1", catalog)
    assert list(mine["employee_id"]) == ["A1"] and mine["indicator"].iloc[0] == 74.0
    with pytest.raises(AccessDenied):
        r.assessment_indicators(bureau, me, "2026Q1", catalog)
    with pytest.raises(AccessDenied):
        r.participation_report(bureau, me, "2026Q1")
    with pytest.raises(AccessDenied):
        r.non_participants(bureau, me, "2026Q1")
    with pytest.raises(AccessDenied):
        r.my_indicator(bureau, Account("boss", "leader"), "2026Q1", catalog)  # no employee linked
    with pytest.raises(AccessDenied):
        r.score_matrix(bureau, Account("gone", "leader", disabled=True), "2026Q1")
    assert isinstance(r.participation_trend(bureau, ADMIN, "2026Q1"), pd.DataFrame)


def test_cached_indicators_follow_every_change(bureau, catalog, tracker):
    first = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog)
    again = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog)
    assert again.to_dict("records") == first.to_dict("records")
    again.loc[0, "indicator"] = -1  # callers get copies
    assert r.assessment_indicators(bureau, LEADER, "2026Q1", catalog)["indicator"].min() >= 0
    with bureau.write() as db:  # a write on this connection
        add_attempt(db, "A3", "qh", "2026-02-01T02:00", 100)
    a3 = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog).set_index("employee_id").loc["A3"]
    assert a3["quiz_score"] == 25.0
    from tracker import Tracker

    other = Tracker(bureau.path)  # a commit by another connection
    try:
        with other.write() as db:
            add_attempt(db, "A3", "qa", "2026-02-02T02:00", 100)
    finally:
        other.close()
    a3 = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog).set_index("employee_id").loc["A3"]
    assert a3["quiz_score"] == 50.0
