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

import yaml

from lessons.model import Lesson
from quizzes.fields import utcnow
from quizzes.grading import Grade, QuestionResult
from quizzes.model import DailySet, Question, Quiz
from quizzes.paper import Paper, PaperQuestion
from tracker.errors import AccessDenied, QuizUnavailable, StorageUnavailable
from tracker.event_access import EventCalls
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


class Access(EventCalls):
    """The calls of one signed-in account, each checked against its role and identity. Event calls
    (sign-up, check-in, 学时, certificates) are in ``tracker.event_access``."""

    def __init__(self, tracker: Tracker, account: Account | None):
        self.tracker = tracker
        self.account = account

    @property
    def live(self):
        """Live competitions for this account (``tracker.competitions.Live``)."""
        from tracker.competitions import Live

        return Live(self.tracker, self.account)

    @property
    def sees_contest_flags(self) -> bool:
        """Whether the leaderboard shows this account which results are implausibly fast (organizers)."""
        return self.account is not None and not self.account.disabled and self.account.role in ("organizer", "admin")

    # -- checks ----------------------------------------------------------------------------------
    def require(self, *roles: str) -> None:
        self.tracker.check_role(self.account, *roles)

    def _signed_in(self) -> Account:
        """The account; ``AccessDenied`` when there is none (anonymous), it is disabled, or it still
        has a one-time password (then only ``change_password`` works)."""
        if self.account is None or self.account.disabled:
            raise AccessDenied("this needs a signed-in account")
        if self.account.must_change:
            raise AccessDenied(f"user {self.account.username}: change the one-time password first")
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

    def in_audience(self, quiz: Quiz) -> bool:
        """Whether this account's employee is in the quiz's audience (everyone when it has none)."""
        if quiz.audience is None:
            return True
        if self.account is None or not self.account.employee_id:
            return False
        employee = self.tracker.employee(self.account.employee_id)
        return quiz.admits(employee["department"], employee.get("team"))

    def leaderboard(self, quiz: Quiz) -> Any:
        """The online contest's leaderboard (``tracker.leaderboard``), for any signed-in account."""
        from tracker.leaderboard import leaderboard

        self._signed_in()
        return leaderboard(self.tracker, quiz)

    def contests(self, quizzes: list[Quiz]) -> list[Quiz]:
        """The online contests this account may see on 排行榜: for employees those ``visible`` to them;
        organizers, leaders and admins see every published one."""
        account = self._signed_in()
        contests = [q for q in quizzes if q.leaderboard]
        if account.role == "employee":
            return self.visible(contests)
        return [q for q in contests if q.status == "published"]

    @staticmethod
    def review_allowed(row: dict, now: dt.datetime) -> bool:
        """Whether the answers of a stored attempt may be shown now (``attempts.review_after``)."""
        return attempt_review_allowed(row, now)

    @staticmethod
    def deadline_of(row: dict) -> dt.datetime | None:
        """The deadline of a stored attempt, if it has one."""
        return deadline_of(row)

    @staticmethod
    def moral_rule(catalog: Any) -> Any:
        """The 德 rules of ``assessment.yaml`` (defaults when it has none)."""
        from tracker.moral import rule_of

        return rule_of(catalog)

    def may_set_quiz_owners(self, quiz_id: str) -> bool:
        """Whether this account may change who runs ``quiz_id`` (the widget is disabled otherwise)."""
        return self.tracker.may_set_quiz_owners(self.account, quiz_id)

    def visible(self, quizzes: list[Quiz]) -> list[Quiz]:
        """The quizzes this employee may see: published, not hidden by organizers, in their audience."""
        hidden = self.tracker.hidden_quizzes()
        return [q for q in quizzes if q.id not in hidden and q.status == "published" and self.in_audience(q)]

    def newest_first(self, quizzes: list[Quiz]) -> list[Quiz]:
        """Quizzes newest first: by the later of their opening and their publication from 组卷."""
        from quizzes.publishing import newest_first

        self._signed_in()
        return newest_first(quizzes, self.tracker.quiz_publications())

    def start_attempt(self, quiz: Quiz, *, now: dt.datetime | None = None) -> str:
        if quiz.id in self.tracker.hidden_quizzes():
            raise QuizUnavailable(f"quiz '{quiz.id}' is hidden")
        if quiz.status != "published":
            raise QuizUnavailable(f"quiz '{quiz.id}' is a draft")
        if not self.in_audience(quiz):
            raise QuizUnavailable(f"quiz '{quiz.id}' is not for employee {self.employee_id}")
        return self.tracker.start_attempt(self.employee_id, quiz, now=now)

    # -- preview as an employee (organizers): nothing is recorded ---------------------------------
    def preview_questions(self, quiz: Quiz, seed: int) -> list[ShownQuestion]:
        """The questions of a preview paper as an employee would see them; nothing is stored."""
        from quizzes.paper import draw_paper

        self.require("organizer")
        return [shown(pq, i) for i, pq in enumerate(draw_paper(quiz, seed).questions, start=1)]

    def preview_paper(self, quiz: Quiz, seed: int) -> Paper:
        """The preview paper with its key (for showing the review after a preview submission)."""
        from quizzes.paper import draw_paper

        self.require("organizer")
        return draw_paper(quiz, seed)

    def preview_grade(self, quiz: Quiz, seed: int, responses: dict[str, Any]) -> Grade:
        """Grade a preview in memory: no attempt, no answers, nothing in any report."""
        from quizzes.grading import grade

        return grade(self.preview_paper(quiz, seed), {k: v for k, v in responses.items() if v not in (None, "", [])})

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

    @property
    def grace(self) -> dt.timedelta:
        """How long after its deadline a timed attempt still accepts answers (network latency)."""
        return self.tracker.grace

    def finalize_expired(self, *, now: dt.datetime | None = None) -> None:
        """Submit one's own attempts whose time is up (graded from the answers saved in time)."""
        self.tracker.finalize_expired(now=now, employee_id=self.employee_id)

    def display_orders(self, attempt_id: str) -> dict[str, tuple[int, ...]]:
        """The option order each question of one's own attempt was shown in, by question key."""
        self.own_attempt(attempt_id)
        return {pq.key: pq.order for pq in self.tracker.paper(attempt_id).questions}

    @staticmethod
    def time_used(row: dict) -> float:
        """Seconds from the start of an attempt to its submission (to its deadline at most)."""
        if not row.get("submitted_at"):
            return 0.0
        end = parse_iso(row["submitted_at"])
        if row.get("deadline"):
            end = min(end, parse_iso(row["deadline"]))
        return max(0.0, (end - parse_iso(row["started_at"])).total_seconds())

    def my_attempts(self) -> list[dict]:
        self._finalize_expired()
        return self.tracker.attempts(self.employee_id)

    @staticmethod
    def current_period(catalog: Any) -> Any:
        """The assessment period (month, quarter or year of ``assessment.yaml``) containing today."""
        from tracker.reports import current_period

        return current_period(catalog.assessment.period if catalog.assessment else "quarter")

    def profile(self) -> dict | None:
        """The signed-in person's name and department (``None`` for an account without an employee
        record, such as an administrator's)."""
        account = self._signed_in()
        if not account.employee_id:
            return None
        row = self.tracker.employee(account.employee_id)
        return {"name": row["name"], "department": row["department"], "team": row.get("team")}

    # -- lessons ---------------------------------------------------------------------------------
    def open_lesson(self, lesson: Lesson, *, now: dt.datetime | None = None) -> dict:
        return self.tracker.open_lesson(self.employee_id, lesson.id, now=now)

    def complete_lesson(self, lesson: Lesson, *, now: dt.datetime | None = None) -> str:
        return self.tracker.complete_lesson(self.employee_id, lesson, now=now)

    def lesson_progress(self) -> dict[str, dict]:
        return self.tracker.lesson_progress(self.employee_id)

    def reading_left(self, lesson: Lesson, row: dict | None, *, now: dt.datetime | None = None) -> int:
        """Seconds of reading still needed before ``lesson`` may be marked completed (0 when it may,
        or is already); ``row`` is the lesson's progress row (from ``open_lesson``)."""
        if not lesson.min_read_time or not row or row.get("completed_at") or not row.get("started_at"):
            return 0
        spent = ((now or utcnow()) - parse_iso(row["started_at"])).total_seconds()
        return max(0, int(lesson.min_read_time - spent + 0.999))

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
        self.tracker.share_content_files(root, [path], self.account.username)  # every node's folder
        detail: dict[str, Any] = {"path": str(path)}
        data = yaml.safe_load(yaml_text)  # valid: publish checked it
        if path.parent.name == "quizzes" and isinstance(data, dict):  # newest first for employees, as from 组卷
            detail |= {"kind": "quiz", "id": data.get("id"), "status": data.get("status", "published")}
        self.tracker.audit(self.account.username, "content.publish", detail)
        return path

    # -- authoring in the browser (organizers) -----------------------------------------------------
    def content_documents(self, root: Any, kind: str) -> list:
        """The content files of a kind as plain dicts, for the authoring pages."""
        from quizzes.authoring import documents

        self.require("organizer")
        return documents(root, kind)

    def save_content(self, root: Any, kind: str, data: dict, *, path: Any = None, change: str = "") -> Any:
        """Check and write a content file (``quizzes.authoring.save_document``): the previous version is
        kept and the audit log records who changed what. Raises ``AuthoringError`` when invalid."""
        from quizzes.authoring import save_document

        self.require("organizer")
        saved = save_document(root, kind, data, path=path)
        self.tracker.share_content_files(root, [saved.path, *([saved.previous] if saved.previous else [])], self.account.username)
        self.tracker.audit(
            self.account.username,
            "content.save",
            {
                "kind": kind,
                "id": data.get("id"),
                "path": str(saved.path),
                "previous": str(saved.previous) if saved.previous else None,
                "change": change,
                **({"status": data.get("status", "published")} if kind == "quiz" else {}),
            },
        )
        return saved

    def save_image(self, root: Any, filename: str, data: bytes) -> str:
        """Store an image for a lesson in the content folder; returns its Markdown reference."""
        from quizzes.authoring import save_image

        self.require("organizer")
        ref = save_image(root, filename, data)
        self.tracker.share_content_files(root, [ref], self.account.username)
        self.tracker.audit(self.account.username, "content.image", {"file": ref, "upload": filename})
        return ref

    def roster_groups(self) -> tuple[list[str], list[str]]:
        """The departments and teams (班组) of the active roster, for choosing a quiz's audience."""
        self.require("organizer")
        rows = self.tracker.employees(active_only=True)
        return sorted({r["department"] for r in rows if r["department"]}), sorted({r["team"] for r in rows if r.get("team")})

    def roster_teams(self) -> list[dict]:
        """One live-competition team per 班组 of the active roster: ``{name, members}``; a team name used
        in two departments is named ``部门·班组``."""
        self.require("organizer")
        groups: dict[tuple[str, str], list[str]] = {}
        for r in self.tracker.employees(active_only=True):
            if r.get("team"):
                groups.setdefault((r["department"], r["team"]), []).append(r["id"])
        names = [team for _, team in groups]
        return [
            {"name": team if names.count(team) == 1 else f"{department}·{team}", "members": members}
            for (department, team), members in groups.items()
        ]

    def quiz_attempt_count(self, quiz_id: str) -> int:
        """How many attempts a quiz has (the builder says that editing never regrades them)."""
        self.require("organizer")
        row = self.tracker.db.execute("SELECT COUNT(*) FROM attempts WHERE quiz_id = ?", (quiz_id,)).fetchone()
        return int(row[0])

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

    # -- one's own password (everyone) and administration (admins) --------------------------------
    def change_password(self, current: str, new: str, *, keep_session: str | None = None) -> None:
        """Change one's own password; every other session of the account ends (``keep_session``:
        the token of this one)."""
        self.tracker.change_own_password(self.account, current, new, keep_session=keep_session)

    def account_rows(self) -> list:
        return self.tracker.account_rows(self.account)

    def create_account(self, username: str, role: str, employee_id: str | None = None) -> Any:
        return self.tracker.create_account(self.account, username, role, employee_id)

    def create_department_accounts(self, department: str) -> list:
        return self.tracker.create_department_accounts(self.account, department)

    def reset_password(self, username: str) -> Any:
        return self.tracker.reset_password(self.account, username)

    def set_disabled(self, username: str, disabled: bool) -> None:
        self.tracker.set_disabled(self.account, username, disabled)

    def set_role(self, username: str, role: str) -> None:
        self.tracker.set_role(self.account, username, role)

    def find_employees(self, **filters: Any) -> list[dict]:
        return self.tracker.find_employees(self.account, **filters)

    def departments(self) -> dict[str, list[str]]:
        """Departments and their 班组 (admins)."""
        self.require("admin")
        return self.tracker.departments()

    def roster_entry(self, employee_id: str) -> dict | None:
        """The employee with this 工号, or None (admins)."""
        return self.tracker.roster_entry(self.account, employee_id)

    def save_employee(self, id: str, name: str, department: str, team: str | None = None) -> None:
        self.tracker.save_employee(self.account, id, name, department, team)

    def mark_left(self, employee_id: str, left_on: Any = None) -> list[str]:
        return self.tracker.mark_left(self.account, employee_id, left_on)

    def mark_returned(self, employee_id: str) -> None:
        self.tracker.mark_returned(self.account, employee_id)

    def preview_roster(self, path: Any, *, deactivate_missing: bool = False) -> Any:
        """What importing a roster file would change (admins); nothing is written."""
        self.require("admin")
        return self.tracker.preview_roster(path, deactivate_missing=deactivate_missing)

    def import_roster(self, path: Any, *, deactivate_missing: bool = False, name: str | None = None) -> int:
        """Import a roster file (admins; ``Tracker.import_roster`` without an actor is the CLI's)."""
        self.require("admin")
        return self.tracker.import_roster(path, deactivate_missing=deactivate_missing, actor=self.account, name=name)

    def audit_entries(self, **filters: Any) -> list[dict]:
        return self.tracker.audit_entries(self.account, **filters)

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

    def hours_requirement_output(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("hours_requirement_output", *args, **kwargs)

    def event_attendance(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("event_attendance", *args, **kwargs)

    def learning_teams(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("learning_teams", *args, **kwargs)

    def learning_team_pack(self, *args: Any, **kwargs: Any) -> Any:
        return self._report("learning_team_pack", *args, **kwargs)

    def _report(self, name: str, *args: Any, **kwargs: Any) -> Any:
        from tracker import reports

        return getattr(reports, name)(self.tracker, self._signed_in(), *args, **kwargs)

    def attempt_of_anyone(self, attempt_id: str) -> dict:
        """Any attempt, for leaders and organizers (reports, disputes)."""
        self.require("leader", "organizer")
        return self.tracker.attempt(attempt_id)


def deadline_of(row: dict) -> dt.datetime | None:
    return parse_iso(row["deadline"]) if row.get("deadline") else None
