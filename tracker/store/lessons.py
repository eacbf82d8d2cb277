"""The lessons domain: lesson progress with a server-checked reading time."""

from __future__ import annotations

import datetime as dt

from lessons.model import Lesson
from quizzes.fields import utcnow
from tracker.errors import TooEarly
from tracker.store.core import Store, iso, parse_iso


class LessonStore(Store):
    """Lesson progress: opened, completed."""

    def open_lesson(self, employee_id: str, lesson_id: str, *, now: dt.datetime | None = None) -> dict:
        """Record that an employee opened a lesson (the first time counts); return the progress row."""
        now = now or utcnow()
        self.employee(employee_id)
        with self.write() as db:
            db.execute(
                "INSERT INTO lesson_progress (employee_id, lesson_id, started_at) VALUES (?, ?, ?) "
                "ON CONFLICT (employee_id, lesson_id) DO NOTHING",
                (employee_id, lesson_id, iso(now)),
            )
        return self._one("SELECT * FROM lesson_progress WHERE employee_id = ? AND lesson_id = ?", (employee_id, lesson_id))

    def complete_lesson(self, employee_id: str, lesson: Lesson, *, now: dt.datetime | None = None) -> str:
        """Mark a lesson completed; return when. ``TooEarly`` before ``min_read_time`` has passed
        since the lesson was first opened (measured on the server)."""
        now = now or utcnow()
        row = self.open_lesson(employee_id, lesson.id, now=now)
        if row["completed_at"]:
            return row["completed_at"]
        if lesson.min_read_time:
            spent = (now - parse_iso(row["started_at"])).total_seconds()
            if spent < lesson.min_read_time:
                left = int(lesson.min_read_time - spent + 0.999)
                raise TooEarly(f"lesson '{lesson.id}': {left} s more reading before it counts as completed", left)
        with self.write() as db:
            db.execute(
                "UPDATE lesson_progress SET completed_at = ? WHERE employee_id = ? AND lesson_id = ? AND completed_at IS NULL",
                (iso(now), employee_id, lesson.id),
            )
        return self._one(
            "SELECT completed_at FROM lesson_progress WHERE employee_id = ? AND lesson_id = ?", (employee_id, lesson.id)
        )["completed_at"]

    def lesson_progress(self, employee_id: str) -> dict[str, dict]:
        """An employee's lesson progress rows by lesson id."""
        return {r["lesson_id"]: r for r in self.db.query("SELECT * FROM lesson_progress WHERE employee_id = ?", (employee_id,))}
