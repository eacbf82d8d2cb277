"""Property tests for grading: bounds, permutation invariance, idempotent normalisation."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes import Question
from quizzes.grading import normalize_response, score_question
from quizzes.model import LETTERS, normalize_text

POLICIES = st.sampled_from(["all_or_nothing", "half", "partial"])


@st.composite
def multiple_questions(draw):
    n = draw(st.integers(2, 8))
    correct = draw(st.sets(st.sampled_from(LETTERS[:n]), min_size=1))
    points = draw(st.sampled_from([0.5, 1, 2, 3, 5, 7.5]))
    q = Question.model_validate(
        {
            "id": "q",
            "type": "multiple",
            "prompt": "p",
            "options": [f"选项{i}" for i in range(n)],
            "answer": "".join(sorted(correct)),
            "points": points,
        }
    )
    return q


@settings(max_examples=300, deadline=None)
@given(multiple_questions(), st.data(), POLICIES)
def test_multiple_score_is_within_bounds_and_order_free(q, data, policy):
    chosen = data.draw(st.lists(st.sampled_from(q.letters), unique=True))
    shuffled = data.draw(st.permutations(chosen))
    points = score_question(q, chosen, policy)
    assert 0 <= points <= q.points
    assert score_question(q, shuffled, policy) == points
    assert score_question(q, "、".join(shuffled), policy) == points
    if set(chosen) == set(q.answer):
        assert points == q.points


@settings(max_examples=200, deadline=None)
@given(multiple_questions(), st.data(), POLICIES)
def test_more_right_letters_never_score_less_without_wrong_ones(q, data, policy):
    subset = data.draw(st.lists(st.sampled_from(sorted(q.answer)), unique=True))
    bigger = sorted(set(subset) | {data.draw(st.sampled_from(sorted(q.answer)))})
    assert score_question(q, bigger, policy) >= score_question(q, subset, policy)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_fill_in_normalisation_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert not any(ch.isspace() for ch in once)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=3), st.data())
def test_fill_in_score_within_bounds_and_normalised_response_is_stable(answers, data):
    accepted = [[a.strip() or "答案"] for a in answers]
    prompt = "、".join("___" for _ in accepted)
    q = Question.model_validate({"id": "q", "type": "fill_blank", "prompt": prompt, "answer": accepted, "points": 3})
    given_answers = data.draw(st.lists(st.text(max_size=12), min_size=0, max_size=len(accepted)))
    points = score_question(q, given_answers)
    assert 0 <= points <= 3
    normalised = normalize_response(q, given_answers)
    assert normalize_response(q, normalised) == normalised
    assert score_question(q, [alts[0] for alts in accepted]) == 3


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=2, max_size=8), st.data())
def test_scenario_score_is_points_times_credit(credits, data):
    credits = [round(c, 2) for c in credits]
    credits[data.draw(st.integers(0, len(credits) - 1))] = 1.0
    q = Question.model_validate(
        {
            "id": "q",
            "type": "scenario",
            "prompt": "p",
            "points": 2,
            "options": [{"text": f"选项{i}", "credit": c} for i, c in enumerate(credits)],
        }
    )
    pick = data.draw(st.integers(0, len(credits) - 1))
    assert score_question(q, LETTERS[pick]) == round(2 * credits[pick] + 1e-9, 2)
