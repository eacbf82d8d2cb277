"""Journeys of issue 13 in a real browser, to the last click, at 375x812 and 1366x768: each step a
person takes, checked on the screen and in the database.

Each test signs in as an employee of its own (created here), so the steps start from nothing.
"""

from __future__ import annotations

import itertools
import json

from playwright.sync_api import expect

from tests.dbcopy import execute as db_execute
from tests.dbcopy import query as db_query
from tests.e2e.conftest import SCREENSHOTS, SERVER_FILES
from tracker import Tracker

TIMEOUT = 30_000
_serial = itertools.count(1)


def new_employee(name: str = "新同事", department: str = "办公室") -> str:
    """A fresh employee with an account (password mingde-demo); returns the user name."""
    n = next(_serial)
    username = f"j{n:03d}-{id(object()) % 10_000}"
    tracker = Tracker(SERVER_FILES["db"])
    try:
        tracker.add_employee(f"J{username}", f"{name}{n}", department, "综合组")
        tracker.add_user(username, "mingde-demo", "employee", f"J{username}")
    finally:
        tracker.close()
    return username


def query(sql: str, *params) -> list[tuple]:
    return db_query(SERVER_FILES["db"], sql, params)


def sign_in_as(page, server: str, username: str) -> None:
    page.goto(server)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("mingde-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("退出登录")).to_be_attached(timeout=TIMEOUT)


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"journey-{name}-{page.viewport_name}.png"), full_page=True)


def card_of(page, title: str):
    return page.get_by_test_id("stVerticalBlock").filter(has=page.get_by_role("heading", name=title)).last


def test_lesson_by_click_is_in_the_address_and_finishing_it_is_recorded(server, page):
    username = new_employee()
    employee_id = f"J{username}"
    sign_in_as(page, server, username)
    page.goto(f"{server}/learn")
    card_of(page, "职业道德基本规范").get_by_role("button", name="开始学习").click()
    expect(page.get_by_role("heading", name="要点")).to_be_visible(timeout=TIMEOUT)
    expect(page).to_have_url(f"{server}/learn?lesson=ethics-basics", timeout=TIMEOUT)
    expect(page.get_by_text("还需阅读约")).to_be_visible()  # the reading time left
    page.reload()  # a refresh stays in the lesson
    expect(page.get_by_role("heading", name="要点")).to_be_visible(timeout=TIMEOUT)

    page.get_by_role("button", name="标记为已学完").click()  # too early: says how long is left, records nothing
    expect(page.get_by_text("请再认真阅读")).to_be_visible(timeout=TIMEOUT)
    assert query("SELECT completed_at FROM lesson_progress WHERE employee_id = ?", employee_id) == [(None,)]
    shot(page, "lesson-too-early")

    # the minimum reading time (2 minutes) has passed
    db_execute(
        SERVER_FILES["db"],
        "UPDATE lesson_progress SET started_at = '2026-01-01T00:00:00.000+00:00' WHERE employee_id = ?",
        (employee_id,),
    )
    page.get_by_role("button", name="标记为已学完").click()
    expect(page.get_by_text("本课已学完。")).to_be_visible(timeout=TIMEOUT)
    link = page.get_by_role("link", name="参加本课测验：职业道德基本规范 课后测验")
    expect(link).to_be_visible()
    [(completed_at,)] = query("SELECT completed_at FROM lesson_progress WHERE employee_id = ?", employee_id)
    assert completed_at
    expect(page).to_have_url(f"{server}/learn?lesson=ethics-basics")
    shot(page, "lesson-done")

    page.get_by_role("button", name="返回课程列表").click()
    card = card_of(page, "职业道德基本规范")
    expect(card.get_by_role("button", name="复习")).to_be_visible(timeout=TIMEOUT)
    expect(card.get_by_text("已学完")).to_be_visible()
    expect(page).to_have_url(f"{server}/learn")


def start_five(page, server: str) -> str:
    """Open 五种题型测验 from 测验 and start it; returns the attempt id (from the address)."""
    page.goto(f"{server}/quizzes?quiz=e2e-five")
    card_of(page, "五种题型测验").get_by_role("button", name="开始答题").click()
    expect(page.get_by_label("第 1 空")).to_be_visible(timeout=TIMEOUT)
    return page.url.split("attempt=")[1]


