"""Sign-in sessions and throttling.

A session is a random token kept in an HttpOnly cookie; the database stores only its sha256, with
an expiry and the time of its last use: it ends after ``idle_minutes`` without a click.

Throttling counts every try *before* its password is checked, in the same write transaction that
reads the count, so parallel tries cannot slip past it; a try that succeeds is forgiven. Two counts
are kept (table ``sign_in_throttle``): per user name *and* client address (``MAX_FAILURES`` tries,
then a wait that doubles up to ``MAX_WAIT``), so that an outsider elsewhere cannot lock a real user
out, and per address across all user names (``ADDRESS_MAX_FAILURES``), so that one password tried
against every account is limited too. Unknown user names are counted like known ones.

An attacker spread over many addresses is met by an account-wide budget that only *untrusted*
browsers share (OWASP's "device cookies"): a browser that has signed in to an account before carries
a signed token for it (cookie ``mingde_trusted``, ``TRUSTED_DAYS``) and is counted on its own
(``DEVICE_MAX_FAILURES``), never in the account-wide count; every other try also counts against
``untrusted:<user>`` (``UNTRUSTED_MAX_FAILURES``), so that the spread attack stops there while the
real user at a browser of theirs is not locked out. A token is an HMAC keyed with the account's
password hash: it cannot be forged without the database, names one user name, and a password change
or reset makes every token of the account worthless.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import math
import os
import secrets
from dataclasses import dataclass

from quizzes.fields import utcnow
from tracker.errors import SignInFailed, StorageUnavailable, Throttled
from tracker.store import Account, Tracker, iso, parse_iso

MAX_FAILURES = 5  # per user name and address
ADDRESS_MAX_FAILURES = 20  # per address, across user names
UNTRUSTED_MAX_FAILURES = 20  # per user name, across addresses, for browsers without its device token
DEVICE_MAX_FAILURES = 5  # per trusted browser (device token)
TRUSTED_DAYS = 180  # how long a device token is believed
TRUSTED_KEEP = 5  # device tokens one browser keeps (a shared PC: several people)
FIRST_WAIT = 60  # seconds, doubled after each further failure
MAX_WAIT = 15 * 60
FAILURE_MEMORY = dt.timedelta(hours=1)  # failures older than this are forgotten
LAST_SEEN_EVERY = dt.timedelta(minutes=1)  # last_seen is written at most this often per session


def session_hours() -> float:
    """How long a session lasts (``MINGDE_SESSION_HOURS``: more than 0, at most a year; default 12)."""
    try:
        hours = float(os.environ.get("MINGDE_SESSION_HOURS", "12"))
    except ValueError:
        return 12.0
    return hours if math.isfinite(hours) and 0 < hours <= 24 * 366 else 12.0


def idle_limit() -> dt.timedelta:
    """How long a session may go without a click (``MINGDE_IDLE_MINUTES``, default 30)."""
    from tracker.config import settings

    return dt.timedelta(minutes=settings().idle_minutes)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SignIn:
    account: Account
    token: str
    expires_at: dt.datetime
    remember: bool = False
    device: str = ""  # the browser's device cookie after this sign-in (its new token first)


def _device_signature(password_hash: str, username: str, day: str, nonce: str) -> str:
    mac = hmac.new(password_hash.encode(), f"mingde-trusted-device\0{username}\0{day}\0{nonce}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:24]).decode().rstrip("=")


def _device_tokens(cookie: str | None) -> list[str]:
    return [t for t in (cookie or "").split("~") if 0 < len(t) <= 100][:TRUSTED_KEEP]


def trusted_device(tracker: Tracker, username: str, cookie: str | None, now: dt.datetime) -> str | None:
    """The id (nonce) of the first token in the device ``cookie`` that is valid for ``username``
    today, or None: the browser is then untrusted for this account."""
    tokens = _device_tokens(cookie)
    if not tokens:
        return None
    row = tracker._one("SELECT password_hash FROM accounts WHERE username = ?", (username,))
    if row is None:
        return None
    oldest = (now - dt.timedelta(days=TRUSTED_DAYS)).strftime("%Y%m%d")
    for token in tokens:
        day, _, rest = token.partition(".")
        nonce, _, signature = rest.partition(".")
        if not (day.isdigit() and len(day) == 8 and nonce and signature) or day < oldest:
            continue
        if hmac.compare_digest(signature, _device_signature(row["password_hash"], username, day, nonce)):
            return nonce
    return None


def _issue_device(tracker: Tracker, username: str, cookie: str | None, now: dt.datetime) -> str:
    """The device cookie after a sign-in as ``username``: a new token for it first, then the tokens
    kept for other people of this browser (those of this user are replaced)."""
    row = tracker._one("SELECT password_hash FROM accounts WHERE username = ?", (username,))
    day, nonce = now.strftime("%Y%m%d"), secrets.token_urlsafe(12)
    mine = f"{day}.{nonce}.{_device_signature(row['password_hash'], username, day, nonce)}"
    others = [t for t in _device_tokens(cookie) if trusted_device(tracker, username, t, now) is None]
    return "~".join([mine, *others][:TRUSTED_KEEP])


def _wait_seconds(failures: int, limit: int = MAX_FAILURES) -> int:
    if failures < limit:
        return 0
    return min(MAX_WAIT, FIRST_WAIT * 2 ** (failures - limit))


def throttle_keys(username: str, address: str, device: str | None = None) -> dict[str, int]:
    """The throttle's keys for a try, with the number of failures each allows before a wait: a trusted
    browser's (``device``: its token's id) are its own; an untrusted one's are per user name and
    address, per address, and the user name's account-wide budget for untrusted browsers."""
    if device:
        return {f"device:{device}": DEVICE_MAX_FAILURES}
    return {
        f"account:{address}:{username}": MAX_FAILURES,
        f"address:{address}": ADDRESS_MAX_FAILURES,
        f"untrusted:{username}": UNTRUSTED_MAX_FAILURES,
    }


