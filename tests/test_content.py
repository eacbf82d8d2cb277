"""The starter content: every file loads, and together they give a bureau what it needs on day one."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from quizzes import load_catalog
from quizzes.catalog import SUFFIXES
from tests.conftest import CONTENT

FILES = sorted(p for p in CONTENT.rglob("*") if p.suffix in SUFFIXES)
REQUIRED_LESSONS = ["职业道德", "廉洁", "工会", "服务群众", "安全生产", "学习型班组"]


def test_content_folder_has_no_problems(starter_catalog):
    assert [str(p) for p in starter_catalog.errors] == []


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CONTENT)) for p in FILES])
def test_each_file_loads(path, starter_catalog):
    rel = str(path.relative_to(CONTENT))
    assert not [p for p in starter_catalog.errors if p.path.endswith(rel)]


def test_lessons_cover_the_required_topics(starter_catalog):
    lessons = starter_catalog.lessons.values()
    assert len(lessons) >= 6
    for topic in REQUIRED_LESSONS:
        assert any(topic in lesson.title for lesson in lessons), topic
    union = next(lesson for lesson in lessons if "工会" in lesson.title)
    text = " ".join(s.body for s in union.sections)
    for must in ("职工代表大会", "集体合同", "公开", "职工之家"):
        assert must in text, must


def test_every_lesson_has_a_check_quiz(starter_catalog):
    for lesson in starter_catalog.lessons.values():
        assert lesson.quiz in starter_catalog.quizzes, lesson.id


def test_banks_are_big_enough_and_use_every_type(starter_catalog):
    banks = starter_catalog.banks.values()
    assert len(banks) >= 3
    questions = [q for b in banks for q in b.questions]
    assert len(questions) >= 150
    assert set(Counter(q.type for q in questions)) == {"single", "multiple", "true_false", "fill_blank", "scenario"}
    missing = [q.id for q in questions if not (q.explanation or "").strip()]
    assert missing == []


def test_there_is_an_exam_an_online_contest_and_a_live_competition(starter_catalog):
    kinds = Counter(q.kind for q in starter_catalog.quizzes.values())
    assert kinds["exam"] >= 1
    assert any(q.leaderboard for q in starter_catalog.quizzes.values())
    assert starter_catalog.competitions
    comp = next(iter(starter_catalog.competitions.values()))
    assert {r.type for r in comp.rounds} == {"required", "buzzer", "risk"}
    assert comp.tiebreak is not None


def test_assessment_settings_present(starter_catalog):
    assert starter_catalog.assessment is not None


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CONTENT)) for p in FILES])
def test_no_invented_article_numbers_or_raw_html(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"第[一二三四五六七八九十百零〇\d]+条", text), "cite laws by name only"
    assert not re.search(r"<\s*[a-zA-Z/!]", text), "no raw HTML in content"


def test_validate_is_stable_when_loaded_twice():
    a, b = load_catalog(CONTENT), load_catalog(CONTENT)
    assert a.summary() == b.summary()


NEW_TOPICS = {
    "为基层减负": "为基层减负",
    "送温暖": "送温暖",
    "工会组织": "基层工会组织",
    "女职工权益": "女职工权益",
    "公务员职业道德": "公务员职业道德",
}


@pytest.mark.parametrize(("tag", "title"), list(NEW_TOPICS.items()))
def test_each_new_topic_has_a_lesson_a_quiz_and_questions_of_every_type(starter_catalog, tag, title):
    lesson = next(lesson for lesson in starter_catalog.lessons.values() if title in lesson.title)
    quiz = starter_catalog.quizzes[lesson.quiz]
    assert quiz.draw and all(tag in (d.tags or []) for d in quiz.draw)
    questions = [q for b in starter_catalog.banks.values() for q in b.questions if tag in q.tags]
    assert {q.type for q in questions} == {"single", "multiple", "true_false", "fill_blank", "scenario"}
    assert all((q.explanation or "").strip() for q in questions)


def test_the_safety_lesson_teaches_the_all_staff_responsibility_system(starter_catalog):
    text = " ".join(s.body for s in starter_catalog.lessons["work-safety"].sections)
    assert "全员安全生产责任制" in text and "第一责任人" in text


def test_lessons_state_a_realistic_reading_time(starter_catalog):
    for lesson in starter_catalog.lessons.values():
        assert lesson.minutes is None or 3 <= lesson.minutes <= 10, lesson.id


def test_lessons_have_no_tables_too_wide_for_a_phone(starter_catalog):
    for lesson in starter_catalog.lessons.values():
        for section in lesson.sections:
            rows = [line for line in section.body.splitlines() if line.strip().startswith("|")]
            assert all(line.count("|") <= 3 for line in rows), (lesson.id, section.title)


def test_exam_questions_are_never_shown_by_a_practice_quiz(starter_catalog):
    practice = {d.bank for q in starter_catalog.quizzes.values() if q.kind == "quiz" for d in q.draw}
    for quiz in starter_catalog.quizzes.values():
        if quiz.kind == "exam":
            assert quiz.draw and not {d.bank for d in quiz.draw} & practice, quiz.id


def test_dated_quizzes_close_within_their_year(starter_catalog):
    for quiz in starter_catalog.quizzes.values():
        year = re.search(r"20\d\d", quiz.id)
        if year and quiz.closes:
            assert quiz.closes.year == int(year.group()), quiz.id


def test_starter_banks_give_nothing_away_by_length_or_absurdity(starter_catalog):
    from quizzes.lint import lint_catalog

    for report in lint_catalog(starter_catalog):
        for rule in ("longest_key", "one_wrong", "scenario_longest", "no_explanation", "lonely_group"):
            assert report.counts[rule][0] == 0, (report.bank, rule, [str(f) for f in report.findings if f.rule == rule])


def test_scenario_options_that_break_the_rules_earn_nothing(starter_catalog):
    """The options the legal review named (banquet, 购物卡, not recusing, driving exhausted, obeying 强令冒险作业)."""
    breaking = [
        "去吃饭但不收礼",
        "把卡上的钱全部捐给",
        "不回避",
        "先开着，路上困了",
        "服从安排，抢收要紧",
        "向工会反映情况，但为了不耽误抢收",
    ]
    options = [o for b in starter_catalog.banks.values() for q in b.questions if q.type == "scenario" for o in q.options]
    for text in breaking:
        matching = [o for o in options if text in o.text]
        assert matching and all(o.credit == 0 for o in matching), text


def test_validate_with_lint_passes_on_the_starter_content():
    from click.testing import CliRunner

    from ui.cli import cli

    result = CliRunner().invoke(cli, ["validate", str(CONTENT), "--lint"])
    assert result.exit_code == 0, result.output
    assert "lint exam-bank:" in result.stdout


@pytest.mark.parametrize(
    ("bank", "qid", "response", "right"),
    [
        ("safety-bank", "saf-f-004", "握", True),
        ("safety-bank", "saf-f-004", "瞄", True),
        ("safety-bank", "saf-f-004", "瞄准。", True),
        ("safety-bank", "saf-f-004", "对准", True),
        ("safety-bank", "saf-f-004", "喷", False),
        ("union-bank", "uni-f-003", "集体合同", True),
        ("union-bank", "uni-f-003", "集体协商", True),
        ("ethics-bank", "eth-f-004", "一次性告知制", True),
        ("ethics-bank", "eth-f-004", "责任追究制", True),
        ("ethics-bank", "eth-f-004", "层层请示制", False),
    ],
)
def test_reviewed_fill_ins_accept_the_common_answers(starter_catalog, bank, qid, response, right):
    from quizzes.grading import score_question

    question = next(q for q in starter_catalog.banks[bank].questions if q.id == qid)
    assert (score_question(question, response) == question.points) is right
