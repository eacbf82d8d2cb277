"""Audit log entries in the user's language (no Streamlit): the action's name from the catalogue (a
generic label for a code without one, never the code), the object acted on, and the details."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

from quizzes.fields import SHANGHAI

# Detail keys that name the object when the entry has no subject (entries written before it was set).
OBJECT_KEYS = ("id", "quiz_id", "employee", "department", "username", "file", "path", "period")
DETAIL_KEYS = (
    "kind", "id", "quiz_id", "path", "previous", "file", "upload", "rows", "added", "changed", "deactivated", "role",
    "employee_id", "department", "count", "from", "to", "reason", "left_on", "accounts", "owners", "period",
    "employee", "score", "was", "reference", "name", "team", "username", "run", "competition", "points", "event",
    "session", "title", "teams", "side", "status", "failures",
)  # fmt: skip
KINDS = ("question", "lesson", "quiz", "competition", "bank")
_CHANGE = re.compile(r"^(question|lesson|quiz|competition) (\S+) (added|edited|deleted|saved|copied from (\S+)|saved as (\w+))$")


def say_action(code: str, t: Callable[..., str], known: tuple[str, ...]) -> str:
    """The action's name; ``audit.action.other`` for a code the catalogue does not know."""
    return t(f"audit.action.{code}") if code in known else t("audit.action.other")


def _detail(entry: dict) -> dict:
    try:
        value = json.loads(entry.get("detail") or "null")
    except (TypeError, ValueError):
        return {"reason": entry.get("detail")}  # a period lock's reason is plain text
    return value if isinstance(value, dict) else ({} if value is None else {"reason": value})


def say_object(entry: dict) -> str:
    """Who or what was acted on: the subject, else the id, file or person named in the details."""
    if entry.get("subject"):
        return str(entry["subject"])
    detail = _detail(entry)
    for key in OBJECT_KEYS:
        if detail.get(key):
            value = str(detail[key])
            return Path(value).name if key == "path" else value
    return ""


def say_change(text: str, t: Callable[..., str]) -> str:
    """An authoring page's change note ("question q1 added") in the user's language."""
    m = _CHANGE.match(text or "")
    if not m:
        return text or ""
    kind, ident, how, source, state = m.groups()
    what = t(f"audit.kind.{kind}")
    if source:
        return t("audit.change.copied", what=what, id=ident, source=source)
    if state:
        return t(
            "audit.change.saved_as",
            what=what,
            id=ident,
            state=t(f"audit.state.{state}") if state in ("draft", "published") else state,
        )
    return t(f"audit.change.{how}", what=what, id=ident)


def say_detail(entry: dict, t: Callable[..., str]) -> str:
    """The details as 「标签：值」 pairs in the user's language."""
    detail = _detail(entry)
    parts = []
    for key, value in detail.items():
        if value in (None, "", []):
            continue
        if key == "change":
            parts.append(say_change(str(value), t))
            continue
        if key == "kind" and value in KINDS:
            value = t(f"audit.kind.{value}")
        elif key in ("path", "previous"):
            value = Path(str(value)).name
        elif key == "status" and value in ("draft", "published"):
            value = t(f"audit.state.{value}")
        elif key in ("role", "from", "to") and value in ("employee", "leader", "organizer", "admin"):
            value = t(f"role.{value}")
        elif isinstance(value, list):
            value = "、".join(str(v) for v in value)
        label = t(f"audit.key.{key}") if key in DETAIL_KEYS else t("audit.key.other")
        parts.append(f"{label}：{value}")
    return "；".join(parts)


def export_name(now: dt.datetime, t: Callable[..., str]) -> str:
    """The export's file name in the user's language, dated by the day in Asia/Shanghai (as the entries
    are shown): 审计日志-2026-12-02.csv."""
    return t("file.audit", date=now.astimezone(SHANGHAI).date().isoformat()) + ".csv"