def answer_five(page, blank: str = "预防为主") -> None:
    """Answer all five questions; the cursor stays in the fill-in box (no Enter, no leaving it)."""
    page.get_by_role("radio", name="A. 爱岗敬业").check(force=True)
    expect(page.get_by_role("radio", name="A. 爱岗敬业")).to_be_checked()
    page.get_by_role("checkbox", name="A. 诚实守信").check(force=True)
    page.get_by_role("checkbox", name="B. 办事公道").check(force=True)
    page.get_by_role("radio", name="正确").check(force=True)
    page.get_by_role("radio", name="A. 婉言谢绝").check(force=True)
    expect(page.get_by_role("radio", name="A. 婉言谢绝")).to_be_checked()
    box = page.get_by_label("第 1 空")
    box.click()
    box.press_sequentially(blank)


def test_fill_in_text_is_saved_without_enter_and_restored(server, page):
    username = new_employee()
    sign_in_as(page, server, username)
    attempt = start_five(page, server)
    last = page.locator(".st-key-q5")
    expect(last).not_to_be_in_viewport()
    page.get_by_role("navigation", name="答题卡").get_by_role("link", name="5 未作答").click()  # tap to jump
    expect(last).to_be_in_viewport(timeout=TIMEOUT)
    answer_five(page)
    expect(page.get_by_role("link", name="5 已作答")).to_be_attached(timeout=TIMEOUT)  # the sheet follows
    # saved while the cursor is still in the box (after a short pause in typing)
    wait_for_db = lambda: query("SELECT response FROM answers WHERE attempt_id = ? AND question_id = 'q5'", attempt)  # noqa: E731
    try:
        expect(page.get_by_text("已作答", exact=True)).to_have_count(5, timeout=TIMEOUT)
    except AssertionError:
        print([e.inner_text()[:40] for e in page.get_by_text("作答").all()], wait_for_db())
        raise
    assert wait_for_db() == [('["预防为主"]',)]
    page.reload()
    expect(page.get_by_label("第 1 空")).to_have_value("预防为主", timeout=TIMEOUT)


def test_one_tap_submits_with_the_cursor_in_a_fill_in(server, page):
    username = new_employee()
    sign_in_as(page, server, username)
    attempt = start_five(page, server)
    answer_five(page)
    page.get_by_role("button", name="交卷").scroll_into_view_if_needed()
    expect(page.get_by_role("timer")).to_be_in_viewport()  # the countdown stays in sight at the bottom of the page
    shot(page, "quiz-bottom")
    page.get_by_role("button", name="交卷").click()  # at once, while the cursor is in the box
    expect(page.get_by_text("合格", exact=True).first).to_be_visible(timeout=TIMEOUT)
    [(submitted_at, score)] = query("SELECT submitted_at, score FROM attempts WHERE id = ?", attempt)
    assert submitted_at and score == 5
    # the page lands at the top: score, outcome, time used, then the review
    expect(page.get_by_role("heading", name="五种题型测验")).to_be_in_viewport(timeout=TIMEOUT)
    expect(page.get_by_text("5 / 5")).to_be_in_viewport()
    expect(page.get_by_text("用时")).to_be_in_viewport()
    shot(page, "quiz-submitted")


def test_a_failed_sign_in_keeps_the_user_name(server, page):
    page.goto(server)
    page.get_by_label("用户名").fill("employee")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("用户名或密码不正确。")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_label("用户名")).to_have_value("employee")
    assert "employee" not in page.url  # not in the address (nor in the history)


