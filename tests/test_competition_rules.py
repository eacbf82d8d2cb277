"""The pure rules of a live competition: scoring per round type, buzzes, risk picks, undo, sudden death."""

from __future__ import annotations

import datetime as dt

import pytest

from quizzes.competition import (
    CompetitionRuleError,
    Setup,
    advance,
    apply,
    build_setup,
    initial,
    public_view,
    replay,
)
from quizzes.model import LiveCompetition

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def q(qid: str, answer: str = "A") -> dict:
    return {
        "id": qid,
        "type": "single",
        "prompt": f"题目 {qid}？",
        "options": ["甲", "乙", "丙"],
        "answer": answer,
        "explanation": "因为甲",
    }


COMP = LiveCompetition.model_validate(
    {
        "id": "test-live",
        "title": "测试现场赛",
        "kind": "competition",
        "start_score": 100,
        "teams": [{"name": "A"}, {"name": "B"}, {"name": "C"}],
        "rounds": [
            {
                "name": "必答题",
                "type": "required",
                "per_team": 1,
                "points": 10,
                "penalty": 5,
                "time_limit": "30s",
                "questions": [q("r1"), q("r2"), q("r3")],
            },
            {
                "name": "抢答题",
                "type": "buzzer",
                "points": 10,
                "penalty": 10,
                "early_buzz_penalty": 5,
                "time_limit": "20s",
                "questions": [q("b1"), q("b2")],
            },
            {
                "name": "风险题",
                "type": "risk",
                "values": [10, 20, 30],
                "per_team": 1,
                "time_limit": "60s",
                "questions": [q("k1"), q("k2"), q("k3")],
            },
        ],
        "tiebreak": {"questions": [q("t1"), q("t2"), q("t3", "B")]},
    }
)


@pytest.fixture
def setup() -> Setup:
    return build_setup(COMP, [("A", [], None), ("B", [], None), ("C", [], None)], seed=7)


def play(setup: Setup, *commands, events=None):
    """Apply commands in order (server time: one second apart); return (state, events)."""
    events = list(events or [])
    state = replay(setup, events)
    for c in commands:
        c = {"kind": c} if isinstance(c, str) else c
        ev, state = advance(state, c, at=(T0 + dt.timedelta(seconds=state.seq + 1)).isoformat(timespec="milliseconds"))
        events.append(ev)
    return state, events


def judge(result: str, **kw) -> dict:
    return {"kind": "judge", "result": result, **kw}


def turn(result: str) -> list:
    """Show, open, judge and go on (the answering team is set by the round)."""
    return ["reveal", "open", judge(result), "next"]


def required(*results: str) -> list:
    return ["start", *[c for r in results for c in turn(r)]]


# -- required round ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "results, scores",
    [
        (("right", "right", "right"), {"A": 110, "B": 110, "C": 110}),
        (("right", "wrong", "timeout"), {"A": 110, "B": 95, "C": 95}),
        (("wrong", "wrong", "right"), {"A": 95, "B": 95, "C": 110}),
    ],
)
def test_required_round_scores(setup, results, scores):
    state, _ = play(setup, *required(*results))
    assert state.scores == scores
    assert state.round_type == "buzzer" and state.question_index == 0 and state.status == "pending"


def test_required_questions_go_team_by_team(setup):
    assert [sq.team for sq in setup.rounds[0].questions] == ["A", "B", "C"]
    state, _ = play(setup, "start")
    assert state.answering_team == "A" and state.round_name == "必答题"
    state, _ = play(setup, "start", *turn("right"))
    assert state.answering_team == "B"
    assert state.last_change == {"A": (10, 4)}


def test_open_sets_the_countdown(setup):
    state, events = play(setup, "start", "reveal", "open")
    assert state.open_at == events[-1].at
    assert dt.datetime.fromisoformat(state.deadline) - dt.datetime.fromisoformat(state.open_at) == dt.timedelta(seconds=30)


# -- buzzer round -----------------------------------------------------------------------------
@pytest.mark.parametrize("result, c_score", [("right", 120), ("wrong", 100), ("timeout", 100)])
def test_buzzer_first_buzz_answers(setup, result, c_score):
    state, _ = play(
        setup,
        *required("right", "right", "right"),
        "reveal",
        "open",
        {"kind": "buzz", "team": "C"},
        {"kind": "buzz", "team": "A"},
        judge(result),
    )
    assert [t for t, _ in state.buzz_order] == ["C", "A"]
    assert state.scores == {"A": 110, "B": 110, "C": c_score}


