"""Validation: every problem of a broken content folder, with its exact file:line and message."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzes import ContentError, load_catalog, load_quiz
from quizzes.model import Question
from quizzes.source import parse_yaml
from tests.conftest import DATA, ROOT, SMALL_QUIZ, write_files

BROKEN = DATA / "broken"


def test_broken_corpus_reports_every_problem_at_its_line(monkeypatch):
    monkeypatch.chdir(ROOT)
    catalog = load_catalog("tests/data/broken")
    expected = (DATA / "broken-expected.txt").read_text(encoding="utf-8").splitlines()
    assert [str(p) for p in catalog.errors] == expected


def test_broken_files_do_not_stop_the_valid_ones():
    catalog = load_catalog(BROKEN)
    assert set(catalog.lessons) == {"good-lesson", "unknown-quiz", "bad-duration"} - {"bad-duration"}
    assert set(catalog.banks) == {"good-bank"}
    assert set(catalog.quizzes) == {"good-quiz"}
    assert len(catalog.banks["good-bank"].questions) == 6  # the first file with the id wins


def test_every_problem_names_an_existing_line():
    catalog = load_catalog(BROKEN)
    for p in catalog.errors:
        lines = Path(p.path).read_text(encoding="utf-8", errors="replace").splitlines() or [""]
        assert 1 <= p.line <= max(1, len(lines)), str(p)


QUESTION_CASES = [
    # (question mapping, field, message)
    ({"type": "single", "options": ["a"], "answer": "A"}, "options", "needs 2 to 8 options, not 1"),
    ({"type": "single", "answer": "A"}, "options", "a single question needs options"),
    ({"type": "single", "options": ["a", "b"]}, "answer", "a single question needs an answer"),
    ({"type": "single", "options": ["a", "b"], "answer": "AB"}, "answer", "a single-choice answer is one letter"),
    ({"type": "multiple", "options": ["a", "b"], "answer": ""}, "answer", "a multiple question needs an answer"),
    ({"type": "multiple", "options": ["a", "b", "c"], "answer": "AD"}, "answer", "'D' is not one of the options A–C"),
    ({"type": "multiple", "options": ["a", "b"], "answer": "A", "extra": 1}, "", "unknown key 'extra'"),
    ({"type": "true_false", "answer": "maybe"}, "answer", "'maybe' is not true or false"),
    ({"type": "true_false", "options": ["对", "错"], "answer": True}, "options", "a true_false question has no options"),
    ({"type": "fill_blank", "prompt": "没有空", "answer": ["x"]}, "prompt", "marks its blanks with ___ or （ ）"),
    ({"type": "fill_blank", "prompt": "___和___", "answer": ["x"]}, "answer", "the prompt has 2 blank(s) but the answer gives 1"),
    ({"type": "fill_blank", "prompt": "___", "answer": [[]]}, "answer", "each blank's answer is a text"),
    ({"type": "scenario", "options": ["a", "b"]}, "options[0]", "a scenario option is {text: …, credit: 0..1}"),
    (
        {"type": "scenario", "options": [{"text": "a", "credit": 0.5}, {"text": "b", "credit": 0}]},
        "options",
        "at least one option with credit 1",
    ),
    (
        {"type": "scenario", "options": [{"text": "a", "credit": 1}, {"text": "b", "credit": 0}], "answer": "A"},
        "answer",
        "has no answer",
    ),
    (
        {"type": "single", "options": [{"text": "a", "credit": 1}, "b"], "answer": "A"},
        "options[0].credit",
        "credit is only for scenario",
    ),
    ({"type": "single", "options": ["同一", "同 一"], "answer": "A"}, "options[1]", "option B repeats option A"),
]


@pytest.mark.parametrize(("body", "field", "message"), QUESTION_CASES)
def test_question_rules(body, field, message):
    text = "questions:\n  - " + "\n    ".join(
        f"{k}: {v!r}" if not isinstance(v, str) else f"{k}: {v!r}" for k, v in {"id": "q1", "prompt": "题目", **body}.items()
    )
    source = parse_yaml("id: b\ntitle: t\n" + text.replace("'", '"'), "bank.yaml")
    from quizzes.model import Bank
    from quizzes.validate import validate_source

    with pytest.raises(ContentError) as e:
        validate_source(source, Bank)
    problems = e.value.problems
    assert len(problems) == 1, problems
    want_field = "questions[0]" + (("." if not field.startswith("[") else "") + field if field else "")
    assert problems[0].field == want_field
    assert message in problems[0].message


@pytest.mark.parametrize(
    ("answer", "canonical"),
    [
        ("AC", "AC"),
        ("CA", "AC"),
        ("A,C", "AC"),
        ("A、C", "AC"),
        ("A，C", "AC"),
        ("a c", "AC"),
        (["C", "A"], "AC"),
        ("A/C", "AC"),
        ("ＡＣ", "AC"),
    ],
)
def test_multiple_answer_notations(answer, canonical):
    q = Question.model_validate({"id": "q", "type": "multiple", "prompt": "p", "options": ["1", "2", "3"], "answer": answer})
    assert q.answer == canonical


@pytest.mark.parametrize(
    ("answer", "canonical"),
    [
        (True, True),
        (False, False),
        ("对", True),
        ("错", False),
        ("正确", True),
        ("错误", False),
        ("√", True),
        ("×", False),
        ("T", True),
        ("F", False),
        ("true", True),
        ("yes", True),
    ],
)
def test_true_false_notations(answer, canonical):
    q = Question.model_validate({"id": "q", "type": "true_false", "prompt": "p", "answer": answer})
    assert q.answer is canonical


@pytest.mark.parametrize(
    ("prompt", "answer", "blanks"),
    [
        ("___", "工会", [["工会"]]),
        ("___、___", ["甲", ["乙", "丙"]], [["甲"], ["乙", "丙"]]),
        ("职工代表大会（ ）是基本形式", ["民主管理"], [["民主管理"]]),
        ("（）与______", [["a"], "b"], [["a"], ["b"]]),
        ("数字 ___", [1921], [["1921"]]),
    ],
)
def test_fill_blank_answers(prompt, answer, blanks):
    q = Question.model_validate({"id": "q", "type": "fill_blank", "prompt": prompt, "answer": answer})
    assert q.answer == blanks


def test_numbers_as_option_text_are_accepted():
    q = Question.model_validate({"id": "q", "type": "single", "prompt": "p", "options": [5, 6, 7], "answer": "B"})
    assert [o.text for o in q.options] == ["5", "6", "7"]


def test_load_quiz_self_contained(tmp_path):
    path = write_files(tmp_path, {"q.yaml": SMALL_QUIZ}) / "q.yaml"
    quiz = load_quiz(path)
    assert quiz.id == "small" and len(quiz.questions) == 5


def test_load_quiz_refuses_a_quiz_that_draws(tmp_path):
    path = write_files(tmp_path, {"q.yaml": "id: d\ntitle: t\ndraw: [{bank: b, count: 1}]\n"}) / "q.yaml"
    with pytest.raises(ContentError) as e:
        load_quiz(path)
    assert str(e.value) == f"{path}:3: draw: quiz 'd' draws from banks: load its folder with load_catalog()"


def test_a_key_of_another_kind_is_unknown_without_suggesting_itself(tmp_path):
    bank = "id: b\ntitle: 题库\nkind: bank\nquestions:\n  - {id: q, type: true_false, prompt: 对吗？, answer: true}\n"
    catalog = load_catalog(write_files(tmp_path, {"banks/b.yaml": bank}))
    assert [p.message for p in catalog.errors] == ["unknown key 'kind'"]  # not "(did you mean 'kind'?)"


def test_missing_folder_is_one_problem(tmp_path):
    catalog = load_catalog(tmp_path / "nope")
    assert [p.message for p in catalog.errors] == ["content folder not found"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a: &a [x, x]\nb: &b [*a, *a]\n"
            + "".join(
                f"c{i}: &c{i} [*{'b' if i == 0 else f'c{i - 1}'}, *{'b' if i == 0 else f'c{i - 1}'}, *{'b' if i == 0 else f'c{i - 1}'}, *{'b' if i == 0 else f'c{i - 1}'}]\n"
                for i in range(12)
            ),
            "document too large",
        ),
        ("a: " + "[" * 60 + "]" * 60, "nested more than 40 levels deep"),
        ("a: !!python/name:os.system", "this YAML tag is not allowed"),
        ("a: !!set {x}", "is not allowed"),
        ("a: 1\n\ta: 2", "YAML syntax error"),
    ],
)
def test_hostile_yaml_is_refused(text, message):
    with pytest.raises(ContentError, match=message):
        parse_yaml(text, "x.yaml")


def test_catalog_status_lists_every_file_with_its_problems():
    status = load_catalog(BROKEN).status()
    assert status[str(BROKEN / "lessons" / "good-lesson.yaml")] == []
    assert [p.line for p in status[str(BROKEN / "lessons" / "typo-key.yaml")]] == [1, 2]
    assert len(status) == 28
