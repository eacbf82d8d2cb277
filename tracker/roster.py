"""Reading a roster (花名册) from CSV or XLSX.

Headers are ``工号,姓名,部门,班组`` or ``id,name,department,team``, in any order; an optional
``在职``/``active`` column takes 是/否, 1/0, true/false. Every bad row is reported by its row number
(the header is row 1) and nothing is returned unless all rows are good. Formula cells, control
characters (line breaks, tabs, escapes) and a column given twice are refused, never guessed at.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import RosterError

HEADERS = {
    "工号": "id",
    "id": "id",
    "员工编号": "id",
    "姓名": "name",
    "name": "name",
    "部门": "department",
    "department": "department",
    "科室": "department",
    "班组": "team",
    "team": "team",
    "在职": "active",
    "active": "active",
    "状态": "active",
}
REQUIRED = ("id", "name", "department")
FIELDS = ("id", "name", "department", "team", "active")
ACTIVE_WORDS = {
    "是": 1,
    "否": 0,
    "1": 1,
    "0": 0,
    "true": 1,
    "false": 0,
    "在职": 1,
    "离职": 0,
    "y": 1,
    "n": 0,
    "yes": 1,
    "no": 0,
    "": 1,
}
MAX_BYTES = 20 * 1024 * 1024
MAX_CELL = 100  # characters in one cell
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # what an .xlsx zip package may unpack to (no zip bombs)
MAX_SHEET_BYTES = 50 * 1024 * 1024  # one worksheet's XML, unpacked
MAX_SHARED_STRINGS_BYTES = 40 * 1024 * 1024  # openpyxl reads the shared strings whole, before any row
MAX_ROWS = 20_000  # rows with content (a bureau's roster holds hundreds)
MAX_CELLS = 1_000_000  # cells read, empty ones included
MAX_CHARS = 5_000_000  # characters of text


# Every problem's English text (logs, CLI in English, tests); the UI says it by its code in the user's
# language (``roster.problem.<code>`` in ui/i18n/admin.py, rendered by ``ui.roster_text``).
MESSAGES: dict[str, str] = {
    "not_found": "{path}: file not found",
    "too_large": "{path}: file too large ({size} bytes; the limit is {limit})",
    "wrong_type": "{path}: a roster is a .csv or .xlsx file",
    "encoding": "{path}: the file is neither UTF-8 nor GBK text",
    "not_text": "{path}: the file is not text",
    "csv_broken": "{path}:{row}: not readable as CSV ({error})",
    "not_xlsx": "{path}: not a readable Excel file (not an .xlsx zip package)",
    "unpacks_too_large": "{path}: the workbook unpacks to {size} bytes; the limit is {limit}",
    "xlsx_unreadable": "{path}: not a readable Excel file ({error})",
    "sheet_unreadable": "{path}: not a readable Excel file ({error} in the first sheet)",
    "sheet_too_large": "{path}: a worksheet unpacks to {size} bytes; the limit is {limit}",
    "shared_strings_too_large": "{path}: the workbook's text (shared strings) is {size} bytes; the limit is {limit}",
    "too_many_rows": "{path}:{row}: more than {limit} rows with content",
    "too_many_cells": "{path}:{row}: more than {limit} cells",
    "too_many_chars": "{path}:{row}: more than {limit} characters of text",
    "formula": "{path}:{row}: cell {cell} is a formula ({formula}); paste the values instead",
    "empty": "{path}: the file is empty",
    "missing_columns": "{path}:{row}: missing column(s) {fields} (use 工号,姓名,部门,班组 or id,name,department,team)",
    "doubled_columns": "{path}:{row}: more than one column for {fields} (keep one of each)",
    "empty_cells": "{path}:{row}: empty {fields}",
    "repeated_id": "{path}:{row}: 工号 {id} repeats row {first}",
    "too_long": "{path}:{row}: a cell is longer than {limit} characters",
    "control": "{path}:{row}: {header} contains the control character U+{char} (a line break, tab or escape); remove it",
    "bad_active": "{path}:{row}: active is 是/否 or 1/0, not {value!r}",
    "no_employees": "{path}: no employees in the file",
}


class RosterProblem(str):
    """One problem of a roster file: its English text as a ``str`` (for logs and the CLI in English),
    with ``code``, ``path``, ``row`` (1 = the header; None for the whole file), ``fields`` (the
    columns concerned: ``id``, ``name``, ``department``, ``team``, ``active``), ``cell`` (``C5``) and
    ``values`` for saying it in the user's language."""

    code: str
    path: str
    row: int | None
    fields: tuple[str, ...]
    cell: str | None
    values: dict

    def __new__(
        cls,
        code: str,
        path: str | Path,
        row: int | None = None,
        *,
        fields: tuple[str, ...] = (),
        cell: str | None = None,
        **values,
    ) -> RosterProblem:
        text = MESSAGES[code].format(path=path, row=row, fields=", ".join(fields), cell=cell, **values)
        self = super().__new__(cls, text)
        self.code, self.path, self.row, self.fields, self.cell, self.values = code, str(path), row, tuple(fields), cell, values
        return self

    def __reduce__(self):  # pickling and copies keep the code and values
        return (_rebuild, (self.code, self.path, self.row, self.fields, self.cell, self.values))


def _rebuild(code, path, row, fields, cell, values) -> RosterProblem:
    return RosterProblem(code, path, row, fields=fields, cell=cell, **values)


def _refuse(code: str, path: str | Path, row: int | None = None, **kw) -> RosterError:
    return RosterError([RosterProblem(code, path, row, **kw)])


@dataclass(frozen=True)
class RosterRow:
    id: str
    name: str
    department: str
    team: str | None
    active: int


