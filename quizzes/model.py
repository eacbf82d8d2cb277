"""The content model: questions, banks, quizzes, live competitions and assessment settings.

Models are pydantic v2 with unknown keys forbidden. After validation each question's ``answer``
is held in one canonical form per type (see ``Question``), whatever notation the author used.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, WithJsonSchema, field_validator, model_validator

from quizzes.errors import FieldError
from quizzes.fields import Duration, Id, Timestamp

QuestionType = Literal["single", "multiple", "true_false", "fill_blank", "scenario"]
Difficulty = Literal["easy", "medium", "hard"]
MultipleScoring = Literal["all_or_nothing", "half", "partial"]
GradePolicy = Literal["highest", "last", "first", "average"]
ShowAnswers = Literal["at_once", "after_close", "never"]
Status = Literal["draft", "published"]
NEVER = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)  # review_after of an attempt whose answers are never shown

LETTERS = "ABCDEFGH"
BLANK = re.compile(r"_{3,}|（[ \u3000]*）")
TRUE_WORDS = {"true", "t", "对", "正确", "√", "✓", "是", "yes", "y"}
FALSE_WORDS = {"false", "f", "错", "错误", "×", "✗", "x", "否", "no", "n"}
_LETTER_SEPARATORS = re.compile(r"[\s,，、/;；|]+")


class StrictModel(BaseModel):
    """Base of every content model: unknown keys are errors; numbers may stand for text; no .inf or .nan."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, validate_default=True, allow_inf_nan=False)


def count_blanks(prompt: str) -> int:
    """How many blanks (``___`` or ``（ ）``) a fill-in prompt has."""
    return len(BLANK.findall(prompt))


def _is_edge_punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P")


def fold_text(text: str) -> str:
    """NFKC, all whitespace removed, case-folded: ``normalize_text`` without the edge punctuation rule."""
    return unicodedata.normalize("NFKC", "".join(unicodedata.normalize("NFKC", text).split()).casefold())


def normalize_text(text: str) -> str:
    """Fill-in matching form: NFKC, all whitespace removed, case-folded, and punctuation at either
    end dropped (full and half width alike: ``“敬业。”`` matches ``敬业``; idempotent).

    Removing whitespace or an edge mark can leave a combining mark next to a letter, so the steps
    are repeated until nothing changes: normalising a normalised text changes nothing.
    """
    for _ in range(8):
        step = fold_text(text)
        start, end = 0, len(step)
        while start < end and _is_edge_punct(step[start]):
            start += 1
        while end > start and _is_edge_punct(step[end - 1]):
            end -= 1
        step = step[start:end]
        if step == text:
            break
        text = step
    return text


def option_key(text: str) -> str:
    """What makes two options the same: NFKC and whitespace ignored, case kept (M and m differ)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def parse_letters(value: Any, n_options: int) -> str:
    """Letters in any accepted notation (``[A, C]``, ``"AC"``, ``"A,C"``, ``"A、C"``) → ``"AC"``.

    Raises ``ValueError`` naming the first letter outside the options.
    """
    if isinstance(value, (list, tuple, set, frozenset)):
        parts = []
        for item in value:
            if not isinstance(item, str):
                raise ValueError(f"{item!r} is not a letter")
            parts.append(item)
        text = "".join(parts)
    elif isinstance(value, str):
        text = value
    else:
        raise ValueError(f"{value!r} is not a letter or a list of letters")
    text = _LETTER_SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    allowed = LETTERS[:n_options]
    for ch in text:
        if ch not in allowed:
            last = allowed[-1] if allowed else "A"
            raise ValueError(f"'{ch}' is not one of the options A–{last}")
    return "".join(sorted(set(text)))


def parse_bool(value: Any) -> bool:
    """true/false in any accepted notation (对/错, 正确/错误, √/×, T/F, yes/no) → bool."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = unicodedata.normalize("NFKC", value).strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise ValueError(f"{value!r} is not true or false (also 对/错, 正确/错误, √/×, T/F)")


class Option(StrictModel):
    """An answer option; plain text, or ``{text, credit}`` in a scenario question."""

    text: str = Field(min_length=1)
    credit: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return {"text": str(value)}
        return value


