"""What the reports share: roles, organizer scoping, query helpers."""

from __future__ import annotations

import pandas as pd

from tracker.errors import TrackerError
from tracker.reports.periods import Period, as_period
from tracker.store import Account, Tracker
from ui.i18n import default_lang, translate

REPORT_ROLES = ("leader", "organizer")
TOTAL = "合计"  # the total row's label in Chinese (``word("report.total", lang)`` in others)
DEFAULT_WEIGHTS = {"lessons": 0.3, "quizzes": 0.5, "competitions": 0.2}
DEFAULT_TARGET = 0.9


class PeriodLocked(TrackerError):
    """The assessment period is already locked (unlock it first)."""


def _period(period: Period | str) -> Period:
    return as_period(period)


def _scope(tracker: Tracker, account: Account, alias: str = "") -> tuple[str, dict]:
    """SQL that leaves out the attempts of quizzes an organizer does not run (see
    ``Tracker.quizzes_hidden_from``), with its parameters; empty for leaders and admins."""
    hidden = sorted(tracker.quizzes_hidden_from(account))
    if not hidden:
        return "", {}
    names = [f"scope{i}" for i in range(len(hidden))]
    return f" AND {alias}quiz_id NOT IN ({', '.join(':' + n for n in names)})", dict(zip(names, hidden, strict=True))


def _q(tracker: Tracker, sql: str, params: dict | list | tuple = ()) -> list[dict]:
    return list(tracker.db.query(sql, params))


def _frame(tracker: Tracker, sql: str, params: dict | list | tuple, columns: list[str]) -> pd.DataFrame:
    """The rows of a query as a DataFrame (tuples straight from the cursor: no per-row dicts)."""
    return pd.DataFrame.from_records(tracker.db.conn.execute(sql, params).fetchall(), columns=columns)


def _rate(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num / den.where(den > 0)).astype(float).round(4)


def word(key: str, lang: str | None = None, **values: object) -> str:
    """A word the reports put into their rows (the total row, flags) from the i18n catalogue, in
    ``lang`` (default ``MINGDE_LANG``, Chinese)."""
    return translate(lang or default_lang(), key, **values)
