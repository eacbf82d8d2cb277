"""The rest of the events in real browsers, at 375x812 and 1366x768: the organizer records a finished
现场知识竞赛 run as a competition event's attendance, prints the PDF 签到表 and uploads a material with
the form; an employee who played downloads the material on 培训活动 and finds the event's 学时 once
on 我的成绩. The database and the files are checked after each step."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from quizzes import load_catalog
from quizzes.fields import SHANGHAI
from tests.e2e.conftest import SCREENSHOTS, SERVER_FILES, VIEWPORTS, sign_in_to
from tracker import Tracker
from tracker import competitions as comps
from tracker.hours import ledger
from tracker.store import Account

TIMEOUT = 30_000
MATERIAL_TEXT = "现场知识竞赛规则：必答、抢答、风险题。".encode()


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"events-{name}.png"), full_page=True)


def finished_run(tracker: Tracker, people: list[str]) -> str:
    """A run of the starter 现场赛 with two teams of ``people``, finished as ``competitions.finish``
    leaves it (the store tests play runs to their end; here the browser part is what is tested)."""
    contest = load_catalog(SERVER_FILES["content"]).competitions["ethics-contest-2026"]
    comps.clear_cache()
    teams = [("一队", people[:2]), ("二队", people[2:])]
    run = comps.create_run(tracker, Account("organizer", "organizer"), contest, teams=teams, seed=5)
    with tracker.write() as db:
        db.execute(
            "UPDATE competition_runs SET status = 'finished', finished_at = ? WHERE id = ?",
            (dt.datetime.now(dt.UTC).isoformat(), run),
        )
        db["competition_members"].insert_all([{"run_id": run, "team": t, "employee_id": e} for t, ms in teams for e in ms])
    return run


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_competition_event_pdf_sheet_and_materials(server, browser, size, tmp_path):
    tracker = Tracker(SERVER_FILES["db"])
    today = dt.datetime.now(SHANGHAI).date()
    event_id = f"e2e-quiz-day-{size}"
    (SERVER_FILES["content"] / "events" / f"{event_id}.yaml").write_text(
        f"id: {event_id}\ntitle: 知识竞赛现场赛（{size}）\nkind: competition\ncompetition: ethics-contest-2026\n"
        f"organizer: 局工会\ncredit_hours: 3\nsessions:\n  - date: {today.isoformat()}\n    start: '00:00'\n"
        "    end: '23:59'\n    place: 礼堂\n",
        encoding="utf-8",
    )
    player = tracker.db.execute("SELECT employee_id FROM accounts WHERE username = 'e003'").fetchone()[0]
    others = [e["id"] for e in tracker.employees(active_only=True) if e["id"] != player][:3]
    run = finished_run(tracker, [player, *others])
    ctx = browser.new_context(viewport=VIEWPORTS[size], locale="zh-CN", accept_downloads=True)
    org = ctx.new_page()
    emp_ctx = browser.new_context(viewport=VIEWPORTS[size], locale="zh-CN", accept_downloads=True)
    emp = emp_ctx.new_page()
    try:
        # -- the organizer records the run as the session's attendance -------------------------------
        sign_in_to(org, server, "organizer", "event_admin")
        expect(org.get_by_role("heading", name="活动管理")).to_be_visible(timeout=TIMEOUT)
        org.get_by_label("活动", exact=True).click()
        org.get_by_role("option", name=f"知识竞赛现场赛（{size}）").click()
        button = org.get_by_role("button", name="按竞赛名单记录出勤")
        expect(button).to_be_visible(timeout=TIMEOUT)
        shot(org, f"competition-run-{size}")
        button.click()
        expect(org.get_by_text("已按竞赛名单记录 4 人出席。")).to_be_visible(timeout=TIMEOUT)
        expect(org.get_by_text("本场出勤已按竞赛“2026年职业道德知识竞赛（现场赛）”")).to_be_visible(timeout=TIMEOUT)
        rows = {r["employee_id"]: (r["status"], r["method"]) for r in tracker.attendance(event_id)}
        assert rows == {e: ("present", "competition") for e in [player, *others]}
        assert tracker.linked_run(event_id, "s1")["run_id"] == run
        shot(org, f"competition-linked-{size}")

        # -- the PDF 签到表 beside the xlsx ---------------------------------------------------------
        with org.expect_download(timeout=TIMEOUT) as download:
            org.get_by_role("button", name="打印签到表（PDF）").click()
        pdf = tmp_path / "sheet.pdf"
        download.value.save_as(pdf)
        assert pdf.read_bytes()[:4] == b"%PDF"
        if shutil.which("pdftotext"):
            text = "".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout.split())
            assert f"知识竞赛现场赛（{size}）签到表" in text and "序号工号姓名部门班组签名" in text
            assert f"活动编号{event_id}/s1" in text and "第1页" in text

        # -- a material uploaded with the form ------------------------------------------------------
        source = tmp_path / "竞赛规则说明.txt"
        source.write_bytes(MATERIAL_TEXT)
        uploader = org.locator("[data-testid='stFileUploader']", has_text="上传资料")
        uploader.locator("input[type=file]").set_input_files(str(source))
        expect(uploader.get_by_text("竞赛规则说明.txt")).to_be_visible(timeout=TIMEOUT)
        uploader.scroll_into_view_if_needed()
        shot(org, f"material-upload-{size}")
        org.get_by_role("button", name="保存并发布").click()
        expect(org.get_by_text(f"“知识竞赛现场赛（{size}）”已发布。")).to_be_visible(timeout=TIMEOUT)
        event = load_catalog(SERVER_FILES["content"]).events[event_id]
        assert [m.title for m in event.materials] == ["竞赛规则说明"]
        assert (SERVER_FILES["content"] / "events" / "materials" / event.materials[0].file).read_bytes() == MATERIAL_TEXT
        assert event.competition == "ethics-contest-2026" and event.kind == "competition"  # the edit kept them

        # -- the employee who played: the material, and the 学时 once -------------------------------
        sign_in_to(emp, server, "e003", "my_events")
        material = emp.get_by_role("button", name="下载资料：竞赛规则说明").first
        expect(material).to_be_visible(timeout=TIMEOUT)
        with emp.expect_download(timeout=TIMEOUT) as download:
            material.click()
        got = tmp_path / "material.txt"
        download.value.save_as(got)
        assert got.read_bytes() == MATERIAL_TEXT
        shot(emp, f"material-download-{size}")
        emp.goto(f"{server}/results")
        expect(emp.get_by_role("heading", name="本年度学时")).to_be_visible(timeout=TIMEOUT)
        expect(emp.get_by_role("link", name="学时明细、培训档案与证明")).to_be_visible(timeout=TIMEOUT)
        emp.get_by_role("heading", name="本年度学时").scroll_into_view_if_needed()
        shot(emp, f"results-hours-{size}")
        catalog = load_catalog(SERVER_FILES["content"])
        book = ledger(tracker, catalog, player, today.year)
        mine = [e for e in book.entries if run in e.source or event_id in e.source]
        assert [(e.kind, e.source, e.hours) for e in mine] == [("events", f"{event_id}/s1", 3.0)]  # once
    finally:
        ctx.close()
        emp_ctx.close()
        tracker.close()
        comps.clear_cache()
