"""Writing report tables as text, CSV (UTF-8 with BOM) or Excel: the one output path of the report
pages' downloads and of ``mingde report``.

Headers come from the i18n catalogue (``report.col.<column>``) in the language asked for (Chinese
by default), booleans are 是/否, the header row is frozen, columns are sized, rates formatted
``0.0%``, and a last sheet (说明) states the period and filters. Cells that a spreadsheet would run
as a formula are neutralised with a leading apostrophe.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ui.i18n import default_lang, translate

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

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
DECIMAL_COLUMNS |= {"points_per_head", "democratic_score", "de_score"}  # 学习积分, 德 (issue 19)
PERCENT_COLUMNS |= {"democratic_weight"}
# events, attendance and 学时 in participation, the indicator and the 学习型班组 pack (issue 17)
PERCENT_COLUMNS |= {"any_participation_rate", "attendance_rate", "attendance_weight", "hours_weight", "hours_share"}
DECIMAL_COLUMNS |= {"attendance_score", "hours", "hours_required", "hours_score", "hours_per_head", "credit", "hours_counted"}

# 学时 are shown with one decimal everywhere (pages, files, terminal): ``tracker.hours.format_hours``.
HOURS_COLUMNS: set[str] = {"hours", "hours_required", "hours_per_head", "hours_counted", "credit", "hours_missing"}
DECIMAL_COLUMNS -= HOURS_COLUMNS
PERCENT_COLUMNS |= {"hours_share"}


def format_hours(value: float) -> str:
    """学时 as every page, file and message shows them: one decimal (``3.5``)."""
    return f"{value:.1f}"


BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def header(column: object, lang: str | None = None) -> str:
    """The header of a column key in ``lang`` (default: ``MINGDE_LANG``, Chinese); the key itself
    when the catalogue has none (a quiz id as a heat-map column, say)."""
    key = f"report.col.{column}"
    text = translate(lang or default_lang(), key)
    return str(column) if text == key else text


def _lang(lang: str | None) -> str:
    return lang or default_lang()


def display_width(text: str) -> int:
    """Width in spreadsheet characters: CJK and full-width characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _cell(value: object, lang: str = "zh") -> object:
    if value is None:
        return None
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return translate(lang, "report.yes" if value else "report.no")
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


def to_xlsx_bytes(tables: dict[str, pd.DataFrame], meta: dict, lang: str | None = None) -> bytes:
    """An .xlsx workbook: one sheet per table (headers in ``lang``, frozen header row, widths, rates as
    0.0%, 是/否), then a sheet 说明 listing ``meta`` (period, filters …)."""
    lang = _lang(lang)
    notes = translate(lang, "report.sheet.notes")
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for name, df in tables.items():
        ws = wb.create_sheet(_sheet_name(name, taken | {notes}))
        flat = df.reset_index() if not isinstance(df.index, pd.RangeIndex) else df
        columns = [str(c) for c in flat.columns]
        ws.append([header(c, lang) for c in columns])
        type_at = columns.index("type") if "type" in columns else None
        for row in flat.itertuples(index=False, name=None):
            cells = [_cell(v, lang) for v in row]
            if type_at is not None and isinstance(cells[type_at], str) and cells[type_at]:
                cells[type_at] = translate(lang, f"qtype.{cells[type_at]}")
            ws.append(cells)
        for j, col in enumerate(columns, start=1):
            letter = get_column_letter(j)
            fmt = (
                "0.0%"
                if col in PERCENT_COLUMNS
                else "0.00"
                if col in DECIMAL_COLUMNS
                else "0.0"
                if col in HOURS_COLUMNS
                else None
            )
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = fmt
            sample = [header(col, lang), *(str(_cell(v, lang)) for v in flat.iloc[:200, j - 1].tolist())]
            ws.column_dimensions[letter].width = min(60, max(8, max(display_width(s) for s in sample) + 2))
        ws.freeze_panes = "A2"
    ws = wb.create_sheet(notes)
    ws.append([translate(lang, "report.notes.item"), translate(lang, "report.notes.value")])
    for key, value in meta.items():
        ws.append([_cell(str(key)), _cell(value if isinstance(value, (int, float)) else str(value))])
    ws.column_dimensions["A"].width = max(10, *(display_width(str(k)) + 2 for k in meta)) if meta else 10
    ws.column_dimensions["B"].width = min(80, max(10, *(display_width(str(v)) + 2 for v in meta.values()))) if meta else 10
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def shown(df: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The table as people read it: headers in ``lang``, 是/否 for booleans, formulas neutralised."""
    lang = _lang(lang)
    flat = df.reset_index() if not isinstance(df.index, pd.RangeIndex) else df
    safe = flat.map(lambda v: _cell(v, lang) if isinstance(v, bool) or type(v).__name__ == "bool_" else neutralise(v))
    if "type" in safe.columns:  # question types by their names (单选 …), never the ids
        safe["type"] = safe["type"].map(lambda v: translate(lang, f"qtype.{v}") if isinstance(v, str) and v else v)
    return safe.rename(columns=lambda c: header(c, lang))


def to_csv_bytes(df: pd.DataFrame, lang: str | None = None, *, translate_headers: bool = True) -> bytes:
    """CSV in UTF-8 with a BOM (Excel opens it correctly), headers in ``lang``, formulas neutralised.
    ``translate_headers=False`` keeps the frame's own headers (a file meant to be imported again)."""
    if not translate_headers:
        flat = df.reset_index() if not isinstance(df.index, pd.RangeIndex) else df
        return flat.map(neutralise).to_csv(index=False).encode("utf-8-sig")
    return shown(df, lang).to_csv(index=False).encode("utf-8-sig")


def to_text(df: pd.DataFrame, lang: str | None = None) -> str:
    """A plain text table for a terminal, with the same headers as the files."""
    lang = _lang(lang)
    if not len(df):
        return translate(lang, "report.no_rows")
    flat = df.reset_index() if not isinstance(df.index, pd.RangeIndex) else df.copy()
    for col in flat.columns:
        if col in PERCENT_COLUMNS:
            flat[col] = flat[col].map(lambda v: "—" if _missing(v) else f"{v:.1%}")
        elif col in DECIMAL_COLUMNS:
            flat[col] = flat[col].map(lambda v: "—" if _missing(v) else f"{v:.2f}")
        elif col in HOURS_COLUMNS:
            flat[col] = flat[col].map(lambda v: "—" if _missing(v) else f"{v:.1f}")
    return shown(flat, lang).fillna("—").to_string(index=False)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