_TEXT = {"anyOf": [{"type": "string"}, {"type": "number"}]}
OptionItem = Annotated[
    Option,
    WithJsonSchema(
        {
            "anyOf": [
                *_TEXT["anyOf"],
                {
                    "type": "object",
                    "properties": {"text": {"type": "string"}, "credit": {"type": "number", "minimum": 0, "maximum": 1}},
                    "required": ["text"],
                    "additionalProperties": False,
                },
            ],
            "description": "option text, or {text, credit} in a scenario question",
        }
    ),
]
ANSWER_SCHEMA = {
    "anyOf": [
        {"type": "string"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "null"},
        {"type": "array", "items": {"anyOf": [*_TEXT["anyOf"], {"type": "array", "items": _TEXT}]}},
    ],
    "description": "single: B; multiple: [A, C] or AC; true_false: true/false (对/错 …); fill_blank: one entry per blank",
}


EXCLUSIVE_SCHEMA = {
    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
    "description": "exclusive group(s): questions of one bank sharing a name are never drawn onto one paper",
}


class Question(StrictModel):
    """One question. After validation ``answer`` is canonical:

    - ``single``: one letter, ``"B"``; ``multiple``: sorted letters, ``"AC"``;
    - ``true_false``: a bool; ``fill_blank``: a list per blank of accepted texts;
    - ``scenario``: ``None`` (the options carry the credits).
    """

    id: Id
    type: QuestionType
    prompt: str = Field(min_length=1)
    options: list[OptionItem] | None = None
    answer: Annotated[str | bool | list[str | list[str]] | None, WithJsonSchema(ANSWER_SCHEMA)] = None
    points: float = Field(default=1, gt=0)
    explanation: str | None = None
    tags: list[str] = Field(default_factory=list)
    difficulty: Difficulty | None = None
    exclusive: Annotated[list[Id], WithJsonSchema(EXCLUSIVE_SCHEMA)] = Field(default_factory=list)

    @field_validator("exclusive", mode="before")
    @classmethod
    def _one_or_more_groups(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("answer", mode="before")
    @classmethod
    def _keep_answer(cls, value: Any) -> Any:
        # The answer's shape depends on the type; it is checked in _check below.
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, list):
            return [[str(x) for x in v] if isinstance(v, list) else v for v in value]
        return value

    @model_validator(mode="after")
    def _check(self) -> Question:
        t = self.type
        opts = self.options
        if t in ("single", "multiple", "scenario"):
            if not opts:
                raise FieldError("options", f"a {t} question needs options (2 to 8)")
            if not 2 <= len(opts) <= 8:
                raise FieldError("options", f"a {t} question needs 2 to 8 options, not {len(opts)}")
            texts = [option_key(o.text) for o in opts]
            for i, text in enumerate(texts):
                if text in texts[:i]:
                    raise FieldError(("options", i), f"option {LETTERS[i]} repeats option {LETTERS[texts.index(text)]}")
        elif opts is not None:
            raise FieldError("options", f"a {t} question has no options")

        if t == "scenario":
            for i, o in enumerate(opts or []):
                if o.credit is None:
                    raise FieldError(("options", i), "a scenario option is {text: …, credit: 0..1}")
            if not any(o.credit == 1 for o in opts or []):
                raise FieldError("options", "a scenario question needs at least one option with credit 1")
            if self.answer is not None:
                raise FieldError("answer", "a scenario question has no answer: the options carry the credits")
            return self
        for i, o in enumerate(opts or []):
            if o.credit is not None:
                raise FieldError(("options", i, "credit"), "credit is only for scenario questions")
        if self.answer is None or self.answer == "" or self.answer == []:
            raise FieldError("answer", f"a {t} question needs an answer")
        try:
            if t == "single":
                letters = parse_letters(self.answer, len(opts or []))
                if len(letters) != 1:
                    raise ValueError("a single-choice answer is one letter")
                self.answer = letters
            elif t == "multiple":
                self.answer = parse_letters(self.answer, len(opts or []))
            elif t == "true_false":
                self.answer = parse_bool(self.answer)
            else:
                self.answer = self._blanks()
        except FieldError:
            raise
        except ValueError as e:
            raise FieldError("answer", str(e)) from None
        return self

    def _blanks(self) -> list[list[str]]:
        answer = self.answer if isinstance(self.answer, list) else [self.answer]
        blanks: list[list[str]] = []
        for entry in answer:
            alternatives = entry if isinstance(entry, list) else [entry]
            if not alternatives or not all(isinstance(a, str) and a.strip() for a in alternatives):
                raise ValueError("each blank's answer is a text or a list of accepted texts")
            blanks.append([a.strip() for a in alternatives])
        n = count_blanks(self.prompt)
        if n == 0:
            raise FieldError("prompt", "a fill_blank prompt marks its blanks with ___ or （ ）")
        if n != len(blanks):
            raise ValueError(f"the prompt has {n} blank(s) but the answer gives {len(blanks)}")
        return blanks

    @property
    def letters(self) -> str:
        """The option letters of this question, in authored order."""
        return LETTERS[: len(self.options or [])]


