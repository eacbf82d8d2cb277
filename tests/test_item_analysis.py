"""Item analysis (试题分析) on five graded attempts of the small quiz, computed by hand.

Points: s1 2, m1 3 (all or nothing), t1 1, f1 1, c1 1 (scenario credit × 1); 8 in all.

    emp  s1  m1   t1  f1        c1   score  percent
    E1   A   AB   对  预防为主   C    4      50
    E2   A   ABC  对  x         B    3.5    43.75
    E3   B   AB   对  预防为主   A    3      37.5
    E4   C   —    对  预防为主   B    2.5    31.25
    E5   B   D    对  —         A    2      25

n = 5 attempts, 27% groups of round(1.35) = 1: upper E1, lower E5.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid

import pytest

from tests.conftest import at
from tracker import AccessDenied, Account
from tracker.reports import DISCRIMINATION_METHOD, item_analysis

LEADER = Account("boss", "leader")
RESPONSES = {
    "E1": {"s1": "A", "m1": "AB", "t1": True, "f1": ["预防为主"], "c1": "C"},
    "E2": {"s1": "A", "m1": "ABC", "t1": True, "f1": ["x"], "c1": "B"},
    "E3": {"s1": "B", "m1": "AB", "t1": True, "f1": ["预防为主"], "c1": "A"},
    "E4": {"s1": "C", "t1": True, "f1": ["预防为主"], "c1": "B"},
    "E5": {"s1": "B", "m1": "D", "t1": True, "c1": "A"},
}


@pytest.fixture
def graded(tracker, small_quiz):
    percents = {}
    for i, (emp, responses) in enumerate(RESPONSES.items()):
        tracker.add_employee(emp, f"员工{emp}", "办公室")
        start = at("2026-03-10T02:00") + dt.timedelta(hours=i)
        attempt_id = tracker.start_attempt(emp, small_quiz, now=start)
        percents[emp] = tracker.submit_attempt(attempt_id, responses, now=start + dt.timedelta(minutes=5)).percent
    assert percents == {"E1": 50.0, "E2": 43.75, "E3": 37.5, "E4": 31.25, "E5": 25.0}
    # a practice attempt is never analysed
    practice = tracker.start_practice("E1", tracker.paper(attempt_id), now=at("2026-03-11T02:00"))
    tracker.submit_attempt(practice, {"s1": "D", "t1": False}, now=at("2026-03-11T02:05"))
    return tracker


def table(df) -> dict[str, dict]:
    return {
        row["question_id"]: {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        for row in df.to_dict("records")
    }


def test_item_statistics_by_hand(graded):
    df = item_analysis(graded, LEADER, quiz_id="small")
    assert df.attrs["attempts"] == 5 and df.attrs["group_size"] == 1
    assert df.attrs["method"] == DISCRIMINATION_METHOD and "27%" in DISCRIMINATION_METHOD
    t = table(df)
    assert list(t) == ["c1", "f1", "m1", "s1", "t1"]
    s1, m1, t1, f1, c1 = t["s1"], t["m1"], t["t1"], t["f1"], t["c1"]
    assert (s1["presented"], s1["answered"], s1["facility"], s1["discrimination"]) == (5, 5, 0.4, 1.0)
    assert (s1["opt_A"], s1["opt_B"], s1["opt_C"], s1["opt_D"]) == (0.4, 0.4, 0.2, 0.0)
    assert s1["key"] == "A" and s1["type"] == "single"
    # multiple choice: letters counted one by one (AB, ABC, AB, D)
    assert (m1["answered"], m1["facility"], m1["discrimination"]) == (4, 0.0, 0.0)
    assert (m1["opt_A"], m1["opt_B"], m1["opt_C"], m1["opt_D"]) == (0.6, 0.6, 0.2, 0.2)
    assert m1["key"] == "ABD" and m1["too_hard"] and m1["flags"] == "过难"
    assert (t1["facility"], t1["opt_true"], t1["opt_false"], t1["key"]) == (1.0, 1.0, 0.0, "对")
    assert t1["too_easy"] and t1["flags"] == "过易" and t1["opt_A"] is None and "opt_E" not in t1
    assert (f1["answered"], f1["facility"], f1["discrimination"], f1["opt_A"]) == (4, 0.6, 1.0, None)
    # scenario: correct means full credit (option A); the top attempt missed it, the bottom one got it
    assert (c1["facility"], c1["discrimination"], c1["key"]) == (0.4, -1.0, "A")
    assert (c1["opt_A"], c1["opt_B"], c1["opt_C"], c1["opt_D"]) == (0.4, 0.4, 0.2, None)
    assert c1["negative_discrimination"] and "区分度为负" in c1["flags"]
    assert not any(row["too_easy"] or row["too_hard"] or row["negative_discrimination"] for row in (s1, f1))
    assert (s1["upper_n"], s1["lower_n"]) == (1, 1)


def test_item_analysis_period_filter_and_roles(graded):
    assert item_analysis(graded, LEADER, quiz_id="small", period="2026-02").empty
    assert len(item_analysis(graded, Account("o", "organizer"), quiz_id="small", period="2026-03")) == 5
    with pytest.raises(AccessDenied):
        item_analysis(graded, Account("e", "employee", "E1"), quiz_id="small")
    with pytest.raises(ValueError):
        item_analysis(graded, LEADER)


def test_bank_questions_across_quizzes(tracker):
    """Two quizzes drew from bank 'bk'; only the bank's question keys are analysed."""
    tracker.add_employee("E1", "一", "D")
    tracker.add_employee("E2", "二", "D")
    question = {"id": "q1", "type": "single", "prompt": "哪一个？", "options": ["甲", "乙", "丙"], "answer": "B"}
    other = {"id": "own", "type": "true_false", "prompt": "对吗？", "answer": True}
    paper = {
        "quiz_id": "x",
        "seed": 0,
        "multiple_scoring": "all_or_nothing",
        "pass_percent": 60,
        "questions": [{"key": "bk/q1", "order": [2, 0, 1], "question": question}, {"key": "own", "order": [], "question": other}],
    }
    with tracker.write() as db:
        for emp, quiz, percent, response, correct in [("E1", "x", 100, "B", 1), ("E2", "y", 0, "C", 0)]:
            aid = uuid.uuid4().hex
            when = "2026-03-01T00:00:00.000+00:00"
            db["attempts"].insert(
                {
                    "id": aid,
                    "employee_id": emp,
                    "quiz_id": quiz,
                    "quiz_kind": "quiz",
                    "seed": 0,
                    "paper": json.dumps(paper, ensure_ascii=False),
                    "started_at": when,
                    "submitted_at": when,
                    "score": percent,
                    "max_score": 100,
                    "percent": percent,
                    "passed": int(percent >= 60),
                }
            )
            db["answers"].insert_all(
                [
                    {
                        "attempt_id": aid,
                        "question_id": "bk/q1",
                        "position": 0,
                        "response": json.dumps(response),
                        "points": correct,
                        "correct": correct,
                    },
                    {"attempt_id": aid, "question_id": "own", "position": 1, "response": "true", "points": 1, "correct": 1},
                ]
            )
    t = table(item_analysis(tracker, LEADER, bank_id="bk"))
    assert list(t) == ["bk/q1"]
    row = t["bk/q1"]
    # authored letters, whatever the display order was
    assert (row["presented"], row["facility"], row["discrimination"], row["opt_A"], row["opt_B"], row["opt_C"]) == (
        2,
        0.5,
        1.0,
        0.0,
        0.5,
        0.5,
    )
