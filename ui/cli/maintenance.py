"""``mingde demo`` and ``mingde backup``."""

from __future__ import annotations

from pathlib import Path

import click

from ui.cli.common import common, open_tracker


@click.command()
@click.option("--seed", default=2026, show_default=True, help="random seed of the demo")
@click.option("--if-empty", is_flag=True, help="do nothing (exit 0) if the database already has employees")
@common
def demo(seed, if_empty):
    """Seed a realistic demo: ~80 employees, demo accounts, months of history."""
    from quizzes import load_catalog
    from tracker.demo import seed_demo

    settings = click.get_current_context().obj
    tracker = open_tracker()
    if if_empty and tracker.employees():
        click.echo(f"{settings.db} already has data; demo not seeded")
        return
    catalog = load_catalog(settings.content)
    result = seed_demo(tracker, catalog, seed=seed)
    click.echo(f"seeded {result.employees} employees, {result.attempts} attempts, {result.lessons_completed} lessons completed")
    click.echo("demo accounts (username / password / role):")
    for username, password, role in result.accounts:
        click.echo(f"  {username:<14} {password:<14} {role}")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@common
def backup(file):
    """Copy the database safely while the app runs (SQLite online backup; pg_dump for PostgreSQL)."""
    from tracker.store.changes import is_postgres
    from ui.cli.admin import say

    tracker = open_tracker()
    dest = tracker.backup(file)
    click.echo(say("cluster.backup_done", file=dest))
    if is_postgres(tracker):
        click.echo(say("cluster.backup_restore_hint", file=dest))
