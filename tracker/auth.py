"""Sign-in sessions and throttling.

A session is a random token kept in an HttpOnly cookie; the database stores only its sha256, with
an expiry. After ``MAX_FAILURES`` failed sign-ins in a row for a user name (known or not, so that
throttling reveals nothing), that name must wait, twice as long after each further failure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import secrets
from dataclasses import dataclass

from quizzes.fields import utcnow
from tracker.errors import SignInFailed, Throttled
from tracker.store import Account, Tracker, iso, parse_iso

MAX_FAILURES = 5
FIRST_WAIT = 60  # seconds, doubled after each further failure
MAX_WAIT = 15 * 60
FAILURE_MEMORY = dt.timedelta(hours=1)  # failures older than this are forgotten


def session_hours() -> float:
    """How long a session lasts (``MINGDE_SESSION_HOURS``: more than 0, at most a year; default 12)."""
    try:
        hours = float(os.environ.get("MINGDE_SESSION_HOURS", "12"))
    except ValueError:
        return 12.0
    return hours if math.isfinite(hours) and 0 < hours <= 24 * 366 else 12.0


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SignIn:
    account: Account
    token: str
    expires_at: dt.datetime


def _wait_seconds(failures: int) -> int:
    if failures < MAX_FAILURES:
        return 0
    return min(MAX_WAIT, FIRST_WAIT * 2 ** (failures - MAX_FAILURES))


def sign_in(tracker: Tracker, username: str, password: str, *, now: dt.datetime | None = None) -> SignIn:
    """Check credentials and open a session. ``SignInFailed`` (neutral) or ``Throttled``."""
    now = now or utcnow()
    username = (username or "").strip()[:64]
    row = tracker._one("SELECT * FROM sign_in_failures WHERE username = ?", (username,))
    if row and row["locked_until"] and parse_iso(row["locked_until"]) > now:
        wait = int((parse_iso(row["locked_until"]) - now).total_seconds() + 0.999)
        raise Throttled(f"too many failed sign-ins: wait {wait} s", wait)
    account = tracker.authenticate(username, password)
    with tracker.write() as db:
        if account is None:
            failures = 1
            if row and now - parse_iso(row["last_failure"]) < FAILURE_MEMORY:
                failures = row["failures"] + 1
            wait = _wait_seconds(failures)
            db["sign_in_failures"].upsert(
                {
                    "username": username,
                    "failures": failures,
                    "last_failure": iso(now),
                    "locked_until": iso(now + dt.timedelta(seconds=wait)) if wait else None,
                },
                pk="username",
            )
        else:
            db.execute("DELETE FROM sign_in_failures WHERE username = ?", (username,))
            token = secrets.token_urlsafe(32)
            expires = now + dt.timedelta(hours=session_hours())
            db["sessions"].insert(
                {
                    "token_hash": _hash(token),
                    "username": account.username,
                    "created_at": iso(now),
                    "expires_at": iso(expires),
                    "last_seen": iso(now),
                }
            )
            db.execute("DELETE FROM sessions WHERE expires_at <= ?", (iso(now),))
    if account is None:
        raise SignInFailed("wrong user name or password")
    return SignIn(account, token, expires)


def session_account(tracker: Tracker, token: str | None, *, now: dt.datetime | None = None) -> Account | None:
    """The account of a live session token, or None (unknown, expired, signed out, disabled)."""
    if not token:
        return None
    now = now or utcnow()
    row = tracker._one(
        "SELECT a.username, a.role, a.employee_id, a.lang, a.disabled, s.expires_at FROM sessions s "
        "JOIN accounts a ON a.username = s.username WHERE s.token_hash = ?",
        (_hash(token),),
    )
    if row is None or row["disabled"] or parse_iso(row["expires_at"]) <= now:
        return None
    return Account(row["username"], row["role"], row["employee_id"], row["lang"])


def sign_out(tracker: Tracker, token: str | None) -> None:
    """End a session on the server (the cookie alone is then worthless)."""
    if token:
        with tracker.write() as db:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", (_hash(token),))


def sign_out_everywhere(tracker: Tracker, username: str) -> int:
    """End every session of a user (after a password change); return how many."""
    with tracker.write() as db:
        return db.execute("DELETE FROM sessions WHERE username = ?", (username,)).rowcount
