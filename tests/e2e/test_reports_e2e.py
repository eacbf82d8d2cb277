"""A leader downloads the participation report from a real browser and opens it with openpyxl."""

from __future__ import annotations

import openpyxl
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

TIMEOUT = 30_000


def test_leader_downloads_the_participation_workbook(server, page, tmp_path):
    sign_in(page, server, "leader")
    page.goto(f"{server}/participation")
    expect(page.get_by_role("heading", name="参与情况")).to_be_visible(timeout=TIMEOUT)
    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("button", name="下载 Excel").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name.startswith("参与情况-") and path.suffix == ".xlsx"  # a Chinese file name (review #18)
    wb = openpyxl.load_workbook(path)
    sheet = wb.worksheets[0]
    assert [c.value for c in sheet[1]][:4] == ["部门", "在岗人数", "参与人数", "参与率"]
    assert sheet.freeze_panes == "A2"
    assert any(row[0].value == "合计" for row in sheet.iter_rows(min_row=2))
