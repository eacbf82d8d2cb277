"""A lecture from creation to certificate in real browsers: the organizer creates it with the form
and opens check-in; the projector shows the QR code; two phones check in from the address in the code
(decoded with zxing-cpp), one on time and signed in, one late and not signed in yet; roll call marks
one more; closing sets the rest absent; the 学时 appear in the person's record and the PDF."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess

import openpyxl
import pytest
from playwright.sync_api import expect

from quizzes import load_catalog
from quizzes.fields import SHANGHAI
from tests.e2e.conftest import SCREENSHOTS, SERVER_FILES, wait_until
from tracker import Tracker
from tracker.export import format_hours
from tracker.hours import ledger

pytestmark = pytest.mark.pg_journey  # also run on PostgreSQL in CI (.ci/run)

TIMEOUT = 30_000
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 768}
EVENT = "e2e-lecture"


def context(browser, viewport):
    ctx = browser.new_context(viewport=viewport, locale="zh-CN")
    return ctx, ctx.new_page()


def sign_in(page, server, username, then=None):
    page.goto(server)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("mingde-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("退出登录")).to_be_attached(timeout=TIMEOUT)
    if then:
        page.goto(f"{server}/{then}")


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"events-{name}.png"), full_page=True)


def decode_qr(page) -> str:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    image = page.locator("[data-testid='stImage'] img").first
    expect(image).to_be_visible(timeout=TIMEOUT)
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.screenshot())))
    assert found, "no QR code found on the projector page"
    return found[0].text


def edit_cell(page, grid, row: int, column: int, text: str) -> None:
    """Type into a cell of a Streamlit data editor (a canvas grid): select the row's first cell, move
    right with the arrow keys, open the cell's editor with Enter, replace its text, Enter again; until
    the grid's accessible cell shows the text (the grid takes a moment to take the focus)."""
    editor = page.locator("#portal textarea:visible, #portal input:visible").first
    shown = grid.locator("td[role='gridcell']", has_text=text)
    for _ in range(5):
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 90, box["y"] + 35 * (row + 1.5))  # the date cell, right of the row checkbox
        for _ in range(column):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        try:
            expect(editor).to_be_visible(timeout=3_000)
            editor.fill(text)
            page.keyboard.press("Enter")
            expect(shown).to_have_count(1, timeout=3_000)
            return
        except AssertionError:
            page.keyboard.press("Escape")
    raise AssertionError(f"could not type {text!r} into the grid")


