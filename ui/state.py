"""Shared, cached resources of the Streamlit app: settings, the catalogue, the store, the language."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from quizzes import Catalog, load_catalog
from tracker import StorageUnavailable, Tracker
from tracker.config import Settings, settings
from ui.i18n import default_lang, translate


def config() -> Settings:
    return settings()


def _fingerprint(root: Path) -> tuple:
    """Names, sizes and mtimes of the content files: the catalogue reloads when they change."""
    if not root.is_dir():
        return ()
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*.y*ml")))


@st.cache_resource(show_spinner=False, max_entries=4)
def _catalog(root: str, fingerprint: tuple) -> Catalog:
    return load_catalog(root)


def catalog() -> Catalog:
    root = config().content
    tracker().sync_content(root)  # what organizers changed in the browser on another node (at most once a second)
    return _catalog(str(root), _fingerprint(root))


@st.cache_resource(show_spinner=False)
def _tracker(path: str) -> Tracker:
    tracker = Tracker(path)
    tracker.start_sweeper()  # time limits hold even when the browser was closed
    return tracker


def tracker() -> Tracker:
    return _tracker(str(config().db))


def lang() -> str:
    return st.session_state.get("lang") or default_lang()


def use_account_lang(account) -> None:
    """Start a session in the language the account chose last time."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = (account.lang if account and account.lang else None) or default_lang()


def remember_lang(account) -> None:
    """Store the language choice with the account (the selectbox's callback)."""
    if account is not None:
        with saving():
            tracker().set_lang(account.username, st.session_state["lang"])


def t(key: str, **values: object) -> str:
    """Translate ``key`` into the current language."""
    return translate(lang(), key, **values)


def storage_error(error: StorageUnavailable) -> None:
    """Say that a change was not saved and why (disk full, read-only, I/O error), without a traceback.
    The full message, with the database's path, goes to the server log for the administrator."""
    logging.getLogger("mingde").error("%s", error)
    name = Path(error.path).name
    messages = {
        "full": t("storage.full", file=name),
        "readonly": t("storage.readonly", file=name),
        "busy": t("storage.busy", file=name),
    }
    st.error(messages.get(error.reason) or t("storage.io", file=name), icon=":material/database:")


@contextmanager
def saving() -> Iterator[None]:
    """Around a page's write: when the store cannot be written the rest of the block is skipped, a
    clear message is shown (``storage_error``) and the page goes on rendering what it reads."""
    try:
        yield
    except StorageUnavailable as e:
        storage_error(e)
