"""Journeys of issue 13 in a real browser, to the last click, at 375x812 and 1366x768: each step a
person takes, checked on the screen and in the database.

Each test signs in as an employee of its own (created here), so the steps start from nothing.
"""

from __future__ import annotations

import itertools
import sqlite3

from playwright.sync_api import expect

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
    with sqlite3.connect(SERVER_FILES["db"]) as db:
        return db.execute(sql, params).fetchall()


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
    with sqlite3.connect(SERVER_FILES["db"]) as db:
        db.execute(
            "UPDATE lesson_progress SET started_at = '2026-01-01T00:00:00.000+00:00' WHERE employee_id = ?", (employee_id,)
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