def test_a_lecture_from_form_to_certificate(server, browser, tmp_path):
    tracker = Tracker(SERVER_FILES["db"])
    now = dt.datetime.now(SHANGHAI)
    # The late threshold (start + 10 min) is a minute boundary 2.5 to 3.5 minutes away: the first
    # phone checks in before it (出席), the second after it (迟到).
    threshold = (now + dt.timedelta(seconds=150)).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    start = threshold - dt.timedelta(minutes=10)
    if start.date() != now.date() or (threshold + dt.timedelta(hours=1)).date() != now.date():
        pytest.skip("too close to midnight in Shanghai for a same-day session")
    end = start + dt.timedelta(hours=2)

    org_ctx, org = context(browser, DESKTOP)
    proj_ctx, projector = context(browser, DESKTOP)
    a_ctx, phone_a = context(browser, PHONE)
    b_ctx, phone_b = context(browser, PHONE)
    try:
        # -- the organizer creates the lecture with the form -----------------------------------------
        sign_in(org, server, "organizer", "event_admin")
        expect(org.get_by_role("heading", name="活动管理")).to_be_visible(timeout=TIMEOUT)
        org.get_by_label("活动", exact=True).click()
        org.get_by_role("option", name="新建活动").click()
        expect(org.locator("input[aria-label='活动编号'][disabled]")).to_have_count(
            0, timeout=TIMEOUT
        )  # the chosen event's form is gone
        org.locator("input[aria-label='活动编号']:not([disabled])").fill(EVENT)
        org.get_by_role("textbox", name="活动名称").fill("职业道德专题讲座（端到端）")
        org.get_by_role("textbox", name="主办部门").fill("局办公室")
        grid = org.locator("[data-testid='stDataFrame']").last
        grid.scroll_into_view_if_needed()
        edit_cell(org, grid, 0, 1, start.strftime("%H:%M"))
        if end.strftime("%H:%M") != "11:00":  # the form's default end: before the start, or too short for 学时 (min 30 min)
            edit_cell(org, grid, 0, 2, end.strftime("%H:%M"))
        shot(org, "admin-form-1366")
        org.get_by_role("button", name="保存并发布").click()
        expect(org.get_by_text("“职业道德专题讲座（端到端）”已发布。")).to_be_visible(timeout=TIMEOUT)
        event = load_catalog(SERVER_FILES["content"]).events[EVENT]
        assert (event.kind, event.sessions[0].start, event.audience.everyone) == ("lecture", start.strftime("%H:%M"), True)
        org.get_by_role("button", name="开启签到").click()
        expect(org.get_by_text("签到进行中")).to_be_visible(timeout=TIMEOUT)
        assert tracker.session_state(EVENT, "s1")["status"] == "open"

        # -- the projector and the first phone (signed in, on time) ----------------------------------
        sign_in(phone_a, server, "e003")
        sign_in(projector, server, "organizer", f"checkin_screen?event={EVENT}&session=s1")
        expect(projector.get_by_text("请用手机扫码签到")).to_be_visible(timeout=TIMEOUT)
        shot(projector, "projector-1366")
        address = decode_qr(projector)
        assert address.startswith(f"{server}/c/{EVENT}.s1.")
        expect(projector.locator("#mingde-typed-code")).to_have_text(re.compile(r"^\d{6}$"))  # the typed 签到码
        assert projector.locator("#mingde-typed-address").inner_text() == f"{server}/checkin"  # short, not the code's URL
        phone_a.goto(address)
        expect(phone_a.get_by_text("签到成功：出席")).to_be_visible(timeout=TIMEOUT)
        shot(phone_a, "phone-checked-in-375")

        # -- the second phone scans after the threshold and signs in first -------------------------
        wait_until(
            lambda: dt.datetime.now(SHANGHAI) > threshold + dt.timedelta(seconds=1), timeout=240, what="the late threshold"
        )
        address = wait_until(lambda: (a := decode_qr(projector)) != address and a, timeout=40, what="a new code")
        phone_b.goto(address)
        expect(phone_b.get_by_text("请先登录，登录后自动完成签到。")).to_be_visible(timeout=TIMEOUT)
        expect(phone_b.get_by_label("用户名")).to_be_visible(timeout=TIMEOUT)
        shot(phone_b, "phone-sign-in-first-375")
        phone_b.get_by_label("用户名").fill("e004")
        phone_b.get_by_label("密码").fill("mingde-demo")
        phone_b.get_by_role("button", name="登录").click()
        expect(phone_b.get_by_text("签到成功：迟到")).to_be_visible(timeout=TIMEOUT)
        shot(phone_b, "phone-late-375")
        rows = {r["employee_id"]: r for r in tracker.attendance(EVENT, "s1")}
        assert (rows["E003"]["status"], rows["E004"]["status"]) == ("present", "late")
        assert rows["E003"]["device"] and rows["E003"]["device"] != rows["E004"]["device"]
        expect(projector.get_by_text("2 / ")).to_be_visible(timeout=TIMEOUT)

        # -- roll call on the organizer's phone marks one more, then closing sets the absent -------
        org.set_viewport_size(PHONE)
        org.goto(f"{server}/event_rollcall?event={EVENT}&session=s1")
        marked = {r["employee_id"] for r in tracker.attendance(EVENT, "s1")}
        e005 = next(e for e in tracker.expected(event) if e["id"] not in marked)  # the first one not checked in
        expect(org.get_by_text(f"{e005['name']} · ").first).to_be_visible(timeout=TIMEOUT)
        expect(org.get_by_role("heading", name="点名")).to_be_visible(timeout=TIMEOUT)
        label = org.get_by_text(f"{e005['name']} · ").first
        box = label.locator("xpath=ancestor::*[.//button][1]")
        box.get_by_role("radio", name="出席").click()  # one tap
        wait_until(lambda: tracker._attendance_row(EVENT, "s1", e005["id"]), what="the roll call entry")
        shot(org, "rollcall-375")
        org.set_viewport_size(DESKTOP)
        org.goto(f"{server}/event_admin")
        org.get_by_label("活动", exact=True).click()
        org.get_by_role("option", name="职业道德专题讲座（端到端）").click()
        org.get_by_role("button", name="结束签到").click()
        expect(org.get_by_text("签到已结束", exact=False).first).to_be_visible(timeout=TIMEOUT)
        active = len(tracker.employees(active_only=True))
        statuses = [r["status"] for r in tracker.attendance(EVENT, "s1")]
        assert statuses.count("absent") == active - 3 and len(statuses) == active
        assert tracker._attendance_row(EVENT, "s1", e005["id"])["method"] == "roll_call"

        # -- the lecture and its 学时 in the participation report (the organizer's Excel download) ---
        org.goto(f"{server}/participation")
        expect(org.get_by_role("heading", name="活动出勤（培训班、专题讲座、交流会）")).to_be_visible(timeout=TIMEOUT)
        with org.expect_download(timeout=TIMEOUT) as info:
            org.get_by_role("button", name="下载 Excel").click()
        book_file = tmp_path / "participation.xlsx"
        info.value.save_as(book_file)
        workbook = openpyxl.load_workbook(book_file)
        sheet = list(workbook["活动出勤"].iter_rows(values_only=True))
        lectures = [dict(zip(sheet[0], r, strict=True)) for r in sheet[1:]]
        department = tracker.employee("E003")["department"]
        here = [r for r in tracker.attendance(EVENT, "s1") if tracker.employee(r["employee_id"])["department"] == department]
        came = sum(1 for r in here if r["status"] in ("present", "late"))
        row = next(r for r in lectures if r["部门"] == department and r["类型"] == "专题讲座")
        assert row["实到人次"] >= came >= 1  # this lecture's attendees are in it (others of the period too)
        head = [c.value for c in workbook["参与情况"][1]]
        by_department = {
            r[head.index("部门")]: dict(zip(head, r, strict=True))
            for r in workbook["参与情况"].iter_rows(min_row=2, values_only=True)
        }
        assert float(by_department[department]["人均学时"]) > 0
        shot(org, "participation-after-lecture")

        # -- the 学时 in the person's record and the certificate PDF --------------------------------
        phone_a.goto(f"{server}/my_hours")
        expect(phone_a.get_by_role("heading", name="我的学时")).to_be_visible(timeout=TIMEOUT)
        book = ledger(tracker, load_catalog(SERVER_FILES["content"]), "E003", now.year)
        assert [(e.source, e.counted) for e in book.entries if e.kind == "events"] == [(f"{EVENT}/s1", 2.0)]
        expect(phone_a.locator("[data-testid='stMetricValue']").first).to_have_text(format_hours(book.total), timeout=TIMEOUT)
        expect(phone_a.get_by_role("button", name="下载学时证明（PDF）")).to_be_visible(timeout=TIMEOUT)
        shot(phone_a, "my-hours-375")
        with phone_a.expect_download() as download:
            phone_a.get_by_role("button", name="下载学时证明（PDF）").click()
        pdf = download.value.path()
        if not shutil.which("pdftotext"):
            pytest.skip("pdftotext not installed")
        text = "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
        name = tracker.employee("E003")["name"]
        assert "学时证明" in text and name in text and "职业道德专题讲座（端到端）" in text
    finally:
        for name, pg in (("organizer", org), ("projector", projector), ("phone-a", phone_a), ("phone-b", phone_b)):
            shot(pg, f"last-{name}")
        for ctx in (org_ctx, proj_ctx, a_ctx, b_ctx):
            ctx.close()
        tracker.close()
