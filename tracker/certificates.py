"""Printable PDFs made on the server with the Noto CJK fonts (fpdf2, no internet): 学时证明 for a
person and year, 结业证书 for a 培训班, 获奖证书 for the top teams or people of a competition, and
the 签到表 of an event session to print (every expected person, an empty cell to sign).

The fonts are Debian's ``fonts-noto-cjk`` collections (``.ttc``; face 2 is Simplified Chinese);
``MINGDE_CJK_FONT`` names another file. fpdf2 embeds only the glyphs used.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from fpdf import FPDF

from tracker.errors import TrackerError

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
SC_FACE = 2  # Noto … CJK SC in the collection
KIND_LINES = {"lessons": "课程学习", "quizzes": "测验通过", "events": "培训活动", "competitions": "知识竞赛"}


class FontMissing(TrackerError):
    """The Chinese font for PDFs is not installed (Debian: apt-get install fonts-noto-cjk)."""


def _fonts() -> tuple[Path, Path]:
    custom = os.environ.get("MINGDE_CJK_FONT")
    if custom:
        return Path(custom), Path(custom)
    serif, sans = FONT_DIR / "NotoSerifCJK-Regular.ttc", FONT_DIR / "NotoSansCJK-Regular.ttc"
    for p in (serif, sans):
        if not p.is_file():
            raise FontMissing(f"{p} not found: install fonts-noto-cjk (or set MINGDE_CJK_FONT)")
    return serif, sans


def fonts_available() -> bool:
    """Whether the CJK fonts for the PDFs are installed (else every PDF raises ``FontMissing``)."""
    try:
        _fonts()
    except FontMissing:
        return False
    return True


def _pdf(landscape: bool = False, cls: type[FPDF] = FPDF, **attributes) -> FPDF:
    """An A4 PDF with the CJK fonts and its first page; ``attributes`` are set before that page
    (its header may use them)."""
    serif, sans = _fonts()
    face = 0 if os.environ.get("MINGDE_CJK_FONT") else SC_FACE
    pdf = cls(orientation="L" if landscape else "P", format="A4")
    for name, value in attributes.items():
        setattr(pdf, name, value)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("serif", fname=str(serif), collection_font_number=face)
    pdf.add_font("sans", fname=str(sans), collection_font_number=face)
    pdf.set_title("明德")
    pdf.set_creator("Mingde")
    pdf.add_page()
    return pdf


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(160, 40, 40)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.4)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)


def _date_line(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def hours_certificate(person: dict, book, issuer: str, *, today: dt.date) -> bytes:
    """学时证明: a person's 学时 of one year, by kind and item, against the requirement."""
    pdf = _pdf()
    pdf.set_font("serif", size=24)
    pdf.cell(0, 18, "学时证明", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", size=13)
    status = "已达到" if book.met else f"尚差 {book.missing:g} 学时"
    pdf.multi_cell(
        0,
        9,
        f"兹证明 {person['name']}（工号 {person['id']}，{person['department']}"
        f"{'·' + person['team'] if person.get('team') else ''}）"
        f"{book.year}年度累计取得职业道德教育学时 {book.total:g} 学时，年度要求 {book.required:g} 学时，{status}。",
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    pdf.set_font("sans", size=10)
    widths = (26, 26, 96, 20, 22)
    for text, w in zip(("日期", "类别", "内容", "学时", "计入"), widths, strict=True):
        pdf.cell(w, 8, text, border=1, align="C")
    pdf.ln()
    for e in book.entries:
        cells = (e.day.isoformat(), KIND_LINES[e.kind], e.title[:40], f"{e.hours:g}", f"{e.counted:g}")
        for text, w in zip(cells, widths, strict=True):
            pdf.cell(w, 7, text, border=1)
        pdf.ln()
    pdf.cell(sum(widths[:4]), 8, "合计", border=1, align="R")
    pdf.cell(widths[4], 8, f"{book.total:g}", border=1)
    pdf.ln(16)
    pdf.set_font("serif", size=13)
    pdf.cell(0, 9, issuer, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 9, _date_line(today), align="R")
    return bytes(pdf.output())


def _certificate(title: str, lines: list[str], issuer: str, today: dt.date) -> bytes:
    pdf = _pdf(landscape=True)
    _frame(pdf)
    pdf.set_text_color(160, 40, 40)
    pdf.set_font("serif", size=40)
    pdf.set_y(42)
    pdf.cell(0, 24, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(30, 30, 30)
    pdf.set_font("serif", size=18)
    pdf.ln(10)
    pdf.set_x(40)
    for line in lines:
        pdf.multi_cell(pdf.w - 80, 13, line, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(40)
    pdf.set_y(pdf.h - 60)
    pdf.set_font("serif", size=16)
    pdf.cell(pdf.w - 50, 10, issuer, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(pdf.w - 50, 10, _date_line(today), align="R")
    return bytes(pdf.output())


def completion_certificate(person: dict, event, hours: float, issuer: str, *, today: dt.date) -> bytes:
    """结业证书 of a 培训班."""
    first, last = event.sessions[0].date, event.sessions[-1].date
    return _certificate(
        "结业证书",
        [
            f"{person['name']} 同志：",
            f"于{_date_line(first)}至{_date_line(last)}参加“{event.title}”，完成全部培训课程，取得 {hours:g} 学时，准予结业。",
        ],
        issuer,
        today,
    )


def award_certificate(winner: str, competition_title: str, place: str, issuer: str, *, today: dt.date) -> bytes:
    """获奖证书 of a team or person placed in a competition or online contest."""
    return _certificate(
        "获奖证书",
        [f"{winner}：", f"在“{competition_title}”中荣获{place}。", "特发此证，以资鼓励。"],
        issuer,
        today,
    )


SIGNIN_COLUMNS = (("序号", 12), ("工号", 22), ("姓名", 26), ("部门", 40), ("班组", 30), ("签名", 40))


class _SigninPDF(FPDF):
    """A 签到表 whose every page repeats the event, the session and the column heads, and ends with
    the page number and the sheet's marker (event/session)."""

    heading: list[str]
    marker: str

    def header(self) -> None:
        self.set_font("serif", size=16)
        self.cell(0, 9, self.heading[0], align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font("sans", size=10)
        for line in self.heading[1:]:
            self.cell(0, 6, line, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_font("sans", size=10)
        self.set_fill_color(235, 235, 235)
        for text, w in SIGNIN_COLUMNS:
            self.cell(w, 8, text, border=1, align="C", fill=True)
        self.ln()

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("sans", size=8)
        self.cell(0, 5, f"活动编号 {self.marker}", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"第 {self.page_no()} 页 / 共 {{nb}} 页", align="R")


def signin_sheet(event, session_id: str, people: list[dict]) -> bytes:
    """The 签到表 of one session as a PDF to print: the event, session, date, time and place on every
    page, then each expected person (序号, 工号, 姓名, 部门, 班组) with an empty cell to sign, and at the
    end the count expected and lines for the organizer to count and sign."""
    session = event.session(session_id)
    day = _date_line(session.date)
    topic = f"{session.title}  " if session.title else ""
    heading = [
        f"{event.title} 签到表",
        f"{topic}{day} {session.start}—{session.end}  地点：{session.place}",
        f"主办：{event.organizer}  应到 {len(people)} 人",
    ]
    pdf = _pdf(cls=_SigninPDF, heading=heading, marker=f"{event.id}/{session_id}")
    pdf.set_font("sans", size=11)
    for i, p in enumerate(people, start=1):
        cells = (str(i), p["id"], p["name"], p["department"][:14], (p.get("team") or "")[:10], "")
        for text, (_, w) in zip(cells, SIGNIN_COLUMNS, strict=True):
            pdf.cell(w, 11, text, border=1, align="C" if w <= 22 else "L")
        pdf.ln()
    pdf.ln(8)
    pdf.set_font("sans", size=11)
    pdf.cell(0, 8, "实到 ______ 人    请假 ______ 人    缺席 ______ 人", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, "组织者签字：______________    日期：______________", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
