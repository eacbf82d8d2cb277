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
