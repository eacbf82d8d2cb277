"""Which commands the host console may offer, as a table over states (every tie-break state included),
and corrections of earlier judgments: what the library answers, never what a page works out."""

from __future__ import annotations

import re

import pytest

from quizzes.competition import (
    CompetitionRuleError,
    advance,
    allowed_commands,
    answering_now,
    build_setup,
    buzz_targets,
    judge_targets,
    public_view,
)
from tests.conftest import ROOT
from tests.test_competition_rules import COMP, judge, play, required, to_risk
from ui.i18n import EN, ZH


@pytest.fixture
def setup():
    return build_setup(COMP, [("A", [], None), ("B", [], None), ("C", [], None)], seed=7)


def pick(team: str, value: float = 10) -> dict:
    return {"kind": "pick_value", "team": team, "value": value}


# A and C level on 120 at the end, B on 85 (risk order A, C, B; values 10; B wrong).
TO_END = [*to_risk(("right", "wrong", "right"))] + [
    c for team in "ACB" for c in (pick(team), "reveal", "open", judge("wrong" if team == "B" else "right"), "next")
]
TB = [*TO_END, "tiebreak"]
SCORED = {"undo", "correct", "adjust"}  # allowed once something has been judged (until the sudden death)

TABLE = [
    # (state, commands, allowed, judge targets)
    ("staged", [], {"start"}, []),
    ("required: pending", ["start"], {"reveal", "adjust"}, []),
    ("required: shown", ["start", "reveal"], {"open", "judge", "reveal_answer", "adjust"}, ["A"]),
    ("required: open", ["start", "reveal", "open"], {"judge", "reveal_answer", "adjust"}, ["A"]),
    ("required: judged", ["start", "reveal", "open", judge("right")], {"reveal_answer", "next"} | SCORED, []),
    ("required: judged, answer shown", ["start", "reveal", "open", judge("right"), "reveal_answer"], {"next"} | SCORED, []),
    (
        "required: judged, undone",
        ["start", "reveal", "open", judge("right"), {"kind": "undo", "reason": "x"}],
        {"judge", "reveal_answer", "adjust"},
        ["A"],
    ),
    ("buzzer: pending", required("right", "right", "right"), {"reveal"} | SCORED, []),
    ("buzzer: shown", [*required("right", "right", "right"), "reveal"], {"open", "buzz", "reveal_answer", "next"} | SCORED, []),
    (
        "buzzer: early buzz",
        [*required("right", "right", "right"), "reveal", {"kind": "buzz", "team": "A"}],
        {"open", "buzz", "reveal_answer", "next"} | SCORED,
        [],
    ),
    (
        "buzzer: open, nobody buzzed",
        [*required("right", "right", "right"), "reveal", "open"],
        {"buzz", "reveal_answer", "next"} | SCORED,
        [],
    ),
    (
        "buzzer: B buzzed",
        [*required("right", "right", "right"), "reveal", "open", {"kind": "buzz", "team": "B"}],
        {"buzz", "judge", "reveal_answer"} | SCORED,
        ["B"],
    ),
    (
        "buzzer: B judged",
        [*required("right", "right", "right"), "reveal", "open", {"kind": "buzz", "team": "B"}, judge("wrong")],
        {"reveal_answer", "next"} | SCORED,
        [],
    ),
    ("risk: A must pick", to_risk(), {"pick_value"} | SCORED, []),
    ("risk: A picked", [*to_risk(), pick("A")], {"reveal"} | SCORED, []),
    ("risk: shown", [*to_risk(), pick("A"), "reveal"], {"open", "judge", "reveal_answer"} | SCORED, ["A"]),
    ("ended level on top", TO_END, {"tiebreak"} | SCORED, []),
    ("tiebreak: pending", TB, {"reveal"}, []),
    ("tiebreak: shown", [*TB, "reveal"], {"open", "buzz", "judge", "reveal_answer"}, ["A", "C"]),
    ("tiebreak: open", [*TB, "reveal", "open"], {"buzz", "judge", "reveal_answer"}, ["A", "C"]),
    (
        "tiebreak: C buzzed",
        [*TB, "reveal", "open", {"kind": "buzz", "team": "C"}],
        {"buzz", "judge", "reveal_answer"},
        ["A", "C"],
    ),
    ("tiebreak: A judged", [*TB, "reveal", "open", judge("wrong", team="A")], {"buzz", "judge", "reveal_answer", "undo"}, ["C"]),
    # the defect of issue 14: both judged, the console must offer 下一题
    (
        "tiebreak: both judged",
        [*TB, "reveal", "open", judge("wrong", team="A"), judge("wrong", team="C")],
        {"next", "reveal_answer", "undo"},
        [],
    ),
    (
        "tiebreak: both judged, answer shown",
        [*TB, "reveal", "open", judge("right", team="A"), judge("right", team="C"), "reveal_answer"],
        {"next", "undo"},
        [],
    ),
    (
        "tiebreak: second question",
        [*TB, "reveal", "open", judge("wrong", team="A"), judge("wrong", team="C"), "next"],
        {"reveal"},
        [],
    ),
    (
        "ended after the tiebreak",
        [*TB, "reveal", "open", judge("wrong", team="A"), judge("right", team="C"), "next"],
        {"finish", "correct", "adjust"},
        [],
    ),
    ("finished", [*TB, "reveal", "open", judge("wrong", team="A"), judge("right", team="C"), "next", "finish"], set(), []),
]