class Draw(StrictModel):
    """Random questions drawn from a bank for each attempt."""

    bank: Id
    count: int = Field(gt=0)
    tags: list[str] | None = None
    type: QuestionType | None = None
    difficulty: Difficulty | None = None
    points: float | None = Field(default=None, gt=0)

    def matches(self, question: Question) -> bool:
        """Whether a bank question passes this draw's filters."""
        if self.type and question.type != self.type:
            return False
        if self.difficulty and question.difficulty != self.difficulty:
            return False
        return not self.tags or bool(set(self.tags) & set(question.tags))

    def describe(self) -> str:
        tags = "/".join(self.tags) if self.tags else None
        parts = [f"{k}: {v}" for k, v in (("tags", tags), ("type", self.type), ("difficulty", self.difficulty)) if v]
        return f" ({', '.join(parts)})" if parts else ""


def exclusive_capacity(questions: list[Question]) -> int:
    """How many of ``questions`` (of one bank) a draw can always take together.

    Questions that share an ``exclusive`` name, directly or through others, form one cluster; a
    draw can surely take one question of each cluster (and every question with no group), so the
    count of clusters is what a draw may ask for.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    free = 0
    for q in questions:
        if not q.exclusive:
            free += 1
            continue
        first = find(q.exclusive[0])
        for name in q.exclusive[1:]:
            parent[find(name)] = first
    return free + len({find(name) for name in parent})


def _unique_question_ids(questions: list[Question], field: str = "questions") -> None:
    seen: dict[str, int] = {}
    for i, q in enumerate(questions):
        if q.id in seen:
            raise FieldError((field, i, "id"), f"duplicate question id '{q.id}' (also {field}[{seen[q.id]}])")
        seen[q.id] = i


class Bank(StrictModel):
    """A question bank: one file under ``banks/``."""

    id: Id
    title: str = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)

    _source: Any = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check(self) -> Bank:
        _unique_question_ids(self.questions)
        return self


class Audience(StrictModel):
    """Who may see and take a quiz: employees of any of these departments or of any of these teams (班组)."""

    departments: list[str] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Audience:
        if not self.departments and not self.teams:
            raise FieldError("departments", "an audience names at least one department or team (leave it out for everyone)")
        return self

    def admits(self, department: str | None, team: str | None) -> bool:
        return (department in self.departments) or (team is not None and team in self.teams)


class Quiz(StrictModel):
    """A quiz, exam or online competition (``leaderboard: true``)."""

    id: Id
    title: str = Field(min_length=1)
    kind: Literal["quiz", "exam", "competition"] = "quiz"
    description: str | None = None
    time_limit: Duration | None = None
    pass_percent: float = Field(default=60, ge=0, le=100)
    max_attempts: int | None = Field(default=None, ge=1)
    grade_policy: GradePolicy = "highest"
    opens: Timestamp | None = None
    closes: Timestamp | None = None
    shuffle_questions: bool = True
    shuffle_options: bool = True
    multiple_scoring: MultipleScoring = "all_or_nothing"
    leaderboard: bool = False
    show_answers: ShowAnswers | None = None
    audience: Audience | None = None
    status: Status = "published"
    # online contest: a result submitted in less time than this is flagged for the organizer (shown, not hidden)
    flag_faster_than: Duration | None = None
    questions: list[Question] = Field(default_factory=list)
    draw: list[Draw] = Field(default_factory=list)

    # Filled by the catalogue: for each draw, the bank questions that pass its filters.
    _pools: list[list[Question]] | None = PrivateAttr(default=None)
    _source: Any = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check(self) -> Quiz:
        if not self.questions and not self.draw:
            raise FieldError("questions", "a quiz needs questions, a draw, or both")
        _unique_question_ids(self.questions)
        groups: dict[str, int] = {}
        for i, q in enumerate(self.questions):
            for name in q.exclusive:
                if name in groups:
                    raise FieldError(
                        ("questions", i, "exclusive"),
                        f"exclusive group '{name}' is also on questions[{groups[name]}]: a quiz's own questions are always shown together",
                    )
                groups[name] = i
        if self.opens and self.closes and self.closes <= self.opens:
            raise FieldError("closes", "closes must be after opens")
        return self

    @property
    def attempts_allowed(self) -> int | None:
        """How many attempts an employee may make (None: unlimited); exams default to 1."""
        if self.max_attempts is not None:
            return self.max_attempts
        return 1 if self.kind in ("exam", "competition") or self.leaderboard else None

    @property
    def draws_from_banks(self) -> bool:
        return bool(self.draw)

    @property
    def review_from(self) -> dt.datetime | None:
        """From when the answers and explanations of an attempt may be shown (None: at once).

        ``show_answers`` decides; without it practice shows them at once, exams and contests after
        ``closes`` (at once when there is no closing time). ``never`` is the far future (``NEVER``).
        """
        mode = self.show_answers or ("at_once" if self.kind == "quiz" else "after_close")
        if mode == "never":
            return NEVER
        return self.closes if mode == "after_close" else None

    def admits(self, department: str | None, team: str | None) -> bool:
        """Whether an employee of ``department`` and ``team`` is in this quiz's audience."""
        return self.audience is None or self.audience.admits(department, team)


