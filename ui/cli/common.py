"""What every command shares: ``--db``/``--content``, library errors as messages, the store."""

from __future__ import annotations

import functools
from pathlib import Path

import click


def common(f):
    """Add ``--db`` and ``--content`` to a command and turn library errors into messages."""

    @click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False),  # text: a postgresql:// URL is no path
        envvar="MINGDE_DB",
        help="SQLite database file or postgresql:// URL [env MINGDE_DB; default data/mingde.db]",
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
        from quizzes.errors import MingdeError
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


def open_tracker():
    """The store of the command's ``--db``."""
    from tracker import Tracker

    return Tracker(click.get_current_context().obj.db)
