"""Writing tables as CSV (UTF-8 with BOM for files) or Excel; no streamlit here.

``to_xlsx_bytes`` and ``to_csv_bytes`` serve the UI's download buttons and the report CLI: Chinese
headers (``COLUMN_NAMES``), a frozen header row, column widths, rates formatted ``0.0%`` and a
sheet stating the period and filters. Cells that a spreadsheet would run as a formula are
neutralised with a leading apostrophe.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

# Column keys of the report DataFrames → Chinese headers.
COLUMN_NAMES: dict[str, str] = {
    "department": "部门",
    "team": "班组",
    "employee_id": "工号",
    "name": "姓名",
    "active": "在岗",
    "headcount": "在岗人数",
    "participants": "参与人数",
    "participation_rate": "参与率",
    "attempts": "答题次数",
    "avg_percent": "平均得分率(分)",
    "pass_rate": "及格率",
    "lessons_completed": "完成课程数",
    "lesson_completion_rate": "课程完成率",
    "below_target": "低于目标",
    "month": "月份",
    "quiz_id": "测验",
    "lessons_total": "课程总数",
    "lesson_score": "学习得分",
    "lesson_weight": "学习权重",
    "quizzes_taken": "参加测验数",
    "quizzes_total": "应参加测验数",
    "quiz_score": "测验得分",
    "quiz_weight": "测验权重",
    "competitions": "参加竞赛场次",
    "competitions_total": "竞赛总场次",
    "competition_score": "竞赛得分",
    "competition_weight": "竞赛权重",
    "indicator": "考核指标",
    "question_id": "题目",
    "type": "题型",
    "prompt": "题干",
    "key": "答案",
    "presented": "作答人次",
    "answered": "已答人次",
    "facility": "难度(通过率)",
    "upper_n": "高分组人数",
    "lower_n": "低分组人数",
    "discrimination": "区分度(上下27%)",
    "opt_true": "选“对”",
    "opt_false": "选“错”",
    "too_easy": "过易",
    "too_hard": "过难",
    "negative_discrimination": "区分度为负",
    "flags": "提示",
    "period_key": "考核周期",
    "action": "操作",
    "at": "时间",
    "actor": "操作人",
    "reason": "原因",
    **{f"opt_{x}": f"选{x}" for x in "ABCDEFGH"},
    # 学习积分 and the 德 indicator (issue 19)
    "lesson_read": "阅读课程",
    "lesson_finished": "学完课程",
    "daily": "每日一练",
    "quiz_passed": "通过测验",
    "event_attended": "参加活动",
    "competition": "参加竞赛",
    "points": "积分",
    "points_per_head": "人均积分",
    "rank": "名次",
    "democratic_score": "民主测评",
    "democratic_weight": "民主测评权重",
    "de_score": "德得分",
    "veto": "一票否决",
    "veto_reason": "否决原因",
    "veto_reference": "否决依据",
    "grade": "等次",
    "veto_id": "否决编号",
    "reference": "依据",
    "entered_at": "录入时间",
    "entered_by": "录入人",
    "withdrawn_at": "撤销时间",
    "withdrawn_by": "撤销人",
    "withdraw_reason": "撤销原因",
}

# Columns holding shares 0..1, shown as 0.0 %.
PERCENT_COLUMNS: set[str] = {
    "participation_rate",
    "pass_rate",
    "lesson_completion_rate",
    "lesson_weight",
    "quiz_weight",
    "competition_weight",
    "facility",
    "opt_true",
    "opt_false",
    *(f"opt_{x}" for x in "ABCDEFGH"),
}
DECIMAL_COLUMNS: set[str] = {"avg_percent", "lesson_score", "quiz_score", "competition_score", "indicator", "discrimination"}
DECIMAL_COLUMNS |= {"points_per_head", "democratic_score", "de_score"}
PERCENT_COLUMNS |= {"democratic_weight"}

BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def write_table(df: pd.DataFrame, fmt: str, output: Path | None, meta: dict[str, str]) -> str | None:
    """Write ``df`` as csv or xlsx to ``output``; return the CSV text when there is no output."""
    safe = df.map(neutralise)
    if fmt == "csv":
        if output is None:
            return safe.to_csv(index=False)
        safe.to_csv(output, index=False, encoding="utf-8-sig")
        return None
    with pd.ExcelWriter(output, engine="openpyxl") as writer:
        safe.to_excel(writer, sheet_name="report", index=False)
        pd.DataFrame({"key": list(meta), "value": list(meta.values())}).to_excel(writer, sheet_name="filters", index=False)
        ws = writer.sheets["report"]
        ws.freeze_panes = "A2"
    return None


def header(column: object) -> str:
    """The Chinese header of a column key (the key itself when it has none)."""
    return COLUMN_NAMES.get(str(column), str(column))


def display_width(text: str) -> int:
    """Width in spreadsheet characters: CJK and full-width characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    return neutralise(value)


def _sheet_name(name: str, taken: set[str]) -> str:
    base = BAD_SHEET_CHARS.sub("_", str(name))[:31] or "sheet"
    out, i = base, 2
    while out in taken:
        suffix = f"_{i}"
        out, i = base[: 31 - len(suffix)] + suffix, i + 1
    taken.add(out)
    return out


def to_xlsx_bytes(tables: dict[str, pd.DataFrame], meta: dict) -> bytes:
    """An .xlsx workbook: one sheet per table (Chinese headers, frozen header row, widths, rates as
    0.0%), then a sheet 说明 listing ``meta`` (period, filters …)."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for name, df in tables.items():
        ws = wb.create_sheet(_sheet_name(name, taken | {"说明"}))
        flat = df.reset_index() if not isinstance(df.index, pd.RangeIndex) else df
        columns = [str(c) for c in flat.columns]
        ws.append([header(c) for c in columns])
        for row in flat.itertuples(index=False, name=None):
            ws.append([_cell(v) for v in row])
        for j, col in enumerate(columns, start=1):
            letter = get_column_letter(j)
            fmt = "0.0%" if col in PERCENT_COLUMNS else "0.00" if col in DECIMAL_COLUMNS else None
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = fmt
            sample = [header(col), *(str(v) for v in flat.iloc[:200, j - 1].tolist())]
            ws.column_dimensions[letter].width = min(60, max(8, max(display_width(s) for s in sample) + 2))
        ws.freeze_panes = "A2"
    ws = wb.create_sheet("说明")
    ws.append(["项目", "内容"])
    for key, value in meta.items():
        ws.append([_cell(str(key)), _cell(value if isinstance(value, (int, float)) else str(value))])
    ws.column_dimensions["A"].width = max(10, *(display_width(str(k)) + 2 for k in meta)) if meta else 10
    ws.column_dimensions["B"].width = min(80, max(10, *(display_width(str(v)) + 2 for v in meta.values()))) if meta else 10
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_csv_bytes(df: pd.DataFrame, *, chinese_headers: bool = True) -> bytes:
    """CSV in UTF-8 with a BOM (Excel opens it correctly), Chinese headers, formulas neutralised."""
    flat = df.reset_index() if not isinstance(df.index, pd.RangeIndex) else df
    safe = flat.map(neutralise)
    if chinese_headers:
        safe = safe.rename(columns=lambda c: header(c))
    return safe.to_csv(index=False).encode("utf-8-sig")
