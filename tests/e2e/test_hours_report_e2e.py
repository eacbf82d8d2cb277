"""A leader, in a real browser at phone and PC sizes, reads 学时达标 (the requirement, the 合计 row,
学时 with one decimal) and downloads its workbook (合计 = the roster's active headcount), then opens
考核指标 on the current quarter and is told the figures are provisional."""

from __future__ import annotations

import openpyxl
from playwright.sync_api import Page, expect

from tests.dbcopy import query
from tests.e2e.conftest import SCREENSHOTS, SERVER_FILES, sign_in

TIMEOUT = 30_000


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"hours-report-{name}-{page.viewport_name}.png"), full_page=True)


def test_leader_reads_and_downloads_hours_and_sees_provisional_assessment(server, page, tmp_path):
    sign_in(page, server, "leader")
    page.goto(f"{server}/hours_report")
    expect(page.get_by_text("每人应修 40.0 学时")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("button", name="下载Excel")).to_be_visible(timeout=TIMEOUT)
    shot(page, "top")
    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("button", name="下载Excel").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    book = openpyxl.load_workbook(path)
    rows = list(book["学时达标"].iter_rows(values_only=True))
    assert rows[0] == ("部门/班组", "在岗人数", "达标人数", "达标率", "人均学时")
    [(active,)] = query(SERVER_FILES["db"], "SELECT COUNT(*) FROM employees WHERE active = 1")
    assert rows[-1][0] == "合计" and rows[-1][1] == active
    assert sum(r[1] for r in rows[1:-1]) == active
    assert book["学时达标"].cell(len(rows), 5).number_format == "0.0"
    page.get_by_text("未达标", exact=False).last.scroll_into_view_if_needed()
    shot(page, "behind")

    page.goto(f"{server}/assessment")
    expect(page.get_by_text("本期进行中（截至今日").first).to_be_visible(timeout=TIMEOUT)
    shot(page, "assessment")