class Team(StrictModel):
    """An explicit team of a live competition."""

    name: str = Field(min_length=1)
    members: list[str] = Field(default_factory=list)


class Round(StrictModel):
    """A round of a live competition: ``required`` (必答), ``buzzer`` (抢答) or ``risk`` (风险)."""

    name: str = Field(min_length=1)
    type: Literal["required", "buzzer", "risk"]
    per_team: int | None = Field(default=None, ge=1)
    points: float | None = Field(default=None, gt=0)
    penalty: float = Field(default=0, ge=0)
    early_buzz_penalty: float | None = Field(default=None, ge=0)
    values: list[float] | None = None
    time_limit: Duration | None = None
    questions: list[Question] = Field(default_factory=list)
    draw: list[Draw] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Round:
        t = self.type
        if t == "risk":
            if not self.values:
                raise FieldError("values", "a risk round needs values to pick from, e.g. [10, 20, 30]")
            if any(v <= 0 for v in self.values):
                raise FieldError("values", "risk values must be greater than zero")
            if self.points is not None:
                raise FieldError("points", "a risk round scores by the picked value, not points")
        else:
            if self.points is None:
                raise FieldError("points", f"a {t} round needs points")
            if self.values is not None:
                raise FieldError("values", "values are only for risk rounds")
        if t == "buzzer" and self.per_team is not None:
            raise FieldError("per_team", "per_team is not for buzzer rounds")
        if t != "buzzer" and self.early_buzz_penalty is not None:
            raise FieldError("early_buzz_penalty", "early_buzz_penalty is only for buzzer rounds")
        if not self.questions and not self.draw:
            raise FieldError("questions", "a round needs questions, a draw, or both")
        _unique_question_ids(self.questions)
        return self

    @property
    def turns_per_team(self) -> int:
        return self.per_team or 1

    def questions_needed(self, n_teams: int) -> int:
        """How many questions this round uses with ``n_teams`` teams."""
        return 1 if self.type == "buzzer" else self.turns_per_team * n_teams

    @property
    def questions_available(self) -> int:
        return len(self.questions) + sum(d.count for d in self.draw)


class Tiebreak(StrictModel):
    """Sudden death: buzzer questions until one team is right and the others are not."""

    type: Literal["sudden_death"] = "sudden_death"
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Tiebreak:
        _unique_question_ids(self.questions)
        return self


class LiveCompetition(StrictModel):
    """A live on-stage competition: ``kind: competition`` with teams and rounds."""

    id: Id
    title: str = Field(min_length=1)
    kind: Literal["competition"] = "competition"
    teams: Literal["departments"] | list[Team] = "departments"
    start_score: float = 0
    rounds: list[Round] = Field(min_length=1)
    tiebreak: Tiebreak | None = None

    _pools: dict[tuple[str, int], list[list[Question]]] | None = PrivateAttr(default=None)
    _source: Any = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check(self) -> LiveCompetition:
        if isinstance(self.teams, list):
            if len(self.teams) < 2:
                raise FieldError("teams", "a competition needs at least two teams")
            names = [t.name for t in self.teams]
            for i, name in enumerate(names):
                if name in names[:i]:
                    raise FieldError(("teams", i, "name"), f"duplicate team name '{name}'")
        seen: dict[str, str] = {}
        groups = [(f"rounds[{r}]", rnd.questions) for r, rnd in enumerate(self.rounds)]
        if self.tiebreak:
            groups.append(("tiebreak", self.tiebreak.questions))
        for where, questions in groups:
            for i, q in enumerate(questions):
                if q.id in seen:
                    loc = (*_loc(where), "questions", i, "id")
                    raise FieldError(loc, f"duplicate question id '{q.id}' (also in {seen[q.id]})")
                seen[q.id] = where
        return self

    @property
    def team_count(self) -> int | None:
        """The number of explicit teams, or None when teams come from the roster."""
        return len(self.teams) if isinstance(self.teams, list) else None


