"""``mingde roster``: the roster of employees."""

from __future__ import annotations

from pathlib import Path

import click

from ui.cli.common import common, open_tracker


@click.group()
def roster():
    """The roster of employees (花名册)."""


@roster.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--deactivate-missing", is_flag=True, help="mark employees who are not in the file as inactive")
@common
def roster_import(file, deactivate_missing):
    """Import a CSV or XLSX roster (工号,姓名,部门,班组 or id,name,department,team)."""
    from tracker import RosterError
    from ui.i18n import translate
    from ui.roster_text import say_problem

    lang = click.get_current_context().obj.lang
    try:
        n = open_tracker().import_roster(file, deactivate_missing=deactivate_missing)
    except RosterError as e:
        if lang == "en":
            raise
        # Each problem's English line (path:row: message, as logs and scripts read it), then the same
        # problem in the CLI's language, naming the row and column.
        say = lambda key, **values: translate(lang, key, **values)  # noqa: E731
        lines = [f"{p} — {say_problem(p, say)}" for p in e.problems]
        raise click.ClickException("\n".join(lines)) from None
    click.echo(translate(lang, "cli.roster.imported", n=n, file=file))


@roster.command("list")
@common
def roster_list():
    """List the employees."""
    for e in open_tracker().employees():
        click.echo(f"{e['id']}\t{e['name']}\t{e['department']}\t{e['team'] or ''}\t{'' if e['active'] else 'inactive'}")
