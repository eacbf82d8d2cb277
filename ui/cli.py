"""``mingde``: the command line, a thin click layer over the library.

Every command takes ``--db`` and ``--content`` (or ``MINGDE_DB`` / ``MINGDE_CONTENT``). Library
errors become one-line messages and exit code 1; there is never a traceback for bad input.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from quizzes.errors import MingdeError


def common(f):
    """Add ``--db`` and ``--content`` to a command and turn library errors into messages."""

    @click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="MINGDE_DB",
        help="SQLite database file [env MINGDE_DB; default data/mingde.db]",
    )
    @click.option(
        "--content",
        "content",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="MINGDE_CONTENT",
        help="content folder [env MINGDE_CONTENT; default content/]",
    )
    @click.pass_context
    @functools.wraps(f)
    def wrapper(ctx, db, content, **kwargs):
        from tracker.config import settings

        parent = ctx.find_object(dict) or {}
        ctx.obj = settings(db or parent.get("db"), content or parent.get("content"))
        try:
            return ctx.invoke(f, **kwargs)
        except MingdeError as e:
            raise click.ClickException(str(e)) from None
        except OSError as e:
            raise click.ClickException(f"{getattr(e, 'filename', '') or ''}: {e.strerror or e}".lstrip(": ")) from None

    return wrapper


def _tracker():
    from tracker import Tracker

    return Tracker(click.get_current_context().obj.db)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite database file (also per command)")
@click.option("--content", type=click.Path(file_okay=False, path_type=Path), help="content folder (also per command)")
@click.version_option(package_name="mingde")
@click.pass_context
def cli(ctx, db, content):
    """明德 Mingde: professional-ethics lessons, quizzes and knowledge competitions."""
    ctx.obj = {"db": db, "content": content}


@cli.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@common
def validate(directory):
    """Check a content folder: each problem as path:line: message (exit 1 if any)."""
    from quizzes import load_catalog

    root = directory or click.get_current_context().obj.content
    catalog = load_catalog(root)
    for problem in catalog.errors:
        click.echo(str(problem))
    if catalog.errors:
        click.echo(catalog.summary(), err=True)
        sys.exit(1)
    click.echo(f"ok: {catalog.summary()}")


@cli.command()
@click.option(
    "--kind",
    type=click.Choice(["lesson", "bank", "quiz", "competition", "assessment"]),
    help="one kind (default: all, as one JSON object by kind)",
)
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), help="write <kind>.schema.json files here")
@common
def schema(kind, out):
    """Print the JSON Schema of content files (for editors using yaml-language-server)."""
    from quizzes.schema import schemas

    all_schemas = schemas()
    chosen = {kind: all_schemas[kind]} if kind else all_schemas
    if out:
        out.mkdir(parents=True, exist_ok=True)
        for name, body in chosen.items():
            (out / f"{name}.schema.json").write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            click.echo(str(out / f"{name}.schema.json"))
        return
    click.echo(json.dumps(chosen[kind] if kind else chosen, ensure_ascii=False, indent=2))


@cli.group()
def roster():
    """The roster of employees (花名册)."""


@roster.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--deactivate-missing", is_flag=True, help="mark employees who are not in the file as inactive")
@common
def roster_import(file, deactivate_missing):
    """Import a CSV or XLSX roster (工号,姓名,部门,班组 or id,name,department,team)."""
    n = _tracker().import_roster(file, deactivate_missing=deactivate_missing)
    click.echo(f"imported {n} employees from {file}")


@roster.command("list")
@common
def roster_list():
    """List the employees."""
    for e in _tracker().employees():
        click.echo(f"{e['id']}\t{e['name']}\t{e['department']}\t{e['team'] or ''}\t{'' if e['active'] else 'inactive'}")


@cli.group()
def user():
    """Accounts and roles (employee, organizer, leader, admin)."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["employee", "organizer", "leader", "admin"]))
@click.option("--employee", "employee_id", help="the employee's 工号 (required for the employee role)")
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of standard input")
@common
def user_add(username, role, employee_id, password_stdin):
    """Create an account."""
    tracker = _tracker()
    tracker.add_user(username, _read_password(password_stdin), role, employee_id)
    tracker.audit("cli", "user.add", {"username": username, "role": role}, subject=username)
    click.echo(f"added {role} {username}")


@user.command("list")
@common
def user_list():
    """List the accounts (never their passwords)."""
    for a in _tracker().users():
        state = "disabled" if a.disabled else ""
        click.echo(f"{a.username}\t{a.role}\t{a.employee_id or ''}\t{state}".rstrip())


@user.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="read the new password from standard input")
@common
def user_passwd(username, password_stdin):
    """Set a user's password."""
    tracker = _tracker()
    tracker.set_password(username, _read_password(password_stdin))
    tracker.audit("cli", "user.passwd", {"username": username}, subject=username)
    click.echo(f"password changed for {username}")


@cli.group()
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

    report_df = participation_report(_tracker(), Account("cli", "admin"), date_period(lo, hi), by=by, quiz_id=quiz_id)
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


@cli.command()
@click.option("--seed", default=2026, show_default=True, help="random seed of the demo")
@click.option("--if-empty", is_flag=True, help="do nothing (exit 0) if the database already has employees")
@common
def demo(seed, if_empty):
    """Seed a realistic demo: ~80 employees, demo accounts, months of history."""
    from quizzes import load_catalog
    from tracker.demo import seed_demo

    settings = click.get_current_context().obj
    tracker = _tracker()
    if if_empty and tracker.employees():
        click.echo(f"{settings.db} already has data; demo not seeded")
        return
    catalog = load_catalog(settings.content)
    result = seed_demo(tracker, catalog, seed=seed)
    click.echo(f"seeded {result.employees} employees, {result.attempts} attempts, {result.lessons_completed} lessons completed")
    click.echo("demo accounts (username / password / role):")
    for username, password, role in result.accounts:
        click.echo(f"  {username:<14} {password:<14} {role}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@common
def backup(file):
    """Copy the database safely while the app runs (SQLite online backup)."""
    dest = _tracker().backup(file)
    click.echo(f"backed up to {dest}")


# Commands defined in their own modules attach themselves to the groups above.
from ui import cli_admin, cli_import, cli_reports  # noqa: E402, F401


def main() -> None:
    cli(prog_name="mingde")
