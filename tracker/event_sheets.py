"""Spreadsheets of events: the printable 签到表 (and reading it back), an event's attendance sheet and
a person's 培训档案. The sheets' words are Chinese: they are printed and filed as they are."""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from quizzes.events import KIND_NAMES, Event
from tracker.errors import TrackerError

STATUS_NAMES = {"present": "出席", "late": "迟到", "leave": "请假", "absent": "缺席"}
METHOD_NAMES = {
    "code": "扫码",
    "roll_call": "点名",
    "paper": "签到表",
    "leave": "请假登记",
    "close": "结束时未到",
    "competition": "知识竞赛",
}
KIND_LEDGER = {"lessons": "课程学习", "quizzes": "测验通过", "events": "培训活动", "competitions": "知识竞赛"}
# What may be written in the 签到 column of a printed sheet.
MARKS = {
    "√": "present",
    "✓": "present",
    "v": "present",
    "1": "present",
    "到": "present",
    "出席": "present",
    "已到": "present",
    "迟到": "late",
    "迟": "late",
    "请假": "leave",
    "假": "leave",
    "缺席": "absent",
    "缺": "absent",
    "×": "absent",
    "x": "absent",
    "0": "absent",
}
SHEET_HEADER = ["序号", "工号", "姓名", "部门", "班组", "签到", "备注"]
_THIN = Side(style="thin", color="888888")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


class SheetError(TrackerError):
    """A returned 签到表 has bad rows; ``problems`` names each row. Nothing was recorded."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _widths(ws, widths: list[int]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def signin_sheet(event: Event, session_id: str, people: list[dict]) -> bytes:
    """The printable 签到表 of one session: the expected people's names, a column to tick and notes."""
    session = event.session(session_id)
    wb = Workbook()
    ws = wb.active
    ws.title = "签到表"
    ws.append([f"{event.title} 签到表"])
    ws.append([f"{session.title or ''} {session.date:%Y年%m月%d日} {session.start}—{session.end}  地点：{session.place}".strip()])
    ws.append([f"活动编号：{event.id}/{session_id}（导入时请保留）  签到栏填：√ 出席、迟到、请假（备注栏写原因）、缺席"])
    ws.append(SHEET_HEADER)
    for i, p in enumerate(people, start=1):
        ws.append([i, p["id"], p["name"], p["department"], p.get("team") or "", "", ""])
    ws["A1"].font = Font(size=16, bold=True)
    for row in ws.iter_rows(min_row=4, max_row=ws.max_row):
        for cell in row:
            cell.border = _BOX
            cell.alignment = Alignment(vertical="center")
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for r in range(5, ws.max_row + 1):
        ws.row_dimensions[r].height = 24
    _widths(ws, [6, 10, 12, 22, 14, 12, 24])
    ws.print_title_rows = "4:4"
    return _save(wb)


@dataclass(frozen=True)
class SheetEntry:
    employee_id: str
    status: str
    reason: str | None


def read_signin_sheet(data: bytes, event: Event, session_id: str) -> list[SheetEntry]:
    """The entries of a returned 签到表 (rows with an empty 签到 cell are skipped). ``SheetError``
    names every bad row: another event's sheet, an unknown mark, 请假 without a reason."""
    try:
        ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    except Exception as e:  # openpyxl raises many kinds for a file that is not xlsx
        raise SheetError([f"not an xlsx 签到表 ({type(e).__name__})"]) from None
    rows = list(ws.iter_rows(values_only=True))
    problems: list[str] = []
    marker = f"{event.id}/{session_id}"
    if len(rows) < 4 or marker not in str(rows[2][0] or ""):
        raise SheetError([f"row 3: this is not the 签到表 of {marker}"])
    header = [str(c or "").strip() for c in rows[3]]
    try:
        col_id, col_mark, col_note = header.index("工号"), header.index("签到"), header.index("备注")
    except ValueError:
        raise SheetError([f"row 4: the columns {', '.join(SHEET_HEADER)} are needed"]) from None
    out: list[SheetEntry] = []
    for n, row in enumerate(rows[4:], start=5):
        cells = list(row) + [None] * len(header)
        employee = str(cells[col_id] or "").strip()
        mark = str(cells[col_mark] or "").strip()
        note = str(cells[col_note] or "").strip() or None
        if not mark:
            continue
        if not employee:
            problems.append(f"row {n}: 工号 is empty")
            continue
        status = MARKS.get(mark.casefold())
        if status is None:
            problems.append(f"row {n}: '{mark}' is not a mark (√, 迟到, 请假, 缺席)")
            continue
        if status == "leave" and not note:
            problems.append(f"row {n}: 请假 needs its reason in 备注")
            continue
        out.append(SheetEntry(employee, status, note))
    if problems:
        raise SheetError(problems)
    return out


def attendance_sheet(event: Event, rows: list[dict], flags: dict[str, str] | None = None) -> bytes:
    """An event's attendance: one row per person and session, with times, minutes, method and device."""
    flags = flags or {}
    wb = Workbook()
    ws = wb.active
    ws.title = "考勤"
    ws.append([f"{event.title}（{KIND_NAMES[event.kind]}）考勤表"])
    ws.append(
        [
            "场次",
            "日期",
            "工号",
            "姓名",
            "部门",
            "班组",
            "状态",
            "签到时间",
            "签退时间",
            "分钟",
            "方式",
            "请假原因",
            "设备",
            "疑似代签",
        ]
    )
    for r in rows:
        s = event.session(r["session_id"])
        ws.append(
            [
                s.title or r["session_id"],
                s.date.isoformat(),
                r["employee_id"],
                r["name"],
                r["department"],
                r.get("team") or "",
                STATUS_NAMES[r["status"]],
                _local(r["check_in_at"]),
                _local(r["check_out_at"]),
                r["minutes"],
                METHOD_NAMES.get(r["method"], r["method"]),
                r.get("reason") or "",
                r.get("device") or "",
                "是" if r["employee_id"] in flags and r["method"] == "code" else "",
            ]
        )
    ws["A1"].font = Font(size=14, bold=True)
    _widths(ws, [18, 12, 10, 10, 22, 14, 8, 18, 18, 8, 10, 16, 14, 10])
    return _save(wb)


def _local(text: str | None) -> str:
    if not text:
        return ""
    from quizzes.fields import SHANGHAI
    from tracker.store import parse_iso

    return parse_iso(text).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def training_record(person: dict, ledgers: list, attendance: list[tuple[str, str, str, str, int]]) -> bytes:
    """A person's 培训档案: the 学时 ledger of each year, and every event session with its status.

    ``attendance``: (date, event title, session, status, minutes) rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = "学时台账"
    ws.append([f"{person['name']}（{person['id']}）培训档案"])
    ws.append([f"部门：{person['department']}  班组：{person.get('team') or '—'}"])
    ws.append(["年度", "日期", "类别", "内容", "学时", "计入学时"])
    for book in ledgers:
        for e in book.entries:
            ws.append([book.year, e.day.isoformat(), KIND_LEDGER[e.kind], e.title, e.hours, e.counted])
        ws.append([book.year, "", "合计", f"要求 {book.required:g} 学时", "", book.total])
    ws["A1"].font = Font(size=14, bold=True)
    _widths(ws, [8, 12, 12, 40, 8, 10])
    ws2 = wb.create_sheet("培训出勤")
    ws2.append(["日期", "活动", "场次", "状态", "分钟"])
    for row in attendance:
        ws2.append(list(row))
    _widths(ws2, [12, 36, 20, 8, 8])
    return _save(wb)
