"""Mingde's SQLite store (sqlite-utils): roster, accounts, attempts, lessons and reports."""

from tracker.errors import (
    AccessDenied,
    AccountError,
    AttemptClosed,
    NotFound,
    QuizUnavailable,
    RosterError,
    StorageUnavailable,
    TooEarly,
    TrackerError,
)
from tracker.schema import SCHEMA_VERSION
from tracker.store import ROLES, Account, Tracker

__all__ = [
    "ROLES",
    "SCHEMA_VERSION",
    "AccessDenied",
    "Account",
    "AccountError",
    "AttemptClosed",
    "NotFound",
    "QuizUnavailable",
    "RosterError",
    "StorageUnavailable",
    "TooEarly",
    "Tracker",
    "TrackerError",
]