def _loc(where: str) -> tuple[str | int, ...]:
    m = re.fullmatch(r"(\w+)\[(\d+)\]", where)
    return (m.group(1), int(m.group(2))) if m else (where,)


class Weights(StrictModel):
    """How the parts weigh in an assessment indicator: lessons, quizzes, competitions, and (optional,
    default 0) attendance at events and 学时; they sum to 1."""

    lessons: float = Field(ge=0, le=1)
    quizzes: float = Field(ge=0, le=1)
    competitions: float = Field(ge=0, le=1)
    attendance: float = Field(default=0, ge=0, le=1)
    hours: float = Field(default=0, ge=0, le=1)

    @model_validator(mode="after")
    def _check(self) -> Weights:
        total = self.lessons + self.quizzes + self.competitions + self.attendance + self.hours
        if abs(total - 1) > 1e-6:
            raise ValueError(f"the weights must add up to 1, not {total:g}")
        return self

    def parts(self) -> dict[str, float]:
        """The weight of each part, by the part's name."""
        return {k: getattr(self, k) for k in WEIGHT_PARTS}


WEIGHT_PARTS: tuple[str, ...] = ("lessons", "quizzes", "competitions", "attendance", "hours")


class AttendanceRule(StrictModel):
    """How attendance at events (培训班, 专题讲座, 交流会) scores in the indicator: a 迟到 counts
    ``late`` of a presence (0–1); 请假 is ``excused`` (the session is left out for that person) or
    counts as ``absent``."""

    late: float = Field(default=1.0, ge=0, le=1)
    leave: Literal["excused", "absent"] = "excused"


class CreditRule(StrictModel):
    """How one kind of activity earns 学时: ``credit`` per item, or one 学时 per ``per_minutes``
    minutes when the item has a length; items shorter than ``min_minutes`` earn nothing; at most
    ``cap`` 学时 of this kind count per person and year."""

    credit: float = Field(default=0, ge=0, le=100)
    per_minutes: int | None = Field(default=None, ge=1)
    min_minutes: int = Field(default=0, ge=0)
    cap: float | None = Field(default=None, ge=0)


class HoursRules(StrictModel):
    """学时 rules: the yearly requirement and a rule per kind (lessons finished, quizzes passed, event
    sessions attended, competitions taken part in)."""

    required: float = Field(default=40, ge=0)
    lessons: CreditRule = Field(default_factory=lambda: CreditRule(credit=0.5, per_minutes=45, cap=20))
    quizzes: CreditRule = Field(default_factory=lambda: CreditRule(credit=0.5, cap=10))
    events: CreditRule = Field(default_factory=lambda: CreditRule(min_minutes=30))
    competitions: CreditRule = Field(default_factory=lambda: CreditRule(credit=2, cap=8))


ACTIVITIES: tuple[str, ...] = ("lesson_read", "lesson_finished", "daily", "quiz_passed", "event_attended", "competition")


class PointRule(StrictModel):
    """Points for one activity: per occurrence, and at most ``daily_cap`` a day (None: no cap)."""

    points: float = Field(ge=0, le=1000)
    daily_cap: float | None = Field(default=None, gt=0)


class Points(StrictModel):
    """学习积分: the points of each activity (``points: 0`` turns one off)."""

    lesson_read: PointRule = Field(default_factory=lambda: PointRule(points=1, daily_cap=5))
    lesson_finished: PointRule = Field(default_factory=lambda: PointRule(points=2, daily_cap=6))
    daily: PointRule = Field(default_factory=lambda: PointRule(points=5, daily_cap=5))
    quiz_passed: PointRule = Field(default_factory=lambda: PointRule(points=3, daily_cap=9))
    event_attended: PointRule = Field(default_factory=lambda: PointRule(points=5, daily_cap=10))
    competition: PointRule = Field(default_factory=lambda: PointRule(points=5, daily_cap=10))

    def rule(self, activity: str) -> PointRule:
        return getattr(self, activity)


