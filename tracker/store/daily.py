"""The 每日一练 domain: one drawn set per employee and day, its answers, streaks.

The draw and the spaced repetition are the pure rules of ``tracker.practice``; this mixin feeds them
the employee's history and stores what they chose, so that a set, once drawn, stays the same all day
(and is graded against what was shown, whatever the banks become).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from quizzes.fields import SHANGHAI, utcnow
from quizzes.grading import QuestionResult, _score, normalize_response
from quizzes.model import DailySet
from quizzes.paper import Paper, PaperQuestion
from tracker.errors import AttemptClosed, NotFound, QuizUnavailable
from tracker.practice import draw_keys, seed_of, too_fast
from tracker.store.core import Store, iso, parse_iso

DAILY_ID = "_daily"


def local_day(moment: dt.datetime) -> dt.date:
    """The Asia/Shanghai calendar day of an instant."""
    return moment.astimezone(SHANGHAI).date()


class DailyStore(Store):
    """Daily sets: draw (once per day), answer one question at a time, history and finished days."""

    def daily_history(self, employee_id: str) -> dict[str, list[tuple[dt.date, bool]]]:
        """Every daily answer of an employee by question key: [(day, right), …]."""
        out: dict[str, list[tuple[dt.date, bool]]] = {}
        for key, day, correct in self.db.conn.execute(
            "SELECT question_key, day, correct FROM daily_answers WHERE employee_id = ? ORDER BY day", (employee_id,)
        ):
            out.setdefault(key, []).append((dt.date.fromisoformat(day), bool(correct)))
        return out

    def daily_row(self, employee_id: str, day: dt.date) -> dict | None:
        return self._one("SELECT * FROM daily_sets WHERE employee_id = ? AND day = ?", (employee_id, day.isoformat()))

    def start_daily(self, employee_id: str, daily_set: DailySet, *, now: dt.datetime | None = None) -> dict:
        """Today's set of an employee, drawn now if it was not yet (``QuizUnavailable`` on a day
        without a set, or for an inactive employee); returns its row."""
        now = now or utcnow()
        day = local_day(now)
        row = self.daily_row(employee_id, day)
        if row is not None:
            return row
        employee = self.employee(employee_id)
        if not employee["active"]:
            raise QuizUnavailable(f"employee {employee_id} is not active")
        if not daily_set.scheduled(day.weekday()):
            raise QuizUnavailable(f"daily set '{daily_set.id}' has no questions on {day.isoformat()}")
        pool = dict(daily_set.pool)
        keys = draw_keys(list(pool), self.daily_history(employee_id), day, daily_set.count, employee_id)
        rng = random.Random(seed_of(employee_id, day) ^ 0x5EED)
        placed = []
        for key in keys:
            q = pool[key]
            order = list(range(len(q.options or [])))
            if q.type in ("single", "multiple", "scenario"):
                rng.shuffle(order)
            placed.append(PaperQuestion(key, q, tuple(order)))
        paper = Paper(quiz_id=DAILY_ID, seed=seed_of(employee_id, day), questions=placed)
        with self.write() as db:
            db.execute(
                "INSERT INTO daily_sets (employee_id, day, set_id, paper, counts_for_points, min_seconds, "
                "started_at, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (employee_id, day) DO NOTHING",
                (
                    employee_id,
                    day.isoformat(),
                    daily_set.id,
                    paper.to_json(),
                    int(daily_set.points),
                    daily_set.min_seconds_per_question * len(placed),
                    iso(now),
                    len(placed),
                ),
            )
        return self.daily_row(employee_id, day)

    def daily_paper(self, row: dict) -> Paper:
        return Paper.from_json(row["paper"])

    def daily_answers(self, employee_id: str, day: dt.date) -> dict[str, dict]:
        """The answers given in one day's set, by question key."""
        return {
            r["question_key"]: r
            for r in self.db.query(
                "SELECT * FROM daily_answers WHERE employee_id = ? AND day = ? ORDER BY position", (employee_id, day.isoformat())
            )
        }

    def answer_daily(
        self, employee_id: str, day: dt.date, key: str, response: Any, *, now: dt.datetime | None = None
    ) -> QuestionResult:
        """Grade and keep one answer of a day's set; the last answer finishes the set (flagged when
        the whole set took less than its minimum time). ``AttemptClosed`` when the question was
        answered already or the day is over; ``NotFound`` for a key not in the set."""
        now = now or utcnow()
        row = self.daily_row(employee_id, day)
        if row is None:
            raise NotFound(f"no daily set of {employee_id} on {day.isoformat()}")
        if local_day(now) != day:
            raise AttemptClosed(f"the daily set of {day.isoformat()} is over")
        paper = self.daily_paper(row)
        try:
            pq = paper.question(key)
        except KeyError:
            raise NotFound(f"no question '{key}' in the daily set of {employee_id} on {day.isoformat()}") from None
        given = normalize_response(pq.question, response)
        points = _score(pq.question, given, paper.multiple_scoring)
        result = QuestionResult(key, pq.question, given, points, pq.question.points)
        position = [q.key for q in paper.questions].index(key)
        with self.write() as db:
            if self._one(
                "SELECT 1 AS x FROM daily_answers WHERE employee_id = ? AND day = ? AND question_key = ?",
                (employee_id, day.isoformat(), key),
            ):
                raise AttemptClosed(f"question '{key}' of the daily set of {day.isoformat()} is answered already")
            db["daily_answers"].insert(
                {
                    "employee_id": employee_id,
                    "day": day.isoformat(),
                    "question_key": key,
                    "position": position,
                    "response": json.dumps(given, ensure_ascii=False) if given is not None else None,
                    "correct": int(result.correct),
                    "answered_at": iso(now),
                }
            )
            n, right = db.execute(
                "SELECT COUNT(*), SUM(correct) FROM daily_answers WHERE employee_id = ? AND day = ?",
                (employee_id, day.isoformat()),
            ).fetchone()
            if n >= row["total"]:
                seconds = (now - parse_iso(row["started_at"])).total_seconds()
                flagged = too_fast(seconds, row["total"], row["min_seconds"] / max(1, row["total"]))
                db.execute(
                    "UPDATE daily_sets SET finished_at = ?, correct = ?, flagged = ? WHERE employee_id = ? AND day = ?",
                    (iso(now), int(right or 0), int(flagged), employee_id, day.isoformat()),
                )
        return result

    def daily_result(self, row: dict, answer: dict) -> QuestionResult:
        """A stored answer as a ``QuestionResult`` (for showing it again)."""
        pq = self.daily_paper(row).question(answer["question_key"])
        given = json.loads(answer["response"]) if answer["response"] else None
        points = pq.question.points if answer["correct"] else _score(pq.question, given, "all_or_nothing")
        return QuestionResult(pq.key, pq.question, given, points, pq.question.points)

    def daily_days(self, employee_id: str) -> dict[dt.date, dict]:
        """The finished daily sets of an employee by day (finished_at, correct, total, flagged)."""
        rows = self.db.query(
            "SELECT day, finished_at, correct, total, flagged FROM daily_sets WHERE employee_id = ? AND finished_at IS NOT NULL",
            (employee_id,),
        )
        return {dt.date.fromisoformat(r["day"]): r for r in rows}
