"""Exclusive groups: questions of one bank that share a name are never drawn onto one paper."""

from __future__ import annotations

import pytest

from quizzes import DrawError, Question, draw_paper, load_catalog
from quizzes.model import exclusive_capacity


def bank(groups: list[str | list[str] | None]) -> str:
    rows = []
    for i, g in enumerate(groups):
        extra = f", exclusive: {g}" if g else ""
        rows.append(f"  - {{id: q{i}, type: true_false, prompt: 题{i}, answer: true{extra}}}\n")
    return "id: bank\ntitle: 题库\nquestions:\n" + "".join(rows)


def quiz(*counts: int) -> str:
    return "id: qz\ntitle: 测验\ndraw:\n" + "".join(f"  - {{bank: bank, count: {n}}}\n" for n in counts)


def tf(i: int, exclusive=None) -> Question:
    return Question.model_validate(
        {"id": f"q{i}", "type": "true_false", "prompt": "题", "answer": True, "exclusive": exclusive or []}
    )


@pytest.mark.parametrize(
    ("groups", "capacity"),
    [
        ([None, None, None], 3),
        (["a", "a", None], 2),
        (["a", "a", "a"], 1),
        (["a", "b", None], 3),
        (["a", ["a", "b"], "b"], 1),  # linked through the middle question: one cluster
        (["a", "b", "c", "c"], 3),
        ([], 0),
    ],
)
def test_capacity_counts_clusters(groups, capacity):
    assert exclusive_capacity([tf(i, g) for i, g in enumerate(groups)]) == capacity


def test_a_group_name_may_be_one_name_or_a_list():
    assert tf(0, "fire").exclusive == ["fire"]
    assert tf(0, ["fire", "oil"]).exclusive == ["fire", "oil"]
    with pytest.raises(ValueError):
        tf(0, "Not An Id!")


@pytest.mark.parametrize("seed", range(40))
def test_grouped_questions_never_share_a_paper_and_draws_are_reproducible(make_content, seed):
    groups = ["fire", "fire", "fire", "party", "party", None, None, ["oil", "fire"], "oil"]
    catalog = load_catalog(make_content({"banks/bank.yaml": bank(groups), "quizzes/qz.yaml": quiz(2, 2)}))
    assert catalog.ok, catalog.errors
    paper = draw_paper(catalog.quizzes["qz"], seed)
    names = [n for pq in paper.questions for n in pq.question.exclusive]
    assert len(names) == len(set(names)), names
    assert len(paper.questions) == 4
    assert paper.to_json() == draw_paper(catalog.quizzes["qz"], seed).to_json()


def test_a_bank_without_groups_draws_as_before(make_content):
    """The same seed gives the same paper as before groups existed (rng.sample)."""
    import random

    catalog = load_catalog(make_content({"banks/bank.yaml": bank([None] * 6), "quizzes/qz.yaml": quiz(3)}))
    quiz_ = catalog.quizzes["qz"]
    quiz_.shuffle_questions = False
    rng = random.Random(7)
    expected = [q.id for q in rng.sample(quiz_._pools[0], 3)]
    assert [pq.question.id for pq in draw_paper(quiz_, 7).questions] == expected


@pytest.mark.parametrize(
    ("groups", "counts", "message"),
    [
        (
            ["a", "a", "a", None],
            (3,),
            "quizzes/qz.yaml:4: draw[0].count: draw asks for 3 questions but only 2 of the 4 in bank 'bank' may be drawn together (exclusive groups)",
        ),
        (
            ["a", "a", "b", "b", None],
            (2, 2),
            "quizzes/qz.yaml:5: draw[1].count: draws from bank 'bank' ask for 4 distinct questions but their filters match only 3 that may be drawn together",
        ),
    ],
)
def test_a_draw_that_groups_make_impossible_is_an_error_at_its_line(make_content, groups, counts, message):
    catalog = load_catalog(make_content({"banks/bank.yaml": bank(groups), "quizzes/qz.yaml": quiz(*counts)}))
    assert [str(p).split("content/", 1)[1] for p in catalog.errors] == [message]
    assert "qz" not in catalog.quizzes


def test_inline_questions_of_a_quiz_may_not_share_a_group(make_content):
    text = (
        "id: qz\ntitle: 测验\nquestions:\n"
        "  - {id: a, type: true_false, prompt: 甲, answer: true, exclusive: x}\n"
        "  - {id: b, type: true_false, prompt: 乙, answer: true, exclusive: x}\n"
    )
    catalog = load_catalog(make_content({"quizzes/qz.yaml": text}))
    [problem] = catalog.errors
    assert str(problem).endswith(
        "quizzes/qz.yaml:5: questions[1].exclusive: exclusive group 'x' is also on questions[0]: a quiz's own questions are always shown together"
    )


def test_groups_are_per_bank(make_content):
    other = bank(["a", "a"]).replace("id: bank", "id: other")
    two = "id: qz\ntitle: 测验\ndraw:\n  - {bank: bank, count: 1}\n  - {bank: other, count: 1}\n"
    catalog = load_catalog(make_content({"banks/bank.yaml": bank(["a"]), "banks/other.yaml": other, "quizzes/qz.yaml": two}))
    assert catalog.ok
    assert len(draw_paper(catalog.quizzes["qz"], 1).questions) == 2


def test_a_paper_that_cannot_be_found_is_a_draw_error(make_content, monkeypatch):
    """Greedy draws may block each other; after every try the error names the quiz."""
    from quizzes import paper

    catalog = load_catalog(make_content({"banks/bank.yaml": bank(["a", "a", None]), "quizzes/qz.yaml": quiz(1, 1)}))
    monkeypatch.setattr(paper, "pick", lambda rng, free, count, used: None)
    with pytest.raises(DrawError, match="quiz 'qz': no paper after 20 tries"):
        draw_paper(catalog.quizzes["qz"], 3)
