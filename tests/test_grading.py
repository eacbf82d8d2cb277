"""Scoring rules as tables: (question, response, policy) → points."""

from __future__ import annotations

import pytest

from quizzes import Question, ResponseError, grade
from quizzes.grading import normalize_response, round2, score_question


def q(**kw) -> Question:
    return Question.model_validate({"id": "q", "prompt": kw.pop("prompt", "题目 ___"), **kw})


SINGLE = q(type="single", options=["甲", "乙", "丙", "丁"], answer="B", points=2)
MULTI = q(type="multiple", options=["甲", "乙", "丙", "丁", "戊"], answer="ACD", points=3)
TF = q(type="true_false", answer=True)
TF_FALSE = q(type="true_false", answer="错")
FILL = q(type="fill_blank", prompt="___、___、综合治理", answer=[["安全第一"], ["预防为主", "预防 为主"]], points=2)
FILL_EN = q(type="fill_blank", prompt="The union law: ___", answer=["Trade Union Law"])
SCEN = q(
    type="scenario",
    options=[
        {"text": "最佳", "credit": 1},
        {"text": "尚可", "credit": 0.5},
        {"text": "不当", "credit": 0},
        {"text": "较差", "credit": 0.2},
    ],
    points=3,
)


@pytest.mark.parametrize(
    ("question", "response", "points"),
    [
        (SINGLE, "B", 2),
        (SINGLE, "b", 2),
        (SINGLE, "Ｂ", 2),
        (SINGLE, " B ", 2),
        (SINGLE, "A", 0),
        (SINGLE, None, 0),
        (SINGLE, "", 0),
        (TF, True, 1),
        (TF, False, 0),
        (TF, "对", 1),
        (TF, "正确", 1),
        (TF, "√", 1),
        (TF, "T", 1),
        (TF, "错", 0),
        (TF, None, 0),
        (TF_FALSE, False, 1),
        (TF_FALSE, "×", 1),
        (TF_FALSE, "F", 1),
        (TF_FALSE, "错误", 1),
        (TF_FALSE, True, 0),
        (FILL, ["安全第一", "预防为主"], 2),
        (FILL, ["安全 第一", "预防为主"], 2),
        (FILL, ["安全第一", "预防　为主"], 2),
        (FILL, ["安全第一", "预防 为主"], 2),
        (FILL, ["安全第一", ""], 1),
        (FILL, ["安全第一"], 1),
        (FILL, ["预防为主", "安全第一"], 0),
        (FILL, ["安全第一", "综合治理"], 1),
        (FILL, None, 0),
        (FILL_EN, ["trade union law"], 1),
        (FILL_EN, ["TRADE  UNION  LAW"], 1),
        (FILL_EN, ["Ｔｒａｄｅ Ｕｎｉｏｎ Ｌａｗ"], 1),
        (FILL_EN, "Trade Union Law", 1),
        (SCEN, "A", 3),
        (SCEN, "B", 1.5),
        (SCEN, "C", 0),
        (SCEN, "D", 0.6),
        (SCEN, None, 0),
    ],
)
def test_score_by_type(question, response, points):
    assert score_question(question, response) == points


ONE = q(type="fill_blank", prompt="爱国、___、诚信、友善", answer=[["敬业"]])
MARK = q(type="fill_blank", prompt="问号是___", answer=[["？"]])
PUNCT_KEY = q(type="fill_blank", prompt="___", answer=[["《工会法》"]])


@pytest.mark.parametrize(
    ("question", "response", "points"),
    [
        (ONE, "敬业", 1),
        (ONE, "敬业。", 1),  # full-width full stop
        (ONE, "敬业.", 1),  # half-width
        (ONE, "“敬业”", 1),  # full-width quotes
        (ONE, '"敬业"', 1),
        (ONE, "「敬业」；", 1),
        (ONE, "  敬业 ，", 1),
        (ONE, "（敬业）", 1),
        (ONE, "(敬业)!", 1),
        (ONE, "　敬业　", 1),  # ideographic spaces
        (ONE, "敬、业", 0),  # punctuation inside the answer still counts
        (ONE, "敬业精神", 0),
        (ONE, "。", 0),  # punctuation only is not an answer
        (ONE, "……", 0),
        (MARK, "？", 1),  # a key made of punctuation is matched as written
        (MARK, "?", 1),
        (MARK, "。", 0),
        (PUNCT_KEY, "工会法", 1),  # the key's own edge marks do not count either
        (PUNCT_KEY, "《工会法》", 1),
        (PUNCT_KEY, "〈工会法〉", 1),
        (PUNCT_KEY, "<工会法>", 0),  # < and > are symbols, not punctuation
    ],
)
def test_fill_in_ignores_surrounding_punctuation_and_spaces(question, response, points):
    assert score_question(question, response) == points