def test_early_buzz_is_penalised_and_may_not_answer(setup):
    state, _ = play(setup, *required("right", "right", "right"), "reveal", {"kind": "buzz", "team": "B"})
    assert state.scores["B"] == 105 and state.early_buzzes == ["B"]
    assert state.history[-1].reason == "early_buzz"
    with pytest.raises(CompetitionRuleError, match="already buzzed"):
        apply(state, {"kind": "buzz", "team": "B"})
    state, _ = play(
        setup,
        *required("right", "right", "right"),
        "reveal",
        {"kind": "buzz", "team": "B"},
        "open",
        {"kind": "buzz", "team": "A"},
        judge("right"),
    )
    assert state.scores == {"A": 120, "B": 105, "C": 110}


def test_buzzer_question_nobody_buzzed_can_be_skipped(setup):
    state, _ = play(setup, *required("right", "right", "right"), "reveal", "open", "reveal_answer", "next")
    assert state.question_index == 1 and state.scores == {"A": 110, "B": 110, "C": 110}


# -- risk round -------------------------------------------------------------------------------
def to_risk(results=("right", "wrong", "right")) -> list:
    """Required round with ``results``, then both buzzer questions skipped."""
    return [*required(*results), "reveal", "open", "next", "reveal", "open", "next"]


@pytest.mark.parametrize(
    "results, order",
    [
        (("right", "wrong", "right"), ["A", "C", "B"]),  # A and C level: team order
        (("wrong", "wrong", "right"), ["C", "A", "B"]),
        (("wrong", "right", "wrong"), ["B", "A", "C"]),
        (("right", "right", "right"), ["A", "B", "C"]),
    ],
)
def test_risk_pick_order_by_score_then_team_order(setup, results, order):
    state, _ = play(setup, *to_risk(results))
    assert state.round_type == "risk"
    assert state.pick_order == order and state.must_pick == order[0]


@pytest.mark.parametrize("value, result, delta", [(30, "right", 30), (20, "wrong", -20), (10, "timeout", -10)])
def test_risk_value_earned_or_lost(setup, value, result, delta):
    state, _ = play(setup, *to_risk(), {"kind": "pick_value", "team": "A", "value": value}, "reveal", "open", judge(result))
    assert state.scores["A"] == 110 + delta


def test_risk_order_is_fixed_for_the_cycle(setup):
    state, _ = play(setup, *to_risk(), {"kind": "pick_value", "team": "A", "value": 30}, "reveal", "open", judge("wrong"), "next")
    assert state.scores["A"] == 80
    assert state.answering_team == "C"  # not re-sorted inside the cycle


# -- auto judging and time ------------------------------------------------------------------------
@pytest.mark.parametrize("choice, result, score", [("A", "right", 110), ("a", "right", 110), ("B", "wrong", 95)])
def test_auto_judge_compares_the_submitted_choice(setup, choice, result, score):
    state, events = play(
        setup, "start", "reveal", "open", {"kind": "submit_choice", "team": "A", "choice": choice}, {"kind": "auto_judge"}
    )
    assert events[-1].kind == "judge" and events[-1].data["result"] == result and events[-1].data["auto"] is True
    assert state.scores["A"] == score


def test_submit_after_the_deadline_is_refused(setup):
    state, _ = play(setup, "start", "reveal", "open")
    late = (dt.datetime.fromisoformat(state.deadline) + dt.timedelta(seconds=1)).isoformat()
    with pytest.raises(CompetitionRuleError, match="time is up"):
        apply(state, {"kind": "submit_choice", "team": "A", "choice": "A"}, at=late)
    state, _ = play(setup, judge("timeout"), events=play(setup, "start", "reveal", "open")[1])
    assert state.scores["A"] == 95


# -- undo -------------------------------------------------------------------------------------
def test_undo_reverses_the_last_scoring_action(setup):
    state, events = play(setup, "start", "reveal", "open", judge("wrong"), {"kind": "undo", "reason": "主持人误判"})
    assert state.scores["A"] == 100
    assert state.history[-1].undone_by == events[-1].seq and state.history[-1].undo_reason == "主持人误判"
    assert events[-1].data["target"] == events[-2].seq
    assert state.status == "open"  # may be judged again
    state, _ = play(setup, judge("right"), events=events)
    assert state.scores["A"] == 110


def test_undo_of_an_earlier_question_and_of_an_early_buzz(setup):
    state, _ = play(setup, *required("right", "wrong", "right"), {"kind": "undo", "reason": "复核"})
    assert state.scores == {"A": 110, "B": 95, "C": 100}
    state, _ = play(setup, {"kind": "undo", "reason": "复核"}, events=play(setup, *required("right", "wrong", "right"))[1])
    state, _ = play(
        setup,
        *required("right", "right", "right"),
        "reveal",
        {"kind": "buzz", "team": "B"},
        {"kind": "undo", "reason": "按键误触"},
    )
    assert state.scores["B"] == 110


