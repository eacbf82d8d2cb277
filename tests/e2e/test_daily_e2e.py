"""每日一练 in a real browser on a phone, three days in a row (the test moves the server's clock
through the test-only clock file), then 我的积分; screenshots at 375×812 and 1366×768.

The server runs with ``MINGDE_TESTING=1`` and ``MINGDE_TEST_CLOCK`` naming a file the test writes:
``quizzes.fields.utcnow`` reads it at every call.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.dbcopy import copy_database, query
from tests.e2e.conftest import SCREENSHOTS
from ui.serve import free_port, start_server, stop, wait_healthy

TIMEOUT = 30_000
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 768}
EXPLAIN = "E2E每日解析"
BANK = "id: e2e-daily\ntitle: 端到端每日一练题库\nquestions:\n" + "".join(
    f"  - id: d{i}\n    type: single\n    prompt: 每日第{i}题：遇到群众求助应当怎么做？\n"
    f"    options: [热情接待认真办理, 推诿扯皮]\n    answer: A\n    explanation: {EXPLAIN}{i}\n"
    for i in range(12)
)
DAILY = "sets:\n  - id: e2e\n    banks: [e2e-daily]\n    count: 5\n"


class Clock:
    def __init__(self, path: Path):
        self.path = path

    def set(self, moment: dt.datetime) -> None:
        self.path.write_text(moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(), encoding="utf-8")


@pytest.fixture(scope="module")
def clocked(tmp_path_factory, demo_db):
    """A server on the demo data whose clock is the test's; yields (url, db path, clock)."""
    base = tmp_path_factory.mktemp("daily")
    db = base / "mingde.db"
    copy_database(demo_db, db)
    content = base / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "banks" / "e2e-daily.yaml").write_text(BANK, encoding="utf-8")
    (content / "daily.yaml").write_text(DAILY, encoding="utf-8")
    clock = Clock(base / "clock")
    clock.set(dt.datetime(2026, 12, 2, 1, 0, tzinfo=dt.UTC))
    env = {
        **os.environ,
        "MINGDE_DB": str(db),
        "MINGDE_CONTENT": str(content),
        "MINGDE_LANG": "zh",
        "MINGDE_TESTING": "1",
        "MINGDE_TEST_CLOCK": str(clock.path),
    }
    port = free_port()
    log = open(base / "streamlit.log", "w")  # noqa: SIM115 (open for the server's life)
    proc = start_server(port, env, log=log)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, proc)
    yield url, db, clock
    stop(proc)
    log.close()


def sign_in(page, url: str, username: str, landing: str) -> None:
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("mingde-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name=landing, exact=True)).to_be_visible(timeout=TIMEOUT)


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def do_the_set(page, url: str, clock: Clock, start: dt.datetime, day: int, frames: list[bytes]) -> None:
    frames.clear()
    page.goto(f"{url}/daily")
    expect(page.get_by_role("heading", name="每日一练")).to_be_visible(timeout=TIMEOUT)
    for n in range(5):
        expect(page.get_by_role("button", name="提交本题")).to_be_visible(timeout=TIMEOUT)
        if n == 0 and day == 1:
            shot(page, "daily_phone_day1_question")
        if n == 0:
            # before an answer, neither the page nor a websocket frame carries an explanation
            assert EXPLAIN not in page.content()
            assert EXPLAIN.encode() not in b"".join(frames)
            assert "每日第".encode() in b"".join(frames)  # the frames were captured and searched
        clock.set(start + dt.timedelta(seconds=10 * (n + 1)))  # a plausible pace: 10 s a question
        page.get_by_role("radiogroup").last.get_by_text("热情接待认真办理").click()
        page.get_by_role("button", name="提交本题").click()
        expect(page.get_by_text(EXPLAIN)).to_have_count(n + 1, timeout=TIMEOUT)  # the explanation at once
    expect(page.get_by_text("今日每日一练已完成：答对 5/5 题")).to_be_visible(timeout=TIMEOUT)
    streak = page.get_by_test_id("stMetric").filter(has_text="连续天数")
    expect(streak).to_contain_text(f"{day} 天")
    if day == 3:
        streak.scroll_into_view_if_needed()
        shot(page, "daily_phone_day3_top")
        page.get_by_text("2026 年 12 月").scroll_into_view_if_needed()
        shot(page, "daily_phone_day3_calendar")


def test_three_days_of_daily_practice_on_a_phone(clocked, browser):
    url, db, clock = clocked
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f if isinstance(f, bytes) else f.encode())))
    for day in (1, 2, 3):
        start = dt.datetime(2026, 12, 1 + day, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
        clock.set(start)
        context.clear_cookies()  # a new day, a new sign-in (sessions last 12 hours)
        sign_in(page, url, "employee", "首页")  # employees land on 首页
        do_the_set(page, url, clock, start, day, frames)
    # the streak, the calendar and the points
    expect(page.get_by_role("table").get_by_text("4 ✓")).to_be_visible()
    page.goto(f"{url}/my_points")
    expect(page.get_by_role("heading", name="我的积分")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("row", name="每日一练 15")).to_be_visible(timeout=TIMEOUT)
    shot(page, "my_points_phone")
    context.close()

    rows = query(db, "SELECT day, correct, total, flagged FROM daily_sets WHERE employee_id = 'E011' ORDER BY day")
    [(answers,)] = query(db, "SELECT COUNT(*) FROM daily_answers WHERE employee_id = 'E011'")
    assert rows == [("2026-12-02", 5, 5, 0), ("2026-12-03", 5, 5, 0), ("2026-12-04", 5, 5, 0)]
    assert answers == 15

    desk = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = desk.new_page()
    sign_in(page, url, "employee", "首页")  # employees land on 首页
    page.goto(f"{url}/daily")
    expect(page.get_by_text("今日每日一练已完成")).to_be_visible(timeout=TIMEOUT)
    shot(page, "daily_desktop")
    page.goto(f"{url}/points_ranking")
    expect(page.get_by_role("heading", name="积分排行")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("stDataFrame")).to_be_visible(timeout=TIMEOUT)
    shot(page, "points_ranking_desktop")
    desk.close()
