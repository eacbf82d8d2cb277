"""学习积分 (learning points): derived from the records, never stored, so changing the rules in
``assessment.yaml`` recomputes them. A locked period keeps its totals (``report_locks`` under the
key ``points:<period>``).

Each activity is a *source*: SQL giving one row per occurrence (employee_id, day, activity,
source, flagged, at). An occurrence earns its activity's ``points``; per employee, day and activity
at most ``daily_cap``. Flagged occurrences (a 每日一练 set answered implausibly fast) are listed in
the history and earn nothing. Because every occurrence of an activity is worth the same, the capped
sum of a day is ``min(n × points, cap)``, computed in SQL.

Sources: lesson_read (a lesson's completion, which the store records only after its
``min_read_time``), lesson_finished (its check quiz passed after reading; a lesson without a quiz
when read), daily (a finished 每日一练 set of a set with ``points: true``), quiz_passed (the first
pass of each quiz, practice excluded), competition (a finished live-competition run one was a team
member of), event_attended (``register_source``, or a table ``event_attendance (employee_id,
event_id, attended_at)`` when it exists; empty otherwise).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from quizzes.fields import utcnow
from quizzes.model import ACTIVITIES, Points
from tracker.errors import AccessDenied, NotFound, TrackerError
from tracker.store import Account, Tracker, iso
from tracker.store.changes import StampCache

if TYPE_CHECKING:
    from quizzes.catalog import Catalog
    from tracker.reports import Period

LEDGER_COLUMNS = ["employee_id", "day", "activity", "source", "flagged", "at"]
TOTAL_COLUMNS = ["employee_id", "name", "department", "team", "active", *ACTIVITIES, "points"]
BIG = 1e12  # "no cap"


class PointsLocked(TrackerError):
    """The points of this period are locked already."""


# A source: (tracker, catalog) → (SQL of LEDGER_COLUMNS with :lo :hi (UTC text) and :dlo :dhi
# (YYYY-MM-DD, Shanghai) parameters, its own parameters) or None when it has nothing to give.
Source = Callable[[Tracker, "Catalog"], tuple[str, dict] | None]
SOURCES: dict[str, Source] = {}


def register_source(activity: str, source: Source) -> None:
    """Give an activity its source of occurrences (e.g. the events module for event_attended)."""
    if activity not in ACTIVITIES:
        raise ValueError(f"unknown activity '{activity}' (one of {', '.join(ACTIVITIES)})")
    SOURCES[activity] = source


def _in(name: str, values: list[str]) -> tuple[str, dict]:
    if not values:
        return "(NULL)", {}
    return "(" + ",".join(f":{name}{i}" for i in range(len(values))) + ")", {f"{name}{i}": v for i, v in enumerate(values)}


DAY = "{{day:{col}}}"  # the Asia/Shanghai day of a stored UTC timestamp: see ``_day_sql``


def _day_sql(tracker: Tracker, sql: str) -> str:
    """``sql`` with each ``{day:<expr>}`` written as the Asia/Shanghai date ('YYYY-MM-DD') of the UTC
    timestamp text ``<expr>`` (Asia/Shanghai has no daylight saving time): the one expression the two
    engines spell differently."""

    def day(m: re.Match) -> str:
        col = m.group(1)
        if getattr(tracker, "postgres", False):
            return f"to_char((CAST({col} AS timestamptz) AT TIME ZONE 'UTC') + INTERVAL '8 hours', 'YYYY-MM-DD')"
        return f"date({col}, '+8 hours')"

    return _DAY.sub(day, sql)


_DAY = re.compile(r"\{day:((?:[^{}]|\{[^{}]*\})*)\}")


def _lesson_read(tracker: Tracker, catalog: Catalog) -> tuple[str, dict]:
    lin, params = _in("lr", sorted(catalog.lessons))
    return (
        f"SELECT employee_id, {DAY.format(col='completed_at')} AS day, 'lesson_read' AS activity, lesson_id AS source, "
        f"0 AS flagged, completed_at AS at FROM lesson_progress "
        f"WHERE completed_at >= :lo AND completed_at < :hi AND lesson_id IN {lin}",
        params,
    )


def _lesson_finished(tracker: Tracker, catalog: Catalog) -> tuple[str, dict]:
    with_quiz = sorted(lid for lid, lesson in catalog.lessons.items() if lesson.quiz)
    without = sorted(lid for lid, lesson in catalog.lessons.items() if not lesson.quiz)
    win, wparams = _in("lw", without)
    parts = [
        f"SELECT employee_id, {DAY.format(col='completed_at')} AS day, 'lesson_finished' AS activity, lesson_id AS source, "
        f"0 AS flagged, completed_at AS at FROM lesson_progress "
        f"WHERE completed_at >= :lo AND completed_at < :hi AND lesson_id IN {win}"
    ]
    params = dict(wparams)
    if with_quiz:
        pairs = " UNION ALL ".join(f"SELECT :lq{i} AS lesson_id, :qq{i} AS quiz_id" for i in range(len(with_quiz)))
        for i, lid in enumerate(with_quiz):
            params[f"lq{i}"], params[f"qq{i}"] = lid, catalog.lessons[lid].quiz
        done = "CASE WHEN lp.completed_at > fp.first_pass THEN lp.completed_at ELSE fp.first_pass END"
        parts.append(
            f"SELECT lp.employee_id, {DAY.format(col=done)} AS day, 'lesson_finished' AS activity, lp.lesson_id AS source, "
            f"0 AS flagged, {done} AS at FROM lesson_progress lp JOIN ({pairs}) lq ON lq.lesson_id = lp.lesson_id "
            f"JOIN (SELECT employee_id, quiz_id, MIN(submitted_at) AS first_pass FROM attempts "
            f"WHERE passed = 1 AND quiz_kind != 'practice' AND submitted_at < :hi GROUP BY employee_id, quiz_id) fp "
            f"ON fp.employee_id = lp.employee_id AND fp.quiz_id = lq.quiz_id "
            f"WHERE lp.completed_at IS NOT NULL AND {done} >= :lo AND {done} < :hi"
        )
    return " UNION ALL ".join(parts), params


def _daily(tracker: Tracker, catalog: Catalog) -> tuple[str, dict]:
    return (
        "SELECT employee_id, day, 'daily' AS activity, day AS source, flagged, finished_at AS at FROM daily_sets "
        "WHERE day >= :dlo AND day <= :dhi AND finished_at IS NOT NULL AND counts_for_points = 1",
        {},
    )


def _quiz_passed(tracker: Tracker, catalog: Catalog) -> tuple[str, dict]:
    # the passes of the period (a range of the attempts_period index), less those of a quiz the
    # employee had passed before the period
    return (
        f"SELECT employee_id, {DAY.format(col='at')} AS day, 'quiz_passed' AS activity, quiz_id AS source, 0 AS flagged, at "
        "FROM (SELECT a.employee_id, a.quiz_id, MIN(a.submitted_at) AS at FROM attempts a "
        "WHERE a.submitted_at >= :lo AND a.submitted_at < :hi AND a.quiz_kind != 'practice' AND a.passed = 1 "
        "GROUP BY a.employee_id, a.quiz_id) f "
        "WHERE NOT EXISTS (SELECT 1 FROM attempts b WHERE b.employee_id = f.employee_id AND b.quiz_id = f.quiz_id "
        "AND b.submitted_at < :lo AND b.passed = 1 AND b.quiz_kind != 'practice')",
        {},
    )


def _competition(tracker: Tracker, catalog: Catalog) -> tuple[str, dict]:
    return (
        f"SELECT m.employee_id, {DAY.format(col='r.finished_at')} AS day, 'competition' AS activity, r.id AS source, "
        "0 AS flagged, r.finished_at AS at FROM competition_members m JOIN competition_runs r ON r.id = m.run_id "
        "WHERE r.status = 'finished' AND r.finished_at >= :lo AND r.finished_at < :hi",
        {},
    )


def _event_table(tracker: Tracker, catalog: Catalog) -> tuple[str, dict] | None:
    """Events plug in here: a table ``event_attendance (employee_id, event_id, attended_at)``."""
    if "event_attendance" not in tracker.db.table_names():
        return None
    cols = set(tracker.db["event_attendance"].columns_dict)
    if not {"employee_id", "event_id", "attended_at"} <= cols:
        return None
    return (
        f"SELECT employee_id, {DAY.format(col='attended_at')} AS day, 'event_attended' AS activity, event_id AS source, "
        "0 AS flagged, attended_at AS at FROM event_attendance WHERE attended_at >= :lo AND attended_at < :hi",
        {},
    )


for _activity, _source in (
    ("lesson_read", _lesson_read),
    ("lesson_finished", _lesson_finished),
    ("daily", _daily),
    ("quiz_passed", _quiz_passed),
    ("competition", _competition),
    ("event_attended", _event_table),
):
    register_source(_activity, _source)


def rules_of(catalog: Catalog | None) -> Points:
    return catalog.assessment.points if catalog is not None and catalog.assessment is not None else Points()


def _union(tracker: Tracker, catalog: Catalog, p: Period) -> tuple[str, dict]:
    parts, params = [], {"lo": p.lo, "hi": p.hi, "dlo": p.start.isoformat(), "dhi": p.end.isoformat()}
    for activity in ACTIVITIES:
        source = SOURCES.get(activity)
        got = source(tracker, catalog) if source else None
        if got is None:
            continue
        sql, extra = got
        parts.append(sql)
        params.update(extra)
    if not parts:
        parts.append("SELECT NULL, NULL, NULL, NULL, 0, NULL WHERE 1 = 0")
    return " UNION ALL ".join(f"SELECT * FROM ({s}) AS part{i}" for i, s in enumerate(parts)), params


def _rule_sql(rules: Points) -> tuple[str, str, dict]:
    """CASE expressions for an activity's points and cap, with their parameters."""
    params: dict[str, Any] = {}
    pts, cap = [], []
    for i, activity in enumerate(ACTIVITIES):
        rule = rules.rule(activity)
        params[f"a{i}"], params[f"p{i}"], params[f"c{i}"] = activity, rule.points, rule.daily_cap or BIG
        pts.append(f"WHEN :a{i} THEN :p{i}")
        cap.append(f"WHEN :a{i} THEN :c{i}")
    return f"CASE activity {' '.join(pts)} ELSE 0 END", f"CASE activity {' '.join(cap)} ELSE 0 END", params


