"""Sessions in a real browser: after signing out neither another open tab, nor Back, nor the old cookie
in a fresh browser gets in; a session that expires on the server ends at the next interaction of an
open page, although the browser still holds its cookie.

(test_employee_e2e.py checks the cookie's HttpOnly and SameSite flags and Back + reload after signing
out; tests/test_auth.py the expiry and sign-out in the library.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from playwright.sync_api import Browser, expect

from tests.dbcopy import execute, query_dicts
from tests.e2e.conftest import SCREENSHOTS, SERVER_FILES, sign_in
from tracker.store import iso, parse_iso

TIMEOUT = 30_000
COOKIE = "mingde_session"
HISTORY = re.compile(r" · \d+(\.\d+)?/\d+(\.\d+)? · ")  # one of "我的成绩"'s attempt lines: title · score/max · …


def desktop(browser: Browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    return context, context.new_page()


def session_cookie(context) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == COOKIE), None)


def session_row(token: str) -> dict | None:
    rows = query_dicts(
        SERVER_FILES["db"], "SELECT * FROM sessions WHERE token_hash = ?", (hashlib.sha256(token.encode()).hexdigest(),)
    )
    return rows[0] if rows else None


def open_results(page, server: str) -> str:
    """Open 我的成绩 and return one of its attempt lines (the employee's own data)."""
    page.goto(f"{server}/results")
    line = page.get_by_text(HISTORY).first
    expect(line).to_be_visible(timeout=TIMEOUT)
    return line.inner_text()


def expect_signed_out(page, line: str, username: str, *, ended: bool) -> None:
    """The sign-in form shows at the page's address (no "page not found" dialog), saying the session has
    ended when the browser still sent its cookie, and nothing of the employee: no attempt line, no name."""
    expect(page.get_by_label("用户名")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("登录已失效，请重新登录。")).to_have_count(1 if ended else 0)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text(line, exact=True)).to_have_count(0)
    expect(page.get_by_role("heading", name="我的成绩")).to_have_count(0)
    expect(page.get_by_text(f"当前用户：{username}")).to_have_count(0)
    assert not HISTORY.search(page.locator("body").inner_text())


def test_signed_out_means_out_in_every_tab_and_for_the_old_cookie(server, browser):
    user = "e075"
    context, page = desktop(browser)
    fresh = None
    try:
        sign_in(page, server, user)
        token = session_cookie(context)["value"]
        assert session_row(token) is not None
        tab = context.new_page()  # a second tab, open (with its own live connection) through the sign-out
        line = open_results(tab, server)

        page.get_by_role("button", name="退出登录").click()
        expect(page.get_by_label("用户名")).to_be_visible(timeout=TIMEOUT)
        assert session_cookie(context) is None  # the browser dropped the cookie ...
        assert session_row(token) is None  # ... and the server ended the session

        # the other tab still shows the old page; its next interaction shows the sign-in form instead
        tab.get_by_role("link", name="测验").click()
        expect_signed_out(tab, line, user, ended=True)

        page.go_back()  # Back alone, no reload
        expect_signed_out(page, line, user, ended=False)

        # the old cookie, replayed in a fresh browser, gets nowhere
        fresh, replay = desktop(browser)
        fresh.add_cookies([{"name": COOKIE, "value": token, "url": server, "httpOnly": True, "sameSite": "Lax"}])
        replay.goto(f"{server}/results")
        expect_signed_out(replay, line, user, ended=True)
        replay.goto(f"{server}/quizzes")
        expect_signed_out(replay, line, user, ended=True)
        tab.screenshot(path=str(SCREENSHOTS / "session-signed-out-tab.png"))
    finally:
        context.close()
        if fresh is not None:
            fresh.close()


def test_an_expired_session_ends_at_the_next_interaction(server, browser):
    user = "e076"
    context, page = desktop(browser)
    try:
        sign_in(page, server, user)
        cookie = session_cookie(context)
        row = session_row(cookie["value"])
        # 记住我 not ticked: a browser-session cookie, which ends with the browser (issue 15)
        assert cookie["expires"] == -1
        assert parse_iso(row["expires_at"]) > dt.datetime.now(dt.UTC)
        line = open_results(page, server)

        # the session expires on the server while the page is open and the browser keeps the cookie
        past = iso(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        execute(SERVER_FILES["db"], "UPDATE sessions SET expires_at = ? WHERE token_hash = ?", (past, row["token_hash"]))
        assert session_cookie(context)["value"] == cookie["value"]

        page.get_by_role("link", name="测验").click()  # the next interaction
        expect_signed_out(page, line, user, ended=True)
        page.goto(f"{server}/results")  # and any page opened afresh
        expect_signed_out(page, line, user, ended=True)
        page.screenshot(path=str(SCREENSHOTS / "session-expired.png"))
    finally:
        context.close()
