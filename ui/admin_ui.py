"""Small helpers of the admin pages: refusals in the user's language, times in Asia/Shanghai."""

from __future__ import annotations

import streamlit as st

from quizzes.fields import SHANGHAI
from tracker import NotFound
from tracker.store import parse_iso
from ui.state import t

PASSWORD_RULES = ("too_short", "common", "contains_name", "repeated", "same")
REFUSALS = (
    "bad_name",
    "bad_role",
    "needs_employee",
    "exists",
    "wrong_current",
    "self_disable",
    "last_admin",
    "empty_field",
    "too_long",
)


def refusal(error: Exception) -> None:
    """Show why the library refused a change, in the user's language."""
    code = getattr(error, "code", None)
    if code in PASSWORD_RULES:
        st.error(t(f"password.rule.{code}"))
    elif code in REFUSALS:
        st.error(t(f"admin.error.{code}"))
    elif isinstance(error, NotFound):
        st.error(t("admin.error.not_found"))
    else:
        st.error(t("admin.error.other", detail=str(error)))


def local_time(text: str | None) -> str:
    """An ISO time from the store as ``YYYY-MM-DD HH:MM`` in Asia/Shanghai ('' for none)."""
    return parse_iso(text).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if text else ""