# -- pure rule: caps per activity and day ------------------------------------------------------------
def credit(ledger: pd.DataFrame, rules: Points) -> pd.DataFrame:
    """The ledger (LEDGER_COLUMNS) with ``points`` credited to each entry, in time order: each
    entry its activity's points, flagged ones nothing, and no more than ``daily_cap`` per employee,
    day and activity (the entries beyond it get 0 and ``capped``)."""
    df = ledger.sort_values(["employee_id", "day", "at", "activity", "source"]).reset_index(drop=True)
    per = df["activity"].map(lambda a: rules.rule(a).points).astype(float)
    cap = df["activity"].map(lambda a: rules.rule(a).daily_cap or BIG).astype(float)
    earn = per.where(~df["flagged"].astype(bool), 0.0)
    before = earn.groupby([df["employee_id"], df["day"], df["activity"]]).cumsum() - earn
    df["points"] = pd.concat([earn, (cap - before).clip(lower=0)], axis=1).min(axis=1).round(2)
    df["capped"] = (earn > df["points"]) & ~df["flagged"].astype(bool)
    df["flagged"] = df["flagged"].astype(bool)
    return df


# -- computing ----------------------------------------------------------------------------------
def ledger(tracker: Tracker, catalog: Catalog, p: Period, employee_id: str | None = None) -> pd.DataFrame:
    """Every occurrence in the period (LEDGER_COLUMNS), with the points it was credited."""
    union, params = _union(tracker, catalog, p)
    where = "WHERE employee_id = :emp" if employee_id else ""
    rows = tracker.db.conn.execute(
        _day_sql(tracker, f"SELECT * FROM ({union}) AS ledger {where}"), {**params, "emp": employee_id}
    ).fetchall()
    df = pd.DataFrame.from_records(rows, columns=LEDGER_COLUMNS)
    return credit(df, rules_of(catalog))


