"""An employee in a real browser: sign in, read a lesson, take a quiz, reload mid-quiz, submit.

Before submission neither the page nor any websocket message may carry the answer key: the marker
quiz plants markers in explanations and accepted answers, and the test looks for them in both.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ANSWER_MARKER, MARKER, sign_in

pytestmark = pytest.mark.pg_journey  # also run on PostgreSQL in CI (.ci/run)

TIMEOUT = 30_000


def test_wrong_password_gets_one_neutral_message(server, page):
    page.goto(server)
    page.get_by_label("用户名").fill("employee")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("用户名或密码不正确。")).to_be_visible(timeout=TIMEOUT)


def test_sign_in_survives_reload_and_new_tab(server, page):
    sign_in(page, server)
    cookie = next(c for c in page.context.cookies() if c["name"] == "mingde_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.reload()
    expect(page.get_by_role("heading", name="首页", exact=True)).to_be_visible(timeout=TIMEOUT)
    tab = page.context.new_page()
    tab.goto(f"{server}/results")
    expect(tab.get_by_role("heading", name="我的成绩")).to_be_visible(timeout=TIMEOUT)
    tab.close()


def test_read_a_lesson(server, page):
    sign_in(page, server)
    page.goto(f"{server}/learn")
    card = page.get_by_test_id("stVerticalBlock").filter(has=page.get_by_role("heading", name="职业道德基本规范")).last
    # 开始学习, or 继续学习 once the other screen size's run has opened it, or 复习 once it was finished
    card.get_by_role("button", name="开始学习").or_(card.get_by_role("button", name="继续学习")).or_(
        card.get_by_role("button", name="复习")
    ).click()
    expect(page.get_by_role("heading", name="要点")).to_be_visible(timeout=TIMEOUT)
    # the demo employee may have completed this lesson in the seeded history
    expect(page.get_by_role("button", name="标记为已学完").or_(page.get_by_text("本课已学完。"))).to_be_visible(timeout=TIMEOUT)


def test_take_a_quiz_reload_and_submit_without_leaking_the_key(server, page):
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f if isinstance(f, bytes) else f.encode())))
    sign_in(page, server)
    page.goto(f"{server}/quizzes?quiz=e2e-marker")
    card = page.get_by_test_id("stVerticalBlock").filter(has=page.get_by_role("heading", name="端到端测验")).last
    card.get_by_role("button", name="开始答题").click()
    expect(page.get_by_text("端到端第一题")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("剩余时间")).to_have_count(0)  # no time limit on this quiz
    expect(page.get_by_text("未作答", exact=True)).to_have_count(3)

    # each question is its own fragment: answering updates that card's status, saved at once
    page.get_by_text("A. 爱岗敬业").click()
    expect(page.get_by_text("已作答", exact=True)).to_have_count(1, timeout=TIMEOUT)
    page.get_by_label("第 1 空").fill("预防为主")
    page.get_by_label("第 1 空").press("Enter")
    expect(page.get_by_text("已作答", exact=True)).to_have_count(2, timeout=TIMEOUT)

    page.reload()  # a refresh resumes the same attempt with the same answers
    expect(page.get_by_text("已作答", exact=True)).to_have_count(2, timeout=TIMEOUT)
    expect(page.get_by_text("未作答", exact=True)).to_have_count(1)
    expect(page.get_by_role("radio", name="A. 爱岗敬业")).to_be_checked()
    expect(page.get_by_label("第 1 空")).to_have_value("预防为主")

    source = page.content()
    received = b"".join(frames)
    for marker in (MARKER, ANSWER_MARKER):
        assert marker not in source
        assert marker.encode() not in received
    assert "端到端第一题".encode() in received  # the frames were captured and searched

    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_text("还有 1 题未作答")).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("button", name="确认交卷").click()
    expect(page.get_by_text("2 / 3")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text(MARKER).first).to_be_visible()  # explanations appear after submission


def test_sign_out_ends_the_session(server, page):
    if page.viewport_name != "desktop":
        return  # the sidebar is collapsed on phones; one size is enough for this check
    sign_in(page, server)
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_label("用户名")).to_be_visible(timeout=TIMEOUT)
    page.go_back()
    page.reload()
    expect(page.get_by_label("用户名")).to_be_visible(timeout=TIMEOUT)