@pytest.mark.parametrize("name, commands, allowed, targets", TABLE, ids=[row[0] for row in TABLE])
def test_allowed_commands_over_states(setup, name, commands, allowed, targets):
    state, _ = play(setup, *commands)
    assert allowed_commands(state) == allowed
    assert judge_targets(state) == targets


@pytest.mark.parametrize("name, commands, allowed, targets", TABLE, ids=[row[0] for row in TABLE])
def test_buzz_targets_are_what_a_buzz_of_each_team_would_do(setup, name, commands, allowed, targets):
    """buzz_targets tries one team per kind of team (it is cheaper): the same answer as trying every team
    (once the question is shown: the console offers no buzz for a question not shown yet)."""
    state, _ = play(setup, *commands)
    for extra in ([], [{"kind": "buzz", "team": "A"}], [{"kind": "buzz", "team": "C"}, {"kind": "buzz", "team": "B"}]):
        try:
            now, _ = play(setup, *commands, *extra)
        except CompetitionRuleError:
            continue
        every = []
        offered = now.round_type in ("buzzer", "sudden_death") and now.status in ("shown", "open")  # by design
        for team in ("A", "B", "C") if offered else ():
            try:
                advance(now, {"kind": "buzz", "team": team})
            except CompetitionRuleError:
                continue
            every.append(team)
        assert buzz_targets(now) == every, (name, extra)
    assert ("buzz" in allowed) == bool(buzz_targets(state))


@pytest.mark.parametrize("name, commands, allowed, targets", TABLE, ids=[row[0] for row in TABLE])
def test_what_is_not_allowed_is_refused(setup, name, commands, allowed, targets):
    """The other side of the table: a command left out is refused by the rules, whatever the data."""
    state, _ = play(setup, *commands)
    tries = {
        "start": [{}],
        "reveal": [{}],
        "open": [{}],
        "next": [{}],
        "finish": [{}],
        "tiebreak": [{}],
        "reveal_answer": [{}],
        "undo": [{"reason": "x"}],
        "judge": [{"result": "right", "team": t} for t in "ABC"],
        "buzz": [{"team": t} for t in "ABC"],
    }
    for kind, datas in tries.items():
        if kind in allowed or (kind == "buzz" and state.status == "pending"):
            continue  # (a buzz before the question is shown is an early one, from a phone: legal, not offered)
        for data in datas:
            with pytest.raises(CompetitionRuleError):
                advance(state, {"kind": kind, **data})


def test_the_tiebreak_runs_to_a_winner_by_what_is_allowed(setup):
    """Play the sudden death by pressing only allowed buttons: it reaches a winner and finishes."""
    state, events = play(setup, *TB)
    for result_a, result_c in (("right", "right"), ("wrong", "right")):
        for c in ("reveal", "open", judge(result_a, team="A"), judge(result_c, team="C"), "next"):
            kind = c if isinstance(c, str) else c["kind"]
            assert kind in allowed_commands(state), (kind, state.phase, state.status)
            state, events = play(setup, c, events=events)
    assert state.phase == "ended" and "finish" in allowed_commands(state)
    state, _ = play(setup, "finish", events=events)
    assert [r["team"] for r in state.ranking] == ["C", "A", "B"]
    assert public_view(state)["tiebreak_winners"] == ["C"]


def test_reveal_answer_while_answering_asks_to_confirm(setup):
    state, _ = play(setup, "start", "reveal", "open")
    assert answering_now(state) == ["A"]
    state, _ = play(setup, "start", "reveal", "open", judge("right"))
    assert answering_now(state) == []


