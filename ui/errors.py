"""The app's one error handler: every error the library raises on purpose (``MingdeError``:
``NotFound``, ``AccessDenied``, ``StorageUnavailable``, …) becomes a clear message in the user's
language instead of Streamlit's "This app has encountered an error" and a traceback.

``app.py`` wraps the page it runs in ``handled()``; code that Streamlit runs outside the page
script's own flow (a fragment that reruns by itself, a widget callback) wraps its body the same way.
The library's own message, which names the record or file, goes to the server log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from quizzes.errors import ContentError, MingdeError
from tracker.errors import (
    AccessDenied,
    AccountError,
    AttemptClosed,
    NotFound,
    QuizUnavailable,
    RosterError,
    StorageUnavailable,
    TooEarly,
)
from ui.state import storage_error, t

log = logging.getLogger("mingde")

# The message of each kind of error, most specific first.
MESSAGES: list[tuple[type[MingdeError], str]] = [
    (NotFound, "error.not_found"),
    (AccessDenied, "error.access_denied"),
    (AttemptClosed, "error.attempt_closed"),
    (QuizUnavailable, "error.quiz_unavailable"),
    (ContentError, "error.content"),
    (RosterError, "error.roster"),
    (AccountError, "error.account"),
]


def message(error: MingdeError) -> str:
    """What to tell the user about ``error``, in the page's language."""
    key = getattr(error, "message_key", None)
    if key:
        return t(key, **getattr(error, "message_values", {}))
    if isinstance(error, TooEarly):
        from ui.widgets import duration_text

        return t("learn.too_early", d=duration_text(error.seconds_left))
    for kind, text in MESSAGES:
        if isinstance(error, kind):
            return t(text)
    return t("error.generic")


def show(error: MingdeError) -> None:
    """Show ``error`` as a message (and log the library's own wording for the administrator)."""
    if isinstance(error, StorageUnavailable):
        storage_error(error)  # logs too
        return
    log.info("%s: %s", type(error).__name__, error)
    st.error(message(error), icon=":material/error:")


@contextmanager
def handled() -> Iterator[None]:
    """Run a block; a ``MingdeError`` in it is shown as a message and the block ends there."""
    try:
        yield
    except MingdeError as e:
        show(e)
