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
``correct`` (``target``, ``result``, ``reason``: any earlier judgment), ``adjust`` (``team``,
``delta``, ``reason``: 裁判加减分), ``tiebreak`` (optional ``teams``), ``finish``.
``allowed_commands(state)`` and ``judge_targets(state)`` say what the host console may offer.
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
- correct changes any earlier judgment: the difference is scored as a correction, the log only grows.
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
    {
        "start",
        "reveal",
        "open",
        "judge",
        "auto_judge",
        "reveal_answer",
        "next",
        "undo",
        "correct",
        "adjust",
        "tiebreak",
        "finish",
    }
)
TEAM_COMMANDS = frozenset({"buzz", "pick_value", "submit_choice"})
EVENT_KINDS = (HOST_COMMANDS - {"auto_judge"}) | TEAM_COMMANDS
RESULTS = ("right", "wrong", "timeout")


class CompetitionRuleError(MingdeError):
    """A command that the rules do not allow in the current state of the competition.

    ``code`` names the rule (the UI shows the catalogue's ``rule.<code>`` text in the user's
    language, formatted with ``params``); the message is the English text."""

    def __init__(self, message: str, code: str = "rule", params: dict | None = None):
        super().__init__(message)
        self.code = code
        self.params = dict(params or {})


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
        raise CompetitionRuleError(f"no team '{name}' in this competition", "no_team", {"team": name})

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
        raise CompetitionRuleError(f"mode is 'host' or 'devices', not {mode!r}", "bad_mode", {"mode": mode})
    team_list = tuple(_team(t) for t in teams)
    names = [t.name for t in team_list]
    if len(names) < 2:
        raise CompetitionRuleError("a competition needs at least two teams", "two_teams")
    if len(set(names)) != len(names):
        raise CompetitionRuleError("team names must be distinct", "team_names")
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
    reason: str  # right | wrong | timeout | early_buzz | tiebreak_right | tiebreak_wrong | correction | adjust
    round_index: int | None  # None in the tiebreak
    question_index: int
    question_key: str
    undone_by: int | None = None  # seq of the undo event
    undo_reason: str | None = None
    gain: float = 0  # a judgment: points for right …
    loss: float = 0  # … and for wrong or timeout (so that it can be corrected later)
    result: str | None = None  # a judgment: right | wrong | timeout as it counts now (after corrections)
    effective: float | None = None  # a judgment: its delta as it counts now
    corrected_by: int | None = None  # a judgment: seq of its latest correction
    corrects: int | None = None  # a correction: seq of the judgment it corrects
    previous_result: str | None = None  # a correction: the judgment's result before it
    note: str | None = None  # a correction or adjustment: the host's reason

    def __post_init__(self) -> None:
        if self.effective is None:
            self.effective = self.delta


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
    marks: dict[str, tuple[str, int]] = field(default_factory=dict)  # team → (latest action kind, seq)
    entered_seq: int = 0  # seq of the event that brought the current question (or the end of play)
    history: list[ScoreAction] = field(default_factory=list)
    contenders: list[str] = field(default_factory=list)  # sudden death: teams still level
    tiebreak_order: list[str] = field(default_factory=list)  # sudden-death winners, best first
    tiebreak_used: int = 0  # sudden-death questions used so far
    tiebreak_winners: list[str] = field(default_factory=list)  # teams that won a sudden-death question
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
        """The round's name as the competition file gives it; the tie-break's from the catalogue
        (``live.tiebreak_round``, 加赛 in Chinese) in ``MINGDE_LANG``."""
        if self.in_tiebreak:
            from ui.i18n import default_lang, translate

            return translate(default_lang(), "live.tiebreak_round")
        return self.round.name if self.round else None

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


def _err(code: str, message: str, **params: Any) -> CompetitionRuleError:
    """A rule error: ``message`` (English, formatted with ``params``) for logs and tests, ``code`` and
    ``params`` for the UI, which shows the catalogue's ``rule.<code>`` text in the user's language."""
    return CompetitionRuleError(message.format(**params), code=code, params=params)


