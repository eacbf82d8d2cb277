"""The typed 签到码 in real browsers: the organizer opens check-in on 活动管理 and the 签到大屏 opens in
a new tab (the organizer's stays); the screen at 1366x768 shows the 6-digit code big with the short
address; an employee on a 375x812 phone opens that address, types a wrong code (refused, counted),
then the code read from the screen's DOM, and is checked in: the database holds the attendance row."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from quizzes import load_catalog
from quizzes.fields import SHANGHAI
from tests.conftest import wrong_code
from tests.e2e.conftest import SCREENSHOTS, SERVER_FILES, sign_in_to, wait_until
from tracker import Tracker
from tracker import attendance as rules

TIMEOUT = 30_000
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 768}
EVENT = "e2e-typed-code"
TITLE = "廉洁从业专题讲座（签到码）"
EMPLOYEE = "e006"
LATER, LATER_TITLE = "e2e-typed-code-later", "交流会（同日下午场）"


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"checkin-code-{name}.png"), full_page=True)


def test_an_employee_types_the_code_of_the_screen(server, browser):
    now = dt.datetime.now(SHANGHAI)
    start = now - dt.timedelta(minutes=1)
    if start.date() != now.date() or now.hour >= 23:
        pytest.skip("too close to midnight in Shanghai for a same-day session")
    (SERVER_FILES["content"] / "events" / f"{EVENT}.yaml").write_text(
        f"id: {EVENT}\ntitle: {TITLE}\nkind: lecture\norganizer: 局办公室\naudience: everyone\ncredit_hours: 2\n"
        f"sessions:\n  - date: {now.date().isoformat()}\n    start: '{start:%H:%M}'\n    end: '23:59'\n    place: 三楼会议室\n",
        encoding="utf-8",
    )
    (SERVER_FILES["content"] / "events" / f"{LATER}.yaml").write_text(  # a second session open at the same time
        f"id: {LATER}\ntitle: {LATER_TITLE}\nkind: exchange\norganizer: 局办公室\naudience: everyone\ncredit_hours: 1\n"
        f"sessions:\n  - date: {now.date().isoformat()}\n    start: '{start:%H:%M}'\n    end: '23:59'\n    place: 二楼会议室\n",
        encoding="utf-8",
    )
    tracker = Tracker(SERVER_FILES["db"])
    tracker.open_checkin(load_catalog(SERVER_FILES["content"]).events[LATER], "s1", "organizer")
    employee = tracker.db.execute("SELECT employee_id FROM accounts WHERE username = ?", (EMPLOYEE,)).fetchone()[0]
    org_ctx = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    org = org_ctx.new_page()
    phone_ctx = browser.new_context(viewport=PHONE, locale="zh-CN")
    phone = phone_ctx.new_page()
    screen = None
    try:
        # -- the organizer opens check-in; the 签到大屏 opens in a new tab -----------------------------
        sign_in_to(org, server, "organizer", "event_admin")
        expect(org.get_by_role("heading", name="活动管理")).to_be_visible(timeout=TIMEOUT)
        org.get_by_label("活动", exact=True).click()
        org.get_by_role("option", name=TITLE).click()
        org.get_by_role("button", name="开启签到").click()
        expect(org.get_by_text("签到进行中")).to_be_visible(timeout=TIMEOUT)
        assert tracker.session_state(EVENT, "s1")["status"] == "open"
        link = org.get_by_role("link", name="签到大屏")
        assert link.get_attribute("target") == "_blank"
        shot(org, "admin-1366")
        with org_ctx.expect_page(timeout=TIMEOUT) as opened:
            link.click()
        screen = opened.value
        expect(screen.get_by_text("请用手机扫码签到")).to_be_visible(timeout=TIMEOUT)
        assert screen.url.startswith(f"{server}/checkin_screen?") and f"event={EVENT}" in screen.url
        assert org.url.endswith("/event_admin")  # the organizer's tab stayed where it was
        expect(org.get_by_role("heading", name="活动管理")).to_be_visible()

        # -- the screen: the code big, above the fold, and the short address -------------------------
        code = screen.locator("#mingde-typed-code")
        expect(code).to_have_text(re.compile(r"^\d{6}$"), timeout=TIMEOUT)
        assert code.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 64
        box = code.bounding_box()
        assert box["y"] + box["height"] <= DESKTOP["height"] and box["x"] + box["width"] <= DESKTOP["width"]
        address = screen.locator("#mingde-typed-address").inner_text()
        assert address == f"{server}/checkin"
        expect(screen.locator("[data-testid='stImage'] img").first).to_be_visible()  # the QR code is still there
        shot(screen, "screen-1366")

        # -- the phone: the short address, a wrong code, then the code on the screen -----------------
        sign_in_to(phone, server, EMPLOYEE, "")
        phone.goto(address)
        expect(phone.get_by_role("heading", name="输入签到码")).to_be_visible(timeout=TIMEOUT)
        if phone.get_by_role("radiogroup").count():  # other sessions open on this server: pick ours
            phone.get_by_role("radio", name=TITLE).first.check()
        shot(phone, "phone-form-375")
        box = phone.get_by_label("签到码（6 位数字）")
        box.fill(wrong_code(tracker.checkin_secret(), EVENT, "s1", dt.datetime.now(dt.UTC)))
        phone.get_by_role("button", name="签到", exact=True).click()
        expect(phone.get_by_text("签到码错误", exact=False)).to_be_visible(timeout=TIMEOUT)
        assert tracker._attendance_row(EVENT, "s1", employee) is None
        wrong = tracker.db.execute("SELECT failures FROM checkin_code_failures WHERE username = ?", (EMPLOYEE,)).fetchone()
        assert wrong == (1,)
        shot(phone, "phone-wrong-375")
        box.fill(code.inner_text())  # read from the screen's DOM now
        phone.get_by_role("button", name="签到", exact=True).click()
        expect(phone.get_by_text("签到成功：出席")).to_be_visible(timeout=TIMEOUT)
        row = wait_until(lambda: tracker._attendance_row(EVENT, "s1", employee), what="the attendance row")
        assert (row["status"], row["method"], row["recorded_by"]) == ("present", "code", EMPLOYEE)
        assert row["device"], "the phone's device cookie (set at sign-in) is recorded for the proxy flags"
        assert tracker.db.execute("SELECT COUNT(*) FROM checkin_code_failures WHERE username = ?", (EMPLOYEE,)).fetchone()[0] == 0
        audited = tracker.db.execute(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'event.checkin_code_wrong' AND actor = ?", (EMPLOYEE,)
        ).fetchone()[0]
        assert audited == 1
        expect(phone.get_by_role("button", name="签退")).to_be_visible()
        shot(phone, "phone-done-375")
        # the form stays below the result for the other session open now (same tab), and checks in there too
        expect(phone.get_by_role("heading", name="输入签到码")).to_be_visible(timeout=TIMEOUT)
        expect(phone.get_by_text(LATER_TITLE)).to_be_visible()
        later = rules.typed_code(tracker.checkin_secret(), LATER, "s1", rules.slot_of(dt.datetime.now(dt.UTC)))
        phone.get_by_label("签到码（6 位数字）").fill(later)
        phone.get_by_role("button", name="签到", exact=True).click()
        wait_until(lambda: tracker._attendance_row(LATER, "s1", employee), what="the second session's attendance row")
        expect(phone.get_by_role("heading", name="输入签到码")).to_have_count(0, timeout=TIMEOUT)  # nothing left open
        shot(phone, "phone-done-two-375")
        expect(screen.get_by_text("1 / ")).to_be_visible(timeout=TIMEOUT)  # the screen counts them
        shot(screen, "screen-after-1366")
        phone.set_viewport_size(DESKTOP)
        shot(phone, "phone-done-1366")
        screen.set_viewport_size(PHONE)
        shot(screen, "screen-375")
    finally:
        for name, pg in (("organizer", org), ("phone", phone), ("screen", screen)):
            if pg is not None:
                shot(pg, f"last-{name}")
        org_ctx.close()
        phone_ctx.close()
        tracker.close_checkin(load_catalog(SERVER_FILES["content"]).events[LATER], "s1", "organizer")  # not open for later tests
        tracker.close()
