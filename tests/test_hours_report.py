"""学时达标 (review #9): the Excel file through ReportOutput, a 合计 row, the requirement stated,
学时 with one decimal everywhere (page, file, expanders)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from quizzes import load_catalog
from tests.test_event_pages import env, events, page  # noqa: F401  (the fixture)
from tracker import AccessDenied, reports
from tracker.export import format_hours, to_xlsx_bytes
from tracker.store import Account

LEADER = Account("boss", "leader", None)


@pytest.mark.parametrize("value, text", [(0, "0.0"), (3.47, "3.5"), (4.1, "4.1"), (6.55, "6.5"), (40, "40.0"), (0.18, "0.2")])
def test_format_hours(value, text):
    assert format_hours(value) == text


def test_hours_requirement_output_has_totals_the_behind_and_the_requirement(env):  # noqa: F811
    env.add_employee("E3", "王强", "工会", "")
    env.mark(events(env)["talk"], "s1", "E1", "present", "org")  # 2 学时
    catalog = load_catalog(env.content)
    catalog.assessment.hours.required = 2  # E1 meets it
    year = events(env)["talk"].sessions[0].date.year
    out = reports.hours_requirement_output(env, LEADER, catalog, year)
    table, behind = out.tables.values()
    assert table.to_dict("records") == [
        {"group": "办公室", "headcount": 2, "met": 1, "hours_share": 0.5, "hours_per_head": 1.0},
        {"group": "工会", "headcount": 1, "met": 0, "hours_share": 0.0, "hours_per_head": 0.0},
        {"group": "合计", "headcount": 3, "met": 1, "hours_share": 0.3333, "hours_per_head": 0.67},
    ]
    assert behind.to_dict("records") == [
        {"group": "办公室", "employee_id": "E2", "name": "李娜", "hours": 0.0, "hours_missing": 2.0},
        {"group": "工会", "employee_id": "E3", "name": "王强", "hours": 0.0, "hours_missing": 2.0},
    ]
    assert out.notes == {"年度": year, "年度应修学时": "2.0", "统计口径": "按部门"}
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(out.tables, out.notes, "zh")))
    assert book.sheetnames[:2] == ["学时达标", "未达标人员"]
    sheet = book["学时达标"]
    assert [c.value for c in sheet[1]] == ["部门/班组", "在岗人数", "达标人数", "达标率", "人均学时"]
    assert [c.value for c in sheet[4]] == ["合计", 3, 1, 0.3333, 0.67]
    assert sheet["E4"].number_format == "0.0" and sheet["D4"].number_format == "0.0%"
    with pytest.raises(AccessDenied):
        reports.hours_requirement_output(env, Account("e", "employee", "E1"), catalog, year)


def test_hours_report_page_states_the_requirement_totals_and_downloads(env):  # noqa: F811
    env.add_user("boss", "password-1", "leader")
    env.mark(events(env)["talk"], "s1", "E1", "present", "org")
    at = page(env, "boss", "ui/pages/hours_report.py")
    assert not at.exception
    assert "每人应修 40.0 学时" in " ".join(c.value for c in at.caption)
    table = at.dataframe[0].value
    assert list(table["部门/班组"]) == ["办公室", "合计"] and list(table["人均学时"]) == [1.0, 1.0]
    assert [b.label for b in at.get("download_button")] == ["下载Excel"]
    expander = next(e for e in at.expander if e.label == "办公室：2 人未达标")
    assert "张伟（E1）2.0" in expander.markdown[0].value and "李娜（E2）0.0" in expander.markdown[0].value