@pytest.mark.parametrize(
    "commands, undo, message",
    [
        (["start"], {"kind": "undo", "reason": "x"}, "no scoring action to undo"),
        (["start", "reveal", "open", judge("wrong")], {"kind": "undo"}, "needs a reason"),
        (
            ["start", "reveal", "open", judge("wrong"), {"kind": "undo", "reason": "x"}],
            {"kind": "undo", "reason": "y", "target": 5},
            "an undo cannot be undone",
        ),
    ],
)
def test_illegal_undo(setup, commands, undo, message):
    state, _ = play(setup, *commands)
    with pytest.raises(CompetitionRuleError, match=message):
        apply(state, undo)


# -- ties and sudden death ----------------------------------------------------------------------
def to_end(setup):
    """A and C level on 110 at the end, B on 95."""
    state, events = play(setup, *to_risk(("right", "wrong", "right")))
    for team in state.pick_order:
        state, events = play(
            setup,
            {"kind": "pick_value", "team": team, "value": 10},
            "reveal",
            "open",
            judge("right" if team != "B" else "wrong"),
            "next",
            events=events,
        )
    return state, events


def test_tie_sudden_death_winner(setup):
    state, events = to_end(setup)
    assert state.phase == "ended" and state.scores == {"A": 120, "B": 85, "C": 120}
    assert state.needs_tiebreak and state.top_tie() == ["A", "C"]
    with pytest.raises(CompetitionRuleError, match="level on top"):
        apply(state, {"kind": "finish"})
    state, events = play(
        setup, "tiebreak", "reveal", "open", judge("wrong", team="A"), judge("wrong", team="C"), "next", events=events
    )
    assert state.phase == "tiebreak" and state.question_index == 1 and state.contenders == ["A", "C"]
    state, events = play(setup, "reveal", "open", judge("wrong", team="A"), judge("right", team="C"), "next", events=events)
    assert state.phase == "ended" and state.tiebreak_order == ["C", "A"] and not state.needs_tiebreak
    state, events = play(setup, "finish", events=events)
    assert state.phase == "finished"
    assert state.ranking == [
        {"rank": 1, "team": "C", "score": 120},
        {"rank": 2, "team": "A", "score": 120},
        {"rank": 3, "team": "B", "score": 85},
    ]
    assert state.scores == {"A": 120, "B": 85, "C": 120}  # sudden death does not score


def test_sudden_death_used_up_leaves_a_shared_rank(setup):
    state, events = to_end(setup)
    for _ in range(3):
        state, events = play(
            setup,
            *(["tiebreak"] if state.phase == "ended" else []),
            "reveal",
            "open",
            judge("right", team="A"),
            judge("right", team="C"),
            "next",
            events=events,
        )
    assert state.phase == "ended" and state.tiebreak_exhausted and not state.needs_tiebreak
    with pytest.raises(CompetitionRuleError, match="used up"):
        apply(state, {"kind": "tiebreak"})
    state, _ = play(setup, "finish", events=events)
    assert [(r["rank"], r["team"]) for r in state.ranking] == [(1, "A"), (1, "C"), (3, "B")]


def test_no_tie_finishes_directly(setup):
    state, events = play(setup, *to_risk(("right", "wrong", "wrong")))
    for team in list(state.pick_order):
        state, events = play(
            setup, {"kind": "pick_value", "team": team, "value": 10}, "reveal", "open", judge("right"), "next", events=events
        )
    assert not state.needs_tiebreak
    state, _ = play(setup, "finish", events=events)
    assert [r["team"] for r in state.ranking] == ["A", "B", "C"] and [r["rank"] for r in state.ranking] == [1, 2, 2]


# -- illegal commands ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "commands, command, message",
    [
        ([], judge("right"), "not started"),
        (["start"], "start", "cannot start"),
        (["start"], "open", "show the question before opening"),
        (["start"], judge("right"), "question is not shown"),
        (["start", "reveal", "open"], judge("maybe"), "right, wrong or timeout"),
        (["start", "reveal", "open", judge("right")], judge("right"), "already judged"),
        (["start", "reveal", "open"], "next", "judge team 'A' before going on"),
        (["start", "reveal"], {"kind": "buzz", "team": "A"}, "no buzzing in a required round"),
        (["start", "reveal", "open"], {"kind": "submit_choice", "team": "B", "choice": "A"}, "team 'A' answers"),
        (["start", "reveal", "open"], {"kind": "submit_choice", "team": "A", "choice": "Z"}, "not one of the options"),
        (["start", "reveal", "open"], {"kind": "auto_judge"}, "has not submitted a choice"),
        (["start", "reveal", "open"], {"kind": "buzz", "team": "Z"}, "no team 'Z'"),
        (["start"], {"kind": "pick_value", "team": "A", "value": 10}, "only in a risk round"),
        (to_risk(), {"kind": "pick_value", "team": "A", "value": 15}, "not one of 10, 20, 30"),
        (to_risk(), {"kind": "pick_value", "team": "B", "value": 10}, "team 'A' picks now, not team 'B'"),
        (
            [*to_risk(), {"kind": "pick_value", "team": "A", "value": 10}],
            {"kind": "pick_value", "team": "A", "value": 20},
            "already picked 10",
        ),
        (to_risk(), "reveal", "must pick a value"),
        ([*required("right", "right", "right"), "reveal", "open"], judge("right"), "nobody is answering"),
        (
            [*required("right", "right", "right"), "reveal", "open", {"kind": "buzz", "team": "A"}],
            {"kind": "buzz", "team": "A"},
            "already buzzed",
        ),
        (["start"], "finish", "cannot finish"),
        (["start"], "tiebreak", "cannot start a sudden death"),
        (["start"], {"kind": "fly"}, "unknown command"),
    ],
)
def test_illegal_commands_raise_clearly(setup, commands, command, message):
    state, _ = play(setup, *commands)
    command = {"kind": command} if isinstance(command, str) else command
    with pytest.raises(CompetitionRuleError, match=message):
        apply(state, command)


