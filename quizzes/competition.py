"""The rules of a live (on-stage) competition as a pure, replayable state machine. No I/O.

A run is a ``Setup`` (teams, the concrete questions of every round, drawn once from a seed) plus
an append-only list of events. ``replay(setup, events)`` rebuilds the ``State``;
``apply(state, command)`` checks that a command is legal now and returns the event to append
(raising ``CompetitionRuleError`` with a clear message when it is not).

Commands are dicts ``{"kind": ..., **data}``; events are ``Event(seq, kind, data, at, actor)``.

Host commands: ``start``, ``reveal`` (show the question), ``open`` (open answering/buzzing:
countdown starts), ``judge`` (``result``: right | wrong | timeout; ``team`` needed only in a
sudden-death question), ``auto_judge`` (judges the submitted choice against the key; appended as
a ``judge`` event with ``auto: true``), ``reveal_answer``, ``next``, ``undo`` (``reason``),
``tiebreak`` (optional ``teams``), ``finish``.
Team commands: ``buzz`` (``team``), ``pick_value`` (``team``, ``value``), ``submit_choice``
(``team``, ``choice``).

Rules (see docs/competitions.md):

- required (必答): question *j* of the round belongs to team ``j % n`` (team by team in turn).
- risk (风险): each cycle of *n* questions, the teams pick in order of current score, highest
  first, ties by team order; the team whose turn it is picks a value (before the question is
  shown), right earns it, wrong or timeout loses it.
- buzzer (抢答): the first team to buzz after ``open`` answers; later buzzes are recorded in
  order but do not answer. A buzz before ``open`` is an early buzz: ``early_buzz_penalty`` is
  deducted and that team may not answer this question. Right earns ``points``, wrong or timeout
  loses ``penalty``. A team buzzes at most once per question.
- sudden death: every contender answers each question (judged per team); when exactly one is
  right and the others are not, that team ranks above the rest, who go on if two or more are
  left. Sudden death never changes scores.
- undo reverses the last scoring action not yet undone (with a reason); an undo cannot be undone.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from dataclasses import dataclass, field
from typing import Any

from quizzes.errors import DrawError, MingdeError, ResponseError
from quizzes.grading import normalize_response, score_question
from quizzes.model import LiveCompetition, Question

HOST_COMMANDS = frozenset(
    {"start", "reveal", "open", "judge", "auto_judge", "reveal_answer", "next", "undo", "tiebreak", "finish"}
)
TEAM_COMMANDS = frozenset({"buzz", "pick_value", "submit_choice"})
EVENT_KINDS = (HOST_COMMANDS - {"auto_judge"}) | TEAM_COMMANDS
RESULTS = ("right", "wrong", "timeout")


class CompetitionRuleError(MingdeError):
    """A command that the rules do not allow in the current state of the competition."""


# -- setup -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TeamSetup:
    name: str
    members: tuple[str, ...] = ()
    captain: str | None = None


@dataclass(frozen=True)
class SetupQuestion:
    """A question as it will be asked: key (``id`` or ``bank/id``) and, in required rounds, its team."""

    key: str
    question: Question
    team: str | None = None


@dataclass(frozen=True)
class RoundSetup:
    name: str
    type: str
    points: float | None
    penalty: float
    early_buzz_penalty: float | None
    values: tuple[float, ...] | None
    time_limit: int | None
    questions: tuple[SetupQuestion, ...]


@dataclass(frozen=True)
class Setup:
    competition_id: str
    title: str
    teams: tuple[TeamSetup, ...]
    rounds: tuple[RoundSetup, ...]
    tiebreak: tuple[SetupQuestion, ...] = ()
    start_score: float = 0
    mode: str = "host"
    seed: int = 0

    @property
    def team_names(self) -> list[str]:
        return [t.name for t in self.teams]

    def team(self, name: str) -> TeamSetup:
        for t in self.teams:
            if t.name == name:
                return t
        raise CompetitionRuleError(f"no team '{name}' in this competition")

    def to_json(self) -> str:
        def q(sq: SetupQuestion) -> dict:
            return {"key": sq.key, "team": sq.team, "question": sq.question.model_dump(mode="json", exclude_defaults=True)}

        return json.dumps(
            {
                "competition_id": self.competition_id,
                "title": self.title,
                "start_score": self.start_score,
                "mode": self.mode,
                "seed": self.seed,
                "teams": [{"name": t.name, "members": list(t.members), "captain": t.captain} for t in self.teams],
                "rounds": [
                    {
                        "name": r.name,
                        "type": r.type,
                        "points": r.points,
                        "penalty": r.penalty,
                        "early_buzz_penalty": r.early_buzz_penalty,
                        "values": list(r.values) if r.values else None,
                        "time_limit": r.time_limit,
                        "questions": [q(x) for x in r.questions],
                    }
                    for r in self.rounds
                ],
                "tiebreak": [q(x) for x in self.tiebreak],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Setup:
        d = json.loads(text)

        def q(x: dict) -> SetupQuestion:
            return SetupQuestion(x["key"], Question.model_validate(x["question"]), x.get("team"))

        return cls(
            competition_id=d["competition_id"],
            title=d["title"],
            start_score=d["start_score"],
            mode=d["mode"],
            seed=d["seed"],
            teams=tuple(TeamSetup(t["name"], tuple(t["members"]), t.get("captain")) for t in d["teams"]),
            rounds=tuple(
                RoundSetup(
                    r["name"],
                    r["type"],
                    r["points"],
                    r["penalty"],
                    r["early_buzz_penalty"],
                    tuple(r["values"]) if r["values"] else None,
                    r["time_limit"],
                    tuple(q(x) for x in r["questions"]),
                )
                for r in d["rounds"]
            ),
            tiebreak=tuple(q(x) for x in d["tiebreak"]),
        )


TeamSpec = TeamSetup | tuple | dict


def _team(spec: TeamSpec) -> TeamSetup:
    if isinstance(spec, TeamSetup):
        return spec
    if isinstance(spec, dict):
        return TeamSetup(spec["name"], tuple(spec.get("members") or ()), spec.get("captain"))
    name, members, *rest = spec
    return TeamSetup(name, tuple(members or ()), rest[0] if rest else None)


def build_setup(comp: LiveCompetition, teams: list[TeamSpec], *, mode: str = "host", seed: int = 0) -> Setup:
    """Draw the questions of every round once (reproducible from ``seed``) for these teams.

    required/risk rounds get ``per_team × n_teams`` questions (required ones assigned team by
    team in turn); buzzer rounds get all their questions (inline in authored order, then the
    drawn ones); the tiebreak keeps its authored order. Raises ``DrawError`` when a round cannot
    be filled (draws need ``load_catalog`` to resolve their pools).
    """
    if mode not in ("host", "devices"):
        raise CompetitionRuleError(f"mode is 'host' or 'devices', not {mode!r}")
    team_list = tuple(_team(t) for t in teams)
    names = [t.name for t in team_list]
    if len(names) < 2:
        raise CompetitionRuleError("a competition needs at least two teams")
    if len(set(names)) != len(names):
        raise CompetitionRuleError("team names must be distinct")
    n = len(team_list)
    rng = random.Random(seed)
    rounds = []
    for r, rnd in enumerate(comp.rounds):
        pools = (comp._pools or {}).get(("rounds", r))
        if rnd.draw and pools is None:
            raise DrawError(f"competition '{comp.id}' draws from banks: load it with load_catalog() to resolve them")
        drawn: list[tuple[str, Question]] = []
        taken: set[str] = set()
        for d, pool in zip(rnd.draw, pools or [], strict=True):
            free = [q for q in pool if f"{d.bank}/{q.id}" not in taken]
            if len(free) < d.count:
                raise DrawError(
                    f"round '{rnd.name}': bank '{d.bank}' has only {len(free)} questions left for a draw of {d.count}"
                )
            for q in rng.sample(free, d.count):
                taken.add(f"{d.bank}/{q.id}")
                drawn.append((f"{d.bank}/{q.id}", q))
        inline = [(q.id, q) for q in rnd.questions]
        if rnd.type == "buzzer":
            rng.shuffle(drawn)
            chosen = inline + drawn
        else:
            chosen = inline + drawn
            rng.shuffle(chosen)
            needed = rnd.turns_per_team * n
            if len(chosen) < needed:
                raise DrawError(f"round '{rnd.name}' needs {needed} questions for {n} teams but has {len(chosen)}")
            chosen = chosen[:needed]
        qs = tuple(SetupQuestion(k, q, names[j % n] if rnd.type == "required" else None) for j, (k, q) in enumerate(chosen))
        rounds.append(
            RoundSetup(
                rnd.name,
                rnd.type,
                rnd.points,
                rnd.penalty,
                rnd.early_buzz_penalty,
                tuple(rnd.values) if rnd.values else None,
                rnd.time_limit,
                qs,
            )
        )
    tiebreak = tuple(SetupQuestion(q.id, q) for q in (comp.tiebreak.questions if comp.tiebreak else []))
    return Setup(comp.id, comp.title, team_list, tuple(rounds), tiebreak, comp.start_score, mode, seed)


# -- events and state --------------------------------------------------------------------------
@dataclass(frozen=True)
class Event:
    seq: int
    kind: str
    data: dict = field(default_factory=dict)
    at: str | None = None  # server time, ISO 8601 UTC
    actor: str | None = None

    def to_dict(self) -> dict:
        return {"seq": self.seq, "kind": self.kind, "data": self.data, "at": self.at, "actor": self.actor}


@dataclass
class ScoreAction:
    """One scoring action (a judgment or an early buzz); ``delta`` may be 0."""

    seq: int
    at: str | None
    team: str
    delta: float
    reason: str  # right | wrong | timeout | early_buzz | tiebreak_right | tiebreak_wrong
    round_index: int | None  # None in the tiebreak
    question_index: int
    question_key: str
    undone_by: int | None = None  # seq of the undo event
    undo_reason: str | None = None


@dataclass
class State:
    """Where a run stands. Treat as read-only (it may be shared from the store's cache)."""

    setup: Setup
    seq: int = 0
    phase: str = "setup"  # setup | running | ended | tiebreak | finished
    round_index: int | None = None
    question_index: int | None = None  # within the round (or the tiebreak)
    status: str | None = None  # pending | shown | open | judged (the current question)
    answer_revealed: bool = False
    answering_team: str | None = None
    pick_order: list[str] = field(default_factory=list)  # risk: this cycle's order of picks
    picked_value: float | None = None  # risk: the value picked for this question
    open_at: str | None = None
    deadline: str | None = None
    buzz_order: list[tuple[str, str | None]] = field(default_factory=list)  # (team, at) after open
    early_buzzes: list[str] = field(default_factory=list)
    choices: dict[str, Any] = field(default_factory=dict)  # team → submitted choice (normalized)
    judged: dict[str, str] = field(default_factory=dict)  # team → result, this question
    scores: dict[str, float] = field(default_factory=dict)
    last_change: dict[str, tuple[float, int]] = field(default_factory=dict)  # team → (delta, seq)
    history: list[ScoreAction] = field(default_factory=list)
    contenders: list[str] = field(default_factory=list)  # sudden death: teams still level
    tiebreak_order: list[str] = field(default_factory=list)  # sudden-death winners, best first
    tiebreak_used: int = 0  # sudden-death questions used so far
    ranking: list[dict] = field(default_factory=list)  # when finished: rank, team, score
    started_at: str | None = None
    finished_at: str | None = None

    # -- derived --------------------------------------------------------------------------------
    @property
    def in_tiebreak(self) -> bool:
        return self.phase == "tiebreak"

    @property
    def round(self) -> RoundSetup | None:
        if self.round_index is None or self.in_tiebreak:
            return None
        return self.setup.rounds[self.round_index]

    @property
    def round_name(self) -> str | None:
        return "加赛" if self.in_tiebreak else (self.round.name if self.round else None)

    @property
    def round_type(self) -> str | None:
        return "sudden_death" if self.in_tiebreak else (self.round.type if self.round else None)

    @property
    def question(self) -> SetupQuestion | None:
        if self.question_index is None:
            return None
        if self.in_tiebreak:
            return self.setup.tiebreak[self.question_index]
        return self.round.questions[self.question_index] if self.round else None

    @property
    def must_pick(self) -> str | None:
        """Risk round: the team that must pick a value now, or None."""
        if self.round_type == "risk" and self.status == "pending" and self.picked_value is None:
            return self.answering_team
        return None

    def standings(self) -> list[dict]:
        """Teams by score (highest first; ties by sudden death, then shared rank, team order)."""
        names = self.setup.team_names
        tb = {t: i for i, t in enumerate(self.tiebreak_order)}
        order = sorted(names, key=lambda t: (-self.scores[t], tb.get(t, len(tb)), names.index(t)))
        out: list[dict] = []
        for i, t in enumerate(order):
            prev = out[-1] if out else None
            same = prev is not None and self.scores[t] == prev["score"] and t not in tb and prev["team"] not in tb
            out.append({"rank": prev["rank"] if same else i + 1, "team": t, "score": self.scores[t]})
        return out

    def top_tie(self) -> list[str]:
        """The teams level on the top score that sudden death has not separated (≥2, else [])."""
        if not self.scores:
            return []
        best = max(self.scores.values())
        if any(self.scores[t] == best for t in self.tiebreak_order):
            return []  # the top place was decided by sudden death
        group = [t for t in self.setup.team_names if self.scores[t] == best]
        return group if len(group) >= 2 else []

    @property
    def tiebreak_exhausted(self) -> bool:
        return self.tiebreak_used >= len(self.setup.tiebreak)

    @property
    def needs_tiebreak(self) -> bool:
        """Teams are level on top and an unused sudden-death question could separate them."""
        return self.phase == "ended" and not self.tiebreak_exhausted and bool(self.top_tie())


def _err(message: str) -> CompetitionRuleError:
    return CompetitionRuleError(message)


def _parse(at: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(at) if at else None


def _enter_question(s: State, index: int) -> None:
    s.question_index = index
    s.status = "pending"
    s.answer_revealed = False
    s.answering_team = None
    s.picked_value = None
    s.open_at = s.deadline = None
    s.buzz_order = []
    s.early_buzzes = []
    s.choices = {}
    s.judged = {}
    if s.in_tiebreak:
        return
    rnd = s.round
    assert rnd is not None
    sq = rnd.questions[index]
    if rnd.type == "required":
        s.answering_team = sq.team
    elif rnd.type == "risk":
        n = len(s.setup.teams)
        if index % n == 0:
            names = s.setup.team_names
            s.pick_order = sorted(names, key=lambda t: (-s.scores[t], names.index(t)))
        s.answering_team = s.pick_order[index % n]


def _enter_round(s: State, r: int) -> None:
    s.round_index = r
    s.pick_order = []
    _enter_question(s, 0)


def _score(s: State, ev: Event, team: str, delta: float, reason: str) -> None:
    s.scores[team] = s.scores[team] + delta
    s.last_change[team] = (delta, ev.seq)
    sq = s.question
    s.history.append(
        ScoreAction(
            ev.seq,
            ev.at,
            team,
            delta,
            reason,
            None if s.in_tiebreak else s.round_index,
            s.question_index or 0,
            sq.key if sq else "",
        )
    )


def _need_phase(s: State, *phases: str, what: str) -> None:
    if s.phase not in phases:
        raise _err(f"cannot {what}: the competition is {s.phase}" + (" (not started)" if s.phase == "setup" else ""))


def _need_team(s: State, data: dict) -> str:
    team = data.get("team")
    if not team:
        raise _err("this command needs a team")
    s.setup.team(team)
    return team


def step(s: State, ev: Event) -> None:
    """Apply one event to ``s`` in place, raising ``CompetitionRuleError`` if it is not legal."""
    k, d = ev.kind, ev.data
    if k == "start":
        _need_phase(s, "setup", what="start")
        s.phase = "running"
        s.started_at = ev.at
        _enter_round(s, 0)
    elif k == "reveal":
        _need_phase(s, "running", "tiebreak", what="show a question")
        if s.status != "pending":
            raise _err("the question is already shown")
        if s.round_type == "risk" and s.picked_value is None:
            raise _err(f"team '{s.answering_team}' must pick a value before the question is shown")
        s.status = "shown"
    elif k == "open":
        _need_phase(s, "running", "tiebreak", what="open answering")
        if s.status != "shown":
            raise _err(
                "show the question before opening answering" if s.status == "pending" else "answering is already open or over"
            )
        s.status = "open"
        s.open_at = ev.at
        limit = s.round.time_limit if s.round else None
        opened = _parse(ev.at)
        s.deadline = (opened + dt.timedelta(seconds=limit)).isoformat(timespec="milliseconds") if limit and opened else None
    elif k == "buzz":
        _need_phase(s, "running", "tiebreak", what="buzz")
        team = _need_team(s, d)
        if s.round_type not in ("buzzer", "sudden_death"):
            raise _err(f"no buzzing in a {s.round_type} round")
        if s.in_tiebreak and team not in s.contenders:
            raise _err(f"team '{team}' is not in the sudden death")
        if team in s.early_buzzes or any(t == team for t, _ in s.buzz_order):
            raise _err(f"team '{team}' has already buzzed on this question")
        if s.status == "judged":
            raise _err("this question is already judged")
        if s.status in ("pending", "shown"):
            s.early_buzzes.append(team)
            pen = s.round.early_buzz_penalty if s.round else None
            if pen:
                _score(s, ev, team, -pen, "early_buzz")
        else:
            s.buzz_order.append((team, ev.at))
            if s.answering_team is None and not s.in_tiebreak:
                s.answering_team = team
    elif k == "pick_value":
        _need_phase(s, "running", what="pick a value")
        team = _need_team(s, d)
        if s.round_type != "risk":
            raise _err(f"values are picked only in a risk round, not in a {s.round_type} round")
        if s.picked_value is not None and team == s.answering_team:
            raise _err(f"team '{team}' has already picked {s.picked_value:g} for this question")
        if team != s.answering_team:
            raise _err(f"team '{s.answering_team}' picks now, not team '{team}' (order by score: {', '.join(s.pick_order)})")
        values = s.round.values or ()
        value = d.get("value")
        if not isinstance(value, (int, float)) or isinstance(value, bool) or float(value) not in values:
            raise _err(f"value {value!r} is not one of {', '.join(f'{v:g}' for v in values)}")
        s.picked_value = float(value)
    elif k == "submit_choice":
        _need_phase(s, "running", "tiebreak", what="submit a choice")
        team = _need_team(s, d)
        if s.status != "open":
            raise _err("answering is not open")
        if s.in_tiebreak:
            if team not in s.contenders:
                raise _err(f"team '{team}' is not in the sudden death")
        elif team != s.answering_team:
            who = f"team '{s.answering_team}' answers" if s.answering_team else "nobody has buzzed yet"
            raise _err(f"team '{team}' cannot answer this question: {who}")
        if team in s.choices:
            raise _err(f"team '{team}' has already submitted a choice")
        if team in s.judged:
            raise _err(f"team '{team}' has already been judged on this question")
        if s.deadline and ev.at and _parse(ev.at) > _parse(s.deadline):
            raise _err(f"team '{team}': the time is up")
        try:
            choice = normalize_response(s.question.question, d.get("choice"))
        except ResponseError as e:
            raise _err(str(e)) from None
        if choice is None:
            raise _err(f"team '{team}' submitted an empty choice")
        s.choices[team] = choice
        d["choice"] = choice
    elif k == "judge":
        _need_phase(s, "running", "tiebreak", what="judge")
        result = d.get("result")
        if result not in RESULTS:
            raise _err(f"result is right, wrong or timeout, not {result!r}")
        if s.status not in ("shown", "open"):
            raise _err(
                "nothing to judge: the question is not shown" if s.status == "pending" else "this question is already judged"
            )
        if s.in_tiebreak:
            team = d.get("team")
            if team not in s.contenders:
                raise _err(
                    f"judge which team? one of {', '.join(s.contenders)}"
                    if not team
                    else f"team '{team}' is not in the sudden death"
                )
            if team in s.judged:
                raise _err(f"team '{team}' is already judged on this question")
            s.judged[team] = result
            _score(s, ev, team, 0, "tiebreak_right" if result == "right" else "tiebreak_wrong")
            return
        team = s.answering_team
        if team is None:
            raise _err("nobody is answering this question" + (" (no team has buzzed)" if s.round_type == "buzzer" else ""))
        if d.get("team") not in (None, team):
            raise _err(f"team '{d['team']}' is not answering: team '{team}' is")
        rnd = s.round
        gain = s.picked_value if rnd.type == "risk" else rnd.points
        loss = s.picked_value if rnd.type == "risk" else rnd.penalty
        s.judged[team] = result
        s.status = "judged"
        _score(s, ev, team, gain if result == "right" else -(loss or 0), result)
    elif k == "reveal_answer":
        _need_phase(s, "running", "tiebreak", what="reveal the answer")
        if s.status == "pending":
            raise _err("show the question before its answer")
        s.answer_revealed = True
    elif k == "next":
        _next(s)
    elif k == "undo":
        reason = (d.get("reason") or "").strip()
        if not reason:
            raise _err("an undo needs a reason")
        target = d.get("target")
        if target is not None and not any(a.seq == target for a in s.history):
            raise _err(f"event {target} is not a scoring action (an undo cannot be undone)")
        live = [a for a in s.history if a.undone_by is None]
        if not live:
            raise _err("there is no scoring action to undo")
        a = live[-1]
        if target is not None and target != a.seq:
            raise _err(f"only the last scoring action (event {a.seq}) can be undone, not event {target}")
        if s.phase == "finished":
            raise _err("the competition is finished")
        here = a.round_index == (None if s.in_tiebreak else s.round_index) and a.question_index == s.question_index
        if a.round_index is None and not (s.in_tiebreak and here):
            raise _err("that sudden-death question is decided and cannot be undone")
        a.undone_by, a.undo_reason = ev.seq, reason
        s.scores[a.team] -= a.delta
        s.last_change[a.team] = (-a.delta, ev.seq)
        d["target"] = a.seq
        if here and a.reason != "early_buzz":
            s.judged.pop(a.team, None)
            if s.status == "judged":
                s.status = "open" if s.open_at else "shown"
    elif k == "tiebreak":
        _need_phase(s, "ended", what="start a sudden death")
        if not s.setup.tiebreak:
            raise _err("this competition has no tiebreak questions")
        if s.tiebreak_exhausted:
            raise _err("the sudden-death questions are used up")
        teams = d.get("teams") or s.top_tie()
        for t in teams:
            s.setup.team(t)
        if len(teams) < 2 or len({s.scores[t] for t in teams}) != 1:
            raise _err("a sudden death is for two or more teams level on score")
        if any(t in s.tiebreak_order for t in teams):
            raise _err("those teams were already separated by sudden death")
        d["teams"] = list(teams)
        s.contenders = list(teams)
        s.phase = "tiebreak"
        s.pick_order = []
        _enter_question(s, s.tiebreak_used)
    elif k == "finish":
        if s.phase == "finished":
            raise _err("the competition is already finished")
        _need_phase(s, "ended", what="finish")
        if s.needs_tiebreak:
            raise _err(f"teams {', '.join(s.top_tie())} are level on top: run the sudden death first")
        s.phase = "finished"
        s.finished_at = ev.at
        s.status = None
        s.ranking = s.standings()
    else:
        raise _err(f"unknown event kind {k!r}")


def _next(s: State) -> None:
    _need_phase(s, "running", "tiebreak", what="go on")
    if s.in_tiebreak:
        missing = [t for t in s.contenders if t not in s.judged]
        if s.status == "pending" or missing:
            raise _err(f"judge every team in the sudden death first (missing: {', '.join(missing) or 'the question'})")
        right = [t for t in s.contenders if s.judged[t] == "right"]
        if len(right) == 1:
            s.tiebreak_order.append(right[0])
            s.contenders = [t for t in s.contenders if t != right[0]]
        s.tiebreak_used = s.question_index + 1
        if len(s.contenders) >= 2 and not s.tiebreak_exhausted:
            _enter_question(s, s.tiebreak_used)
            return
        if len(s.contenders) == 1:
            s.tiebreak_order.append(s.contenders[0])
        s.contenders = []
        s.phase = "ended"
        s.question_index = s.status = None
        s.answering_team = None
        s.open_at = s.deadline = None
        return
    rnd = s.round
    if s.status == "pending":
        raise _err("show the question before going on")
    if rnd.type != "buzzer" and s.status != "judged":
        raise _err(f"judge team '{s.answering_team}' before going on")
    if rnd.type == "buzzer" and s.answering_team and s.status != "judged":
        raise _err(f"judge team '{s.answering_team}' before going on")
    if s.question_index + 1 < len(rnd.questions):
        _enter_question(s, s.question_index + 1)
    elif s.round_index + 1 < len(s.setup.rounds):
        _enter_round(s, s.round_index + 1)
    else:
        s.phase = "ended"
        s.question_index = s.status = None
        s.answering_team = None
        s.open_at = s.deadline = None


def initial(setup: Setup) -> State:
    return State(setup=setup, scores={t.name: float(setup.start_score) for t in setup.teams})


def replay(setup: Setup, events: list[Event | dict]) -> State:
    """The state after ``events`` (in order); raises ``CompetitionRuleError`` on an illegal log."""
    s = initial(setup)
    for e in events:
        ev = e if isinstance(e, Event) else Event(e["seq"], e["kind"], dict(e.get("data") or {}), e.get("at"), e.get("actor"))
        step(s, ev)
        s.seq = ev.seq
    return s


def advance(state: State, command: dict, *, at: str | None = None, actor: str | None = None) -> tuple[Event, State]:
    """Check ``command`` against ``state``; return the event to append and the state after it."""
    if not isinstance(command, dict) or "kind" not in command:
        raise _err("a command is a dict with a 'kind'")
    kind = command["kind"]
    data = {k: v for k, v in command.items() if k != "kind"}
    if kind not in HOST_COMMANDS | TEAM_COMMANDS:
        raise _err(f"unknown command {kind!r}")
    new = copy.deepcopy(state, {id(state.setup): state.setup})  # the setup is immutable: share it
    if kind == "auto_judge":
        team = state.answering_team if not state.in_tiebreak else data.get("team")
        if team is None:
            raise _err(
                "auto_judge which team? give the team in a sudden death"
                if state.in_tiebreak
                else "nobody is answering this question"
            )
        if team not in state.choices:
            raise _err(f"team '{team}' has not submitted a choice")
        q = state.question.question
        right = score_question(q, state.choices[team]) >= q.points
        kind, data = "judge", {"result": "right" if right else "wrong", "team": team, "auto": True, "choice": state.choices[team]}
    ev = Event(state.seq + 1, kind, data, at, actor)
    step(new, ev)
    new.seq = ev.seq
    return ev, new


def apply(
    state_or_events: State | tuple[Setup, list], command: dict, *, at: str | None = None, actor: str | None = None
) -> Event:
    """The event that ``command`` appends to a run, or ``CompetitionRuleError`` if it is not legal now.

    ``state_or_events``: a ``State`` or ``(setup, events)``.
    """
    state = state_or_events if isinstance(state_or_events, State) else replay(*state_or_events)
    return advance(state, command, at=at, actor=actor)[0]


# -- public view -------------------------------------------------------------------------------
def public_view(state: State, reveal_answer: bool | None = None) -> dict:
    """What the scoreboard and team devices may show: JSON-able, without the answer key unless it
    is revealed (``reveal_answer`` None: as the host revealed it; True/False: force)."""
    show_key = state.answer_revealed if reveal_answer is None else reveal_answer
    sq = state.question
    question = None
    if sq is not None and state.status != "pending":
        q = sq.question
        question = {
            "key": sq.key,
            "type": q.type,
            "prompt": q.prompt,
            "options": [o.text for o in q.options] if q.options else None,
        }
        if show_key:
            question["answer"] = q.answer
            question["explanation"] = q.explanation
            if q.type == "scenario":
                question["credits"] = [o.credit for o in q.options or []]
    return {
        "competition_id": state.setup.competition_id,
        "title": state.setup.title,
        "seq": state.seq,
        "phase": state.phase,
        "round_index": state.round_index,
        "round_name": state.round_name,
        "round_type": state.round_type,
        "question_index": state.question_index,
        "questions_in_round": (len(state.setup.tiebreak) if state.in_tiebreak else len(state.round.questions))
        if state.question_index is not None
        else None,
        "status": state.status,
        "question": question,
        "answer_revealed": bool(show_key and question),
        "answering_team": state.answering_team,
        "must_pick": state.must_pick,
        "pick_order": list(state.pick_order),
        "picked_value": state.picked_value,
        "values": list(state.round.values) if state.round and state.round.values else None,
        "open_at": state.open_at,
        "deadline": state.deadline,
        "buzz_order": [t for t, _ in state.buzz_order],
        "early_buzzes": list(state.early_buzzes),
        "submitted": sorted(state.choices),
        "choices": dict(state.choices) if show_key else {},
        "judged": dict(state.judged),
        "contenders": list(state.contenders),
        "scores": dict(state.scores),
        "last_change": {t: v[0] for t, v in state.last_change.items()},
        "standings": state.standings(),
        "ranking": list(state.ranking),
        "needs_tiebreak": state.needs_tiebreak,
        "teams": [{"name": t.name, "members": len(t.members)} for t in state.setup.teams],
    }