@pytest.mark.parametrize(
    ("response", "all_or_nothing", "half", "partial"),
    [
        ("ACD", 3, 3, 3),
        ("DCA", 3, 3, 3),
        (["A", "C", "D"], 3, 3, 3),
        ("A,C,D", 3, 3, 3),
        ("A、C、D", 3, 3, 3),
        ("Ａ，Ｃ，Ｄ", 3, 3, 3),
        ("a c d", 3, 3, 3),
        ("AC", 0, 1.5, 2),
        ("A", 0, 1.5, 1),
        ("ACDE", 0, 0, 0),
        ("AB", 0, 0, 0),
        ("B", 0, 0, 0),
        ("ABCDE", 0, 0, 0),
        ("", 0, 0, 0),
        (None, 0, 0, 0),
    ],
)
def test_multiple_scoring_policies(response, all_or_nothing, half, partial):
    assert score_question(MULTI, response, "all_or_nothing") == all_or_nothing
    assert score_question(MULTI, response, "half") == half
    assert score_question(MULTI, response, "partial") == partial


@pytest.mark.parametrize(
    ("points", "response", "policy", "expected"),
    [
        (1, "A", "half", 0.5),
        (1, "A", "partial", 0.33),
        (1, "AC", "partial", 0.67),
        (2, "A", "partial", 0.67),
        (2, "AC", "partial", 1.33),
        (5, "A", "half", 2.5),
    ],
)
def test_partial_scores_kept_to_two_decimals(points, response, policy, expected):
    question = MULTI.model_copy(update={"points": points})
    assert score_question(question, response, policy) == expected


@pytest.mark.parametrize(
    ("question", "response", "message"),
    [
        (SINGLE, "E", "'E' is not one of the options A–D"),
        (SINGLE, "AB", "expected one letter"),
        (SINGLE, ["A"], "expected one letter"),
        (MULTI, "AZ", "'Z' is not one of the options A–E"),
        (MULTI, 3, "is not a letter"),
        (TF, "maybe", "is not true or false"),
        (FILL, ["a", "b", "c"], "expected 2 texts, got 3"),
        (FILL, {"x": 1}, "expected a list of 2 texts"),
        (SCEN, "E", "'E' is not one of the options A–D"),
    ],
)
def test_malformed_responses_name_the_question(question, response, message):
    with pytest.raises(ResponseError, match="question 'q'") as e:
        normalize_response(question, response)
    assert message in str(e.value)


@pytest.mark.parametrize(
    ("value", "expected"), [(0.125, 0.13), (0.005, 0.01), (2.675, 2.68), (1 / 3, 0.33), (2 / 3, 0.67), (10, 10)]
)
def test_round2_rounds_halves_up(value, expected):
    assert round2(value) == expected


def test_grade_small_quiz_all_right(small_quiz):
    g = grade(small_quiz, {"s1": "A", "m1": "ABD", "t1": True, "f1": ["预防为主"], "c1": "A"})
    assert (g.score, g.max_score, g.percent, g.passed) == (8, 8, 100, True)
    assert all(r.correct for r in g.results)


def test_grade_small_quiz_mixed(small_quiz):
    g = grade(small_quiz, {"s1": "B", "m1": "AB", "t1": "对", "c1": "B"})
    # single 0, multiple 0 (all_or_nothing by default), true_false 1, fill unanswered 0, scenario 0.5
    assert (g.score, g.max_score, g.percent, g.passed) == (1.5, 8, 18.75, False)
    assert [r.points for r in g.results] == [0, 0, 1, 0, 0.5]
    assert g.unanswered == 1
    assert [r.answered for r in g.results] == [True, True, True, False, True]


def test_pass_mark_is_inclusive(small_quiz):
    quiz = small_quiz.model_copy(update={"pass_percent": 62.5})
    g = grade(quiz, {"s1": "A", "m1": "ABD"})  # 5 / 8 = 62.5 %
    assert g.percent == 62.5 and g.passed


def test_unknown_question_in_responses_is_refused(small_quiz):
    with pytest.raises(ResponseError, match="no question 'zz' in quiz 'small'"):
        grade(small_quiz, {"zz": "A"})


def test_letters_refer_to_authored_order_whatever_the_display_order(small_quiz):
    from quizzes import draw_paper

    shuffled = small_quiz.model_copy(update={"shuffle_options": True, "shuffle_questions": True})
    shuffled._pools = None
    for seed in range(20):
        paper = draw_paper(shuffled, seed)
        assert grade(paper, {"s1": "A"}).results[[pq.key for pq in paper.questions].index("s1")].points == 2
