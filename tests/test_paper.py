"""Draws: reproducible from the seed, distinct questions, points overrides, stored as JSON."""

from __future__ import annotations

import pytest

from quizzes import DrawError, Paper, draw_paper, grade, load_catalog

BANK = (
    "id: bank\ntitle: 题库\nquestions:\n"
    + "".join(
        f"  - {{id: q{i}, type: single, prompt: 题{i}, options: [甲, 乙, 丙, 丁], answer: A, tags: [{'廉洁自律' if i % 2 else '安全生产'}], difficulty: {'easy' if i < 10 else 'hard'}}}\n"
        for i in range(20)
    )
    + "  - {id: tf1, type: true_false, prompt: 判断, answer: true}\n"
)

QUIZ = """
id: drawn
title: 抽题测验
questions:
  - {id: own, type: true_false, prompt: 自带题, answer: false}
draw:
  - {bank: bank, count: 5, tags: [廉洁自律], points: 2}
  - {bank: bank, count: 4, difficulty: hard}
  - {bank: bank, count: 1, type: true_false}
"""


@pytest.fixture
def drawn(make_content):
    return load_catalog(make_content({"banks/bank.yaml": BANK, "quizzes/drawn.yaml": QUIZ})).quizzes["drawn"]


def test_same_seed_same_paper(drawn):
    assert draw_paper(drawn, 7) == draw_paper(drawn, 7)


def test_different_seeds_differ(drawn):
    papers = {tuple(pq.key for pq in draw_paper(drawn, s).questions) for s in range(10)}
    assert len(papers) > 1


@pytest.mark.parametrize("seed", range(25))
def test_draws_are_distinct_and_respect_filters(drawn, seed):
    paper = draw_paper(drawn, seed)
    keys = [pq.key for pq in paper.questions]
    assert len(keys) == len(set(keys)) == 11
    assert "own" in keys
    by_key = {pq.key: pq.question for pq in paper.questions}
    tagged = [k for k in keys if k.startswith("bank/") and by_key[k].points == 2]
    assert len(tagged) == 5 and all("廉洁自律" in by_key[k].tags for k in tagged)
    assert "bank/tf1" in keys


def test_points_override_applies_to_drawn_questions_only(drawn):
    paper = draw_paper(drawn, 3)
    assert paper.max_score == 1 + 5 * 2 + 4 * 1 + 1


def test_paper_round_trips_through_json(drawn):
    paper = draw_paper(drawn, 11)
    again = Paper.from_json(paper.to_json())
    assert again == paper
    responses = {pq.key: "A" if pq.question.type == "single" else True for pq in paper.questions}
    assert grade(again, responses) == grade(paper, responses)


def test_options_shuffled_but_letters_authored(drawn):
    paper = draw_paper(drawn, 5)
    orders = {pq.order for pq in paper.questions if pq.question.type == "single"}
    assert len(orders) > 1
    for pq in paper.questions:
        if pq.question.type == "single":
            assert sorted(pq.display_letters) == ["A", "B", "C", "D"]


def test_no_shuffle_keeps_authored_order(small_quiz):
    paper = draw_paper(small_quiz, 99)
    assert [pq.key for pq in paper.questions] == ["s1", "m1", "t1", "f1", "c1"]
    assert paper.questions[0].order == (0, 1, 2, 3)


def test_a_quiz_with_draws_needs_the_catalogue(drawn):
    unresolved = drawn.model_copy()
    unresolved._pools = None
    with pytest.raises(DrawError, match="load it with load_catalog"):
        draw_paper(unresolved, 1)
    with pytest.raises(DrawError, match="grade the paper drawn for the attempt"):
        grade(unresolved, {})


COMP = """
id: live
title: 现场赛
kind: competition
teams: {teams}
start_score: 100
rounds:
  - {{name: 必答题, type: required, per_team: 2, points: 10, draw: [{{bank: bank, count: 6, type: single}}]}}
  - name: 抢答题
    type: buzzer
    points: 10
    penalty: 10
    early_buzz_penalty: 5
    questions:
      - {{id: b1, type: true_false, prompt: 一, answer: true}}
  - {{name: 风险题, type: risk, values: [10, 20, 30], per_team: 1, draw: [{{bank: bank, count: 3, difficulty: hard}}]}}
tiebreak:
  type: sudden_death
  questions:
    - {{id: t1, type: true_false, prompt: 加赛, answer: false}}
"""


@pytest.mark.parametrize(
    ("teams", "ok"),
    [
        ("departments", True),
        ("[{name: 一队}, {name: 二队}, {name: 三队}]", True),
        ("[{name: 一队}, {name: 二队}, {name: 三队}, {name: 四队}]", False),  # 必答 needs 8 > 6
    ],
)
def test_competition_question_counts_by_team_count(make_content, teams, ok):
    catalog = load_catalog(make_content({"banks/bank.yaml": BANK, "quizzes/live.yaml": COMP.format(teams=teams)}))
    assert ("live" in catalog.competitions) is ok
    if not ok:
        assert [p.message for p in catalog.errors] == [
            "round '必答题' needs 8 questions for 4 teams but has 6",
            "round '风险题' needs 4 questions for 4 teams but has 3",
        ]


def test_competition_check_with_the_real_number_of_departments(make_content):
    from quizzes import competition_problems

    catalog = load_catalog(make_content({"banks/bank.yaml": BANK, "quizzes/live.yaml": COMP.format(teams="departments")}))
    comp = catalog.competitions["live"]
    assert competition_problems(comp, catalog.banks, 3) == []
    problems = competition_problems(comp, catalog.banks, 6)
    assert [p.message for p in problems] == [
        "round '必答题' needs 12 questions for 6 teams but has 6",
        "round '风险题' needs 6 questions for 6 teams but has 3",
    ]


def test_online_contest_and_exam_allow_one_attempt(make_content):
    files = {
        "quizzes/exam.yaml": "id: exam\ntitle: 考试\nkind: exam\nquestions: [{id: a, type: true_false, prompt: p, answer: true}]\n",
        "quizzes/contest.yaml": "id: contest\ntitle: 竞赛\nkind: competition\nleaderboard: true\nquestions: [{id: a, type: true_false, prompt: p, answer: true}]\n",
        "quizzes/practice.yaml": "id: practice\ntitle: 练习\nquestions: [{id: a, type: true_false, prompt: p, answer: true}]\n",
    }
    catalog = load_catalog(make_content(files))
    assert catalog.errors == []
    assert [catalog.quizzes[k].attempts_allowed for k in ("exam", "contest", "practice")] == [1, 1, None]
    assert catalog.competitions == {}