def test_finished_competition_takes_no_commands(setup):
    state, events = to_end(setup)
    state, events = play(
        setup, "tiebreak", "reveal", "open", judge("right", team="A"), judge("wrong", team="C"), "next", "finish", events=events
    )
    for c in ("finish", "next", "start"):
        with pytest.raises(CompetitionRuleError):
            apply(state, {"kind": c})


# -- replay, setup and the public view ------------------------------------------------------------
def test_replay_rebuilds_the_same_state(setup):
    state, events = to_end(setup)
    again = replay(Setup.from_json(setup.to_json()), [e.to_dict() for e in events])
    assert again.scores == state.scores and again.phase == state.phase and again.seq == state.seq == len(events)
    assert [a.seq for a in again.history] == [a.seq for a in state.history]


def test_apply_accepts_setup_and_events_and_does_not_mutate(setup):
    state, events = play(setup, "start", "reveal", "open")
    ev = apply((setup, events), judge("right"))
    assert ev.seq == 4 and ev.kind == "judge"
    assert state.status == "open" and state.scores["A"] == 100


def test_public_view_hides_the_key_until_revealed(setup):
    state, _ = play(setup, "start")
    view = public_view(state)
    assert view["question"] is None  # not shown yet
    state, _ = play(setup, "start", "reveal", "open", {"kind": "submit_choice", "team": "A", "choice": "B"})
    view = public_view(state)
    assert view["question"]["prompt"].startswith("题目") and "answer" not in view["question"]
    assert view["choices"] == {} and view["submitted"] == ["A"]
    assert "因为甲" not in str(view) and "'answer'" not in str(view)
    assert public_view(state, reveal_answer=True)["question"]["answer"] == "A"
    state, _ = play(setup, "start", "reveal", "open", judge("right"), "reveal_answer")
    view = public_view(state)
    assert view["question"]["answer"] == "A" and view["answer_revealed"]
    assert public_view(state, reveal_answer=False)["question"].get("answer") is None


def test_setup_from_the_starter_competition(starter_catalog):
    comp = starter_catalog.competitions["ethics-contest-2026"]
    setup = build_setup(comp, [(n, [], None) for n in "ABCD"], seed=1)
    required_, buzzer, risk = setup.rounds
    assert [sq.team for sq in required_.questions] == list("ABCD") * 2
    assert len(buzzer.questions) == 10 and len(risk.questions) == 4 and len(setup.tiebreak) == 5
    assert build_setup(comp, [(n, [], None) for n in "ABCD"], seed=1) == setup
    assert initial(setup).scores == {n: 100 for n in "ABCD"}


def test_sudden_death_with_submitted_choices(setup):
    state, events = to_end(setup)
    state, events = play(
        setup,
        "tiebreak",
        "reveal",
        "open",
        {"kind": "submit_choice", "team": "A", "choice": "B"},
        {"kind": "submit_choice", "team": "C", "choice": "A"},
        events=events,
    )
    with pytest.raises(CompetitionRuleError, match="not in the sudden death"):
        apply(state, {"kind": "submit_choice", "team": "B", "choice": "A"})
    with pytest.raises(CompetitionRuleError, match="which team"):
        apply(state, {"kind": "auto_judge"})
    with pytest.raises(CompetitionRuleError, match="judge every team"):
        apply(state, {"kind": "next"})
    state, events = play(
        setup, {"kind": "auto_judge", "team": "A"}, {"kind": "auto_judge", "team": "C"}, "next", "finish", events=events
    )
    assert [r["team"] for r in state.ranking] == ["C", "A", "B"] and [r["rank"] for r in state.ranking] == [1, 2, 3]