# At most one occurrence per employee and day (a daily set per day): counted per employee directly,
# one index range per employee, instead of grouping every row by day.
DAILY_TOTALS = """
    SELECT e.id AS employee_id, 'daily' AS activity,
           (SELECT COUNT(*) FROM daily_sets d WHERE d.employee_id = e.id AND d.day >= :dlo AND d.day <= :dhi
              AND d.counts_for_points = 1 AND d.flagged = 0 AND d.finished_at IS NOT NULL)
           * CASE WHEN :pts < :cap THEN :pts ELSE :cap END AS points
    FROM employees e
"""


def compute_totals(tracker: Tracker, catalog: Catalog, p: Period) -> pd.DataFrame:
    """Points per employee of the roster (TOTAL_COLUMNS): one column per activity and the total.
    Each activity is summed in SQL on its own: per employee and day, min(n × points, cap)."""
    rules = rules_of(catalog)
    base = {"lo": p.lo, "hi": p.hi, "dlo": p.start.isoformat(), "dhi": p.end.isoformat()}
    rows: list[tuple] = []
    for activity in ACTIVITIES:
        rule = rules.rule(activity)
        source = SOURCES.get(activity)
        if not rule.points or source is None:
            continue
        params = {**base, "pts": rule.points, "cap": rule.daily_cap or BIG}
        if activity == "daily" and source is _daily:
            rows += tracker.db.conn.execute(DAILY_TOTALS, params).fetchall()
            continue
        got = source(tracker, catalog)
        if got is None:
            continue
        sql, extra = got
        rows += tracker.db.conn.execute(
            _day_sql(
                tracker,
                "SELECT employee_id, MIN(activity), SUM(CASE WHEN n * :pts < :cap THEN n * :pts ELSE :cap END) "
                "FROM (SELECT employee_id, MIN(activity) AS activity, day, SUM(CASE WHEN flagged = 0 THEN 1 ELSE 0 END) AS n "
                f"FROM ({sql}) AS occurrences GROUP BY employee_id, day) AS per_day GROUP BY employee_id",
            ),
            {**params, **extra},
        ).fetchall()
    per = pd.DataFrame.from_records(rows, columns=["employee_id", "activity", "points"])
    wide = per.pivot_table(index="employee_id", columns="activity", values="points", aggfunc="sum") if len(per) else None
    emps = pd.DataFrame.from_records(
        tracker.db.conn.execute(
            "SELECT id, name, department, COALESCE(team, ''), active FROM employees ORDER BY department, team, id"
        ).fetchall(),
        columns=["employee_id", "name", "department", "team", "active"],
    )
    df = emps.merge(wide, left_on="employee_id", right_index=True, how="left") if wide is not None else emps
    for a in ACTIVITIES:
        df[a] = df[a].fillna(0.0).astype(float).round(2) if a in df.columns else 0.0
    df["points"] = df[list(ACTIVITIES)].sum(axis=1).round(2)
    df["active"] = df["active"].astype(bool)
    return df[TOTAL_COLUMNS].reset_index(drop=True)


