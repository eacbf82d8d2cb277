"""Excel and CSV exports read back cell by cell: Chinese headers, frozen header row, 0.0% rates,
the meta sheet, the BOM, and neutralised formulas."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from tracker.export import display_width, header, neutralise, to_csv_bytes, to_text, to_xlsx_bytes

PARTICIPATION = pd.DataFrame(
    {
        "department": ["办公室", '=HYPERLINK("http://x")', "合计"],
        "headcount": [2, 1, 3],
        "participants": [1, 1, 2],
        "participation_rate": [0.5, 1.0, 0.6667],
        "avg_percent": [71.0, float("nan"), 71.0],
        "below_target": [True, False, True],
    }
)
ITEMS = pd.DataFrame(
    {"question_id": ["s1"], "facility": [0.4], "discrimination": [-1.0], "opt_A": [0.4], "flags": ["+区分度为负"]}
)
META = {"报表": "参与率", "考核周期": "2026Q1", "部门": "全部", "人数": 3}


@pytest.fixture
def workbook():
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"参与率": PARTICIPATION, "试题分析": ITEMS}, META)))
    yield wb
    wb.close()


def test_one_sheet_per_table_and_a_meta_sheet(workbook):
    assert workbook.sheetnames == ["参与率", "试题分析", "说明"]
    meta = [tuple(row) for row in workbook["说明"].iter_rows(values_only=True)]
    assert meta == [("项目", "内容"), ("报表", "参与率"), ("考核周期", "2026Q1"), ("部门", "全部"), ("人数", 3)]
    assert workbook["说明"].freeze_panes == "A2"


def test_headers_frozen_pane_and_formats(workbook):
    ws = workbook["参与率"]
    assert [c.value for c in ws[1]] == ["部门", "在岗人数", "参与人数", "参与率", "平均得分率（%）", "低于目标"]
    assert ws.freeze_panes == "A2"
    assert ws["A2"].value == "办公室" and ws["B2"].value == 2 and ws["D2"].value == 0.5
    assert ws["D2"].number_format == "0.0%" and ws["D4"].number_format == "0.0%"
    assert ws["E2"].number_format == "0.00" and ws["E3"].value is None  # NaN becomes an empty cell
    assert ws["B2"].number_format == "General"
    assert ws["F2"].value == "是" and ws["F3"].value == "否"  # never TRUE/FALSE in a Chinese workbook
    assert ws.column_dimensions["A"].width >= display_width('=HYPERLINK("http://x")')
    assert ws.column_dimensions["D"].width >= display_width("参与率")
    items = workbook["试题分析"]
    assert [c.value for c in items[1]] == ["题目", "难度(通过率)", "区分度(上下27%)", "选A", "提示"]
    assert items["B2"].number_format == "0.0%" and items["D2"].number_format == "0.0%"
    assert items["C2"].value == -1.0  # numbers are not neutralised, only text


def test_formulas_are_neutralised(workbook):
    assert workbook["参与率"]["A3"].value == '\'=HYPERLINK("http://x")'
    assert workbook["参与率"]["A3"].data_type == "s"
    assert workbook["试题分析"]["E2"].value == "'+区分度为负"
    for text in ("=1+1", "+1", "-1", "@SUM(A1)"):
        assert neutralise(text) == "'" + text
    assert neutralise("合计") == "合计" and neutralise(-1) == -1


def test_csv_has_a_bom_chinese_headers_and_no_formulas():
    data = to_csv_bytes(PARTICIPATION)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "部门,在岗人数,参与人数,参与率,平均得分率（%）,低于目标"
    assert lines[1] == "办公室,2,1,0.5,71.0,是"
    assert lines[2].startswith("\"'=HYPERLINK(")
    english = to_csv_bytes(PARTICIPATION, "en").decode("utf-8-sig").splitlines()
    assert english[0].startswith("Department,Headcount,") and english[1].endswith(",yes")


def test_wide_tables_keep_their_index_and_sheet_names_are_safe():
    wide = pd.DataFrame({"q1": [80.0]}, index=pd.Index(["办公室"], name="department"))
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"a/b:c" * 10: wide, "说明": wide}, {})))
    try:
        assert len(wb.sheetnames) == 3 and all(len(n) <= 31 and "/" not in n for n in wb.sheetnames)
        first = wb[wb.sheetnames[0]]
        assert [c.value for c in first[1]] == ["部门", "q1"] and first["A2"].value == "办公室"
    finally:
        wb.close()


def test_the_text_table_has_the_same_headers_and_shows_rates_as_percent():
    lines = to_text(PARTICIPATION).splitlines()
    assert lines[0].split() == ["部门", "在岗人数", "参与人数", "参与率", "平均得分率（%）", "低于目标"]
    assert lines[1].split() == ["办公室", "2", "1", "50.0%", "71.00", "是"]
    assert lines[2].split()[-2:] == ["—", "否"]  # NaN shown as a dash


def test_every_report_column_has_a_chinese_header():
    from tracker import reports as r

    for column in [*r.EMPLOYEE_COLUMNS, *r.DEPARTMENT_COLUMNS, *r.ITEM_COLUMNS]:
        for lang in ("zh", "en"):
            assert header(column, lang) != column, (column, lang)
