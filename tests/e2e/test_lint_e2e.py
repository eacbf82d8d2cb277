"""The authoring lint on the content page, and a new starter lesson, in a real browser at phone and
desktop sizes (issue 18). Screenshots go to tests/e2e/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.dbcopy import query
from tests.e2e.conftest import SCREENSHOTS, SERVER_FILES

SIZES = {"375x812": {"width": 375, "height": 812}, "1366x768": {"width": 1366, "height": 768}}


def _sign_in(browser, server, username, size):
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN")
    page = context.new_page()
    page.goto(server)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("mingde-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("退出登录")).to_be_attached(timeout=30_000)
    return context, page


@pytest.mark.parametrize("size", list(SIZES))
def test_organizer_reads_the_lint_of_a_bank(server, browser, size):
    context, page = _sign_in(browser, server, "organizer", size)
    try:
        page.goto(f"{server}/content")
        heading = page.get_by_role("heading", name="题目质量提示")
        expect(heading).to_be_visible(timeout=30_000)
        # the reviewed starter banks: the guessability rules are all at zero; what is left are hints
        expander = page.get_by_test_id("stExpander").filter(has_text="职业道德与服务作风题库 ·")
        summary = expander.locator("summary")
        summary.scroll_into_view_if_needed()
        summary.click()  # the last click: open the bank's hints
        expect(expander.get_by_text("填空题只接受一种写法：", exact=False)).to_be_visible(timeout=15_000)
        expect(expander.get_by_text("单选题的正确选项是唯一最长的选项：")).to_have_count(
            0
        )  # this bank (others may be published meanwhile)
        code = expander.locator("code").filter(has_text="banks/ethics-bank.yaml:")
        expect(code).to_be_visible()
        assert "eth-" not in code.inner_text()  # no internal question ids in the Chinese UI
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"lint-content-page-{size}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_employee_reads_a_new_lesson_and_its_opening_is_recorded(server, browser, size):
    context, page = _sign_in(browser, server, "employee", size)
    try:
        page.goto(f"{server}/?lesson=women-workers")
        expect(page.get_by_role("heading", name="女职工权益保护")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("1小时哺乳时间", exact=True)).to_be_visible()
        expect(page.get_by_text("Page not found")).to_have_count(0)
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"lint-new-lesson-{size}.png"), full_page=True)
    finally:
        context.close()
    [(count,)] = query(SERVER_FILES["db"], "SELECT COUNT(*) FROM lesson_progress WHERE lesson_id = 'women-workers'")
    assert count >= 1
