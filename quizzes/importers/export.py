"""Exporting questions to the Excel template (wide layout, one row per question).

Columns: 题型, 题干, 选项A…选项H, 正确答案, 解析, 分值, 难度, 知识点, then 答案1…N for fill-in blanks
(alternatives joined by ``|``) and 选项得分 for scenario questions (credits such as ``1,0.5,0``, with
题型 情境题). True/false answers are 正确/错误. Cells starting with = + - @ get a leading apostrophe so
that spreadsheets never run them as formulas; the importer drops that apostrophe again.

Round trip (export, then import) gives the same questions, with two normalisations: a fill-in
prompt's ``（ ）`` blanks come back as ``___``, and a fill-in alternative that itself contains ``|`` or
``；`` is split at that character.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from quizzes.model import LETTERS, Question

TYPE_LABELS = {"single": "单选题", "multiple": "多选题", "true_false": "判断题", "fill_blank": "填空题", "scenario": "情境题"}
DIFFICULTY_LABELS = {"easy": "低难度", "medium": "中难度", "hard": "高难度"}
BASE_HEADERS = ["题型", "题干", *[f"选项{c}" for c in LETTERS], "正确答案", "解析", "分值", "难度", "知识点"]


def safe_cell(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula (leading = + - @) with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _row(q: Question, n_blanks: int, with_credits: bool, with_groups: bool = False) -> list[object]:
    options = [o.text for o in q.options or []]
    if q.type in ("single", "multiple"):
        answer = q.answer
    elif q.type == "true_false":
        answer = "正确" if q.answer else "错误"
    else:
        answer = ""
    row: list[object] = [
        TYPE_LABELS[q.type],
        q.prompt,
        *options,
        *[""] * (len(LETTERS) - len(options)),
        answer,
        q.explanation or "",
        _number(q.points),
        DIFFICULTY_LABELS.get(q.difficulty or "", ""),
        ",".join(q.tags),
    ]
    if n_blanks:
        blanks = ["|".join(alts) for alts in q.answer] if q.type == "fill_blank" and isinstance(q.answer, list) else []
        row += blanks + [""] * (n_blanks - len(blanks))
    if with_credits:
        row.append(",".join(f"{o.credit:g}" for o in q.options or []) if q.type == "scenario" else "")
    if with_groups:
        row.append(",".join(q.exclusive))
    return row


def export_excel(questions: Iterable[Question], path: str | Path) -> Path:
    """Write questions to an .xlsx in the import template's wide layout; return the path."""
    import openpyxl

    qs = list(questions)
    n_blanks = max((len(q.answer) for q in qs if q.type == "fill_blank" and isinstance(q.answer, list)), default=0)
    with_credits = any(q.type == "scenario" for q in qs)
    with_groups = any(q.exclusive for q in qs)
    headers = BASE_HEADERS + [f"答案{i}" for i in range(1, n_blanks + 1)] + (["选项得分"] if with_credits else [])
    headers += ["互斥组"] if with_groups else []
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "题库"
    ws.append(headers)
    for q in qs:
        ws.append([safe_cell(v) for v in _row(q, n_blanks, with_credits, with_groups)])
    for cell in ws[1]:
        cell.font = openpyxl.styles.Font(bold=True)
    ws.freeze_panes = "A2"
    path = Path(path)
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent if str(path.parent) else ".")
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
