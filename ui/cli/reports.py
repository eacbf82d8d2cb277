"""``mingde report``: participation, assessment indicators, item analysis and the 学习型班组 pack.

Each command builds the same ``ReportOutput`` as the report's page (``tracker.reports.outputs``)
and writes it through ``tracker.export``: a text table, CSV (UTF-8 with BOM) or Excel with the
same columns, headers and sheet names as the page's downloads, in ``MINGDE_LANG`` (Chinese by
default). The command line runs as the server's administrator (``Account('cli', 'admin')``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ui.cli.common import common

if TYPE_CHECKING:
    from tracker.reports.outputs import ReportOutput

FORMATS = click.Choice(["table", "csv", "xlsx"])


def _format_options(f):
    f = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="write to this file")(f)
    return click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)(f)


@click.group()
def report():
    """Reports for leaders and organizers."""


def _account():
    from tracker import Account

    return Account("cli", "admin")


def _tracker_and_catalog():
    from quizzes import load_catalog
    from tracker import Tracker

    settings = click.get_current_context().obj
    return Tracker(settings.db), load_catalog(settings.content)


def _period(text: str | None, catalog, option: str = "--period"):
    from tracker.reports import current_period, parse_period

    kind = catalog.assessment.period if catalog.assessment else "quarter"
    try:
        return parse_period(text) if text else current_period(kind)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint=option) from None


def emit(out: ReportOutput, fmt: str, output: Path | None) -> None:
    """Print or write a report: its main table as text or CSV, or the whole workbook."""
    from tracker.export import to_csv_bytes, to_text, to_xlsx_bytes
    from ui.i18n import default_lang, translate

    lang = out.lang or default_lang()
    if fmt == "xlsx" and not output:
        raise click.UsageError(translate(lang, "report.needs_output"))
    if fmt == "table":
        text = to_text(out.main, lang)
        if not output:
            click.echo(text)
            for name, value in out.notes.items():  # period, filters, method: beside the table, not in it
                click.echo(f"{name}：{value}", err=True)
            return
        Path(output).write_text(text + "\n", encoding="utf-8")
    elif fmt == "csv":
        data = to_csv_bytes(out.main, lang)
        if output is None:
            click.echo(data.decode("utf-8-sig"), nl=False)
            return
        Path(output).write_bytes(data)
    else:
        Path(output).write_bytes(to_xlsx_bytes(out.tables, out.notes, lang))
    click.echo(translate(lang, "report.wrote", file=output), err=True)


@report.command("participation")
@click.option("--period", "period_text", help="2026Q3, 2026-09, 2026 or 2026-07-01..2026-09-30")
@click.option("--from", "start", help="first day, YYYY-MM-DD (default: 1 January this year)")
@click.option("--to", "end", help="last day, YYYY-MM-DD (default: today)")
@click.option("--quiz", "quiz_id", help="only this quiz")
@click.option("--lesson", "lesson_id", help="only this lesson")
@click.option("--by", type=click.Choice(["department", "team"]), default="department", show_default=True)
@_format_options
@common
def report_participation(period_text, start, end, quiz_id, lesson_id, by, fmt, output):
    """Participation against the active roster (参与情况), with a total row; the workbook also lists
    who has not taken part."""
    import datetime as dt

    from quizzes.fields import SHANGHAI
    from tracker.reports import date_period, parse_period
    from tracker.reports.outputs import participation_output

    if period_text and (start or end):
        raise click.UsageError("give --period, or --from/--to")
    if period_text:
        try:
            period = parse_period(period_text)
        except ValueError as e:
            raise click.BadParameter(str(e), param_hint="--period") from None
    else:
        today = dt.datetime.now(SHANGHAI).date()
        try:
            lo = dt.date.fromisoformat(start) if start else today.replace(month=1, day=1)
            hi = dt.date.fromisoformat(end) if end else today
            period = date_period(lo, hi)
        except ValueError as e:
            raise click.BadParameter(f"dates are YYYY-MM-DD ({e})") from None
    tracker, catalog = _tracker_and_catalog()
    try:
        out = participation_output(tracker, _account(), period, by=by, quiz_id=quiz_id, lesson_id=lesson_id, catalog=catalog)
    finally:
        tracker.close()
    emit(out, fmt, output)


@report.command("assessment")
@click.option("--period", "period_text", help="2026Q3, 2026-09 or 2026 (default: the current period of assessment.yaml)")
@click.option("--by", type=click.Choice(["employee", "department"]), default="employee", show_default=True)
@_format_options
@common
def report_assessment(period_text, by, fmt, output):
    """Assessment indicators (考核指标) with each part and its weight; locked periods as stored."""
    from tracker.reports.outputs import assessment_output

    tracker, catalog = _tracker_and_catalog()
    try:
        out = assessment_output(tracker, _account(), _period(period_text, catalog), catalog, by=by)
    finally:
        tracker.close()
    emit(out, fmt, output)


@report.command("team")
@click.option("--department", required=True, help="the 班组's department")
@click.option("--team", required=True, help="the 班组")
@click.option("--period", "period_text", help="2026Q3, 2026-09, 2026 or 2026-07-01..2026-09-30 (default: the current period)")
@_format_options
@common
def report_team(department, team, period_text, fmt, output):
    """学习型班组 evidence pack: members, events attended with 学时, quiz and competition results and
    the indicator of one 班组 (the workbook has a sheet each; a table prints the summary)."""
    from tracker import NotFound
    from tracker.reports import learning_team_pack

    tracker, catalog = _tracker_and_catalog()
    try:
        out = learning_team_pack(tracker, _account(), department, team, _period(period_text, catalog), catalog)
    except NotFound as e:
        raise click.BadParameter(str(e), param_hint="--team") from None
    finally:
        tracker.close()
    emit(out, fmt, output)


@report.command("items")
@click.option("--quiz", "quiz_id", help="the quiz's id")
@click.option("--bank", "bank_id", help="or: every attempt with questions drawn from this bank")
@click.option("--period", "period_text", help="only attempts submitted in 2026Q3, 2026-09 or 2026")
@_format_options
@common
def report_items(quiz_id, bank_id, period_text, fmt, output):
    """Item analysis (试题分析): facility, discrimination (upper–lower 27%), option shares, flags."""
    from tracker.reports.outputs import items_output

    if bool(quiz_id) == bool(bank_id):
        raise click.UsageError("give --quiz ID or --bank ID")
    tracker, catalog = _tracker_and_catalog()
    try:
        period = _period(period_text, catalog) if period_text else None
        out = items_output(tracker, _account(), quiz_id=quiz_id, bank_id=bank_id, period=period, catalog=catalog)
    finally:
        tracker.close()
    if fmt == "table":  # the prompt makes a terminal table unreadable; the files keep it
        out.tables = {name: df.drop(columns=["prompt"]) for name, df in out.tables.items()}
    emit(out, fmt, output)