class _Caps:
    """Counts what has been read and stops the reading as soon as a cap is passed (a hostile file
    must not take the server's memory or time)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = self.cells = self.chars = 0

    def row(self, number: int, cells: list[str]) -> list[str]:
        self.cells += len(cells)
        if self.cells > MAX_CELLS:
            raise _refuse("too_many_cells", self.path, number, limit=MAX_CELLS)
        if any(cells):
            self.rows += 1
            self.chars += sum(map(len, cells))
        if self.rows > MAX_ROWS:
            raise _refuse("too_many_rows", self.path, number, limit=MAX_ROWS)
        if self.chars > MAX_CHARS:
            raise _refuse("too_many_chars", self.path, number, limit=MAX_CHARS)
        return cells


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _read_rows(path: Path) -> list[list[str]]:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise _refuse("too_large", path, size=size, limit=MAX_BYTES)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if path.suffix.lower() not in (".csv", ".txt"):
        raise _refuse("wrong_type", path)
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refuse("encoding", path)
    if "\x00" in text:
        raise _refuse("not_text", path)
    reader = csv.reader(io.StringIO(text))
    caps = _Caps(path)
    try:
        return [caps.row(number, [_clean(c) for c in row]) for number, row in enumerate(reader, start=1)]
    except csv.Error as e:  # e.g. a field over the csv module's limit of 131072 characters
        raise _refuse("csv_broken", path, reader.line_num, error=str(e)) from None


def _read_xlsx(path: Path) -> list[list[str]]:
    """The first sheet's rows; a formula is refused (its value is Excel's to compute, not ours)."""
    import zipfile

    import openpyxl

    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise _refuse("not_xlsx", path) from None
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refuse("unpacks_too_large", path, size=unpacked, limit=MAX_UNPACKED_BYTES)
    sheet = max((i.file_size for i in infos if i.filename.lower().startswith("xl/worksheets/")), default=0)
    if sheet > MAX_SHEET_BYTES:
        raise _refuse("sheet_too_large", path, size=sheet, limit=MAX_SHEET_BYTES)
    shared = sum(i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml"))
    if shared > MAX_SHARED_STRINGS_BYTES:
        raise _refuse("shared_strings_too_large", path, size=shared, limit=MAX_SHARED_STRINGS_BYTES)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as e:  # openpyxl raises many kinds for a broken file
        raise _refuse("xlsx_unreadable", path, error=type(e).__name__) from None
    rows: list[list[str]] = []
    caps = _Caps(path)
    try:
        ws = wb.worksheets[0]
        for number, row in enumerate(ws.iter_rows(), start=1):
            for cell in row:
                if cell.data_type == "f":
                    shown = str(cell.value)[:40]
                    raise _refuse("formula", path, number, cell=cell.coordinate, formula=shown)
            rows.append(caps.row(number, [_clean(cell.value) for cell in row]))
    except RosterError:
        raise
    except Exception as e:  # a sheet is read lazily: a broken one fails here
        raise _refuse("sheet_unreadable", path, error=type(e).__name__) from None
    finally:
        wb.close()
    return rows


def read_roster(path: str | Path) -> list[RosterRow]:
    """All rows of a roster file, or ``RosterError`` listing every bad row by number."""
    p = Path(path)
    if not p.is_file():
        raise _refuse("not_found", p)
    rows = _read_rows(p)
    first = 0  # blank rows above the header still count in row numbers
    while first < len(rows) and not any(rows[first]):
        first += 1
    if first == len(rows):
        raise _refuse("empty", p)
    header = [HEADERS.get(h.casefold() if h.isascii() else h) for h in rows[first]]
    missing = [k for k in REQUIRED if k not in header]
    if missing:
        raise _refuse("missing_columns", p, first + 1, fields=tuple(missing))
    doubled = sorted({k for k in header if k and header.count(k) > 1}, key=FIELDS.index)
    if doubled:
        raise _refuse("doubled_columns", p, first + 1, fields=tuple(doubled))
    col = {k: header.index(k) for k in set(header) - {None}}
    problems: list[RosterProblem] = []
    out: list[RosterRow] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[first + 1 :], start=first + 2):
        if not any(row):
            continue
        cells = {k: (row[i] if i < len(row) else "") for k, i in col.items()}
        bad = tuple(k for k in REQUIRED if not cells.get(k))
        if bad:
            problems.append(RosterProblem("empty_cells", p, number, fields=bad))
            continue
        if cells["id"] in seen:
            problems.append(RosterProblem("repeated_id", p, number, fields=("id",), id=cells["id"], first=seen[cells["id"]]))
            continue
        if long := next((k for k in FIELDS if len(cells.get(k, "")) > MAX_CELL), None):
            problems.append(RosterProblem("too_long", p, number, fields=(long,), limit=MAX_CELL))
            continue
        if control := next(((k, ch) for k, v in cells.items() for ch in v if unicodedata.category(ch) == "Cc"), None):
            problems.append(
                RosterProblem(
                    "control", p, number, fields=(control[0],), header=rows[first][col[control[0]]], char=f"{ord(control[1]):04X}"
                )
            )
            continue
        active_word = cells.get("active", "").casefold()
        if active_word not in ACTIVE_WORDS:
            value = cells.get("active")
            problems.append(RosterProblem("bad_active", p, number, fields=("active",), value=value))
            continue
        seen[cells["id"]] = number
        out.append(
            RosterRow(cells["id"], cells["name"], cells["department"], cells.get("team") or None, ACTIVE_WORDS[active_word])
        )
    if problems:
        raise RosterError(problems)
    if not out:
        raise _refuse("no_employees", p)
    return out