# Computed totals by database, period and rules. An entry holds while the database is unchanged:
# ``tracker.change_stamp()`` moves whenever anyone commits, on this node or another (see
# tracker.store.changes); every thread (each Streamlit rerun is one) shares the cache.
_CACHE = StampCache(32, lambda df: df.copy())


def _catalog_key(catalog: Catalog) -> tuple:
    rules = rules_of(catalog)
    return (
        tuple(sorted((lid, lesson.quiz or "") for lid, lesson in catalog.lessons.items())),
        json.dumps(rules.model_dump(), sort_keys=True),
        tuple((a, id(f)) for a, f in sorted(SOURCES.items())),
    )


def totals(tracker: Tracker, catalog: Catalog, p: Period) -> pd.DataFrame:
    """Points per employee of a period: the locked totals when it is locked, else computed (cached
    while the database is unchanged). ``attrs['locked']``: the lock or None."""
    lock = _lock_row(tracker, p.key)
    if lock is not None:
        data = json.loads(lock["figures"])
        df = pd.DataFrame(data["data"], columns=data["columns"])
        df["active"] = df["active"].astype(bool)
        df.attrs["locked"] = {k: lock[k] for k in ("locked_at", "locked_by", "reason")}
        return df
    key = (tracker.cache_id, p.key, p.start, p.end, _catalog_key(catalog))
    df = _CACHE.get(tracker, key, lambda: compute_totals(tracker, catalog, p))
    df.attrs["locked"] = None
    return df


