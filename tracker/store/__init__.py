"""The store: ``Tracker`` combines the core (connections, transactions, storage faults) with one
mixin per domain. Modules: ``core``, ``roster``, ``accounts``, ``attempts``, ``lessons``,
``content``, ``content_files`` (the browser's content changes, for every node's folder), ``backup``, ``audit``, ``events``, ``daily``, ``changes`` (has anything changed: the caches' version check); sign-in sessions are ``tracker.auth``, reports ``tracker.reports``.
"""

from __future__ import annotations

from pathlib import Path

from tracker.store.accounts import ROLES, USERNAME, Account, AccountStore
from tracker.store.attempts import PAPER_CACHE, AttemptStore
from tracker.store.audit import AuditStore
from tracker.store.backup import BackupStore
from tracker.store.changes import ChangeStamps
from tracker.store.content import ContentSettings
from tracker.store.content_files import ContentFiles
from tracker.store.core import (
    BUSY_TIMEOUT_MS,
    Store,
    day_start,
    iso,
    not_writable,
    parse_iso,
    read_only_files,
    storage_fault,
    storage_message,
)
from tracker.store.daily import DailyStore
from tracker.store.events import EventStore
from tracker.store.lessons import LessonStore
from tracker.store.roster import RosterStore

__all__ = [
    "BUSY_TIMEOUT_MS",
    "PAPER_CACHE",
    "ROLES",
    "USERNAME",
    "Account",
    "Store",
    "Tracker",
    "day_start",
    "iso",
    "not_writable",
    "parse_iso",
    "read_only_files",
    "storage_fault",
    "storage_message",
]


class Tracker(
    RosterStore,
    AccountStore,
    AttemptStore,
    LessonStore,
    ContentSettings,
    ContentFiles,
    BackupStore,
    AuditStore,
    EventStore,
    DailyStore,
    ChangeStamps,
):
    """The store. ``Tracker(path)`` opens the database, creating and migrating it if needed.

    ``grace_seconds``: how long after a time limit a submission is still taken as it is.
    """

    def __init__(self, db_path: str | Path, *, grace_seconds: int = 20):
        self._init_papers()
        super().__init__(db_path, grace_seconds=grace_seconds)
