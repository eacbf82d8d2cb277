"""Export to the Excel template and the round trip back through the importer."""

from __future__ import annotations

import openpyxl
import pytest

from quizzes import load_catalog
from quizzes.importers import export_excel, import_file
from quizzes.importers.export import BASE_HEADERS, safe_cell
from quizzes.model import Bank
from tests.conftest import CONTENT

BANK = Bank.model_validate(
    {
        "id": "all-types",
        "title": "五种题型",
        "questions": [
            {
                "id": "s",
                "type": "single",
                "prompt": "=1+1 的结果是？",
                "options": ["-2", "+2", "@2", "2"],
                "answer": "D",
                "points": 2.5,
                "explanation": "=2",
                "tags": ["算术", "-负数"],
                "difficulty": "easy",
            },
            {
                "id": "m",
                "type": "multiple",
                "prompt": "哪些是职业道德规范？",
                "options": ["爱岗敬业", "诚实守信", "投机取巧"],
                "answer": "A、B",
                "difficulty": "medium",
            },
            {"id": "t", "type": "true_false", "prompt": "诚实守信是职业道德的基本要求。", "answer": "对", "difficulty": "hard"},
            {
                "id": "f",
                "type": "fill_blank",
                "prompt": "工会的基本职责是___，职代会是___。",
                "answer": [["维护职工合法权益", "维权"], "民主管理的基本形式"],
                "tags": ["工会"],
            },
            {"id": "f1", "type": "fill_blank", "prompt": "职业道德的核心是______。", "answer": ["为人民服务"]},
            {
                "id": "c",
                "type": "scenario",
                "prompt": "同事请你代签到，你会？",
                "options": [
                    {"text": "婉拒并提醒", "credit": 1},
                    {"text": "报告领导", "credit": 0.5},
                    {"text": "照办", "credit": 0},
                ],
                "explanation": "诚信守纪。",
            },
            {"id": "t2", "type": "true_false", "prompt": "可以收受服务对象的礼金。", "answer": False},
        ],
    }
)


def without_ids(questions):
    return [q.model_dump(exclude={"id"}) for q in questions]


def test_round_trip_all_five_types(tmp_path):
    path = export_excel(BANK.questions, tmp_path / "out.xlsx")
    result = import_file(path, bank_id="all-types")
    assert result.skipped == [] and result.warnings == []
    assert without_ids(result.bank.questions) == without_ids(BANK.questions)


def test_exported_sheet_layout(tmp_path):
    path = export_excel(BANK.questions, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(path).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = rows[0]
    assert header == [*BASE_HEADERS, "答案1", "答案2", "选项得分"]
    cols = {h: i for i, h in enumerate(header)}
    single, multiple, tf, fill, _, scenario, tf2 = rows[1:]
    assert single[cols["题型"]] == "单选题" and single[cols["正确答案"]] == "D" and single[cols["分值"]] == 2.5
    assert single[cols["题干"]] == "'=1+1 的结果是？"
    assert [single[cols[f"选项{c}"]] for c in "ABCD"] == ["'-2", "'+2", "'@2", "2"]
    assert single[cols["解析"]] == "'=2" and single[cols["难度"]] == "低难度"
    assert multiple[cols["题型"]] == "多选题" and multiple[cols["正确答案"]] == "AB"
    assert (tf[cols["题型"]], tf[cols["正确答案"]], tf2[cols["正确答案"]]) == ("判断题", "正确", "错误")
    assert (fill[cols["答案1"]], fill[cols["答案2"]], fill[cols["知识点"]]) == (
        "维护职工合法权益|维权",
        "民主管理的基本形式",
        "工会",
    )
    assert (scenario[cols["题型"]], scenario[cols["选项得分"]], scenario[cols["正确答案"]]) == ("情境题", "1,0.5,0", None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("normal", "normal"), ("", ""), (3, 3)],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_round_trip_of_every_starter_bank(tmp_path):
    catalog = load_catalog(CONTENT)
    assert catalog.banks
    for bank in catalog.banks.values():
        path = export_excel(bank.questions, tmp_path / f"{bank.id}.xlsx")
        result = import_file(path, bank_id=bank.id)
        assert result.skipped == []
        assert without_ids(result.bank.questions) == without_ids(bank.questions), bank.id


def test_export_without_fill_or_scenario_has_only_the_base_headers(tmp_path):
    path = export_excel(BANK.questions[:3], tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert [c.value for c in ws[1]] == BASE_HEADERS
