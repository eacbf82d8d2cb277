"""``mingde import``: question banks from Excel, GIFT or Aiken .

``mingde export``: a bank or a quiz's inline questions back to the Excel template.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from ui.cli.common import common

PROGRESS_FROM = 200  # rows or questions; smaller imports finish before a bar is worth drawing


class _Bar:
    """A click progress bar on stderr, opened on the first report of a long import."""

    def __init__(self) -> None:
        self.bar = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < PROGRESS_FROM:
                return
            self.bar = click.progressbar(length=total, label="importing", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(suffix=".tmp", dir=path.parent if str(path.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["excel", "gift", "aiken"]), help="the file's format (default: from the suffix)"
)
@click.option("--bank-id", help="id of the new bank (default: from the file name)")
@click.option("--title", help="title of the new bank (default: the file name)")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="write the bank YAML here (default: stdout)"
)
@common
def import_bank(file, fmt, bank_id, title, output):
    """Import a question bank (.xlsx/.csv template, GIFT or Aiken) as bank YAML, with a report."""
    from quizzes.importers import ImportFailed, import_file

    bar = _Bar() if sys.stderr.isatty() else None
    try:
        result = import_file(file, format=fmt, bank_id=bank_id, title=title, progress=bar)
    except ImportFailed as e:
        if bar:
            bar.close()
        for s in e.skipped:
            click.echo(f"skipped {s}", err=True)
        raise
    if bar:
        bar.close()
    report = result.report()
    if output:
        _write_atomic(output, result.yaml_text)
        click.echo(report)
        click.echo(f"wrote {output}")
    else:
        click.echo(report, err=True)
        click.echo(result.yaml_text, nl=False)


@click.command("export")
@click.argument("ident", metavar="BANK_OR_QUIZ_ID")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="the .xlsx file to write")
@common
def export_bank(ident, output):
    """Export a bank, or a quiz's inline questions, to the Excel import template."""
    from quizzes import load_catalog
    from quizzes.importers import export_excel

    catalog = load_catalog(click.get_current_context().obj.content)
    if ident in catalog.banks:
        questions = catalog.banks[ident].questions
    elif ident in catalog.quizzes:
        questions = catalog.quizzes[ident].questions
        if not questions:
            raise click.ClickException(f"quiz '{ident}' has no inline questions (it draws from banks; export those banks)")
    else:
        broken = f" ({len(catalog.errors)} content problems; run mingde validate)" if catalog.errors else ""
        raise click.ClickException(f"no bank or quiz '{ident}' in {catalog.root}{broken}")
    if output.suffix.lower() != ".xlsx":
        raise click.BadParameter("the export is an .xlsx file", param_hint="-o")
    export_excel(questions, output)
    click.echo(f"exported {len(questions)} question(s) to {output}")
