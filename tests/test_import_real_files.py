"""Real files nobody here wrote (tests/data/import/SOURCES.md): Moodle's own GIFT and Aiken examples
and fixtures keep Moodle's answer keys, every skip names its line, the YAML loads back."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzes.grading import score_question
from quizzes.importers import Skipped, import_file
from quizzes.model import Bank
from quizzes.source import parse_yaml
from quizzes.validate import validate_source

DATA = Path(__file__).resolve().parent / "data" / "import"


@pytest.fixture(scope="module")
def examples():
    """Moodle's question/format/gift/examples.txt."""
    r = import_file(DATA / "moodle-examples.gift.txt", format="gift", bank_id="moodle")
    first: dict[str, object] = {}
    for q in r.bank.questions:
        first.setdefault(q.prompt, q)  # the first question with this text
    return r, first


@pytest.mark.parametrize(
    ("prompt", "qtype", "answer", "scores"),
    [
        ("Who's buried in Grant's tomb?", "single", "C", [0, 0, 1]),
        ("Japanese characters originally came from what country?", "single", "B", [0, 1, 0, 0]),
        # Moodle: = is the key, ~%n% only earns partial credit (issue 16, item 1)
        ("Difficult question.", "scenario", None, [0, 0.5, 1]),
        ("Difficult multiple choice question.", "scenario", None, [0, 0.5, 1]),
        ("Jesus Christ was from ___.", "scenario", None, [0, 0.25, 0.5, 1]),
        # no =: multiple answer, the positive weights are the key
        ("What two people are entombed in Grant's tomb?", "multiple", "BC", None),
        ("Which answer equals 5?", "single", "B", [0, 1, 0]),
        ("Which of the following is NOT a control character for the GIFT import format?", "single", "F", None),
    ],
)
def test_moodle_examples_keep_moodles_key(examples, prompt, qtype, answer, scores):
    q = examples[1][prompt]
    assert (q.type, q.answer) == (qtype, answer)
    if scores is not None:
        assert [score_question(q, letter) for letter in q.letters] == scores


@pytest.mark.parametrize(
    ("prompt", "accepted"),
    [
        ("Who's buried in Grant's tomb? ___", [["no one", "nobody"]]),
        ("Two plus two equals ___.", [["four", "4"]]),
        ("Jesus Christ was from ___", [["Nazareth"]]),  # =%75%Nazereth and =%25%Bethlehem are not right (item 2)
    ],
)
def test_moodle_short_answers_accept_only_full_answers(examples, prompt, accepted):
    assert examples[1][prompt].answer == accepted


def test_moodle_examples_report(examples):
    r, by_prompt = examples
    assert r.imported == 32
    assert [s.reason for s in r.skipped].count("numeric question {#…}: not supported") == 8
    assert [s.reason for s in r.skipped].count("matching question (->): not supported") == 3
    assert all(s.where.startswith("line ") for s in r.skipped)
    assert not any(q.explanation for q in r.bank.questions)  # no feedback is for everyone (item 7)
    assert sum("feedback for single answers" in w for w in r.warnings) == 10
    again = validate_source(parse_yaml(r.yaml_text), Bank)
    assert [q.model_dump() for q in again.questions] == [q.model_dump() for q in r.bank.questions]


def test_moodle_gift_fixture():
    """Moodle's question/format/gift/tests/fixtures/questions.gift.txt."""
    r = import_file(DATA / "moodle-questions.gift.txt", format="gift")
    assert r.skipped == [
        Skipped("line 2", "essay question {} (free text): cannot be marked automatically"),
        Skipped("line 5", "matching question (->): not supported"),
        Skipped("line 31", "numeric question {#…}: not supported"),
    ]
    q2, colours, short, tf, *_ = r.bank.questions
    assert (q2.type, q2.answer, q2.explanation) == ("single", "A", None)
    assert (colours.type, colours.answer) == ("multiple", "AC")
    assert (short.type, short.answer) == ("fill_blank", [["Frog"]])  # not Cat (50 %), not * (0 %)
    assert (tf.answer, tf.explanation) == (False, "This is, of course, a Hitchiker's Guide to the Galaxy reference.")
    assert "line 34: the answer * (anything) is never accepted; left out" in r.warnings
    assert "line 34: answer(s) =%50%Cat give only partial credit, which a fill-in question cannot; left out" in r.warnings


@pytest.mark.parametrize(
    ("name", "imported", "skipped"),
    [
        ("moodle-questions.aiken.txt", ["B", "A"], []),
        (
            "moodle-aiken_errors.txt",
            ["A", "B"],
            [
                Skipped("line 1", "fewer than 2 options (A. … B. …) before the ANSWER line"),
                Skipped("line 5", "fewer than 2 options (A. … B. …) before the ANSWER line"),
                Skipped("line 14", "no ANSWER line after the options"),
            ],
        ),
    ],
)
def test_moodle_aiken_fixtures(name, imported, skipped):
    r = import_file(DATA / name, format="aiken")
    assert [q.answer for q in r.bank.questions] == imported
    assert r.skipped == skipped


def test_chinese_conventions_csv():
    r = import_file(DATA / "chinese-conventions.csv")
    got = [(q.type, q.answer, q.difficulty, q.tags) for q in r.bank.questions]
    assert got == [
        ("single", "A", "easy", ["成语", "语文"]),
        ("multiple", "ABD", "medium", ["职业道德", "规范"]),
        ("multiple", "ABD", "medium", ["职业道德"]),
        ("true_false", True, "easy", ["诚信", "职业道德"]),
        ("fill_blank", [["为人民服务"]], "hard", ["职业道德"]),
        ("multiple", "AC", "medium", ["办事公道"]),
    ]
    assert r.bank.questions[0].explanation == "成语释义"
    assert r.skipped == [Skipped("row 7", "简答题: open-answer questions cannot be marked automatically")]
    assert r.warnings == [
        "chinese-conventions.csv: 题型 given as codes, read as 1=单选题, 2=多选题, 3=判断题, 4=填空题, 5=简答题"
    ]
