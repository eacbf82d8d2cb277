"""``mingde validate`` and ``mingde schema``: content checks and JSON Schemas."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ui.cli.common import common


@click.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--lint", is_flag=True, help="also warn about guessable questions, per bank (warnings do not fail)")
@common
def validate(directory, lint):
    """Check a content folder: each problem as path:line: message (exit 1 if any)."""
    from quizzes import load_catalog

    root = directory or click.get_current_context().obj.content
    catalog = load_catalog(root)
    if lint:
        from quizzes.lint import format_lint, lint_catalog

        click.echo(format_lint(lint_catalog(catalog)))
    for problem in catalog.errors:
        click.echo(str(problem))
    if catalog.errors:
        click.echo(catalog.summary(), err=True)
        sys.exit(1)
    click.echo(f"ok: {catalog.summary()}")


@click.command()
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
