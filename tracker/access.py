"""What a signed-in account may do, checked in the library (hiding a page is not access control).

``Access(tracker, account)`` is what the UI calls. Self-service calls act only on the account's own
employee record; an attempt id of someone else is refused with ``AccessDenied``, whatever the
request. Before an attempt is submitted only ``ShownQuestion``s leave the library: prompt, options
in display order and the number of blanks, never answers, credits or explanations.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from lessons.model import Lesson
from quizzes.fields import utcnow
from quizzes.grading import Grade, QuestionResult
from quizzes.model import DailySet, Question, Quiz
from quizzes.paper import Paper, PaperQuestion
from tracker.errors import AccessDenied, QuizUnavailable, StorageUnavailable
from tracker.store import Account, Tracker, iso, parse_iso

WRONG_BOOK_ID = "_wrong_book"


@dataclass(frozen=True)
class DailyToday:
    """Today's 每日一练 of the signed-in employee. Answer keys only in ``results``, i.e. only for
    questions already answered; ``questions`` are ``ShownQuestion``s."""

    set: DailySet | None  # None: no daily set for this employee (no daily.yaml, or no audience)
    day: dt.date
    scheduled: bool  # whether the set is given today
    questions: list[ShownQuestion]
    results: dict[str, QuestionResult]
    orders: dict[str, tuple[int, ...]]  # display order of each question's options
    finished: bool
    flagged: bool
    streak: int

    @property
    def answered(self) -> int:
        return len(self.results)


@dataclass(frozen=True)
class ShownQuestion:
    """A question as the browser may see it before submission: no answer key of any kind."""

    key: str
    number: int
    type: str
    prompt: str
    points: float
    options: tuple[tuple[str, str], ...]  # (authored letter, text), in display order
    blanks: int


@dataclass(frozen=True)
class QuizStatus:
    """Whether an employee can take a quiz now, and why not."""

    code: str  # open | in_progress | not_open | closed | exhausted
    used: int
    allowed: int | None
    best_percent: float | None
    attempt_id: str | None = None

    @property
    def can_start(self) -> bool:
        return self.code in ("open", "in_progress")


@dataclass(frozen=True)
class WrongItem:
    """A question the employee last answered wrong (错题本)."""

    key: str  # bank/id, or quiz-id:id for inline questions
    quiz_id: str
    question: Question
    order: tuple[int, ...]
    response: Any
    times_wrong: int
    last_seen: str


def shown(pq: PaperQuestion, number: int) -> ShownQuestion:
    q = pq.question
    options = tuple((q.letters[i], q.options[i].text) for i in pq.order) if q.options else ()
    blanks = len(q.answer) if q.type == "fill_blank" else 0
    return ShownQuestion(pq.key, number, q.type, q.prompt, q.points, options, blanks)


def attempt_review_allowed(row: dict, now: dt.datetime) -> bool:
    """Whether the answers of a stored attempt may be shown now (``attempts.review_after``)."""
    return not row.get("review_after") or now >= parse_iso(row["review_after"])


class Access:
    """The calls of one signed-in account, each checked against its role and identity."""

    def __init__(self, tracker: Tracker, account: Account | None):
        self.tracker = tracker
        self.account = account

    # -- checks ----------------------------------------------------------------------------------
    def require(self, *roles: str) -> None:
        self.tracker.check_role(self.account, *roles)

    def _signed_in(self) -> Account:
        """The account; ``AccessDenied`` when there is none (anonymous) or it is disabled."""
        if self.account is None or self.account.disabled:
            raise AccessDenied("this needs a signed-in account")
        return self.account

    @property
    def employee_id(self) -> str:
        account = self._signed_in()
        if not account.employee_id:
            raise AccessDenied(f"user {account.username} is not linked to an employee record")
        return account.employee_id

    def own_attempt(self, attempt_id: str) -> dict:
        """The attempt's row if it is this employee's; ``AccessDenied`` otherwise."""
        account = self._signed_in()
        row = self.tracker.attempt(attempt_id)
        if row["employee_id"] != account.employee_id:
            raise AccessDenied(f"attempt {attempt_id} belongs to someone else")
        return row

    # -- quizzes ---------------------------------------------------------------------------------
    def _finalize_expired(self, now: dt.datetime | None = None) -> None:
        """Submit this employee's timed-out attempts before a read. When the store cannot be written
        the read goes on: the sweeper submits them later, with the same result (clamped to the
        deadline, graded from the answers saved in time)."""
        with contextlib.suppress(StorageUnavailable):
            self.tracker.finalize_expired(now=now, employee_id=self.employee_id)

    def quiz_status(self, quiz: Quiz, *, now: dt.datetime | None = None) -> QuizStatus:
        now = now or utcnow()
        self._finalize_expired(now)
        rows = self.tracker.attempts(self.employee_id, quiz.id)
        done = [r for r in rows if r["submitted_at"]]
        best = max((r["percent"] for r in done), default=None)
        open_row = next((r for r in rows if not r["submitted_at"]), None)
        allowed = quiz.attempts_allowed
        if open_row:
            code = "in_progress"
        elif quiz.opens and now < quiz.opens:
            code = "not_open"
        elif quiz.closes and now >= quiz.closes:
            code = "closed"
        elif allowed is not None and len(rows) >= allowed:
            code = "exhausted"
        else:
            code = "open"
        return QuizStatus(code, len(rows), allowed, best, open_row["id"] if open_row else None)

    def visible(self, quizzes: list[Quiz]) -> list[Quiz]:
        """The quizzes employees may see (organizers can hide a quiz without deleting it)."""
        hidden = self.tracker.hidden_quizzes()
        return [q for q in quizzes if q.id not in hidden]

    def start_attempt(self, quiz: Quiz, *, now: dt.datetime | None = None) -> str:
        if quiz.id in self.tracker.hidden_quizzes():
            raise QuizUnavailable(f"quiz '{quiz.id}' is hidden")
        return self.tracker.start_attempt(self.employee_id, quiz, now=now)

    def shown_questions(self, attempt_id: str) -> list[ShownQuestion]:
        """The questions of one's own attempt as they may be shown before submission."""
        self.own_attempt(attempt_id)
        return [shown(pq, i) for i, pq in enumerate(self.tracker.paper(attempt_id).questions, start=1)]

    def saved_responses(self, attempt_id: str) -> dict[str, Any]:
        self.own_attempt(attempt_id)
        return self.tracker.saved_responses(attempt_id)

    def save_answer(self, attempt_id: str, key: str, response: Any, *, now: dt.datetime | None = None) -> None:
        self.own_attempt(attempt_id)
        self.tracker.save_answer(attempt_id, key, response, now=now)

    def submit(self, attempt_id: str, responses: dict[str, Any] | None = None, *, now: dt.datetime | None = None) -> Grade:
        self.own_attempt(attempt_id)
        return self.tracker.submit_attempt(attempt_id, responses, now=now)

    def outcome(self, attempt_id: str) -> dict:
        """Score, percent and pass of one's own attempt (never the answer key)."""
        row = self.own_attempt(attempt_id)
        return {k: row[k] for k in ("submitted_at", "score", "max_score", "percent", "passed", "auto_submitted", "review_after")}

    def result(self, attempt_id: str, *, now: dt.datetime | None = None) -> Grade:
        """The graded result of one's own submitted attempt, answer key included: only once review
        is allowed (at once for practice; for exams and contests after they close)."""
        row = self.own_attempt(attempt_id)
        if not attempt_review_allowed(row, now or utcnow()):
            raise AccessDenied(f"the answers of attempt {attempt_id} are shown after {row['review_after']}")
        return self.tracker.grade_of(attempt_id)

    def my_attempts(self) -> list[dict]:
        self._finalize_expired()
        return self.tracker.attempts(self.employee_id)

    # -- lessons ---------------------------------------------------------------------------------
    def open_lesson(self, lesson: Lesson, *, now: dt.datetime | None = None) -> dict:
        return self.tracker.open_lesson(self.employee_id, lesson.id, now=now)

    def complete_lesson(self, lesson: Lesson, *, now: dt.datetime | None = None) -> str:
        return self.tracker.complete_lesson(self.employee_id, lesson, now=now)

    def lesson_progress(self) -> dict[str, dict]:
        return self.tracker.lesson_progress(self.employee_id)

    # -- wrong-answer book -------------------------------------------------------------------------
    def wrong_book(self, *, now: dt.datetime | None = None) -> list[WrongItem]:
        """Questions whose latest answer (in any attempt, practice included) was wrong, newest first.

        Attempts whose answers may not be shown yet (an exam still open) are left out.
        """
        rows = self.tracker.db.query(
            "SELECT a.id, a.quiz_id, a.quiz_kind, a.submitted_at, a.paper FROM attempts a "
            "WHERE a.employee_id = ? AND a.submitted_at IS NOT NULL AND (a.review_after IS NULL OR a.review_after <= ?) "
            "ORDER BY a.submitted_at",
            (self.employee_id, iso(now or utcnow())),
        )
        latest: dict[str, tuple] = {}
        wrong_count: dict[str, int] = {}
        for row in rows:
            paper = Paper.from_json(row["paper"])
            answers = {
                r["question_id"]: r
                for r in self.tracker.db.query(
                    "SELECT question_id, response, correct FROM answers WHERE attempt_id = ?", (row["id"],)
                )
            }
            for pq in paper.questions:
                key = pq.key if ("/" in pq.key or row["quiz_kind"] == "practice") else f"{row['quiz_id']}:{pq.key}"
                ans = answers.get(pq.key)
                if ans is None:
                    continue
                right = bool(ans["correct"])
                if not right:
                    wrong_count[key] = wrong_count.get(key, 0) + 1
                quiz_id = row["quiz_id"] if row["quiz_kind"] != "practice" else latest.get(key, (None, row["quiz_id"]))[1]
                response = json.loads(ans["response"]) if ans["response"] else None
                latest[key] = (right, quiz_id, pq, response, row["submitted_at"])
        items = [
            WrongItem(key, quiz_id, pq.question, pq.order, response, wrong_count.get(key, 0), seen)
            for key, (right, quiz_id, pq, response, seen) in latest.items()
            if not right
        ]
        return sorted(items, key=lambda w: w.last_seen, reverse=True)

    def start_wrong_practice(self, *, limit: int = 20, now: dt.datetime | None = None) -> str:
        """A practice attempt on (up to ``limit``) questions of one's wrong-answer book."""
        items = self.wrong_book(now=now)[:limit]
        if not items:
            raise QuizUnavailable("the wrong-answer book is empty")
        paper = Paper(
            quiz_id=WRONG_BOOK_ID,
            seed=0,
            multiple_scoring="all_or_nothing",
            pass_percent=60,
            questions=[PaperQuestion(w.key, w.question, w.order) for w in items],
        )
        return self.tracker.start_practice(self.employee_id, paper, now=now)

    # -- 每日一练 (daily practice) -----------------------------------------------------------------
    def daily_set(self, catalog: Any) -> DailySet | None:
        """The daily set of this employee's audience (the first that includes them), or None."""
        if catalog.daily is None:
            return None
        emp = self.tracker.employee(self.employee_id)
        return catalog.daily.set_for(emp["department"], emp["team"])

    def daily_today(self, catalog: Any, *, now: dt.datetime | None = None, draw: bool = True) -> DailyToday:
        """Today's set: drawn on first call (``draw``), its questions as shown and the results of
        the answered ones; with ``draw=False`` (the home page widget) nothing is written."""
        from tracker.practice import streak
        from tracker.store.daily import local_day

        now = now or utcnow()
        day = local_day(now)
        dset = self.daily_set(catalog)
        scheduled = bool(dset and dset.scheduled(day.weekday()))
        row = self.tracker.daily_row(self.employee_id, day)
        if row is None and draw and scheduled and dset is not None:
            row = self.tracker.start_daily(self.employee_id, dset, now=now)
        questions: list[ShownQuestion] = []
        results: dict[str, QuestionResult] = {}
        orders: dict[str, tuple[int, ...]] = {}
        if row is not None:
            paper = self.tracker.daily_paper(row)
            questions = [shown(pq, i) for i, pq in enumerate(paper.questions, start=1)]
            orders = {pq.key: pq.order for pq in paper.questions}
            for key, ans in self.tracker.daily_answers(self.employee_id, day).items():
                results[key] = self.tracker.daily_result(row, ans)
        done = self.tracker.daily_days(self.employee_id)
        run = streak(done, lambda d: bool(dset and dset.scheduled(d.weekday())), day) if dset else 0
        return DailyToday(
            dset,
            day,
            scheduled,
            questions,
            results,
            orders,
            bool(row and row["finished_at"]),
            bool(row and row["flagged"]),
            run,
        )

    def answer_daily(self, key: str, response: Any, *, now: dt.datetime | None = None) -> QuestionResult:
        """Answer one question of today's set: the result (answer key, explanation) comes back at once."""
        from tracker.store.daily import local_day

        now = now or utcnow()
        return self.tracker.answer_daily(self.employee_id, local_day(now), key, response, now=now)

    def daily_calendar(self, catalog: Any, year: int, month: int, *, now: dt.datetime | None = None) -> dict:
        """The month calendar (weeks of ``CalendarDay``), the current and the longest streak."""
        from tracker.practice import longest_streak, month_calendar, streak
        from tracker.store.daily import local_day

        today = local_day(now or utcnow())
        dset = self.daily_set(catalog)
        done = self.tracker.daily_days(self.employee_id)

        def scheduled(d: dt.date) -> bool:
            return bool(dset and dset.scheduled(d.weekday()))

        return {
            "weeks": month_calendar(year, month, done, scheduled, today),
            "streak": streak(done, scheduled, today) if dset else 0,
            "longest": longest_streak(done, scheduled) if dset else 0,
            "days_done": sum(1 for d in done if (d.year, d.month) == (year, month)),
        }

    # -- 学习积分 (learning points) -----------------------------------------------------------------
    def my_points(self, catalog: Any, period: Any) -> tuple[dict, Any]:
        """This employee's points of a period: (totals by activity and in all, the history of entries)."""
        from tracker import points
        from tracker.reports import as_period

        p = as_period(period)
        df = points.totals(self.tracker, catalog, p)
        row = df[df["employee_id"] == self.employee_id]
        mine = row.iloc[0].to_dict() if len(row) else {}
        return mine, points.history(self.tracker, self._signed_in(), catalog, p, self.employee_id)

    def points_ranking(self, catalog: Any, period: Any, by: str = "employee") -> Any:
        """积分排行 of a period for any signed-in account: people, 班组 or departments (per head)."""
        from tracker import points
        from tracker.reports import as_period

        self._signed_in()
        df = points.totals(self.tracker, catalog, as_period(period))
        out = points.ranking(df, by)
        out.attrs["locked"] = df.attrs.get("locked")
        return out

    def points_history(self, catalog: Any, period: Any, employee_id: str) -> Any:
        """Anyone's entries with their sources (leaders, organizers; oneself)."""
        from tracker import points
        from tracker.reports import as_period

        return points.history(self.tracker, self._signed_in(), catalog, as_period(period), employee_id)

    def lock_points(self, catalog: Any, period: Any, *, reason: str | None = None) -> dict:
        from tracker import points
        from tracker.reports import as_period

        return points.lock(self.tracker, self._signed_in(), catalog, as_period(period), reason=reason)

    def unlock_points(self, period: Any, *, reason: str | None = None) -> None:
        from tracker import points
        from tracker.reports import as_period

        points.unlock(self.tracker, self._signed_in(), as_period(period), reason=reason)

    # -- the 德 indicator (leaders) ----------------------------------------------------------------
    def moral_table(self, catalog: Any, period: Any) -> Any:
        from tracker import moral

        return moral.moral_table(self.tracker, self._signed_in(), period, catalog)

    def set_democratic_score(self, period_key: str, employee_id: str, score: Any) -> float:
        from tracker import moral

        return moral.set_democratic_score(self.tracker, self._signed_in(), period_key, employee_id, score)

    def import_democratic_scores(self, period_key: str, path: Any) -> int:
        from tracker import moral

        return moral.import_democratic_scores(self.tracker, self._signed_in(), period_key, path)

    def add_veto(self, period_key: str, employee_id: str, reason: str, reference: str) -> int:
        from tracker import moral

        return moral.add_veto(self.tracker, self._signed_in(), period_key, employee_id, reason, reference)

    def withdraw_veto(self, veto_id: int, reason: str) -> None:
        from tracker import moral

        moral.withdraw_veto(self.tracker, self._signed_in(), veto_id, reason)

    def veto_log(self, period_key: str) -> Any:
        from tracker import moral

        return moral.veto_log(self.tracker, self._signed_in(), period_key)

    # -- content management (organizers) -----------------------------------------------------------
    def publish(self, root: Any, yaml_text: str, filename: str, kind: str | None = None, *, replace: bool = False) -> Any:
        """Publish an upload into the content folder (organizers); recorded in the audit log."""
        from quizzes.publishing import publish

        self.require("organizer")
        path = publish(root, yaml_text, filename, kind, replace=replace)
        self.tracker.audit(self.account.username, "content.publish", {"path": str(path)})
        return path

    def set_quiz_hidden(self, quiz_id: str, hidden: bool) -> None:
        self.tracker.set_quiz_hidden(self.account, quiz_id, hidden)

    def hidden_quizzes(self) -> set[str]:
        """Ids of the quizzes organizers have hidden from employees."""
        self._signed_in()
        return self.tracker.hidden_quizzes()

    def quiz_owners(self) -> dict[str, set[str]]:
        """Who runs each quiz (organizers)."""
        self.require("organizer", "leader")
        return self.tracker.quiz_owners()

    def set_quiz_owners(self, quiz_id: str, usernames: list[str]) -> None:
        self.tracker.set_quiz_owners(self.account, quiz_id, usernames)

    def accounts(self, *, roles: tuple[str, ...] | None = None, linked: bool | None = None) -> list[Account]:
        """Accounts (never password hashes), for organizers choosing owners or captains: optionally
        only these ``roles``, or only accounts linked (or not) to an employee."""
        self.require("organizer", "leader")
        out = self.tracker.users()
        if roles is not None:
            out = [a for a in out if a.role in roles]
        if linked is not None:
            out = [a for a in out if bool(a.employee_id) is linked]
        return out

    # -- reports (leaders and organizers; each report function checks the role itself) -----------
    # ``Access.<report>(*args, **kwargs)`` is ``tracker.reports.<report>(tracker, account, *args, **kwargs)``.
    def participation_report(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("participation_report", *args, **kwargs)

    def non_participants(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("non_participants", *args, **kwargs)

    def participation_trend(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("participation_trend", *args, **kwargs)

    def score_matrix(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("score_matrix", *args, **kwargs)

    def assessment_indicators(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("assessment_indicators", *args, **kwargs)

    def my_indicator(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("my_indicator", *args, **kwargs)

    def lock_period(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("lock_period", *args, **kwargs)

    def unlock_period(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("unlock_period", *args, **kwargs)

    def period_lock(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("period_lock", *args, **kwargs)

    def lock_log(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("lock_log", *args, **kwargs)

    def item_analysis(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("item_analysis", *args, **kwargs)

    def participation_output(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("participation_output", *args, **kwargs)

    def assessment_output(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("assessment_output", *args, **kwargs)

    def items_output(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("items_output", *args, **kwargs)

    def _report(self, name: str, *args: Any, **kwargs: Any) -> Any:
        from tracker import reports

        return getattr(reports, name)(self.tracker, self._signed_in(), *args, **kwargs)

    def attempt_of_anyone(self, attempt_id: str) -> dict:
        """Any attempt, for leaders and organizers (reports, disputes)."""
        self.require("leader", "organizer")
        return self.tracker.attempt(attempt_id)


def deadline_of(row: dict) -> dt.datetime | None:
    return parse_iso(row["deadline"]) if row.get("deadline") else None