def _count_try(tracker: Tracker, keys: dict[str, int], now: dt.datetime) -> None:
    """Count one try against every key in one write transaction, or raise ``Throttled`` (counting
    nothing) when a key is still locked. On PostgreSQL it waits only for tries of the same keys."""
    with tracker.write(lock=[("sign-in throttle", k) for k in keys]) as db:
        marks = ",".join("?" * len(keys))
        rows = {r["key"]: r for r in db.query(f"SELECT * FROM sign_in_throttle WHERE key IN ({marks})", list(keys))}
        waits = [
            parse_iso(r["locked_until"]) - now for r in rows.values() if r["locked_until"] and parse_iso(r["locked_until"]) > now
        ]
        if waits:
            wait = int(max(waits).total_seconds() + 0.999)
            raise Throttled(f"too many failed sign-ins: wait {wait} s", wait)
        for key, limit in keys.items():
            row = rows.get(key)
            failures = row["failures"] + 1 if row and now - parse_iso(row["last_failure"]) < FAILURE_MEMORY else 1
            wait = _wait_seconds(failures, limit)
            db["sign_in_throttle"].upsert(
                {
                    "key": key,
                    "failures": failures,
                    "last_failure": iso(now),
                    "locked_until": iso(now + dt.timedelta(seconds=wait)) if wait else None,
                },
                pk="key",
            )


