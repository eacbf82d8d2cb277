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
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # what an .xlsx zip package may unpack to (no zip bombs)


@dataclass(frozen=True)
class RosterRow:
    id: str
    name: str
    department: str
    team: str | None
    active: int


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _read_rows(path: Path) -> list[list[str]]:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise RosterError([f"{path}: file too large ({size} bytes; the limit is {MAX_BYTES})"])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if path.suffix.lower() not in (".csv", ".txt"):
        raise RosterError([f"{path}: a roster is a .csv or .xlsx file"])
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterError([f"{path}: the file is neither UTF-8 nor GBK text"])
    if "\x00" in text:
        raise RosterError([f"{path}: the file is not text"])
    reader = csv.reader(io.StringIO(text))
    try:
        return [[_clean(c) for c in row] for row in reader]
    except csv.Error as e:  # e.g. a field over the csv module's limit of 131072 characters
        raise RosterError([f"{path}:{reader.line_num}: not readable as CSV ({e})"]) from None


def _read_xlsx(path: Path) -> list[list[str]]:
    """The first sheet's rows; a formula is refused (its value is Excel's to compute, not ours)."""
    import zipfile

    import openpyxl

    try:
        with zipfile.ZipFile(path) as package:
            unpacked = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise RosterError([f"{path}: not a readable Excel file (not an .xlsx zip package)"]) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise RosterError([f"{path}: the workbook unpacks to {unpacked} bytes; the limit is {MAX_UNPACKED_BYTES}"])
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as e:  # openpyxl raises many kinds for a broken file
        raise RosterError([f"{path}: not a readable Excel file ({type(e).__name__})"]) from None
    rows: list[list[str]] = []
    try:
        ws = wb.worksheets[0]
        for number, row in enumerate(ws.iter_rows(), start=1):
            for cell in row:
                if cell.data_type == "f":
                    shown = str(cell.value)[:40]
                    raise RosterError(
                        [f"{path}:{number}: cell {cell.coordinate} is a formula ({shown}); paste the values instead"]
                    )
            rows.append([_clean(cell.value) for cell in row])
    except RosterError:
        raise
    except Exception as e:  # a sheet is read lazily: a broken one fails here
        raise RosterError([f"{path}: not a readable Excel file ({type(e).__name__} in the first sheet)"]) from None
    finally:
        wb.close()
    return rows


def read_roster(path: str | Path) -> list[RosterRow]:
    """All rows of a roster file, or ``RosterError`` listing every bad row by number."""
    p = Path(path)
    if not p.is_file():
        raise RosterError([f"{p}: file not found"])
    rows = _read_rows(p)
    first = 0  # blank rows above the header still count in row numbers
    while first < len(rows) and not any(rows[first]):
        first += 1
    if first == len(rows):
        raise RosterError([f"{p}: the file is empty"])
    header = [HEADERS.get(h.casefold() if h.isascii() else h) for h in rows[first]]
    missing = [k for k in REQUIRED if k not in header]
    if missing:
        raise RosterError(
            [f"{p}:{first + 1}: missing column(s) {', '.join(missing)} (use 工号,姓名,部门,班组 or id,name,department,team)"]
        )
    doubled = sorted({k for k in header if k and header.count(k) > 1}, key=FIELDS.index)
    if doubled:
        raise RosterError([f"{p}:{first + 1}: more than one column for {', '.join(doubled)} (keep one of each)"])
    col = {k: header.index(k) for k in set(header) - {None}}
    problems: list[str] = []
    out: list[RosterRow] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[first + 1 :], start=first + 2):
        if not any(row):
            continue
        cells = {k: (row[i] if i < len(row) else "") for k, i in col.items()}
        where = f"{p}:{number}"
        bad = [k for k in REQUIRED if not cells.get(k)]
        if bad:
            problems.append(f"{where}: empty {', '.join(bad)}")
            continue
        if cells["id"] in seen:
            problems.append(f"{where}: 工号 {cells['id']} repeats row {seen[cells['id']]}")
            continue
        if any(len(v) > 100 for v in cells.values()):
            problems.append(f"{where}: a cell is longer than 100 characters")
            continue
        if control := next(((k, ch) for k, v in cells.items() for ch in v if unicodedata.category(ch) == "Cc"), None):
            problems.append(
                f"{where}: {rows[first][col[control[0]]]} contains the control character U+{ord(control[1]):04X} "
                "(a line break, tab or escape); remove it"
            )
            continue
        active_word = cells.get("active", "").casefold()
        if active_word not in ACTIVE_WORDS:
            problems.append(f"{where}: active is 是/否 or 1/0, not {cells.get('active')!r}")
            continue
        seen[cells["id"]] = number
        out.append(
            RosterRow(cells["id"], cells["name"], cells["department"], cells.get("team") or None, ACTIVE_WORDS[active_word])
        )
    if problems:
        raise RosterError(problems)
    if not out:
        raise RosterError([f"{p}: no employees in the file"])
    return out
