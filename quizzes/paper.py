"""The paper of one attempt: which questions, in which order, with which option order.

A paper is drawn once from a seed and stored with the attempt (``to_json``), so that an attempt is
graded against exactly what the employee saw, even if the content changes later.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from quizzes.errors import DrawError
from quizzes.model import MultipleScoring, Question, Quiz


@dataclass(frozen=True)
class PaperQuestion:
    """A question as placed on a paper: its key (``id`` or ``bank/id``) and display order of options."""

    key: str
    question: Question
    order: tuple[int, ...] = ()

    @property
    def display_letters(self) -> list[str]:
        """Authored letters in display order (``['C', 'A', 'B']``)."""
        return [self.question.letters[i] for i in self.order]


@dataclass(frozen=True)
class Paper:
    quiz_id: str
    seed: int
    multiple_scoring: MultipleScoring = "all_or_nothing"
    pass_percent: float = 60
    questions: list[PaperQuestion] = field(default_factory=list)

    @property
    def max_score(self) -> float:
        return sum(pq.question.points for pq in self.questions)

    def question(self, key: str) -> PaperQuestion:
        return self._by_key[key]

    @cached_property
    def _by_key(self) -> dict[str, PaperQuestion]:
        return {pq.key: pq for pq in self.questions}

    def to_json(self) -> str:
        return json.dumps(
            {
                "quiz_id": self.quiz_id,
                "seed": self.seed,
                "multiple_scoring": self.multiple_scoring,
                "pass_percent": self.pass_percent,
                "questions": [
                    {
                        "key": pq.key,
                        "order": list(pq.order),
                        "question": pq.question.model_dump(mode="json", exclude_defaults=True),
                    }
                    for pq in self.questions
                ],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Paper:
        data: dict[str, Any] = json.loads(text)
        return cls(
            quiz_id=data["quiz_id"],
            seed=data["seed"],
            multiple_scoring=data["multiple_scoring"],
            pass_percent=data["pass_percent"],
            questions=[
                PaperQuestion(q["key"], Question.model_validate(q["question"]), tuple(q["order"])) for q in data["questions"]
            ],
        )


def _place(rng: random.Random, key: str, question: Question, shuffle_options: bool) -> PaperQuestion:
    order = list(range(len(question.options or [])))
    if shuffle_options and question.type in ("single", "multiple", "scenario"):
        rng.shuffle(order)
    return PaperQuestion(key, question, tuple(order))


TRIES = 20  # fresh deterministic orders a draw with exclusive groups gets before it is refused


def pick(rng: random.Random, free: list[Question], count: int, used: set[str]) -> list[Question] | None:
    """``count`` questions of one bank from ``free``, none sharing an ``exclusive`` name with
    another or with ``used`` (the names already on the paper, updated); None if they cannot be found.

    A pool without exclusive groups is sampled exactly as before groups existed (same seed, same paper).
    """
    if not any(q.exclusive for q in free):
        return rng.sample(free, count) if len(free) >= count else None
    order = list(free)
    rng.shuffle(order)
    chosen: list[Question] = []
    taken: set[str] = set()
    for q in order:
        if len(chosen) == count:
            break
        names = set(q.exclusive)
        if names & (used | taken):
            continue
        chosen.append(q)
        taken |= names
    if len(chosen) < count:
        return None
    used |= taken
    return chosen


def draw_paper(quiz: Quiz, seed: int) -> Paper:
    """Draw and shuffle the questions of one attempt; the same quiz and seed give the same paper.

    Drawn questions are keyed ``bank/id`` (inline ones by ``id``) and take the draw's ``points``.
    Questions of one bank that share an ``exclusive`` name never appear on one paper; if the first
    order of draws cannot honour that, fresh orders derived from the seed are tried (still reproducible).
    """
    if quiz.draw and quiz._pools is None:
        raise DrawError(f"quiz '{quiz.id}' draws from banks: load it with load_catalog() to resolve them")
    for attempt in range(TRIES):
        rng = random.Random(seed if attempt == 0 else f"{seed}:{attempt}")
        placed = _draw_once(quiz, rng)
        if placed is not None:
            break
    else:
        raise DrawError(
            f"quiz '{quiz.id}': no paper after {TRIES} tries keeps questions of one exclusive group apart; "
            "add questions or lower a draw's count"
        )
    if quiz.shuffle_questions:
        rng.shuffle(placed)
    return Paper(
        quiz_id=quiz.id,
        seed=seed,
        multiple_scoring=quiz.multiple_scoring,
        pass_percent=quiz.pass_percent,
        questions=[_place(rng, key, q, quiz.shuffle_options) for key, q in placed],
    )


def _draw_once(quiz: Quiz, rng: random.Random) -> list[tuple[str, Question]] | None:
    """One try at the questions of a paper, or None when an exclusive group blocks a draw."""
    placed: list[tuple[str, Question]] = [(q.id, q) for q in quiz.questions]
    taken: set[str] = set()
    used: dict[str, set[str]] = {}  # bank → exclusive names on the paper
    for d, pool in zip(quiz.draw, quiz._pools or [], strict=True):
        free = [q for q in pool if f"{d.bank}/{q.id}" not in taken]
        if len(free) < d.count:
            raise DrawError(f"quiz '{quiz.id}': bank '{d.bank}' has only {len(free)} questions left for a draw of {d.count}")
        chosen = pick(rng, free, d.count, used.setdefault(d.bank, set()))
        if chosen is None:
            return None
        for q in chosen:
            key = f"{d.bank}/{q.id}"
            taken.add(key)
            placed.append((key, q.model_copy(update={"points": d.points}) if d.points else q))
    return placed


def paper_of(quiz: Quiz) -> Paper:
    """The paper of a self-contained quiz in authored order (for grading without an attempt)."""
    if quiz.draw:
        raise DrawError(f"quiz '{quiz.id}' draws from banks: grade the paper drawn for the attempt")
    return Paper(
        quiz_id=quiz.id,
        seed=0,
        multiple_scoring=quiz.multiple_scoring,
        pass_percent=quiz.pass_percent,
        questions=[PaperQuestion(q.id, q, tuple(range(len(q.options or [])))) for q in quiz.questions],
    )
