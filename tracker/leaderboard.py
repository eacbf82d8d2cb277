"""The leaderboard of an online contest (线上竞赛: a quiz with ``leaderboard: true``).

Individuals
    One attempt per employee: their first submitted attempt (by ``submitted_at``) that counts.
    Ranked by ``percent`` (highest first), then by time taken = ``submitted_at − started_at``
    (shortest first, to the tenth of a second the board shows); equal on both share a rank
    (1, 2, 2, 4). ``flagged``: taken in less than the contest's ``flag_faster_than`` (implausibly
    fast: shown to the organizer, not hidden).

Departments and teams (班组): participation-weighted, so that a few strong members cannot carry
a department::

    score = (sum of the participants' percents) / (active headcount)
          = mean percent of participants × participation rate

    where headcount = active employees of the department (or 班组), participants = those of them
    with a counted attempt, participation_rate = participants / headcount.

    Ranked by score, then participation rate, then mean percent (all highest first); equal on all
    three share a rank. Employees without a 班组 are left out of the team table only.

Window
    While the contest is open (``now < closes``, or no ``closes``) the board is live: every attempt
    submitted so far counts. From ``closes`` on it is frozen: only attempts submitted at or before
    ``closes`` count, so a late submission (e.g. one taken within the store's grace period after
    closing) never changes it. Frozen boards are cached per (database, quiz id, closes) while the
    database is unchanged (``tracker.change_stamp()``: a roster change on any node shows at once);
    ``clear_cache()`` forgets them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from quizzes.fields import (
    format_seconds,  # noqa: F401  (re-exported: the leaderboard's time format)
    utcnow,
)
from quizzes.model import Quiz
from tracker.store import Tracker, iso, parse_iso
from tracker.store.changes import StampCache

INDIVIDUAL_COLUMNS = [
    "rank",
    "employee_id",
    "name",
    "department",
    "team",
    "score",
    "max_score",
    "percent",
    "seconds",
    "submitted_at",
    "flagged",
]
GROUP_COLUMNS = ["rank", "headcount", "participants", "participation_rate", "mean_percent", "score"]

_frozen = StampCache(64)  # frozen leaderboards (immutable), while the database is unchanged


@dataclass(frozen=True)
class Leaderboard:
    individuals: pd.DataFrame  # INDIVIDUAL_COLUMNS
    departments: pd.DataFrame  # department + GROUP_COLUMNS
    teams: pd.DataFrame  # department, team + GROUP_COLUMNS
    frozen: bool
    as_of: dt.datetime  # closes when frozen, else now


def clear_cache() -> None:
    _frozen.clear()


def _rank(df: pd.DataFrame, keys: list[str], ascending: list[bool]) -> pd.DataFrame:
    if df.empty:
        return df.assign(rank=pd.Series(dtype="int64"))
    df = df.sort_values(keys, ascending=ascending, kind="mergesort").reset_index(drop=True)
    tie = (df[keys] == df[keys].shift()).all(axis=1)
    ranks, current = [], 0
    for i, same in enumerate(tie):
        current = current if same and i else i + 1
        ranks.append(current)
    return df.assign(rank=ranks)


def _groups(emp: pd.DataFrame, ind: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    active = emp[emp["active"] == 1]
    if active.empty:
        return pd.DataFrame(columns=[*by, *GROUP_COLUMNS])
    merged = active.merge(ind[["employee_id", "percent"]], left_on="id", right_on="employee_id", how="left")
    g = (
        merged.groupby(by, sort=True)
        .agg(headcount=("id", "count"), participants=("percent", "count"), total=("percent", "sum"))
        .reset_index()
    )
    g["participation_rate"] = (g["participants"] / g["headcount"]).round(4)
    g["mean_percent"] = (g["total"] / g["participants"].where(g["participants"] > 0)).fillna(0).round(2)
    g["score"] = (g["total"] / g["headcount"]).round(2)
    g = _rank(g.drop(columns="total"), ["score", "participation_rate", "mean_percent"], [False, False, False])
    return g[[*by, *GROUP_COLUMNS]]


def compute(tracker: Tracker, quiz: Quiz, until: dt.datetime) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Individuals, departments, teams counting attempts submitted at or before ``until``."""
    rows = list(
        tracker.db.query(
            """
        SELECT a.employee_id, a.started_at, a.submitted_at, a.score, a.max_score, a.percent
        FROM attempts a
        WHERE a.quiz_id = ? AND a.quiz_kind != 'practice' AND a.submitted_at IS NOT NULL AND a.submitted_at <= ?
        ORDER BY a.employee_id, a.submitted_at, a.id
        """,
            (quiz.id, iso(until)),
        )
    )
    first: dict[str, dict] = {}
    for r in rows:
        first.setdefault(r["employee_id"], r)
    emp = pd.DataFrame(tracker.employees(), columns=["id", "name", "department", "team", "active"])
    ind = pd.DataFrame(
        list(first.values()), columns=["employee_id", "started_at", "submitted_at", "score", "max_score", "percent"]
    )
    if not ind.empty:
        ind["seconds"] = [
            round((parse_iso(s) - parse_iso(b)).total_seconds(), 3)
            for b, s in zip(ind["started_at"], ind["submitted_at"], strict=True)
        ]
    else:
        ind["seconds"] = pd.Series(dtype="float64")
    ind = ind.merge(emp.rename(columns={"id": "employee_id"}), on="employee_id", how="left")
    ind["shown"] = ind["seconds"].round(1)  # as the board shows it: the same shown time shares a rank
    ind = _rank(ind.sort_values("seconds", kind="mergesort"), ["percent", "shown"], [False, True])
    limit = quiz.flag_faster_than
    ind["flagged"] = (ind["seconds"] < limit) if limit else False
    individuals = ind[INDIVIDUAL_COLUMNS].reset_index(drop=True)
    departments = _groups(emp, ind, ["department"])
    teams = _groups(emp[emp["team"].notna() & (emp["team"] != "")], ind, ["department", "team"])
    return individuals, departments, teams


def leaderboard(tracker: Tracker, quiz: Quiz, *, now: dt.datetime | None = None) -> Leaderboard:
    """The contest's leaderboard: live while open, frozen (and cached) from ``closes`` on."""
    now = now or utcnow()
    frozen = quiz.closes is not None and now >= quiz.closes
    if frozen:
        key = (tracker.cache_id, quiz.id, iso(quiz.closes))
        return _frozen.get(
            tracker, key, lambda: Leaderboard(*compute(tracker, quiz, quiz.closes), frozen=True, as_of=quiz.closes)
        )
    return Leaderboard(*compute(tracker, quiz, now), frozen=False, as_of=now)