def sign_in(
    tracker: Tracker,
    username: str,
    password: str,
    *,
    address: str = "",
    remember: bool = False,
    device: str | None = None,
    now: dt.datetime | None = None,
) -> SignIn:
    """Check credentials and open a session. ``SignInFailed`` (neutral) or ``Throttled``.

    ``address`` is the client's address (``ui.server.client_address``); ``remember``: 记住我, the
    cookie outlives the browser (the session still ends after idling); ``device``: the browser's
    device cookie (``SignIn.device`` is its value after a success)."""
    now = now or utcnow()
    username = (username or "").strip()[:64]
    address = (address or "")[:64]
    trusted = trusted_device(tracker, username, device, now)
    keys = throttle_keys(username, address, trusted)
    _count_try(tracker, keys, now)  # before the password is checked: parallel tries all count
    account = tracker.authenticate(username, password)
    if account is None:
        tracker.audit(None, "sign_in.failed", None, subject=username, address=address)
        raise SignInFailed("wrong user name or password")
    own_key, *shared_keys = keys  # this browser's (or this address's) count; shared counts
    token = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(hours=session_hours())
    # Keyed (PostgreSQL): the rows of this try's keys and of this account; sign-ins of other people
    # run side by side (one global lock per sign-in made them the slowest part of a morning's ramp).
    with tracker.write(lock=[*(("sign-in throttle", k) for k in keys), ("account", account.username)]) as db:
        db.execute("DELETE FROM sign_in_throttle WHERE key = ?", (own_key,))
        for key in shared_keys:  # forgive this try in the address's and the account-wide count
            db.execute(
                "UPDATE sign_in_throttle SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END, "
                "locked_until = CASE WHEN failures - 1 < ? THEN NULL ELSE locked_until END WHERE key = ?",
                (keys[key], key),
            )
        db["sessions"].insert(
            {
                "token_hash": _hash(token),
                "username": account.username,
                "created_at": iso(now),
                "expires_at": iso(expires),
                "last_seen": iso(now),
                "remember": int(remember),
                "address": address or None,
            }
        )
        db.execute("UPDATE accounts SET last_sign_in = ? WHERE username = ?", (iso(now), account.username))
        # Every expired session (one statement, rows locked in one order: concurrent sign-ins wait, never deadlock)
        db.execute("DELETE FROM sessions WHERE expires_at <= ?", (iso(now),))
        tracker.audit(account.username, "sign_in", None, subject=account.username, address=address)
    return SignIn(account, token, expires, remember, _issue_device(tracker, account.username, device, now))


def session_account(
    tracker: Tracker, token: str | None, *, now: dt.datetime | None = None, idle: dt.timedelta | None = None
) -> Account | None:
    """The account of a live session token, or None (unknown, expired, idle too long, signed out,
    disabled). Marks the session as used (``last_seen``) at most once a minute."""
    if not token:
        return None
    now = now or utcnow()
    idle = idle if idle is not None else idle_limit()
    token_hash = _hash(token)
    row = tracker._one(
        "SELECT a.username, a.role, a.employee_id, a.lang, a.disabled, a.must_change_password, s.expires_at, s.last_seen "
        "FROM sessions s JOIN accounts a ON a.username = s.username WHERE s.token_hash = ?",
        (token_hash,),
    )
    if row is None or row["disabled"]:
        return None
    last_seen = parse_iso(row["last_seen"])
    if parse_iso(row["expires_at"]) <= now or now - last_seen >= idle:  # ended: the row goes too
        with contextlib.suppress(StorageUnavailable), tracker.write(lock=("session", token_hash)) as db:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))
        return None
    if now - last_seen >= LAST_SEEN_EVERY:  # a read-only store still lets people read
        with contextlib.suppress(StorageUnavailable), tracker.write(lock=("session", token_hash)) as db:
            db.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (iso(now), token_hash))
    return Account(row["username"], row["role"], row["employee_id"], row["lang"], must_change=bool(row["must_change_password"]))


def sign_out(tracker: Tracker, token: str | None) -> None:
    """End a session on the server (the cookie alone is then worthless)."""
    if token:
        with tracker.write(lock=("session", _hash(token))) as db:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", (_hash(token),))


def sign_out_everywhere(tracker: Tracker, username: str) -> int:
    """End every session of a user (after a password change); return how many."""
    with tracker.write() as db:
        return db.execute("DELETE FROM sessions WHERE username = ?", (username,)).rowcount
