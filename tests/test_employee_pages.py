"""AppTest of the employee pages of issue 13: 首页, the start page by role, lessons by button."""

from __future__ import annotations

import pytest

from tests.conftest import signed_in_page
from tests.test_app import app
from tests.test_app import env as env  # noqa: F401 (the fixture)


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [str(b.label) for b in at.button]
    parts += [str(link.proto.label) for link in at.get("page_link")]
    return " ".join(parts)


def test_home_shows_what_is_due_unfinished_lessons_and_progress(env):
    at = app(env, "zhang")
    assert at.title[0].value == "首页"
    shown = texts(at)
    assert "张三 · 办公室" in shown  # the person, not the login name
    assert "小测验" in shown and "去答题" in shown  # the open quiz
    assert "职业道德基础" in shown and "开始学习" in shown  # the unfinished lesson
    assert [m.label for m in at.metric][:2] == ["已学课程", "已参加测验"]
    assert "张三 · 办公室（职工）" in " ".join(c.value for c in at.sidebar.caption)
    assert "zhang" not in " ".join(c.value for c in at.sidebar.caption)


@pytest.mark.parametrize(("user", "title"), [("zhang", "首页"), ("boss", "参与情况"), ("org", "内容概览")])
def test_each_role_lands_on_its_start_page(env, user, title):
    assert app(env, user).title[0].value == title


def test_a_finished_lesson_offers_review(env):
    from tests.conftest import at as moment

    env.open_lesson("E001", "basics", now=moment("2026-01-01T00:00"))
    env.complete_lesson("E001", _catalog().lessons["basics"], now=moment("2026-01-01T01:00"))
    at = app(env, "zhang", "ui/pages/learn.py")
    assert "已学完" in texts(at) and [b.label for b in at.button] == ["复习"]


def test_the_lesson_button_puts_the_lesson_in_the_address(env):
    at = app(env, "zhang", "ui/pages/learn.py")
    at.button(key="open:basics").click().run()
    assert at.query_params["lesson"] == ["basics"] or at.query_params["lesson"] == "basics"
    assert at.title[0].value == "职业道德基础"
    assert "还需阅读约 2 分钟" in texts(at)
    at.button(key="back").click().run()
    assert "lesson" not in at.query_params and at.title[0].value == "学习"


def test_home_for_a_signed_in_employee_via_the_helper(env):
    at = signed_in_page(env, "li", "ui/pages/home.py")
    assert "李四 · 办公室" in texts(at)


def _catalog():
    import os

    from quizzes import load_catalog

    return load_catalog(os.environ["MINGDE_CONTENT"])


def test_answer_sheet_marks_and_one_submit_with_typed_text(env):
    from tests.test_app import start

    at, attempt_id = start(env)
    sheet = " ".join(h.proto.body for h in at.get("html") if h.proto.body.startswith('<nav class="mingde-sheet"'))
    assert sheet.count('data-q="') == 5 and "答题卡" in sheet
    at.button(key=f"mark:{attempt_id}:s1").click().run()
    assert "已标记" in " ".join(m.value for m in at.markdown)
    for key, value in (("s1", "A"), ("c1", "A"), ("t1", True)):
        at.radio(key=f"{attempt_id}:{key}").set_value(value).run()
    at.checkbox(key=f"{attempt_id}:m1:0").check().run()  # keyed by display position, never the letter
    at.text_input(key=f"{attempt_id}:f1:0").input("预防为主")  # typed, not committed: the tap carries it
    at.button(key="submit").click().run()
    assert env.saved_responses(attempt_id)["f1"] == ["预防为主"]
    assert "待检查（第 1 题）" in at.warning[0].value  # s1 is marked: 交卷 reminds first (review #20)
    at.button(key="submit_anyway").click().run()
    row = env.attempt(attempt_id)
    assert row["submitted_at"] and env.saved_responses(attempt_id)["f1"] == ["预防为主"]
    assert [m.label for m in at.metric] == ["得分", "得分率", "结果"]
    assert any(c.value.startswith("用时") for c in at.caption)


def test_submitting_with_unanswered_questions_asks_first(env):
    from tests.test_app import start

    at, attempt_id = start(env)
    at.button(key="submit").click().run()
    assert "还有 5 题未作答" in at.warning[0].value and env.attempt(attempt_id)["submitted_at"] is None
    at.button(key="submit_anyway").click().run()
    assert env.attempt(attempt_id)["submitted_at"]


def test_wrong_book_practice_is_labelled_practice_and_not_counted(env):
    from tests.test_app import start
    from tracker.access import Access

    at, attempt_id = start(env)
    env.save_answer(attempt_id, "s1", "B")  # wrong
    env.submit_attempt(attempt_id)
    zhang = next(u for u in env.users() if u.username == "zhang")
    practice = Access(env, zhang).start_wrong_practice()
    env.submit_attempt(practice)  # nothing answered: 0 %, which is no 不合格 for practice
    at = app(env, "zhang", "ui/pages/results.py")
    lines = [m.value for m in at.markdown if "错题重练" in m.value]
    assert lines and "练习" in lines[0] and "不合格" not in lines[0]
    assert any("已交卷 1 次，合格 0 次" in c.value for c in at.caption)
    assert "Q" not in " ".join(m.label for m in at.metric)  # the period in words, not 2026Q4