def test_main_pages_one_tap_away_on_a_phone_and_the_menu_closes(server, page):
    username = new_employee(name="王小明", department="财务科")
    sign_in_as(page, server, username)
    expect(page.get_by_role("heading", name="首页", exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page).to_have_url(f"{server}/home")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("王小明")).to_be_attached()  # name and department, not the login name
    expect(sidebar.get_by_text("财务科")).to_be_attached()
    expect(sidebar.get_by_text(username)).to_have_count(0)
    tabs = page.locator(".st-key-mingde-tabs")
    if page.viewport_name == "desktop":
        expect(tabs).to_be_hidden()  # the sidebar is open on a PC
        return
    expect(tabs).to_be_visible()
    shot(page, "home")
    tabs.get_by_role("link", name="测验").click()
    expect(page.get_by_role("heading", name="测验", exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("stExpandSidebarButton")).to_have_accessible_name("菜单", timeout=TIMEOUT)  # a labelled menu
    page.get_by_test_id("stExpandSidebarButton").click()
    sidebar.get_by_role("link", name="排行榜").click()
    expect(page.get_by_role("heading", name="网上竞赛排行榜")).to_be_visible(timeout=TIMEOUT)
    expect(sidebar.get_by_role("link", name="排行榜")).not_to_be_in_viewport(timeout=TIMEOUT)  # the menu closed
    shot(page, "menu-closed")


def go(page, title: str) -> None:
    """Open a main page the way a person would: the tab bar on a phone, the sidebar on a PC."""
    if page.viewport_name == "phone":
        page.locator(".st-key-mingde-tabs").get_by_role("link", name=title).click()
    else:
        page.get_by_test_id("stSidebar").get_by_role("link", name=title).click()


def answer_all(page, total: int, blank: str = "不知道") -> None:
    """Answer every question of the attempt on the screen, whatever its type (the first option of a
    choice); fill-ins last, and the cursor stays in the last one."""
    blanks = []
    for n in range(1, total + 1):
        card = page.locator(f".st-key-q{n}")
        card.scroll_into_view_if_needed()
        if card.get_by_role("textbox").count():
            blanks.append(card)
        elif card.get_by_role("checkbox").count():
            card.get_by_role("checkbox").first.check(force=True)
            expect(card.get_by_text("已作答", exact=True)).to_be_visible(timeout=TIMEOUT)
        else:
            card.get_by_role("radio").first.check(force=True)
            expect(card.get_by_text("已作答", exact=True)).to_be_visible(timeout=TIMEOUT)
    for card in blanks:
        box = card.get_by_role("textbox").first
        box.click()
        box.press_sequentially(blank)


def test_employee_journey_lesson_quiz_results_wrong_book(server, page):
    username = new_employee()
    employee_id = f"J{username}"
    sign_in_as(page, server, username)
    expect(page.get_by_role("heading", name="首页", exact=True)).to_be_visible(timeout=TIMEOUT)
    shot(page, "employee-home")
    go(page, "学习")
    card_of(page, "职业道德基本规范").get_by_role("button", name="开始学习").click()
    expect(page).to_have_url(f"{server}/learn?lesson=ethics-basics", timeout=TIMEOUT)
    expect(page.get_by_text("还需阅读约")).to_be_visible(timeout=TIMEOUT)  # opened (and recorded)
    db_execute(  # the minimum reading time has passed
        SERVER_FILES["db"],
        "UPDATE lesson_progress SET started_at = '2026-01-01T00:00:00.000+00:00' WHERE employee_id = ?",
        (employee_id,),
    )
    page.get_by_role("button", name="标记为已学完").click()
    page.get_by_role("link", name="参加本课测验：职业道德基本规范 课后测验").click()

    expect(page.get_by_role("heading", name="测验", exact=True)).to_be_visible(timeout=TIMEOUT)
    card_of(page, "职业道德基本规范 课后测验").get_by_role("button", name="开始答题").click()
    expect(page.locator(".st-key-q10")).to_be_visible(timeout=TIMEOUT)
    attempt = page.url.split("attempt=")[1]
    [(paper,)] = query("SELECT paper FROM attempts WHERE id = ?", attempt)
    kinds = {q["question"]["type"] for q in json.loads(paper)["questions"]}
    assert kinds == {"single", "multiple", "true_false", "fill_blank", "scenario"}
    expect(page.get_by_role("navigation", name="答题卡")).to_be_visible()
    page.locator(".st-key-q1").get_by_role("button", name="标记").click()  # mark one for review
    expect(page.get_by_role("link", name="1 未作答，已标记")).to_be_visible(timeout=TIMEOUT)
    answer_all(page, 10)
    shot(page, "employee-quiz")
    page.get_by_role("button", name="交卷").click()  # one tap, the cursor still in the fill-in
    expect(page.get_by_text("待检查（第 1 题）")).to_be_visible(timeout=TIMEOUT)  # q1 is marked: reminded first
    page.get_by_role("button", name="确认交卷").click()
    expect(page.get_by_text("用时")).to_be_in_viewport(timeout=TIMEOUT)
    expect(page.get_by_text("得分", exact=True)).to_be_in_viewport()
    [(submitted, score)] = query("SELECT submitted_at, score FROM attempts WHERE id = ?", attempt)
    assert submitted and score is not None
    [(completed,)] = query("SELECT completed_at FROM lesson_progress WHERE employee_id = ?", employee_id)
    assert completed
    shot(page, "employee-result")

    page.get_by_role("link", name="查看我的成绩").click()
    expect(page.get_by_role("heading", name="我的成绩")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("职业道德基本规范 课后测验").first).to_be_visible()
    expect(page.get_by_role("heading", name="错题本")).to_be_visible()
    page.get_by_role("button", name="错题重练").click()
    expect(page.get_by_role("heading", name="错题重练")).to_be_visible(timeout=TIMEOUT)
    [(practice, paper)] = query("SELECT id, paper FROM attempts WHERE employee_id = ? AND quiz_kind = 'practice'", employee_id)
    n = len(json.loads(paper)["questions"])
    answer_all(page, n, blank="预防为主")
    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_text("练习", exact=True)).to_be_visible(timeout=TIMEOUT)  # no pass or fail for practice
    assert query("SELECT submitted_at IS NOT NULL FROM attempts WHERE id = ?", practice) == [(1,)]
    page.get_by_role("link", name="查看我的成绩").click()
    line = page.get_by_test_id("stMarkdownContainer").filter(has_text="错题重练 ·").first
    expect(line).to_contain_text("练习", timeout=TIMEOUT)
    expect(line).not_to_contain_text("不合格")
    shot(page, "employee-results")


