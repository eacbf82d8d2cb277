"""``mingde``: the command line, a thin click layer over the library.

Every command takes ``--db`` and ``--content`` (or ``MINGDE_DB`` / ``MINGDE_CONTENT``). Library
errors become one-line messages and exit code 1; there is never a traceback for bad input.

One module per group of commands, registered here explicitly; each module imports only click at
the top and the library inside its commands, so that ``mingde --help`` starts in a fraction of a
second (``bench/bench_cli.py``).
"""

from __future__ import annotations

from pathlib import Path

import click

from ui.cli import admin, content, imports, maintenance, reports, roster, users


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", type=click.Path(dir_okay=False), help="SQLite database file or postgresql:// URL (also per command)")
@click.option("--content", type=click.Path(file_okay=False, path_type=Path), help="content folder (also per command)")
@click.version_option(package_name="mingde")
@click.pass_context
def cli(ctx, db, content):
    """明德 Mingde: professional-ethics lessons, quizzes and knowledge competitions."""
    ctx.obj = {"db": db, "content": content}


cli.add_command(content.validate)
cli.add_command(content.schema)
roster.roster.add_command(admin.roster_leave)
for command in (admin.user_disable, admin.user_enable, admin.user_role, admin.user_reset, admin.user_add_department):
    users.user.add_command(command)
cli.add_command(roster.roster)
cli.add_command(users.user)
cli.add_command(reports.report)
cli.add_command(imports.import_bank)
cli.add_command(imports.export_bank)
cli.add_command(maintenance.demo)
cli.add_command(maintenance.backup)


def main() -> None:
    cli(prog_name="mingde")
