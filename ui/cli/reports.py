"""``mingde report``: participation, assessment indicators and item analysis.

The command line runs as the server's administrator (``Account('cli', 'admin')``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ui.cli.common import common, open_tracker

if TYPE_CHECKING:
    import pandas as pd


@click.group()
def report():
    """Reports for leaders and organizers."""


@report.command("participation")
@click.option("--from", "start", help="first day, YYYY-MM-DD (default: 1 January this year)")
@click.option("--to", "end", help="last day, YYYY-MM-DD (default: today)")
@click.option("--quiz", "quiz_id", help="only this quiz")
@click.option("--by", type=click.Choice(["department", "team"]), default="department", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "xlsx"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="write to this file")
@common
def report_participation(start, end, quiz_id, by, fmt, output):
    """Participation per department against the active roster, with a total row."""
    import datetime as dt

    from quizzes.fields import SHANGHAI
    from ui.export import write_table

    today = dt.datetime.now(SHANGHAI).date()
    try:
        lo = dt.date.fromisoformat(start) if start else today.replace(month=1, day=1)
        hi = dt.date.fromisoformat(end) if end else today
    except ValueError as e:
        raise click.BadParameter(f"dates are YYYY-MM-DD ({e})") from None
    from tracker import Account
    from tracker.reports import date_period, participation_report

    report_df = participation_report(open_tracker(), Account("cli", "admin"), date_period(lo, hi), by=by, quiz_id=quiz_id)
    keys = ["department", "team"] if by == "team" else ["department"]
    df = report_df[[*keys, "headcount", "participants", "participation_rate"]]
    meta = {"report": "participation", "from": lo.isoformat(), "to": hi.isoformat(), "quiz": quiz_id or "all", "by": by}
    if fmt == "xlsx" and not output:
        raise click.UsageError("--format xlsx needs -o FILE")
    if fmt == "table" and not output:
        click.echo(df.to_string(index=False))
        return
    text = write_table(df, fmt if fmt != "table" else "csv", output, meta)
    if text is not None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {output}", err=True)


FORMATS = click.Choice(["table", "csv", "xlsx"])


def _account():
    from tracker import Account

    return Account("cli", "admin")


def _tracker_and_catalog():
    from quizzes import load_catalog
    from tracker import Tracker

    settings = click.get_current_context().obj
    return Tracker(settings.db), load_catalog(settings.content)


def _emit(tables: dict[str, pd.DataFrame], fmt: str, output: Path | None, meta: dict) -> None:
    """Print or write the main table (the first) as a text table, CSV (UTF-8 BOM) or Excel."""
    from ui.export import to_csv_bytes, to_xlsx_bytes

    df = next(iter(tables.values()))
    if fmt == "xlsx" and not output:
        raise click.UsageError("--format xlsx needs -o FILE")
    if fmt == "table":
        text = df.to_string(index=False) if len(df) else "(no rows)"
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            click.echo(f"wrote {output}", err=True)
        else:
            click.echo(text)
        return
    if fmt == "csv":
        data = to_csv_bytes(df)
        if output is None:
            click.echo(data.decode("utf-8-sig"), nl=False)
            return
        Path(output).write_bytes(data)
    else:
        Path(output).write_bytes(to_xlsx_bytes(tables, meta))
    click.echo(f"wrote {output}", err=True)


@report.command("assessment")
@click.option("--period", "period_text", help="2026Q3, 2026-09 or 2026 (default: the current period of assessment.yaml)")
@click.option("--by", type=click.Choice(["employee", "department"]), default="employee", show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="write to this file")
@common
def report_assessment(period_text, by, fmt, output):
    """Assessment indicators (考核指标) with each part and its weight; locked periods as stored."""
    from tracker.reports import assessment_indicators, current_period, parse_period

    tracker, catalog = _tracker_and_catalog()
    try:
        kind = catalog.assessment.period if catalog.assessment else "quarter"
        try:
            period = parse_period(period_text) if period_text else current_period(kind)
        except ValueError as e:
            raise click.BadParameter(str(e), param_hint="--period") from None
        df = assessment_indicators(tracker, _account(), period, catalog, by=by)
    finally:
        tracker.close()
    locked = df.attrs.get("locked")
    meta = {
        "报表": "考核指标",
        "考核周期": period.key,
        "起": period.start.isoformat(),
        "止": period.end.isoformat(),
        "统计口径": "按员工" if by == "employee" else "按部门",
        "归档": f"{locked['locked_by']} {locked['locked_at']}" if locked else "未归档（实时计算）",
    }
    _emit({"考核指标": df}, fmt, output, meta)


@report.command("items")
@click.option("--quiz", "quiz_id", help="the quiz's id")
@click.option("--bank", "bank_id", help="or: every attempt with questions drawn from this bank")
@click.option("--period", "period_text", help="only attempts submitted in 2026Q3, 2026-09 or 2026")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="write to this file")
@common
def report_items(quiz_id, bank_id, period_text, fmt, output):
    """Item analysis (试题分析): facility, discrimination (upper–lower 27%), option shares, flags."""
    from tracker import Tracker
    from tracker.reports import item_analysis, parse_period

    if bool(quiz_id) == bool(bank_id):
        raise click.UsageError("give --quiz ID or --bank ID")
    try:
        period = parse_period(period_text) if period_text else None
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--period") from None
    tracker = Tracker(click.get_current_context().obj.db)
    try:
        df = item_analysis(tracker, _account(), quiz_id=quiz_id, bank_id=bank_id, period=period)
    finally:
        tracker.close()
    meta = {
        "报表": "试题分析",
        "测验": quiz_id or "",
        "题库": bank_id or "",
        "考核周期": period.key if period else "全部",
        "答卷数": df.attrs.get("attempts", 0),
        "高/低分组人数": df.attrs.get("group_size", 0),
        "区分度方法": df.attrs.get("method", ""),
    }
    if fmt == "table":
        shown = df.drop(columns=["prompt"])
        _emit({"试题分析": shown}, fmt, output, meta)
        if not output:
            click.echo(f"attempts: {meta['答卷数']}; discrimination: {meta['区分度方法']}")
        return
    _emit({"试题分析": df}, fmt, output, meta)
