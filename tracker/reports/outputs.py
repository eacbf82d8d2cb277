"""Each report as people receive it: its tables (sheet name → frame) and the notes that state the
period and filters, built once for the page's downloads and for ``mingde report``, so that the
command line, the page and the Excel file have the same columns, headers and sheet names.

Frames keep the report's column keys; ``tracker.export`` turns them into headers in the reader's
language when it writes a text table, a CSV or a workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from tracker.reports.assessment import assessment_indicators
from tracker.reports.common import word
from tracker.reports.items import item_analysis
from tracker.reports.participation import event_attendance, non_participants, participation_report
from tracker.reports.periods import Period, as_period
from tracker.store import Account, Tracker

if TYPE_CHECKING:
    from quizzes.catalog import Catalog


@dataclass
class ReportOutput:
    """A report ready to show or write: ``tables`` by sheet name (the first is the main table),
    ``notes`` (period, filters) for the 说明 sheet, and ``name``, the file name's stem."""

    name: str
    tables: dict[str, pd.DataFrame]
    notes: dict[str, object] = field(default_factory=dict)
    lang: str | None = None

    @property
    def main(self) -> pd.DataFrame:
        return next(iter(self.tables.values()))


def participation_output(
    tracker: Tracker,
    account: Account,
    period: Period | str,
    *,
    by: str = "department",
    quiz_id: str | None = None,
    lesson_id: str | None = None,
    catalog: Catalog | None = None,
    lang: str | None = None,
) -> ReportOutput:
    """参与情况 with its 合计 row, then attendance at events by kind (活动出勤), then the people who
    have not taken part."""
    p = as_period(period)
    table = participation_report(tracker, account, p, by=by, quiz_id=quiz_id, lesson_id=lesson_id, catalog=catalog, lang=lang)
    events = event_attendance(tracker, account, p, by=by, catalog=catalog, lang=lang)
    missing = non_participants(tracker, account, p, quiz_id=quiz_id)
    notes = {
        word("report.period", lang): p.key,
        word("report.start", lang): p.start.isoformat(),
        word("report.end", lang): p.end.isoformat(),
        word("report.quiz_filter", lang): _title(catalog, "quizzes", quiz_id) or word("report.all", lang),
        word("report.lesson_filter", lang): _title(catalog, "lessons", lesson_id) or word("report.all", lang),
        word("report.by", lang): word(f"report.by.{by}", lang),
    }
    return ReportOutput(
        f"participation-{p.key}",
        {
            word("report.sheet.participation", lang): table,
            word("report.sheet.event_attendance", lang): events,
            word("report.sheet.missing", lang): missing,
        },
        notes,
        lang,
    )


def assessment_output(
    tracker: Tracker, account: Account, period: Period | str, catalog: Catalog, *, by: str = "employee", lang: str | None = None
) -> ReportOutput:
    """考核指标 per employee or department, every input beside the result; locked periods as stored."""
    p = as_period(period)
    table = assessment_indicators(tracker, account, p, catalog, by=by, lang=lang)
    lock = table.attrs.get("locked")
    notes = {
        word("report.assess_period", lang): p.key,
        word("report.start", lang): p.start.isoformat(),
        word("report.end", lang): p.end.isoformat(),
        word("report.by", lang): word(f"report.by.{by}", lang),
        word("report.locked_by", lang): f"{lock['locked_by']} {lock['locked_at']}" if lock else word("report.not_locked", lang),
    }
    return ReportOutput(f"assessment-{p.key}-{by}", {word("report.sheet.assessment", lang): table}, notes, lang)


def items_output(
    tracker: Tracker,
    account: Account,
    *,
    quiz_id: str | None = None,
    bank_id: str | None = None,
    period: Period | str | None = None,
    catalog: Catalog | None = None,
    lang: str | None = None,
) -> ReportOutput:
    """试题分析 of a quiz, or of every attempt with questions drawn from a bank."""
    p = as_period(period) if period is not None else None
    table = item_analysis(tracker, account, quiz_id=quiz_id, bank_id=bank_id, period=p, lang=lang)
    source = "quiz" if quiz_id else "bank"
    title = _title(catalog, "quizzes", quiz_id) if quiz_id else _title(catalog, "banks", bank_id)
    notes = {
        word("report.source", lang): word(f"report.source.{source}", lang),
        word(f"report.source.{source}", lang): title or quiz_id or bank_id,
        word("report.period", lang): p.key if p else word("report.all", lang),
        word("report.attempts_n", lang): table.attrs.get("attempts", 0),
        word("report.group_size", lang): table.attrs.get("group_size", 0),
        word("report.method", lang): word("items.method.text", lang),
    }
    return ReportOutput(f"items-{quiz_id or bank_id}", {word("report.sheet.items", lang): table}, notes, lang)


def _title(catalog: Catalog | None, kind: str, ident: str | None) -> str | None:
    """The title of a quiz, lesson or bank (its id when the catalogue does not have it)."""
    if not ident:
        return None
    found = getattr(catalog, kind, {}).get(ident) if catalog is not None else None
    return found.title if found is not None else ident


def hours_requirement_output(
    tracker: Tracker, account: Account, catalog: Catalog, year: int, *, by: str = "department", lang: str | None = None
) -> ReportOutput:
    """学时达标 of a year by department or 班组 (``tracker.hours.requirement_report``) with a 合计
    row, then everyone behind the requirement (fewest 学时 first within each group), and the
    requirement in the notes."""
    from tracker.hours import ledgers, requirement_report, rules_of

    rows = requirement_report(tracker, account, catalog, year, by)
    required = rules_of(catalog).required
    table = pd.DataFrame(
        [
            {
                "group": r["group"],
                "headcount": r["headcount"],
                "met": r["met"],
                "hours_share": r["share"],
                "hours_per_head": r["hours_per_head"],
            }
            for r in rows
        ],
        columns=["group", "headcount", "met", "hours_share", "hours_per_head"],
    )
    books = ledgers(tracker, catalog, year)
    people = tracker.employees(active_only=True)
    head, met = len(people), sum(1 for p in people if books[p["id"]].met)
    total = {
        "group": word("report.total", lang),
        "headcount": head,
        "met": met,
        "hours_share": round(met / head, 4) if head else 0.0,
        "hours_per_head": round(sum(books[p["id"]].total for p in people) / head, 2) if head else 0.0,
    }
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    behind = sorted(
        ((p[by] or "—", books[p["id"]].total, p["name"], p["id"]) for p in people if not books[p["id"]].met),
    )
    missing = pd.DataFrame(
        [
            {"group": g, "employee_id": i, "name": n, "hours": h, "hours_missing": round(max(0.0, required - h), 2)}
            for g, h, n, i in behind
        ],
        columns=["group", "employee_id", "name", "hours", "hours_missing"],
    )
    notes = {
        word("report.hours_year", lang): year,
        word("report.hours_requirement", lang): f"{required:.1f}",
        word("report.by", lang): word(f"report.by.{by}", lang),
    }
    return ReportOutput(
        f"hours-{year}-{by}",
        {word("report.sheet.hours_requirement", lang): table, word("report.sheet.hours_behind", lang): missing},
        notes,
        lang,
    )