def _parse(at: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(at) if at else None


def _enter_question(s: State, index: int, seq: int) -> None:
    s.question_index = index
    s.entered_seq = seq
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


def _enter_round(s: State, r: int, seq: int) -> None:
    s.round_index = r
    s.pick_order = []
    _enter_question(s, 0, seq)


def _end_play(s: State, seq: int) -> None:
    s.phase = "ended"
    s.entered_seq = seq
    s.question_index = s.status = None
    s.answering_team = None
    s.open_at = s.deadline = None


def _score(
    s: State, ev: Event, team: str, delta: float, reason: str, *, gain: float = 0, loss: float = 0, **extra: Any
) -> ScoreAction:
    s.scores[team] = s.scores[team] + delta
    s.last_change[team] = (delta, ev.seq)
    s.marks[team] = (reason, ev.seq)
    sq = s.question
    action = ScoreAction(
        ev.seq,
        ev.at,
        team,
        delta,
        reason,
        None if s.in_tiebreak else s.round_index,
        s.question_index or 0,
        sq.key if sq else "",
        gain=gain,
        loss=loss,
        result=reason if reason in RESULTS else None,
        **extra,
    )
    s.history.append(action)
    return action


def _need_phase(s: State, *phases: str, what: str) -> None:
    if s.phase not in phases:
        raise _err(
            f"phase_{s.phase}",
            "cannot {what}: the competition is {phase}" + (" (not started)" if s.phase == "setup" else ""),
            what=what,
            phase=s.phase,
        )


def _need_team(s: State, data: dict) -> str:
    team = data.get("team")
    if not team:
        raise _err("need_team", "this command needs a team")
    s.setup.team(team)
    return team


# -- one handler per event kind ------------------------------------------------------------------
def _on_start(s: State, ev: Event) -> None:
    _need_phase(s, "setup", what="start")
    s.phase = "running"
    s.started_at = ev.at
    _enter_round(s, 0, ev.seq)


def _on_reveal(s: State, ev: Event) -> None:
    _need_phase(s, "running", "tiebreak", what="show a question")
    if s.status != "pending":
        raise _err("already_shown", "the question is already shown")
    if s.round_type == "risk" and s.picked_value is None:
        raise _err("pick_first", "team '{team}' must pick a value before the question is shown", team=s.answering_team)
    s.status = "shown"


def _on_open(s: State, ev: Event) -> None:
    _need_phase(s, "running", "tiebreak", what="open answering")
    if s.status == "pending":
        raise _err("show_first", "show the question before opening answering")
    if s.status != "shown":
        raise _err("already_open", "answering is already open or over")
    s.status = "open"
    s.open_at = ev.at
    limit = s.round.time_limit if s.round else None
    opened = _parse(ev.at)
    s.deadline = (opened + dt.timedelta(seconds=limit)).isoformat(timespec="milliseconds") if limit and opened else None


def _on_buzz(s: State, ev: Event) -> None:
    _need_phase(s, "running", "tiebreak", what="buzz")
    team = _need_team(s, ev.data)
    if s.round_type not in ("buzzer", "sudden_death"):
        raise _err("no_buzzing", "no buzzing in a {round_type} round", round_type=s.round_type)
    if s.in_tiebreak and team not in s.contenders:
        raise _err("not_contender", "team '{team}' is not in the sudden death", team=team)
    if team in s.early_buzzes or any(t == team for t, _ in s.buzz_order):
        raise _err("already_buzzed", "team '{team}' has already buzzed on this question", team=team)
    if s.status == "judged":
        raise _err("already_judged", "this question is already judged")
    if s.status in ("pending", "shown"):
        s.early_buzzes.append(team)
        s.marks[team] = ("early_buzz", ev.seq)
        pen = s.round.early_buzz_penalty if s.round else None
        if pen:
            _score(s, ev, team, -pen, "early_buzz")
    else:
        s.buzz_order.append((team, ev.at))
        if s.answering_team is None and not s.in_tiebreak:
            s.answering_team = team


def _on_pick_value(s: State, ev: Event) -> None:
    _need_phase(s, "running", what="pick a value")
    team = _need_team(s, ev.data)
    if s.round_type != "risk":
        raise _err("not_risk", "values are picked only in a risk round, not in a {round_type} round", round_type=s.round_type)
    if s.picked_value is not None and team == s.answering_team:
        raise _err(
            "already_picked", "team '{team}' has already picked {value:g} for this question", team=team, value=s.picked_value
        )
    if team != s.answering_team:
        raise _err(
            "not_your_pick",
            "team '{picking}' picks now, not team '{team}' (order by score: {order})",
            picking=s.answering_team,
            team=team,
            order=", ".join(s.pick_order),
        )
    values = s.round.values or ()
    value = ev.data.get("value")
    if not isinstance(value, (int, float)) or isinstance(value, bool) or float(value) not in values:
        raise _err("bad_value", "value {value!r} is not one of {values}", value=value, values=", ".join(f"{v:g}" for v in values))
    s.picked_value = float(value)


def _on_submit_choice(s: State, ev: Event) -> None:
    _need_phase(s, "running", "tiebreak", what="submit a choice")
    d = ev.data
    team = _need_team(s, d)
    if s.status != "open":
        raise _err("not_open", "answering is not open")
    if s.in_tiebreak:
        if team not in s.contenders:
            raise _err("not_contender", "team '{team}' is not in the sudden death", team=team)
    elif s.answering_team is None:
        raise _err("nobody_buzzed", "team '{team}' cannot answer this question: nobody has buzzed yet", team=team)
    elif team != s.answering_team:
        raise _err(
            "not_answering",
            "team '{team}' cannot answer this question: team '{answering}' answers",
            team=team,
            answering=s.answering_team,
        )
    if team in s.choices:
        raise _err("already_submitted", "team '{team}' has already submitted a choice", team=team)
    if team in s.judged:
        raise _err("team_judged", "team '{team}' has already been judged on this question", team=team)
    if s.deadline and ev.at and _parse(ev.at) > _parse(s.deadline):
        raise _err("time_up", "team '{team}': the time is up", team=team)
    try:
        choice = normalize_response(s.question.question, d.get("choice"))
    except ResponseError as e:
        raise _err("bad_choice", "{detail}", detail=str(e), team=team) from None
    if choice is None:
        raise _err("empty_choice", "team '{team}' submitted an empty choice", team=team)
    s.choices[team] = choice
    d["choice"] = choice


def _on_judge(s: State, ev: Event) -> None:
    _need_phase(s, "running", "tiebreak", what="judge")
    d = ev.data
    result = d.get("result")
    if result not in RESULTS:
        raise _err("bad_result", "result is right, wrong or timeout, not {result!r}", result=result)
    if s.status == "pending":
        raise _err("not_shown", "nothing to judge: the question is not shown")
    if s.status not in ("shown", "open"):
        raise _err("already_judged", "this question is already judged")
    if s.in_tiebreak:
        team = d.get("team")
        if not team:
            raise _err("judge_which", "judge which team? one of {teams}", teams=", ".join(s.contenders))
        if team not in s.contenders:
            raise _err("not_contender", "team '{team}' is not in the sudden death", team=team)
        if team in s.judged:
            raise _err("team_judged", "team '{team}' has already been judged on this question", team=team)
        s.judged[team] = result
        _score(s, ev, team, 0, "tiebreak_right" if result == "right" else "tiebreak_wrong")
        if all(t in s.judged for t in s.contenders):
            s.status = "judged"  # every contender judged: the host may go on
        return
    team = s.answering_team
    if team is None:
        raise _err(
            "nobody_answering",
            "nobody is answering this question" + (" (no team has buzzed)" if s.round_type == "buzzer" else ""),
        )
    if d.get("team") not in (None, team):
        raise _err("wrong_team", "team '{team}' is not answering: team '{answering}' is", team=d["team"], answering=team)
    rnd = s.round
    gain = (s.picked_value if rnd.type == "risk" else rnd.points) or 0
    loss = (s.picked_value if rnd.type == "risk" else rnd.penalty) or 0
    s.judged[team] = result
    s.status = "judged"
    _score(s, ev, team, gain if result == "right" else -loss, result, gain=gain, loss=loss)


def _on_reveal_answer(s: State, ev: Event) -> None:
    _need_phase(s, "running", "tiebreak", what="reveal the answer")
    if s.status == "pending":
        raise _err("answer_before_question", "show the question before its answer")
    if s.answer_revealed:
        raise _err("answer_shown", "the answer is already shown")
    s.answer_revealed = True


def _on_next(s: State, ev: Event) -> None:
    _need_phase(s, "running", "tiebreak", what="go on")
    if s.in_tiebreak:
        missing = [t for t in s.contenders if t not in s.judged]
        if s.status == "pending" or missing:
            raise _err(
                "judge_all_first",
                "judge every team in the sudden death first (missing: {missing})",
                missing=", ".join(missing) or "the question",
            )
        right = [t for t in s.contenders if s.judged[t] == "right"]
        if len(right) == 1:
            s.tiebreak_order.append(right[0])
            s.tiebreak_winners.append(right[0])
            s.contenders = [t for t in s.contenders if t != right[0]]
        s.tiebreak_used = s.question_index + 1
        if len(s.contenders) >= 2 and not s.tiebreak_exhausted:
            _enter_question(s, s.tiebreak_used, ev.seq)
            return
        if len(s.contenders) == 1:
            s.tiebreak_order.append(s.contenders[0])
        s.contenders = []
        _end_play(s, ev.seq)
        return
    rnd = s.round
    if s.status == "pending":
        raise _err("show_before_next", "show the question before going on")
    if s.status != "judged" and (rnd.type != "buzzer" or s.answering_team):
        raise _err("judge_first", "judge team '{team}' before going on", team=s.answering_team)
    if s.question_index + 1 < len(rnd.questions):
        _enter_question(s, s.question_index + 1, ev.seq)
    elif s.round_index + 1 < len(s.setup.rounds):
        _enter_round(s, s.round_index + 1, ev.seq)
    else:
        _end_play(s, ev.seq)


def _on_undo(s: State, ev: Event) -> None:
    d = ev.data
    if not (d.get("reason") or "").strip():
        raise _err("undo_reason", "an undo needs a reason")
    reason = d["reason"].strip()
    target = d.get("target")
    if target is not None and not any(a.seq == target for a in s.history):
        raise _err("undo_target", "event {target} is not a scoring action (an undo cannot be undone)", target=target)
    live = [a for a in s.history if a.undone_by is None]
    if not live:
        raise _err("nothing_to_undo", "there is no scoring action to undo")
    a = live[-1]
    if target is not None and target != a.seq:
        raise _err(
            "undo_only_last",
            "only the last scoring action (event {last}) can be undone, not event {target}",
            last=a.seq,
            target=target,
        )
    if s.phase == "finished":
        raise _err("phase_finished", "the competition is finished")
    here = a.round_index == (None if s.in_tiebreak else s.round_index) and a.question_index == s.question_index
    if a.round_index is None and not (s.in_tiebreak and here):
        raise _err("undo_decided", "that sudden-death question is decided and cannot be undone")
    if s.in_tiebreak and not here:
        raise _err("undo_in_tiebreak", "during a sudden death only its current question can be undone")
    a.undone_by, a.undo_reason = ev.seq, reason
    s.scores[a.team] -= a.delta
    s.last_change[a.team] = (-a.delta, ev.seq)
    s.marks[a.team] = ("undo", ev.seq)
    d["target"] = a.seq
    if a.reason == "correction":  # the corrected judgment counts as it did before
        original = next(x for x in s.history if x.seq == a.corrects)
        original.result, original.effective = a.previous_result, original.effective - a.delta
        original.corrected_by = next(
            (x.seq for x in reversed(s.history) if x.corrects == original.seq and x.undone_by is None), None
        )
        if original.round_index == s.round_index and original.question_index == s.question_index and original.team in s.judged:
            s.judged[original.team] = original.result
    elif here and a.reason not in ("early_buzz", "adjust"):
        s.judged.pop(a.team, None)
        if s.status == "judged":
            s.status = "open" if s.open_at else "shown"


def _on_correct(s: State, ev: Event) -> None:
    """Correct an earlier judgment (any question, not only the last): the difference is scored as a
    correction; the judgment itself stays in the log."""
    _need_phase(s, "running", "ended", what="correct a judgment")
    d = ev.data
    result = d.get("result")
    if result not in RESULTS:
        raise _err("bad_result", "result is right, wrong or timeout, not {result!r}", result=result)
    target = d.get("target")
    a = next((x for x in s.history if x.seq == target and x.reason in RESULTS), None)
    if a is None:
        raise _err("correct_target", "event {target} is not a judgment that can be corrected", target=target)
    if a.undone_by is not None:
        raise _err("correct_undone", "event {target} was undone", target=target)
    if a.result == result:
        raise _err("correct_same", "event {target} is already judged {result}", target=target, result=result)
    reason = (d.get("reason") or "").strip()
    if not reason:
        raise _err("correct_reason", "a correction needs a reason")
    new = a.gain if result == "right" else -a.loss
    diff = new - a.effective
    previous = a.result
    action = _score(s, ev, a.team, diff, "correction", corrects=a.seq, previous_result=previous, note=reason)
    action.result = result
    s.marks[a.team] = ("correction", ev.seq)
    a.result, a.effective, a.corrected_by = result, new, ev.seq
    if a.round_index == s.round_index and a.question_index == s.question_index and a.team in s.judged:
        s.judged[a.team] = result


def _on_adjust(s: State, ev: Event) -> None:
    """裁判加减分: the host adds or takes points from a team by hand, with a reason."""
    _need_phase(s, "running", "ended", what="adjust a score")
    d = ev.data
    team = _need_team(s, d)
    delta = d.get("delta")
    if not isinstance(delta, (int, float)) or isinstance(delta, bool) or not delta or abs(delta) > 10_000:
        raise _err("adjust_delta", "an adjustment is a number of points other than 0, not {delta!r}", delta=delta)
    reason = (d.get("reason") or "").strip()
    if not reason:
        raise _err("adjust_reason", "an adjustment needs a reason")
    _score(s, ev, team, float(delta), "adjust", note=reason)


def _on_tiebreak(s: State, ev: Event) -> None:
    _need_phase(s, "ended", what="start a sudden death")
    d = ev.data
    if not s.setup.tiebreak:
        raise _err("no_tiebreak", "this competition has no tiebreak questions")
    if s.tiebreak_exhausted:
        raise _err("tiebreak_used_up", "the sudden-death questions are used up")
    teams = d.get("teams") or s.top_tie()
    for t in teams:
        s.setup.team(t)
    if len(teams) < 2 or len({s.scores[t] for t in teams}) != 1:
        raise _err("tiebreak_level", "a sudden death is for two or more teams level on score")
    if any(t in s.tiebreak_order for t in teams):
        raise _err("tiebreak_separated", "those teams were already separated by sudden death")
    d["teams"] = list(teams)
    s.contenders = list(teams)
    s.phase = "tiebreak"
    s.pick_order = []
    _enter_question(s, s.tiebreak_used, ev.seq)


def _on_finish(s: State, ev: Event) -> None:
    if s.phase == "finished":
        raise _err("already_finished", "the competition is already finished")
    _need_phase(s, "ended", what="finish")
    if s.needs_tiebreak:
        raise _err("level_on_top", "teams {teams} are level on top: run the sudden death first", teams=", ".join(s.top_tie()))
    s.phase = "finished"
    s.finished_at = ev.at
    s.status = None
    s.ranking = s.standings()


HANDLERS = {
    "start": _on_start,
    "reveal": _on_reveal,
    "open": _on_open,
    "buzz": _on_buzz,
    "pick_value": _on_pick_value,
    "submit_choice": _on_submit_choice,
    "judge": _on_judge,
    "reveal_answer": _on_reveal_answer,
    "next": _on_next,
    "undo": _on_undo,
    "correct": _on_correct,
    "adjust": _on_adjust,
    "tiebreak": _on_tiebreak,
    "finish": _on_finish,
}


def step(s: State, ev: Event) -> None:
    """Apply one event to ``s`` in place, raising ``CompetitionRuleError`` if it is not legal."""
    handler = HANDLERS.get(ev.kind)
    if handler is None:
        raise _err("unknown_event", "unknown event kind {kind!r}", kind=ev.kind)
    handler(s, ev)


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
        raise _err("bad_command", "a command is a dict with a 'kind'")
    kind = command["kind"]
    data = {k: v for k, v in command.items() if k != "kind"}
    if kind not in HOST_COMMANDS | TEAM_COMMANDS:
        raise _err("unknown_command", "unknown command {kind!r}", kind=kind)
    new = copy.deepcopy(state, {id(state.setup): state.setup})  # the setup is immutable: share it
    if kind == "auto_judge":
        team = state.answering_team if not state.in_tiebreak else data.get("team")
        if team is None:
            if state.in_tiebreak:
                raise _err("judge_which", "judge which team? one of {teams}", teams=", ".join(state.contenders))
            raise _err("nobody_answering", "nobody is answering this question")
        if team not in state.choices:
            raise _err("no_choice", "team '{team}' has not submitted a choice", team=team)
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


# -- what the host may do now -----------------------------------------------------------------------
def _legal(state: State, command: dict) -> bool:
    try:
        advance(state, command)
    except CompetitionRuleError:
        return False
    return True


def judge_targets(state: State) -> list[str]:
    """The teams the host can judge now: the answering team, or every contender not yet judged in a
    sudden-death question."""
    candidates = state.contenders if state.in_tiebreak else [state.answering_team] if state.answering_team else []
    return [t for t in candidates if _legal(state, {"kind": "judge", "result": "right", "team": t})]


def _may_buzz(state: State) -> list[str]:
    """The teams worth trying a buzz for (each try copies the state)."""
    if state.round_type not in ("buzzer", "sudden_death") or state.status not in ("shown", "open"):
        return []
    return list(state.contenders if state.in_tiebreak else state.setup.team_names)


def buzz_targets(state: State) -> list[str]:
    """The teams that may buzz now (a buzz before answering opens is an early one). Teams alike for the
    buzz rule (in the sudden death or not, buzzed on this question or not) share one try: each try copies
    the state, and one per team cost a 60-team console 0.1-0.2 s per event."""
    buzzed = set(state.early_buzzes) | {t for t, _ in state.buzz_order}
    legal: dict[tuple[bool, bool], bool] = {}
    out = []
    for team in _may_buzz(state):
        alike = (team in state.contenders, team in buzzed)
        if alike not in legal:
            legal[alike] = _legal(state, {"kind": "buzz", "team": team})
        if legal[alike]:
            out.append(team)
    return out


def correctable(state: State) -> list[ScoreAction]:
    """Judgments that a ``correct`` may change now (every judgment not undone, newest first)."""
    if state.phase not in ("running", "ended"):
        return []
    return [a for a in reversed(state.history) if a.reason in RESULTS and a.undone_by is None]


def allowed_commands(state: State) -> frozenset[str]:
    """The host commands that are legal now: the host console offers exactly these.

    A command counts as allowed when the rules accept it with some data (a team, a value, a reason),
    so this answer never differs from what ``advance`` does."""
    probes: dict[str, list[dict]] = {
        "start": [{}],
        "reveal": [{}],
        "open": [{}],
        "judge": [{"result": "right", "team": t} for t in judge_targets(state)[:1]],
        "auto_judge": [{"team": t} for t in state.choices],
        "buzz": [{"team": t} for t in _may_buzz(state)],  # any() below stops at the first team that may
        "pick_value": [{"team": state.must_pick, "value": state.round.values[0]}] if state.must_pick and state.round else [],
        "reveal_answer": [{}],
        "next": [{}],
        "undo": [{"reason": "?"}],
        "correct": [
            {"target": a.seq, "result": "wrong" if a.result == "right" else "right", "reason": "?"}
            for a in correctable(state)[:1]
        ],
        "adjust": [{"team": state.setup.team_names[0], "delta": 1, "reason": "?"}],
        "tiebreak": [{}],
        "finish": [{}],
    }
    return frozenset(k for k, datas in probes.items() if any(_legal(state, {"kind": k, **d}) for d in datas))


def answering_now(state: State) -> list[str]:
    """Teams still answering the open question (not judged): 公布答案 now asks the host to confirm."""
    if state.status != "open":
        return []
    teams = state.contenders if state.in_tiebreak else [state.answering_team] if state.answering_team else []
    return [t for t in teams if t not in state.judged]


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
            "blanks": len(q.answer or []) if q.type == "fill_blank" else None,
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
        "buzz_times": [at for _, at in state.buzz_order],
        "early_buzzes": list(state.early_buzzes),
        "submitted": sorted(state.choices),
        "choices": dict(state.choices) if show_key else {},
        "judged": dict(state.judged),
        "contenders": list(state.contenders),
        "scores": dict(state.scores),
        "last_change": {t: v[0] for t, v in state.last_change.items() if v[1] > state.entered_seq},
        "marks": {t: v[0] for t, v in state.marks.items() if v[1] > state.entered_seq},
        "corrections": [
            {"seq": a.seq, "team": a.team, "delta": a.delta, "reason": a.reason, "note": a.note, "result": a.result}
            for a in state.history
            if a.reason in ("correction", "adjust") and a.undone_by is None and a.seq > state.entered_seq
        ],
        "standings": state.standings(),
        "ranking": list(state.ranking),
        "needs_tiebreak": state.needs_tiebreak,
        "top_tie": state.top_tie() if state.phase == "ended" else [],
        "tiebreak_winners": list(state.tiebreak_winners),
        "teams": [{"name": t.name, "members": len(t.members)} for t in state.setup.teams],
    }