class Bands(StrictModel):
    """Lowest 德 score of each grade: 优秀 ≥ excellent > 合格 ≥ qualified > 基本合格 ≥ basic > 不合格."""

    excellent: float = Field(default=90, ge=0, le=100)
    qualified: float = Field(default=75, ge=0, le=100)
    basic: float = Field(default=60, ge=0, le=100)

    @model_validator(mode="after")
    def _check(self) -> Bands:
        if not self.excellent > self.qualified > self.basic:
            raise FieldError("qualified", "the bands must fall: excellent > qualified > basic")
        return self


class Moral(StrictModel):
    """The 德 indicator: 民主测评 weight, how a 一票否决 (veto) acts, grade bands and the 优秀 quota."""

    democratic_weight: float = Field(default=0.3, ge=0, le=1)
    veto: Literal["fail", "cap"] = "fail"
    veto_cap: float = Field(default=59, ge=0, le=100)
    bands: Bands = Field(default_factory=Bands)
    excellent_quota: float = Field(default=0.2, gt=0, le=1)
    quota_unit: Literal["department", "all"] = "department"


class Assessment(StrictModel):
    """``assessment.yaml``: the period and weights of assessment indicators, the 学时 rules, learning
    points and 德."""

    period: Literal["month", "quarter", "year"] = "quarter"
    participation_target: float = Field(default=0.9, ge=0, le=1)
    weights: Weights = Field(default_factory=lambda: Weights(lessons=0.3, quizzes=0.5, competitions=0.2))
    hours: HoursRules = Field(default_factory=HoursRules)
    attendance: AttendanceRule = Field(default_factory=AttendanceRule)
    points: Points = Field(default_factory=Points)
    de: Moral = Field(default_factory=Moral)


# -- 每日一练 (daily practice): ``daily.yaml`` ---------------------------------------------------
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class DailyAudience(StrictModel):
    """Who a daily set is for: employees of these departments and/or 班组 (empty lists: anyone)."""

    departments: list[str] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)

    def includes(self, department: str, team: str | None) -> bool:
        if self.departments and department not in self.departments:
            return False
        return not self.teams or (team or "") in self.teams


class DailySet(StrictModel):
    """One daily set: its audience, the banks it draws from, how many questions, on which days."""

    id: Id
    title: str = Field(default="每日一练", min_length=1)
    audience: Literal["all"] | DailyAudience = "all"
    banks: list[Id] = Field(min_length=1)
    count: int = Field(default=5, ge=1, le=50)
    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS), min_length=1)
    points: bool = True
    min_seconds_per_question: float = Field(default=3, ge=0, le=600)

    _pool: list[tuple[str, Question]] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check(self) -> DailySet:
        for i, bank in enumerate(self.banks):
            if bank in self.banks[:i]:
                raise FieldError(("banks", i), f"bank '{bank}' is listed twice")
        for i, day in enumerate(self.days):
            if day in self.days[:i]:
                raise FieldError(("days", i), f"day '{day}' is listed twice")
        return self

    def for_employee(self, department: str, team: str | None) -> bool:
        """Whether an employee of this department and 班组 gets this set."""
        return self.audience == "all" or self.audience.includes(department, team)

    def scheduled(self, weekday: int) -> bool:
        """Whether the set is given on a weekday (Monday is 0)."""
        return WEEKDAYS[weekday] in self.days

    @property
    def pool(self) -> list[tuple[str, Question]]:
        """(``bank/id``, question) of every question of the set's banks (filled by the catalogue)."""
        return self._pool or []


class Daily(StrictModel):
    """``daily.yaml``: the daily sets; an employee gets the first set whose audience includes them."""

    sets: list[DailySet] = Field(min_length=1)

    _source: Any = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check(self) -> Daily:
        for i, s in enumerate(self.sets):
            if s.id in [o.id for o in self.sets[:i]]:
                raise FieldError(("sets", i, "id"), f"duplicate daily set id '{s.id}'")
        return self

    def set_for(self, department: str, team: str | None) -> DailySet | None:
        """The first set whose audience includes this employee, or None."""
        return next((s for s in self.sets if s.for_employee(department, team)), None)
