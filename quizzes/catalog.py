"""Loading a whole content folder: every valid file, and every problem with its ``path:line``."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from lessons.model import Lesson
from quizzes.errors import ContentError, ContentProblem
from quizzes.events import MATERIALS_FOLDER, Event
from quizzes.model import Assessment, Bank, Daily, Draw, LiveCompetition, Question, Quiz, exclusive_capacity
from quizzes.source import Source, read_source
from quizzes.validate import validate_source

SUFFIXES = (".yaml", ".yml")


@dataclass
class Catalog:
    """Everything in a content folder that loaded, and the problems of what did not."""

    root: Path
    lessons: dict[str, Lesson] = field(default_factory=dict)
    banks: dict[str, Bank] = field(default_factory=dict)
    quizzes: dict[str, Quiz] = field(default_factory=dict)
    competitions: dict[str, LiveCompetition] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    assessment: Assessment | None = None
    daily: Daily | None = None
    errors: list[ContentProblem] = field(default_factory=list)
    files: int = 0
    paths: list[str] = field(default_factory=list)

    def status(self) -> dict[str, list[ContentProblem]]:
        """Every file read, with its problems (an empty list: the file is valid)."""
        out: dict[str, list[ContentProblem]] = {path: [] for path in self.paths}
        for problem in self.errors:
            out.setdefault(problem.path, []).append(problem)
        return out

    def described(self) -> dict[str, tuple[str, str]]:
        """``(kind, title)`` of each valid file, by its path as in ``paths``: kind is ``lesson``, ``bank``,
        ``quiz``, ``live``, ``event``, ``assessment`` or ``daily`` (those two have no title: "")."""
        out: dict[str, tuple[str, str]] = {}
        for kind, items in (
            ("lesson", self.lessons),
            ("bank", self.banks),
            ("quiz", self.quizzes),
            ("live", self.competitions),
            ("event", self.events),
        ):
            for obj in items.values():
                source = getattr(obj, "_source", None)
                if source is not None:
                    out[str(source.path)] = (kind, str(getattr(obj, "title", "") or ""))
        for kind, obj in (("assessment", self.assessment), ("daily", self.daily)):
            out.update({p: (kind, "") for p in self.paths if obj is not None and Path(p).stem == kind and p not in out})
        return out

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """One line: how many of each kind, and how many problems."""
        n_questions = sum(len(b.questions) for b in self.banks.values())
        events = f", {len(self.events)} events" if self.events else ""
        return (
            f"{self.files} files: {len(self.lessons)} lessons, {len(self.banks)} banks "
            f"({n_questions} questions), {len(self.quizzes)} quizzes, "
            f"{len(self.competitions)} live competitions{events}; {len(self.errors)} problems"
        )


def _files(root: Path, sub: str) -> list[Path]:
    folder = root / sub
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file() and not p.name.startswith("."))


def _display(root: Path, path: Path) -> str:
    return str(root / path.relative_to(root))


def _is_live(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and data.get("kind") == "competition"
        and any(k in data for k in ("rounds", "teams", "tiebreak", "start_score"))
    )


def load_catalog(path: str | Path) -> Catalog:
    """Load every file of a content folder; broken files are reported in ``.errors``, never raised."""
    root = Path(path)
    catalog = Catalog(root=root)
    if not root.is_dir():
        catalog.errors.append(ContentProblem(str(root), 1, "content folder not found"))
        return catalog
    first_seen: dict[tuple[str, str], Source] = {}

    def load(p: Path, model: type) -> Any:
        catalog.files += 1
        catalog.paths.append(_display(root, p))
        try:
            source = read_source(p, _display(root, p))
            if model is Quiz and _is_live(source.data):
                model = LiveCompetition
            obj = validate_source(source, model)
        except ContentError as e:
            catalog.errors.extend(e.problems)
            return None
        kind = "quiz" if model in (Quiz, LiveCompetition) else model.__name__.lower()
        key = (kind, obj.id)
        if key in first_seen:
            other = first_seen[key]
            catalog.errors.append(
                source.problem(("id",), f"duplicate {kind} id '{obj.id}' (also {other.path}:{other.line_of(('id',))})")
            )
            return None
        first_seen[key] = source
        return obj

    for p in _files(root, "lessons"):
        if (lesson := load(p, Lesson)) is not None:
            catalog.lessons[lesson.id] = lesson
    for p in _files(root, "banks"):
        if (bank := load(p, Bank)) is not None:
            catalog.banks[bank.id] = bank
    for p in _files(root, "quizzes"):
        if (quiz := load(p, Quiz)) is not None:
            target = catalog.competitions if isinstance(quiz, LiveCompetition) else catalog.quizzes
            target[quiz.id] = quiz
    for p in _files(root, "events"):
        if (event := load(p, Event)) is not None:
            catalog.events[event.id] = event
    assessment_file = next((root / f"assessment{s}" for s in SUFFIXES if (root / f"assessment{s}").is_file()), None)
    if assessment_file is not None:
        catalog.files += 1
        catalog.paths.append(_display(root, assessment_file))
        try:
            catalog.assessment = validate_source(read_source(assessment_file, _display(root, assessment_file)), Assessment)
        except ContentError as e:
            catalog.errors.extend(e.problems)

    daily_file = next((root / f"daily{s}" for s in SUFFIXES if (root / f"daily{s}").is_file()), None)
    if daily_file is not None:
        catalog.files += 1
        catalog.paths.append(_display(root, daily_file))
        try:
            catalog.daily = validate_source(read_source(daily_file, _display(root, daily_file)), Daily)
        except ContentError as e:
            catalog.errors.extend(e.problems)

    _check_links(catalog)
    return catalog


def _check_daily(catalog: Catalog) -> None:
    """Each daily set's banks exist and hold at least ``count`` questions; fill its pool. A set
    with a problem is left out (the others serve)."""
    daily = catalog.daily
    if daily is None:
        return
    kept = []
    for i, s in enumerate(daily.sets):
        problems = [
            daily._source.problem(("sets", i, "banks", j), f"daily set '{s.id}' draws from unknown bank '{b}'")
            for j, b in enumerate(s.banks)
            if b not in catalog.banks
        ]
        pool = [(f"{b}/{q.id}", q) for b in s.banks if b in catalog.banks for q in catalog.banks[b].questions]
        if not problems and len(pool) < s.count:
            problems.append(
                daily._source.problem(
                    ("sets", i, "count"), f"daily set '{s.id}' asks for {s.count} questions but its banks hold only {len(pool)}"
                )
            )
        catalog.errors.extend(problems)
        if not problems:
            s._pool = pool
            kept.append(s)
    daily.sets = kept
    if not kept:
        catalog.daily = None


def _resolve_draws(
    draws: list[Draw], banks: dict[str, Bank], source: Source, loc: tuple
) -> tuple[list[list[Question]] | None, list[ContentProblem]]:
    """The pool of each draw, or the problems that keep the draws from being made."""
    problems = []
    pools: list[list[Question]] = []
    for i, d in enumerate(draws):
        bank = banks.get(d.bank)
        if bank is None:
            problems.append(source.problem((*loc, i, "bank"), f"draw from unknown bank '{d.bank}'"))
            pools.append([])
            continue
        pool = [q for q in bank.questions if d.matches(q)]
        pools.append(pool)
        if d.count > len(pool):
            problems.append(
                source.problem(
                    (*loc, i, "count"),
                    f"draw asks for {d.count} questions but bank '{d.bank}' has only {len(pool)}{d.describe()}",
                )
            )
        elif d.count > (room := exclusive_capacity(pool)):
            problems.append(
                source.problem(
                    (*loc, i, "count"),
                    f"draw asks for {d.count} questions but only {room} of the {len(pool)} in bank '{d.bank}'"
                    f"{d.describe()} may be drawn together (exclusive groups)",
                )
            )
    # Draws from one bank take distinct questions: check every group of them (Hall's condition).
    by_bank: dict[str, list[int]] = {}
    for i, d in enumerate(draws):
        by_bank.setdefault(d.bank, []).append(i)
    for bank_id, idx in by_bank.items():
        if len(idx) < 2 or problems:
            continue
        for size in range(2, len(idx) + 1):
            for group in combinations(idx, size):
                union = list({id(q): q for i in group for q in pools[i]}.values())
                wanted = sum(draws[i].count for i in group)
                room = exclusive_capacity(union)
                if wanted > room:
                    apart = " that may be drawn together" if room < len(union) else ""
                    problems.append(
                        source.problem(
                            (*loc, group[-1], "count"),
                            f"draws from bank '{bank_id}' ask for {wanted} distinct questions but their filters match only {room}{apart}",
                        )
                    )
                    break
    return (None if problems else pools), problems


def _check_links(catalog: Catalog) -> None:
    _check_daily(catalog)
    for lesson in catalog.lessons.values():
        if lesson.quiz and lesson.quiz not in catalog.quizzes:
            catalog.errors.append(lesson._source.problem(("quiz",), f"unknown quiz '{lesson.quiz}'"))
    for event in catalog.events.values():
        for key, known in (("lesson", catalog.lessons), ("quiz", catalog.quizzes), ("competition", catalog.competitions)):
            value = getattr(event, key)
            if value and value not in known:
                catalog.errors.append(event._source.problem((key,), f"unknown {key} '{value}'"))
        for i, material in enumerate(event.materials):
            if not (catalog.root / "events" / MATERIALS_FOLDER / material.file).is_file():
                catalog.errors.append(
                    event._source.problem(("materials", i, "file"), f"file not found: events/{MATERIALS_FOLDER}/{material.file}")
                )
    for quiz_id, quiz in list(catalog.quizzes.items()):
        if not quiz.draw:
            continue
        pools, problems = _resolve_draws(quiz.draw, catalog.banks, quiz._source, ("draw",))
        catalog.errors.extend(problems)
        if pools is None:
            del catalog.quizzes[quiz_id]  # it cannot be served
        else:
            quiz._pools = pools
    for comp_id, comp in list(catalog.competitions.items()):
        problems = competition_problems(comp, catalog.banks, comp.team_count or 2)
        catalog.errors.extend(problems)
        if problems:
            del catalog.competitions[comp_id]
    catalog.errors.sort(key=lambda p: (p.path, p.line))


def competition_problems(comp: LiveCompetition, banks: dict[str, Bank], n_teams: int) -> list[ContentProblem]:
    """Problems that keep ``comp`` from running with ``n_teams`` teams (draws and question counts).

    With ``teams: departments`` the catalogue checks for two teams; the host console checks again
    with the real number of departments.
    """
    source = comp._source
    problems: list[ContentProblem] = []
    pools: dict[tuple[str, int], list[list[Question]]] = {}
    for r, rnd in enumerate(comp.rounds):
        round_pools, draw_problems = _resolve_draws(rnd.draw, banks, source, ("rounds", r, "draw"))
        problems.extend(draw_problems)
        pools[("rounds", r)] = round_pools or []
        needed = rnd.questions_needed(n_teams)
        if not draw_problems and rnd.questions_available < needed:
            problems.append(
                source.problem(
                    ("rounds", r),
                    f"round '{rnd.name}' needs {needed} questions for {n_teams} teams but has {rnd.questions_available}",
                )
            )
    if not problems:
        comp._pools = pools
    return problems
