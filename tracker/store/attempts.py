"""The attempts domain: quiz attempts, saved answers, grading on submission, the deadline sweeper."""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import threading
import uuid
import weakref
from collections import OrderedDict
from typing import Any

from sqlite_utils import Database

from quizzes.fields import SHANGHAI, utcnow
from quizzes.grading import Grade, grade, normalize_response
from quizzes.model import Quiz
from quizzes.paper import Paper, draw_paper
from tracker.errors import AttemptClosed, NotFound, QuizUnavailable, StorageUnavailable
from tracker.store.core import Store, iso, parse_iso

PAPER_CACHE = 4096  # parsed papers kept per Tracker (a few MB)
log = logging.getLogger(__name__)


class AttemptStore(Store):
    """Attempts: start (draw the paper), save answers, submit and grade, sweep expired ones."""

    def _init_papers(self) -> None:
        # Parsed papers by attempt id: a paper never changes once drawn, and parsing 50 questions
        # costs more than the rest of a submission.
        self._papers: OrderedDict[str, Paper] = OrderedDict()
        self._papers_lock = threading.Lock()

    def start_attempt(self, employee_id: str, quiz: Quiz, *, now: dt.datetime | None = None, seed: int | None = None) -> str:
        """Start (or resume) an attempt: the questions are drawn and shuffled once and stored.

        Returns the id of the employee's attempt in progress on this quiz if there is one.
        Raises ``QuizUnavailable`` outside the quiz's window or when all attempts are used.
        """
        now = now or utcnow()
        employee = self.employee(employee_id)
        if not employee["active"]:
            raise QuizUnavailable(f"employee {employee_id} is not active")
        self.finalize_expired(now=now, employee_id=employee_id)
        if quiz.opens and now < quiz.opens:
            raise QuizUnavailable(f"quiz '{quiz.id}' opens at {quiz.opens.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
        if quiz.closes and now >= quiz.closes:
            raise QuizUnavailable(f"quiz '{quiz.id}' closed at {quiz.closes.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
        seed = secrets.randbits(31) if seed is None else seed
        paper = draw_paper(quiz, seed)
        deadline = now + dt.timedelta(seconds=quiz.time_limit) if quiz.time_limit else None
        if quiz.closes and (deadline is None or quiz.closes < deadline):
            deadline = quiz.closes
        source = getattr(quiz, "_source", None)
        with self.write(lock=("attempts of", employee_id, quiz.id)) as db:
            open_row = self._one(
                "SELECT id FROM attempts WHERE employee_id = ? AND quiz_id = ? AND submitted_at IS NULL",
                (employee_id, quiz.id),
            )
            if open_row:
                return open_row["id"]
            used = self._one("SELECT COUNT(*) AS n FROM attempts WHERE employee_id = ? AND quiz_id = ?", (employee_id, quiz.id))[
                "n"
            ]
            allowed = quiz.attempts_allowed
            if allowed is not None and used >= allowed:
                raise QuizUnavailable(f"employee {employee_id} has used all {allowed} attempt(s) of quiz '{quiz.id}'")
            if source is not None and source.digest:
                db["content_versions"].insert(
                    {
                        "hash": source.digest,
                        "kind": "quiz",
                        "object_id": quiz.id,
                        "path": source.path,
                        "body": source.text,
                        "first_seen": iso(now),
                    },
                    pk="hash",
                    ignore=True,
                )
            attempt_id = self._insert_attempt(
                db, employee_id, quiz.kind, paper, now, deadline, source.digest if source is not None else None
            )
            if quiz.review_from is not None:
                db.execute("UPDATE attempts SET review_after = ? WHERE id = ?", (iso(quiz.review_from), attempt_id))
            return attempt_id

    def _insert_attempt(
        self,
        db: Database,
        employee_id: str,
        kind: str,
        paper: Paper,
        now: dt.datetime,
        deadline: dt.datetime | None,
        content_hash: str | None,
    ) -> str:
        attempt_id = uuid.uuid4().hex
        db.execute(
            "INSERT INTO attempts (id, employee_id, quiz_id, quiz_kind, content_hash, seed, paper, started_at, deadline) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                attempt_id,
                employee_id,
                paper.quiz_id,
                kind,
                content_hash,
                paper.seed,
                paper.to_json(),
                iso(now),
                iso(deadline) if deadline else None,
            ),
        )
        self._remember_paper(attempt_id, paper)
        return attempt_id

    def _remember_paper(self, attempt_id: str, paper: Paper) -> None:
        with self._papers_lock:
            self._papers[attempt_id] = paper
            self._papers.move_to_end(attempt_id)
            while len(self._papers) > PAPER_CACHE:
                self._papers.popitem(last=False)

    def start_practice(self, employee_id: str, paper: Paper, *, now: dt.datetime | None = None) -> str:
        """An untimed practice attempt on a given paper (such as the wrong-answer book).

        Practice attempts (``quiz_kind`` = 'practice') are kept out of participation reports;
        an unfinished one on the same paper id is resumed.
        """
        now = now or utcnow()
        self.employee(employee_id)
        with self.write() as db:
            open_row = self._one(
                "SELECT id FROM attempts WHERE employee_id = ? AND quiz_id = ? AND submitted_at IS NULL",
                (employee_id, paper.quiz_id),
            )
            if open_row:
                return open_row["id"]
            return self._insert_attempt(db, employee_id, "practice", paper, now, None, None)

    def attempt(self, attempt_id: str) -> dict:
        """The attempt's row (without the paper); ``NotFound`` if there is none."""
        row = self._one(
            "SELECT id, employee_id, quiz_id, quiz_kind, content_hash, seed, started_at, deadline, submitted_at, "
            "score, max_score, percent, passed, auto_submitted, review_after FROM attempts WHERE id = ?",
            (attempt_id,),
        )
        if row is None:
            raise NotFound(f"attempt {attempt_id} not found")
        return row

    def paper(self, attempt_id: str) -> Paper:
        """The questions of an attempt as drawn (answer key included: never send it to a browser)."""
        with self._papers_lock:
            cached = self._papers.get(attempt_id)
        if cached is not None:
            return cached
        row = self._one("SELECT paper FROM attempts WHERE id = ?", (attempt_id,))
        if row is None:
            raise NotFound(f"attempt {attempt_id} not found")
        paper = Paper.from_json(row["paper"])
        self._remember_paper(attempt_id, paper)
        return paper

    def attempts(self, employee_id: str, quiz_id: str | None = None) -> list[dict]:
        """An employee's attempts, newest first."""
        sql = (
            "SELECT id, quiz_id, quiz_kind, started_at, deadline, submitted_at, score, max_score, percent, passed, "
            "auto_submitted FROM attempts WHERE employee_id = ?"
        )
        params: list = [employee_id]
        if quiz_id:
            sql += " AND quiz_id = ?"
            params.append(quiz_id)
        return list(self.db.query(sql + " ORDER BY started_at DESC", params))

    def _closing_time(self, row: dict) -> dt.datetime | None:
        return parse_iso(row["deadline"]) + self.grace if row["deadline"] else None

    def save_answer(self, attempt_id: str, question_key: str, response: Any, *, now: dt.datetime | None = None) -> None:
        """Save one answer of an attempt in progress (as given; graded only on submission)."""
        now = now or utcnow()
        paper = self.paper(attempt_id)
        try:
            pq = paper.question(question_key)
        except KeyError:
            raise NotFound(f"attempt {attempt_id} has no question '{question_key}'") from None
        value = normalize_response(pq.question, response)
        with self.write(lock=("attempt", attempt_id)) as db:
            row = self.attempt(attempt_id)
            closing = self._closing_time(row)
            if row["submitted_at"]:
                raise AttemptClosed(f"attempt {attempt_id} was already submitted")
            if closing and now > closing:
                raise AttemptClosed(f"attempt {attempt_id}: the time is up")
            db["answers"].upsert(
                {
                    "attempt_id": attempt_id,
                    "question_id": question_key,
                    "position": [q.key for q in paper.questions].index(question_key),
                    "response": json.dumps(value, ensure_ascii=False) if value is not None else None,
                    "saved_at": iso(now),
                },
                pk=("attempt_id", "question_id"),
            )

    def saved_responses(self, attempt_id: str) -> dict[str, Any]:
        """The answers saved so far (or as submitted), by question key."""
        return {
            r["question_id"]: json.loads(r["response"])
            for r in self.db.query(
                "SELECT question_id, response FROM answers WHERE attempt_id = ? AND response IS NOT NULL", (attempt_id,)
            )
        }

    def submit_attempt(
        self, attempt_id: str, responses: dict[str, Any] | None = None, *, now: dt.datetime | None = None
    ) -> Grade:
        """Grade and record an attempt on the server; all of it is written, or nothing.

        ``responses`` are merged over the answers saved so far. Submitting again returns the
        first result and writes nothing. After the time limit plus the grace period the
        submission is *clamped*: the responses sent with it are ignored and the attempt is graded
        from the answers saved in time (``auto_submitted`` = 1).
        """
        return self._submit(attempt_id, responses, now=now)[0]

    def _submit(
        self, attempt_id: str, responses: dict[str, Any] | None = None, *, now: dt.datetime | None = None
    ) -> tuple[Grade, bool]:
        """``submit_attempt``, and whether this call submitted it (False: it was already submitted,
        by another request, sweeper or node). The write holds the attempt's lock (PostgreSQL: an
        advisory lock keyed by the attempt; SQLite: ``BEGIN IMMEDIATE`` serialises every writer), so
        that of two concurrent submissions exactly one grades and writes."""
        now = now or utcnow()
        paper = self.paper(attempt_id)
        given = {
            k: normalize_response(paper.question(k).question, v)
            for k, v in (responses or {}).items()
            if self._has_key(paper, k, attempt_id)
        }
        with self.write(lock=("attempt", attempt_id)) as db:
            row = self.attempt(attempt_id)
            if row["submitted_at"]:
                return grade(paper, self.saved_responses(attempt_id)), False
            closing = self._closing_time(row)
            late = closing is not None and now > closing
            drafts = db.conn.execute(
                "SELECT question_id, response, saved_at FROM answers WHERE attempt_id = ?", (attempt_id,)
            ).fetchall()
            merged = {key: json.loads(response) for key, response, _ in drafts if response is not None}
            saved_at = {key: at for key, _, at in drafts}
            if not late:
                merged.update(given)
            # drafts were normalized when saved and ``given`` just now: not parsed a second time
            result = grade(paper, {k: v for k, v in merged.items() if v is not None}, normalized=True)
            db.execute("DELETE FROM answers WHERE attempt_id = ?", (attempt_id,))
            stamp = iso(now)
            db.conn.executemany(
                "INSERT INTO answers (attempt_id, question_id, position, response, points, correct, saved_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        attempt_id,
                        r.key,
                        i,
                        json.dumps(r.response, ensure_ascii=False) if r.response is not None else None,
                        r.points,
                        int(r.correct),
                        stamp if (r.key in given and not late) else saved_at.get(r.key),
                    )
                    for i, r in enumerate(result.results)
                ],
            )
            submitted = parse_iso(row["deadline"]) if late else now
            db.execute(
                "UPDATE attempts SET submitted_at = ?, score = ?, max_score = ?, percent = ?, passed = ?, auto_submitted = ? WHERE id = ?",
                (iso(submitted), result.score, result.max_score, result.percent, int(result.passed), int(late), attempt_id),
            )
        return result, True

    @staticmethod
    def _has_key(paper: Paper, key: str, attempt_id: str) -> bool:
        try:
            paper.question(key)
        except KeyError:
            raise NotFound(f"attempt {attempt_id} has no question '{key}'") from None
        return True

    def grade_of(self, attempt_id: str) -> Grade:
        """The grade of a submitted attempt, rebuilt from what was recorded."""
        row = self.attempt(attempt_id)
        if not row["submitted_at"]:
            raise AttemptClosed(f"attempt {attempt_id} is still in progress")
        return grade(self.paper(attempt_id), self.saved_responses(attempt_id))

    def finalize_expired(self, *, now: dt.datetime | None = None, employee_id: str | None = None) -> int:
        """Submit every attempt whose time ran out (with the answers saved in time); return how many
        this call submitted. Idempotent and safe to run on every node at once: an attempt another
        sweeper (or the taker) submitted first is skipped, graded once, counted once."""
        now = now or utcnow()
        sql = "SELECT id FROM attempts WHERE submitted_at IS NULL AND deadline IS NOT NULL AND deadline < ?"
        params: list = [iso(now - self.grace)]
        if employee_id:
            sql += " AND employee_id = ?"
            params.append(employee_id)
        ids = [r["id"] for r in self.db.query(sql, params)]
        return sum(self._submit(attempt_id, now=now)[1] for attempt_id in ids)

    def start_sweeper(self, interval: float = 30.0) -> threading.Thread:
        """A daemon thread that submits timed-out attempts every ``interval`` seconds, so an attempt
        whose browser was closed is graded at its deadline even if nobody looks at it again."""
        existing = getattr(self, "_sweeper", None)
        if existing is not None and existing.is_alive():
            return existing
        stop = self._sweeper_stop = threading.Event()

        def sweep() -> None:
            while not stop.wait(interval):
                self.sweep_once()

        self._sweeper = threading.Thread(target=sweep, name="mingde-sweeper", daemon=True)
        self._sweeper.start()
        _SWEEPING.add(self)
        return self._sweeper

    def sweep_once(self) -> int:
        """One pass of the sweeper: ``finalize_expired``, never raising. A busy, full or read-only
        database is tried again next time; any other error is logged with its traceback the first
        time and in one line while it repeats, and the sweeper keeps running. Returns how many
        attempts were submitted (0 after an error)."""
        try:
            found = self.finalize_expired()
        except StorageUnavailable as e:
            log.warning("attempt sweeper: %s", e)
        except Exception as e:
            if repr(e) == getattr(self, "_sweep_error", None):  # the same again: one line, not a traceback per pass
                log.error("attempt sweeper: still failing: %r", e)
            else:
                log.exception("attempt sweeper: submitting expired attempts failed; trying again at the next pass")
            self._sweep_error = repr(e)
        else:
            self._sweep_error = None
            return found
        return 0

    def stop_sweeper(self) -> None:
        stop = getattr(self, "_sweeper_stop", None)
        if stop is not None:
            stop.set()
        _SWEEPING.discard(self)


_SWEEPING: weakref.WeakSet = weakref.WeakSet()  # the stores whose sweeper runs, in this process


def stop_all_sweepers() -> None:
    """Stop every sweeper of this process (before its database goes away, e.g. a test run's cluster)."""
    for store in list(_SWEEPING):
        store.stop_sweeper()