def test_leader_journey_participation_non_participants_assessment_download(server, page, tmp_path):
    import openpyxl

    sign_in_as(page, server, "leader")
    expect(page.get_by_role("heading", name="参与情况", exact=True)).to_be_visible(timeout=TIMEOUT)  # the leader's start
    expect(page).to_have_url(f"{server}/participation")
    # the table is drawn on a canvas: its headers are checked by tests/test_one_language.py (AppTest)
    expect(page.locator("[data-testid=stDataFrame]:visible").first).to_be_visible(timeout=TIMEOUT)
    shot(page, "leader-participation")
    page.get_by_role("heading", name="未参与人员").scroll_into_view_if_needed()
    choice = page.get_by_label("部门", exact=True)
    choice.click()
    page.get_by_role("option").last.click()
    expect(page.get_by_role("listbox")).to_have_count(0, timeout=TIMEOUT)
    department = (choice.input_value() or choice.inner_text()).split("：")[0]
    missing = query(
        "SELECT COUNT(*) FROM employees WHERE department = ? AND active = 1 AND id NOT IN (SELECT employee_id FROM attempts "
        "WHERE submitted_at IS NOT NULL AND quiz_kind != 'practice' AND submitted_at >= ?)",
        department,
        "2026-10-01",
    )[0][0]
    assert department and missing >= 1
    shot(page, "leader-missing")

    go(page, "考核指标")
    expect(page.get_by_role("heading", name="考核指标", exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("docs/reports.md")).to_have_count(0)  # the method is explained on the page
    expect(page.get_by_text("课程学习得分 = 已学完课程数")).to_be_visible()
    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("button", name="下载 Excel").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert path.name.startswith("考核指标-") and sheet.max_row > 10  # a Chinese file name (review #18)
    shot(page, "leader-assessment")


def test_organizer_journey_overview_then_a_report(server, page):
    sign_in_as(page, server, "organizer")
    expect(page.get_by_role("heading", name="内容概览", exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("所有内容文件均有效。").or_(page.get_by_text("内容问题")).first).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text(str(SERVER_FILES["content"]))).to_have_count(0)  # no server paths
    shot(page, "organizer-overview")
    go(page, "参与情况")
    expect(page.get_by_role("heading", name="参与情况", exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("[data-testid=stDataFrame]:visible").first).to_be_visible(timeout=TIMEOUT)
    shot(page, "organizer-report")
