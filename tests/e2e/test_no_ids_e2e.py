"""Review #11, #12, #20 in a real browser, at 375×812 and 1366×768: the authoring pages name banks,
questions and quizzes by title and number (no internal id on the page), the confirmation of 发布 is
in view of the button, the employee sees the newest quiz first, and an event without sign-up says so."""

from __future__ import annotations

import json
import re

import yaml
from playwright.sync_api import expect

from tests.dbcopy import query
from tests.e2e.conftest import SCREENSHOTS, SERVER_FILES, sign_in, wait_until

TIMEOUT = 30_000
IDS = re.compile(r"ethics-bank|union-bank|eth-s-\d|[a-z]+-bank/|content/lessons/|monthly-\d{4}")


def settle(page) -> None:
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=TIMEOUT)


def shot(page, name: str, full: bool = False) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"no-ids-{name}-{page.viewport_name}.png"), full_page=full)


def typed(page, search, text: str) -> bool:
    """Open a multiselect's list and type ``text`` into its search; True once both took (a click
    while the list is still drawing, or keys typed before it has the focus, can be lost)."""
    if search.input_value() != text:
        search.click()
        search.fill("")
        search.press_sequentially(text, delay=30)
    return search.input_value() == text and page.get_by_role("listbox").is_visible()


def main_text(page) -> str:
    return page.get_by_test_id("stMain").inner_text()


def test_titles_not_ids_publish_in_view_and_newest_quiz_first(server, browser, page):
    size = page.viewport_name
    sign_in(page, server, "organizer")

    # 题目编辑: the bank by its title, the questions by number and prompt
    page.goto(f"{server}/question_editor")
    expect(page.get_by_role("heading", name="题目编辑")).to_be_visible(timeout=TIMEOUT)
    bank = page.get_by_role("combobox", name="题库", exact=True)
    expect(bank).to_have_value(re.compile("题库$"), timeout=TIMEOUT)
    expect(page.get_by_text("第 1 题", exact=False).first).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("textbox", name="查找题目")).to_be_visible(timeout=TIMEOUT)
    settle(page)
    shot(page, "question-editor")
    assert not IDS.search(main_text(page)), IDS.search(main_text(page))

    # 组卷: hand-pick a question, save a draft, publish; the confirmation is next to the buttons
    page.goto(f"{server}/quiz_builder")
    expect(page.get_by_role("heading", name="组卷")).to_be_visible(timeout=TIMEOUT)
    settle(page)
    title = f"端到端{size}自测"
    quiz_id = page.get_by_role("textbox", name="编号", exact=True)  # what the organizer types: labelled 编号
    quiz_id.fill(f"e2e-ids-{size}")
    quiz_id.press("Enter")
    settle(page)
    page.get_by_role("textbox", name="标题", exact=True).fill(title)
    page.get_by_role("textbox", name="标题", exact=True).press("Enter")
    settle(page)
    page.get_by_text("手动选题（已有", exact=False).first.click()
    search = page.get_by_role("combobox", name="从题库中挑选题目")
    search.scroll_into_view_if_needed()
    wait_until(lambda: typed(page, search, "第 1 题"), what="the search of 从题库中挑选题目")
    option = page.get_by_role("option").filter(has_text=re.compile("^职业道德与服务作风题库 · 第 1 题 · ")).first
    expect(option).to_be_visible(timeout=TIMEOUT)
    shot(page, "quiz-builder-hand-pick")
    options = wait_until(lambda: page.get_by_role("option").all_inner_texts(), what="the options")
    assert options and not [o for o in options if IDS.search(o)], options
    option.click()
    page.keyboard.press("Escape")
    settle(page)
    assert not IDS.search(main_text(page)), IDS.search(main_text(page))
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text(f"已保存草稿“{title}”")).to_be_in_viewport(timeout=TIMEOUT)
    settle(page)
    assert not IDS.search(main_text(page)), IDS.search(main_text(page))
    publish = page.get_by_role("button", name="发布", exact=True)
    publish.scroll_into_view_if_needed()
    publish.click()  # the last click of the organizer
    done = page.get_by_text(f"已发布“{title}”")
    expect(done).to_be_in_viewport(timeout=TIMEOUT)  # review #12: not only at the top, out of view
    expect(page.get_by_role("button", name="撤回为草稿")).to_be_in_viewport(timeout=TIMEOUT)
    settle(page)
    shot(page, "quiz-builder-published")
    assert not IDS.search(main_text(page)), IDS.search(main_text(page))
    files = [
        p for p in (SERVER_FILES["content"] / "quizzes").glob("*.yaml") if yaml.safe_load(p.read_text("utf-8"))["title"] == title
    ]
    assert len(files) == 1 and yaml.safe_load(files[0].read_text("utf-8")).get("status", "published") == "published"
    quiz_id = f"e2e-ids-{size}"
    assert yaml.safe_load(files[0].read_text("utf-8"))["id"] == quiz_id
    saves = [
        json.loads(d)
        for (d,) in query(SERVER_FILES["db"], "SELECT detail FROM audit_log WHERE action = 'content.save' ORDER BY id")
    ]
    assert [s["status"] for s in saves if s.get("id") == quiz_id][-2:] == ["draft", "published"]

    # 课程编辑 and 现场赛编排: the pickers offer titles
    for path, heading, label in (("lesson_editor", "课程编辑", "课程"), ("competition_builder", "现场赛编排", "现场赛")):
        page.goto(f"{server}/{path}")
        expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=TIMEOUT)
        settle(page)
        page.get_by_role("combobox", name=label, exact=True).click()
        expect(page.get_by_role("option").nth(1)).to_be_visible(timeout=TIMEOUT)
        options = wait_until(lambda: page.get_by_role("option").all_inner_texts(), what="the options")
        shot(page, f"{path}-picker")
        assert len(options) > 1 and not [o for o in options if re.search(r"[a-z]+-[a-z0-9]+", o)], options
        page.keyboard.press("Escape")

    # 内容管理: titles and kinds, no file paths in the status list
    page.goto(f"{server}/content")
    expect(page.get_by_role("heading", name="内容状态")).to_be_visible(timeout=TIMEOUT)
    settle(page)
    page.get_by_role("heading", name="内容状态").scroll_into_view_if_needed()
    shot(page, "content-status")
    assert "content/lessons/" not in main_text(page) and "公务员职业道德 · 课程" in main_text(page)
    quizzes = page.get_by_role("heading", name="测验", exact=True)
    quizzes.scroll_into_view_if_needed()
    settle(page)
    shot(page, "content-quizzes")
    assert "ethics-exam-2026" not in main_text(page) and "ethics-basics-check" not in main_text(page)
    page.context.clear_cookies()

    # the employee: the new quiz on top of 测验; 培训活动 says when no sign-up is needed
    sign_in(page, server, "employee")
    page.goto(f"{server}/quizzes")
    first = page.get_by_role("heading", level=4).first
    expect(first).to_have_text(re.compile("^端到端.*自测$"), timeout=TIMEOUT)  # the newest (either size's)
    expect(page.get_by_role("button", name="开始答题").first).to_be_visible(timeout=TIMEOUT)
    settle(page)
    shot(page, "employee-quizzes")
    page.goto(f"{server}/my_events")
    expect(page.get_by_role("heading", name="培训活动")).to_be_visible(timeout=TIMEOUT)
    note = page.get_by_text("无需报名，到时直接来参加并签到即可。").first
    expect(note).to_be_visible(timeout=TIMEOUT)
    note.scroll_into_view_if_needed()
    settle(page)
    shot(page, "employee-events")