# -- corrections ------------------------------------------------------------------------------------
def test_correct_an_earlier_judgment_keeps_later_scores(setup):
    state, events = play(setup, *required("right", "wrong", "right"))  # A +10, B −5, C +10
    b_judgment = next(a for a in state.history if a.team == "B")
    state, events = play(setup, "reveal", "open", {"kind": "buzz", "team": "A"}, judge("right"), events=events)
    state, events = play(
        setup, {"kind": "correct", "target": b_judgment.seq, "result": "right", "reason": "录像回看：B 答对"}, events=events
    )
    assert state.scores == {"A": 120, "B": 110, "C": 110}  # B: −5 becomes +10; A's later +10 kept
    view = public_view(state)
    assert view["marks"]["B"] == "correction" and view["last_change"]["B"] == 15
    assert view["corrections"] == [
        {"seq": state.seq, "team": "B", "delta": 15, "reason": "correction", "note": "录像回看：B 答对", "result": "right"}
    ]
    assert [e.kind for e in events].count("judge") == 4  # the log only grew: the judgment stays
    with pytest.raises(CompetitionRuleError, match="already judged right"):
        advance(state, {"kind": "correct", "target": b_judgment.seq, "result": "right", "reason": "again"})
    # corrected back, then the correction undone: each step replays exactly
    state, events = play(
        setup, {"kind": "correct", "target": b_judgment.seq, "result": "timeout", "reason": "再更正"}, events=events
    )
    assert state.scores["B"] == 95
    state, events = play(setup, {"kind": "undo", "reason": "撤销更正"}, events=events)
    assert state.scores["B"] == 110 and next(a for a in state.history if a.seq == b_judgment.seq).result == "right"


def test_adjust_by_hand_needs_a_reason_and_shows_as_a_correction(setup):
    state, _ = play(setup, "start")
    with pytest.raises(CompetitionRuleError, match="needs a reason"):
        advance(state, {"kind": "adjust", "team": "B", "delta": -5})
    with pytest.raises(CompetitionRuleError, match="other than 0"):
        advance(state, {"kind": "adjust", "team": "B", "delta": 0, "reason": "x"})
    state, _ = play(setup, "start", {"kind": "adjust", "team": "B", "delta": -5, "reason": "场外提示"})
    assert state.scores["B"] == 95 and public_view(state)["marks"]["B"] == "adjust"


def test_marks_are_cleared_between_questions(setup):
    state, _ = play(setup, "start", "reveal", "open", judge("right"))
    assert public_view(state)["last_change"] == {"A": 10} and public_view(state)["marks"] == {"A": "right"}
    state, _ = play(setup, "start", "reveal", "open", judge("right"), "next")
    assert public_view(state)["last_change"] == {} and public_view(state)["marks"] == {}


def test_early_buzz_is_a_foul_on_the_view(setup):
    state, _ = play(setup, *required("right", "right", "right"), "reveal", {"kind": "buzz", "team": "C"})
    view = public_view(state)
    assert view["early_buzzes"] == ["C"] and view["marks"]["C"] == "early_buzz" and view["last_change"]["C"] == -5


def test_every_rule_code_has_a_chinese_and_english_text():
    codes = set()
    for path in (ROOT / "quizzes" / "competition.py", ROOT / "tracker" / "competitions.py"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'_err\(\s*"([a-z_]+)"', text))
        codes |= set(
            re.findall(r'(?:CompetitionRuleError|CommandRefused)\(\s*(?:f?"[^"\n]*"|text|str\(e\)),\s*"([a-z_]+)"', text)
        )
    codes |= {f"phase_{p}" for p in ("setup", "running", "ended", "tiebreak", "finished")}
    assert len(codes) > 50
    for code in codes:
        assert f"rule.{code}" in ZH and f"rule.{code}" in EN, code


def test_the_console_and_staging_lists_are_for_hosts_only(tracker):
    from tracker import AccessDenied
    from tracker import competitions as comps
    from tracker.store import Account

    tracker.add_employee("E1", "张三", "安监部")
    run = comps.create_run(tracker, Account("org", "organizer"), COMP, seed=1)
    host = comps.Live(tracker, Account("org", "organizer"))
    assert host.console(run)["allowed"] == {"start"} and host.departments() == ["安监部"]
    employee = comps.Live(tracker, Account("e1", "employee", "E1"))
    for call in (lambda: employee.console(run), employee.departments, employee.captain_choices):
        with pytest.raises(AccessDenied):
            call()
    comps.clear_cache()
