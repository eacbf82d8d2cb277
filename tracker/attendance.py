"""The rules of attendance, as pure functions: status from times, minutes attended, signed rotating
check-in codes, waitlist promotion, proxy check-in flags and the spot-check draw.

The store (``tracker.store.events``) records what these functions decide; nothing here touches the
database or the clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import random
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

STATUSES = ("present", "late", "leave", "absent")  # 出席, 迟到, 请假, 缺席
ATTENDED = ("present", "late")
CODE_SECONDS = 20  # a projector's code changes this often (15–30 s)
PROXY_WINDOW = dt.timedelta(minutes=5)
PROXY_COUNT = 3  # this many people checked in from one device within PROXY_WINDOW are flagged
TYPED_DIGITS = 6  # the 签到码 shown beside the QR code, typed on a phone that cannot scan
TYPED_EXPIRED_SLOTS = 15  # a typed code this many slots old (5 minutes) is "expired", older ones "wrong"


def checkin_status(check_in: dt.datetime, starts: dt.datetime, late_after_seconds: int) -> str:
    """``present`` up to ``late_after_seconds`` after the start (on the second included), else ``late``."""
    return "present" if check_in <= starts + dt.timedelta(seconds=late_after_seconds) else "late"


def minutes_attended(check_in: dt.datetime, check_out: dt.datetime | None, starts: dt.datetime, ends: dt.datetime) -> int:
    """Whole minutes between check-in and check-out, both clipped to the session; without a check-out
    the session's end counts. Never below 0, never more than the session."""
    begin = max(check_in, starts)
    finish = min(check_out or ends, ends)
    return max(0, int((finish - begin).total_seconds() // 60))


def slot_of(moment: dt.datetime, seconds: int = CODE_SECONDS) -> int:
    """The number of the time slot holding ``moment`` (slots of ``seconds`` from the Unix epoch)."""
    return int(moment.timestamp() // seconds)


def _signature(secret: bytes, session_key: str, slot: int) -> str:
    digest = hmac.new(secret, f"{session_key}|{slot}".encode(), hashlib.sha256).hexdigest()
    return digest[:16]


def make_code(secret: bytes, event_id: str, session_id: str, slot: int) -> str:
    """The check-in code of one session in one time slot: ``event.session.slot.signature``."""
    return f"{event_id}.{session_id}.{slot}.{_signature(secret, f'{event_id}/{session_id}', slot)}"


def typed_code(secret: bytes, event_id: str, session_id: str, slot: int) -> str:
    """The 6-digit 签到码 of one session in one time slot (an HMAC with the QR code's secret, kept
    apart from the QR code's signature by its label), for typing on a phone that cannot scan."""
    digest = hmac.new(secret, f"typed|{event_id}/{session_id}|{slot}".encode(), hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**TYPED_DIGITS).zfill(TYPED_DIGITS)


def normal_typed(typed: str) -> str | None:
    """What a person typed as a 签到码, as ASCII digits (full-width digits and spaces allowed), or None
    when it is not ``TYPED_DIGITS`` digits."""
    text = "".join(unicodedata.normalize("NFKC", str(typed or "")).split())
    return text if len(text) == TYPED_DIGITS and text.isascii() and text.isdigit() else None


def check_typed_code(
    secret: bytes, event_id: str, session_id: str, typed: str, now: dt.datetime, seconds: int = CODE_SECONDS
) -> str | None:
    """Check a typed 签到码 for one session: None when it is the code of the current slot or the one
    before (like the QR code: at least one slot, usually two, to type it); ``format`` when it is not
    6 digits; ``expired`` when it was the code of one of the ``TYPED_EXPIRED_SLOTS`` slots before;
    else ``wrong`` (another session's code, a guess)."""
    text = normal_typed(typed)
    if text is None:
        return "format"
    current = slot_of(now, seconds)
    if any(hmac.compare_digest(text, typed_code(secret, event_id, session_id, s)) for s in (current, current - 1)):
        return None
    older = range(current - 1 - TYPED_EXPIRED_SLOTS, current - 1)
    if any(hmac.compare_digest(text, typed_code(secret, event_id, session_id, s)) for s in older):
        return "expired"
    return "wrong"


@dataclass(frozen=True)
class CodeCheck:
    """What a scanned code says: the session it is for, its slot, and whether it may be used now.

    ``problem``: None, ``forged`` (bad shape or signature) or ``expired`` (an older slot)."""

    event_id: str
    session_id: str
    slot: int
    problem: str | None


def check_code(secret: bytes, code: str, now: dt.datetime, seconds: int = CODE_SECONDS) -> CodeCheck:
    """Check a scanned code. It is good in its own slot and the next one (time for the phone to open
    the address), refused after; a slot in the future or a wrong signature is ``forged``."""
    parts = str(code).split(".")
    if len(parts) != 4 or not parts[2].isdigit():
        return CodeCheck("", "", -1, "forged")
    event_id, session_id, slot_text, signature = parts
    slot = int(slot_text)
    expected = _signature(secret, f"{event_id}/{session_id}", slot)
    if not hmac.compare_digest(expected, signature):
        return CodeCheck(event_id, session_id, slot, "forged")
    current = slot_of(now, seconds)
    if slot > current:
        return CodeCheck(event_id, session_id, slot, "forged")
    if slot < current - 1:
        return CodeCheck(event_id, session_id, slot, "expired")
    return CodeCheck(event_id, session_id, slot, None)


def promotions(rows: Sequence[tuple[str, str]], capacity: int | None) -> list[str]:
    """Who moves from the waitlist to a place: ``rows`` are (employee id, status) in sign-up order,
    status ``signed`` or ``waitlist``; the earliest waitlisted fill the free places."""
    waiting = [e for e, s in rows if s == "waitlist"]
    if capacity is None:
        return waiting
    free = capacity - sum(1 for _, s in rows if s == "signed")
    return waiting[: max(0, free)]


def signup_status(signed: int, capacity: int | None) -> str:
    """The status of a new sign-up: a place while one is free, else the waitlist."""
    return "signed" if capacity is None or signed < capacity else "waitlist"


def proxy_flags(
    checkins: Iterable[tuple[str, str | None, dt.datetime]], window: dt.timedelta = PROXY_WINDOW, count: int = PROXY_COUNT
) -> dict[str, str]:
    """Employees checked in from a device that checked in ``count`` or more different people within
    ``window``: {employee id: device}. ``checkins`` are (employee id, device, time)."""
    by_device: dict[str, list[tuple[dt.datetime, str]]] = {}
    for employee, device, at in checkins:
        if device:
            by_device.setdefault(device, []).append((at, employee))
    flagged: dict[str, str] = {}
    for device, rows in by_device.items():
        rows.sort()
        for i, (start, _) in enumerate(rows):
            group = {e for at, e in rows[i:] if at - start <= window}
            if len(group) >= count:
                for e in group:
                    flagged[e] = device
    return flagged


def spot_check(employee_ids: Sequence[str], n: int, seed: int) -> list[str]:
    """A random spot-check list (抽查) of ``n`` of the checked-in (all of them when fewer), reproducible from ``seed``."""
    ids = sorted(set(employee_ids))
    return sorted(random.Random(seed).sample(ids, min(n, len(ids))))
