"""Many threads through one shared Tracker: nothing lost, nothing doubled, never "database is locked"."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from quizzes.grading import normalize_response
from tests.conftest import at

T0 = at("2026-03-10T02:00")
N_EMPLOYEES = 50
N_SAME = 20
QUESTIONS = 5  # the small quiz

# Different answer sheets with different scores: if two threads graded the same attempt, they
# would disagree about the score.
SHEETS = [
    {"s1": "A", "m1": "ABD", "t1": "对", "f1": "预防为主", "c1": "A"},  # 8
    {"s1": "A", "m1": "ABD", "t1": "对"},  # 6
    {"s1": "A", "c1": "B"},  # 2.5
    {"t1": "对"},  # 1
    {"s1": "B", "m1": "AB"},  # 0
]
SCORES = [8.0, 6.0, 2.5, 1.0, 0.0]


def run_together(n: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(i)`` for i in range(n) in n threads released at the same moment."""
    barrier = threading.Barrier(n, timeout=60)
    results: list[Any] = [None] * n
    errors: list[BaseException] = []

    def one(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as e:  # collected and asserted on
            errors.append(e)

    with ThreadPoolExecutor(max_workers=n) as pool:
        for future in [pool.submit(one, i) for i in range(n)]:
            future.result(timeout=120)
    return results, errors


def test_fifty_employees_start_and_submit_at_once(tracker, small_quiz):
    employees = [f"E{i:03d}" for i in range(N_EMPLOYEES)]
    for emp in employees:
        tracker.add_employee(emp, f"员工{emp}", f"部门{int(emp[1:]) % 5}")

    def work(i: int) -> tuple[str, float]:
        attempt_id = tracker.start_attempt(employees[i], small_quiz, now=T0, seed=i)
        result = tracker.submit_attempt(attempt_id, SHEETS[i % len(SHEETS)], now=T0 + dt.timedelta(minutes=5))
        return attempt_id, result.score

    results, errors = run_together(N_EMPLOYEES, work)

    assert errors == []
    rows = list(tracker.db.query("SELECT id, employee_id, submitted_at, score FROM attempts ORDER BY employee_id"))
    assert [r["employee_id"] for r in rows] == employees
    assert len({r["id"] for r in rows}) == N_EMPLOYEES
    assert all(r["submitted_at"] == "2026-03-10T02:05:00.000+00:00" for r in rows)
    assert [r["score"] for r in rows] == [SCORES[i % len(SCORES)] for i in range(N_EMPLOYEES)]
    assert sorted(results) == sorted((r["id"], r["score"]) for r in rows)
    assert tracker.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == N_EMPLOYEES * QUESTIONS
    assert tracker.db.execute("SELECT COUNT(*) FROM answers WHERE points IS NULL").fetchone()[0] == 0


def test_twenty_submissions_of_the_same_attempt_are_recorded_once(tracker, small_quiz):
    tracker.add_employee("E001", "张三", "办公室")
    attempt_id = tracker.start_attempt("E001", small_quiz, now=T0)

    def work(i: int) -> float:
        return tracker.submit_attempt(attempt_id, SHEETS[i % len(SHEETS)], now=T0 + dt.timedelta(minutes=5, seconds=i)).score

    scores, errors = run_together(N_SAME, work)

    assert errors == []
    row = tracker.attempt(attempt_id)
    assert len(set(scores)) == 1
    assert scores[0] == row["score"]
    assert row["score"] in SCORES
    winner = SHEETS[SCORES.index(row["score"])]
    # The recorded answers are exactly one thread's sheet, and the time is that thread's.
    paper = tracker.paper(attempt_id)
    assert tracker.saved_responses(attempt_id) == {
        k: normalize_response(paper.question(k).question, v) for k, v in winner.items()
    }
    assert tracker.db.execute("SELECT COUNT(*) FROM answers WHERE attempt_id = ?", (attempt_id,)).fetchone()[0] == QUESTIONS
    assert tracker.db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 1
    submitted = {r["saved_at"] for r in tracker.db.query("SELECT saved_at FROM answers WHERE response IS NOT NULL")}
    assert submitted == {row["submitted_at"]}


def test_twenty_starts_of_the_same_quiz_give_one_attempt(tracker, small_quiz):
    tracker.add_employee("E001", "张三", "办公室")

    ids, errors = run_together(N_SAME, lambda i: tracker.start_attempt("E001", small_quiz, now=T0, seed=i))

    assert errors == []
    assert len(set(ids)) == 1
    assert tracker.db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 1


def test_saving_different_answers_of_one_attempt_at_once_keeps_them_all(tracker, small_quiz):
    tracker.add_employee("E001", "张三", "办公室")
    attempt_id = tracker.start_attempt("E001", small_quiz, now=T0)
    sheet = list(SHEETS[0].items())

    _, errors = run_together(len(sheet), lambda i: tracker.save_answer(attempt_id, *sheet[i], now=T0))

    assert errors == []
    assert tracker.saved_responses(attempt_id) == {"s1": "A", "m1": "ABD", "t1": True, "f1": ["预防为主"], "c1": "A"}
    assert tracker.submit_attempt(attempt_id, now=T0).score == 8.0