# -- rankings -----------------------------------------------------------------------------------
def ranking(df: pd.DataFrame, by: str = "employee") -> pd.DataFrame:
    """People (``employee``: active employees by points) or units (``team``, ``department``: by
    points per head of the active roster, so that a few strong members cannot carry a unit), each
    with its rank (ties share the best rank)."""
    act = df[df["active"].astype(bool)]
    if by == "employee":
        out = act[["employee_id", "name", "department", "team", "points"]].copy()
        out = out.sort_values(["points", "employee_id"], ascending=[False, True])
    elif by in ("team", "department"):
        keys = ["department"] if by == "department" else ["department", "team"]
        out = act.groupby(keys).agg(headcount=("employee_id", "count"), points=("points", "sum")).reset_index()
        out["points_per_head"] = (out["points"] / out["headcount"]).round(2)
        out = out.sort_values(["points_per_head", *keys], ascending=[False, *[True] * len(keys)])
    else:
        raise ValueError("by is 'employee', 'team' or 'department'")
    col = "points" if by == "employee" else "points_per_head"
    out.insert(0, "rank", out[col].rank(method="min", ascending=False).astype(int))
    return out.reset_index(drop=True)


# -- locks ----------------------------------------------------------------------------------------
def lock_key(p: Period) -> str:
    return f"points:{p.key}"


def _lock_row(tracker: Tracker, key: str) -> dict | None:
    rows = list(tracker.db.query("SELECT * FROM report_locks WHERE period_key = ?", (f"points:{key}",)))
    return rows[0] if rows else None


def lock(tracker: Tracker, account: Account, catalog: Catalog, p: Period, *, reason: str | None = None, now=None) -> dict:
    """Keep the period's points as they are now (leaders); later reads return them."""
    tracker.check_role(account, "leader")
    figures = compute_totals(tracker, catalog, p).to_json(orient="split", index=False, force_ascii=False)
    at = iso(now or utcnow())
    with tracker.write() as db:
        if _lock_row(tracker, p.key):
            raise PointsLocked(f"the points of {p.key} are locked already")
        db["report_locks"].insert(
            {"period_key": lock_key(p), "figures": figures, "locked_at": at, "locked_by": account.username, "reason": reason}
        )
        db["report_lock_log"].insert(
            {"period_key": lock_key(p), "action": "lock", "at": at, "actor": account.username, "reason": reason}
        )
    return {"period_key": lock_key(p), "locked_at": at, "locked_by": account.username}


def unlock(tracker: Tracker, account: Account, p: Period, *, reason: str | None = None, now=None) -> None:
    """Compute the period's points again from the records (leaders); logged."""
    tracker.check_role(account, "leader")
    at = iso(now or utcnow())
    with tracker.write() as db:
        if db.execute("DELETE FROM report_locks WHERE period_key = ?", (lock_key(p),)).rowcount == 0:
            raise NotFound(f"the points of {p.key} are not locked")
        db["report_lock_log"].insert(
            {"period_key": lock_key(p), "action": "unlock", "at": at, "actor": account.username, "reason": reason}
        )


def history(tracker: Tracker, account: Account, catalog: Catalog, p: Period, employee_id: str) -> pd.DataFrame:
    """One person's entries of a period, newest first, each with its source and the points credited.
    Employees see only their own; leaders and organizers anyone's."""
    if account.employee_id != employee_id:
        tracker.check_role(account, "leader", "organizer")
    df = ledger(tracker, catalog, p, employee_id)
    return df.sort_values(["at", "activity"], ascending=False).reset_index(drop=True)


def check_signed_in(account: Account | None) -> Account:
    if account is None or account.disabled:
        raise AccessDenied("this needs a signed-in account")
    return account
