"""Small value types of the content format: ids, durations, timestamps."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema

SHANGHAI = ZoneInfo("Asia/Shanghai")
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"

Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]

_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def parse_duration(value: object) -> int:
    """Turn ``45s``, ``20m``, ``1h30m`` or an integer number of seconds into seconds."""
    if isinstance(value, bool):
        raise ValueError("a duration is like 45s, 20m, 1h30m or a number of seconds")
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, str) and value.strip().isdigit():
        seconds = int(value.strip())
    elif isinstance(value, str) and (m := _DURATION.match(value.strip())) and any(m.groups()):
        h, mi, s = (int(g or 0) for g in m.groups())
        seconds = h * 3600 + mi * 60 + s
    else:
        raise ValueError(f"{value!r} is not a duration (use 45s, 20m, 1h30m or seconds)")
    if seconds <= 0:
        raise ValueError("a duration must be longer than zero")
    return seconds


def format_duration(seconds: int) -> str:
    """The shortest ``1h30m``-style text for a number of seconds."""
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    text = (f"{h}h" if h else "") + (f"{m}m" if m else "") + (f"{s}s" if s else "")
    return text or "0s"


def parse_timestamp(value: object) -> dt.datetime:
    """ISO 8601 text (or a YAML date/datetime) as an aware datetime; no offset means Shanghai."""
    if isinstance(value, dt.datetime):
        stamp = value
    elif isinstance(value, dt.date):
        stamp = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            stamp = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 timestamp (e.g. 2026-03-01T08:00)") from None
    else:
        raise ValueError(f"{value!r} is not an ISO 8601 timestamp (e.g. 2026-03-01T08:00)")
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=SHANGHAI)
    return stamp


Duration = Annotated[
    int,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^(\d+h)?(\d+m)?(\d+s)?$"},
                {"type": "integer", "minimum": 1},
            ],
            "description": "45s, 20m, 1h30m or a number of seconds",
        }
    ),
]

Timestamp = Annotated[
    dt.datetime,
    BeforeValidator(parse_timestamp),
    WithJsonSchema({"type": "string", "description": "ISO 8601; without an offset it is Asia/Shanghai time"}),
]


TEST_CLOCK = "MINGDE_TEST_CLOCK"
TESTING = "MINGDE_TESTING"


def utcnow() -> dt.datetime:
    """The current time, aware, in UTC.

    Test-only clock: when ``MINGDE_TESTING=1`` and ``MINGDE_TEST_CLOCK`` names a file holding an
    ISO 8601 timestamp (no offset: UTC), that time is returned instead, read at every call, so that
    an end-to-end test can move a running server's clock (days of 每日一练). Without both variables
    (every real installation) the file is never looked at.
    """
    path = os.environ.get(TEST_CLOCK)
    if path and os.environ.get(TESTING) == "1":
        try:
            text = Path(path).read_text(encoding="utf-8").strip()
        except OSError:
            text = ""
        if text:
            moment = dt.datetime.fromisoformat(text)
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return dt.datetime.now(dt.UTC)
