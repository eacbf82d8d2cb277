"""Grading: pure functions from (question, response, policy) to points.

Responses (by question id): ``"B"`` for single and scenario; letters as a list or a string such as
``"AC"`` for multiple; a bool (or 对/错 …) for true_false; a list of texts for fill_blank (a single
text when there is one blank). A missing id or ``None`` is unanswered. Letters always refer to the
authored option order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from quizzes.errors import ResponseError
from quizzes.model import MultipleScoring, Question, fold_text, normalize_text, parse_bool, parse_letters

if TYPE_CHECKING:
    from quizzes.model import Quiz
    from quizzes.paper import Paper


def round2(value: float) -> float:
    """Two decimals, halves rounded up (as people expect, not banker's rounding)."""
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def normalize_response(question: Question, response: Any) -> Any:
    """A response in canonical form (like the question's answer), or None when unanswered.

    Raises ``ResponseError`` naming the question when the response has the wrong shape.
    """
    if response is None or response == "" or response == []:
        return None
    t = question.type
    try:
        if t in ("single", "scenario"):
            if not isinstance(response, str):
                raise ValueError(f"expected one letter, got {response!r}")
            letters = parse_letters(response, len(question.options or []))
            if len(letters) != 1:
                raise ValueError(f"expected one letter, got {response!r}")
            return letters
        if t == "multiple":
            return parse_letters(response, len(question.options or [])) or None
        if t == "true_false":
            return parse_bool(response)
        # fill_blank
        n = len(question.answer or [])
        items = [response] if isinstance(response, str) else response
        if not isinstance(items, (list, tuple)) or not all(isinstance(x, str) or x is None for x in items):
            raise ValueError(f"expected a list of {n} texts, got {response!r}")
        if len(items) > n:
            raise ValueError(f"expected {n} texts, got {len(items)}")
        items = [(x or "").strip() for x in items] + [""] * (n - len(items))
        return items if any(items) else None
    except ValueError as e:
        raise ResponseError(f"question '{question.id}': {e}") from None


def score_question(question: Question, response: Any, multiple_scoring: MultipleScoring = "all_or_nothing") -> float:
    """Points for one response (already normalized or not), kept to two decimals."""
    return _score(question, normalize_response(question, response), multiple_scoring)


def fill_matches(given: str, accepted: list[str]) -> bool:
    """Whether a blank's response is one of its accepted texts, in ``normalize_text`` form: width,
    case, whitespace and punctuation at either end do not count. An accepted text made of
    punctuation only (``？``) is matched by ``fold_text``, so it is neither lost nor matched by any mark."""
    form = normalize_text(given)
    for text in accepted:
        key = normalize_text(text)
        if key and form == key or not key and fold_text(given) == fold_text(text):
            return True
    return False


def _score(question: Question, r: Any, multiple_scoring: MultipleScoring) -> float:
    """Points for a normalized response."""
    p = question.points
    if r is None:
        return 0.0
    t = question.type
    if t == "single":
        return p if r == question.answer else 0.0
    if t == "true_false":
        return p if r is question.answer else 0.0
    if t == "scenario":
        idx = ord(r) - ord("A")
        return round2(p * (question.options[idx].credit or 0))
    if t == "multiple":
        chosen, correct = set(r), set(question.answer)
        if chosen == correct:
            return p
        if chosen - correct:
            return 0.0
        if multiple_scoring == "half":
            return round2(p / 2)
        if multiple_scoring == "partial":
            return round2(p * len(chosen) / len(correct))
        return 0.0
    # fill_blank: each blank is an equal share
    right = sum(1 for given, accepted in zip(r, question.answer, strict=True) if fill_matches(given, accepted))
    return round2(p * right / len(question.answer))


@dataclass(frozen=True)
class QuestionResult:
    """How one question of an attempt was answered and scored."""

    key: str
    question: Question
    response: Any
    points: float
    max_points: float

    @property
    def answered(self) -> bool:
        return self.response is not None

    @property
    def correct(self) -> bool:
        return self.points >= self.max_points


@dataclass(frozen=True)
class Grade:
    """The result of grading an attempt."""

    score: float
    max_score: float
    percent: float
    passed: bool
    results: list[QuestionResult] = field(default_factory=list)

    @property
    def unanswered(self) -> int:
        return sum(1 for r in self.results if not r.answered)


def grade(quiz: Quiz | Paper, responses: dict[str, Any], *, normalized: bool = False) -> Grade:
    """Grade responses (question key → response) against a self-contained quiz or a drawn paper.

    ``normalized``: the responses are already in canonical form (``normalize_response``), as the
    store keeps them; they are then not parsed again.
    """
    from quizzes.paper import Paper, paper_of

    paper = quiz if isinstance(quiz, Paper) else paper_of(quiz)
    known = {pq.key for pq in paper.questions}
    unknown = sorted(set(responses) - known)
    if unknown:
        raise ResponseError(f"no question '{unknown[0]}' in quiz '{paper.quiz_id}'")
    results = []
    for pq in paper.questions:
        given = responses.get(pq.key)
        if not normalized:
            given = normalize_response(pq.question, given)
        pts = _score(pq.question, given, paper.multiple_scoring)
        results.append(QuestionResult(pq.key, pq.question, given, pts, pq.question.points))
    score = round2(sum(r.points for r in results))
    max_score = round2(sum(r.max_points for r in results))
    percent = round2(score / max_score * 100) if max_score else 0.0
    return Grade(score, max_score, percent, percent >= paper.pass_percent, results)
