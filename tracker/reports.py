"""Leaders' reports: participation, assessment indicators (考核指标) with period locks (归档), item
analysis (试题分析). No streamlit here; aggregation runs in SQL, pandas only shapes the results.

Every public function takes the ``Tracker`` and the signed-in ``Account`` and checks the role itself:
leaders see every report; organizers see the participation, trend, heat-map and item reports of
the quizzes they run and of quizzes nobody runs (``quiz_owners``, set on the content page), and the
bureau-wide indicators; employees only their own figures (``my_indicator``); admins pass every check. Definitions are in docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from quizzes.fields import SHANGHAI, utcnow
from quizzes.paper import Paper
from tracker.errors import AccessDenied, NotFound, TrackerError
from tracker.store import Account, Tracker, day_start, iso

if TYPE_CHECKING:
    from quizzes.catalog import Catalog

REPORT_ROLES = ("leader", "organizer")
TOTAL = "合计"
DEFAULT_WEIGHTS = {"lessons": 0.3, "quizzes": 0.5, "competitions": 0.2}
DEFAULT_TARGET = 0.9
UPPER_LOWER = 0.27
DISCRIMINATION_METHOD = "upper-lower 27% groups of attempt totals (上下27%分组法)"


class PeriodLocked(TrackerError):
    """The assessment period is already locked (unlock it first)."""


# -- periods -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """Asia/Shanghai days ``start``..``end`` inclusive; ``key`` names it ('2026Q3', '2026-09', '2026')."""

    key: str
    start: dt.date
    end: dt.date

    @property
    def lo(self) -> str:
        """The first instant, as stored timestamps (UTC text)."""
        return iso(day_start(self.start))

    @property
    def hi(self) -> str:
        """The instant after the last day (exclusive bound)."""
        return iso(day_start(self.end + dt.timedelta(days=1)))

    def months(self) -> list[str]:
        """'YYYY-MM' of every month the period touches."""
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def month_period(year: int, month: int) -> Period:
    """A calendar month."""
    nxt = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return Period(f"{year:04d}-{month:02d}", dt.date(year, month, 1), nxt - dt.timedelta(days=1))


def quarter_period(year: int, quarter: int) -> Period:
    """A calendar quarter (1–4)."""
    if not 1 <= quarter <= 4:
        raise ValueError("a quarter is 1 to 4")
    first, last = month_period(year, 3 * quarter - 2), month_period(year, 3 * quarter)
    return Period(f"{year:04d}Q{quarter}", first.start, last.end)


def year_period(year: int) -> Period:
    """A calendar year."""
    return Period(f"{year:04d}", dt.date(year, 1, 1), dt.date(year, 12, 31))


def date_period(start: dt.date | str, end: dt.date | str) -> Period:
    """Explicit days, inclusive; the key is 'YYYY-MM-DD..YYYY-MM-DD'."""
    s = dt.date.fromisoformat(start) if isinstance(start, str) else start
    e = dt.date.fromisoformat(end) if isinstance(end, str) else end
    if e < s:
        raise ValueError("the period ends before it starts")
    return Period(f"{s.isoformat()}..{e.isoformat()}", s, e)


def parse_period(text: str) -> Period:
    """'2026Q3', '2026-09', '2026' or '2026-07-01..2026-09-30' as a ``Period``; ``ValueError`` otherwise."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})[Qq]([1-4])", text):
        return quarter_period(int(m[1]), int(m[2]))
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        if not 1 <= int(m[2]) <= 12:
            raise ValueError(f"bad month in period {text!r}")
        return month_period(int(m[1]), int(m[2]))
    if re.fullmatch(r"\d{4}", text):
        return year_period(int(text))
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
        return date_period(m[1], m[2])
    raise ValueError(f"a period is 2026Q3, 2026-09, 2026 or 2026-07-01..2026-09-30, not {text!r}")


def current_period(kind: str = "quarter", today: dt.date | None = None) -> Period:
    """The month, quarter or year containing ``today`` (Asia/Shanghai)."""
    today = today or dt.datetime.now(SHANGHAI).date()
    if kind == "month":
        return month_period(today.year, today.month)
    if kind == "year":
        return year_period(today.year)
    return quarter_period(today.year, (today.month - 1) // 3 + 1)


def _period(period: Period | str) -> Period:
    return parse_period(period) if isinstance(period, str) else period


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


# -- participation -----------------------------------------------------------------------------
def participation_report(
    tracker: Tracker,
    account: Account,
    period: Period | str,
    *,
    by: str = "department",
    quiz_id: str | None = None,
    lesson_id: str | None = None,
    catalog: Catalog | None = None,
    target: float | None = None,
) -> pd.DataFrame:
    """Participation per department (``by="team"``: per department and 班组) with a 合计 row.

    Columns: headcount (active employees), participants, participation_rate, attempts, avg_percent
    (mean percent of the attempts), pass_rate (passed attempts / attempts), lessons_completed,
    lesson_completion_rate, below_target. ``quiz_id`` limits the attempts to one quiz;
    ``lesson_id`` limits the lessons to one lesson (and, without ``quiz_id``, participants are then
    those who completed it). Leaders, organizers (the quizzes they run or nobody runs) and admins.
    """
    tracker.check_role(account, *REPORT_ROLES)
    p = _period(period)
    if by not in ("department", "team"):
        raise ValueError("by is 'department' or 'team'")
    if target is None:
        target = catalog.assessment.participation_target if catalog and catalog.assessment else DEFAULT_TARGET
    params: dict[str, Any] = {"lo": p.lo, "hi": p.hi, "quiz": quiz_id, "lesson": lesson_id}
    lesson_filter, n_lessons = "", None
    if lesson_id:
        lesson_filter, n_lessons = "AND lesson_id = :lesson", 1
    elif catalog is not None:
        ids = sorted(catalog.lessons)
        lesson_filter = f"AND lesson_id IN ({','.join(f':l{i}' for i in range(len(ids)))})" if ids else "AND 0"
        params.update({f"l{i}": v for i, v in enumerate(ids)})
        n_lessons = len(ids)
    else:
        n_lessons = _q(tracker, "SELECT COUNT(DISTINCT lesson_id) AS n FROM lesson_progress")[0]["n"]
    keys = ["department"] if by == "department" else ["department", "team"]
    cols = ", ".join(f"e.{k}" for k in keys)
    participant = "l.employee_id" if lesson_id and not quiz_id else "a.employee_id"
    scope, scope_params = _scope(tracker, account)
    params.update(scope_params)
    sql = f"""
        WITH e AS (SELECT id, department, COALESCE(team, '') AS team FROM employees WHERE active = 1),
        a AS (SELECT employee_id, COUNT(*) AS n, SUM(percent) AS s, SUM(passed) AS p FROM attempts
              WHERE submitted_at >= :lo AND submitted_at < :hi AND quiz_kind != 'practice'
              {"AND quiz_id = :quiz" if quiz_id else ""}{scope} GROUP BY employee_id),
        l AS (SELECT employee_id, COUNT(*) AS done FROM lesson_progress
              WHERE completed_at >= :lo AND completed_at < :hi {lesson_filter} GROUP BY employee_id)
        SELECT {cols}, COUNT(*) AS headcount, COUNT({participant}) AS participants,
               COALESCE(SUM(a.n), 0) AS attempts, COALESCE(SUM(a.s), 0) AS sum_percent,
               COALESCE(SUM(a.p), 0) AS passed, COALESCE(SUM(l.done), 0) AS lessons_completed
        FROM e LEFT JOIN a ON a.employee_id = e.id LEFT JOIN l ON l.employee_id = e.id
        GROUP BY {cols} ORDER BY {cols}
    """
    names = [*keys, "headcount", "participants", "attempts", "sum_percent", "passed", "lessons_completed"]
    df = pd.DataFrame(_q(tracker, sql, params), columns=names)
    total = {k: int(df[k].sum()) for k in names[len(keys) :]} | {"department": TOTAL}
    total["sum_percent"] = float(df["sum_percent"].sum())
    if by == "team":
        total["team"] = ""
    df = pd.concat([df, pd.DataFrame([total])], ignore_index=True) if len(df) else pd.DataFrame([total], columns=names)
    df["participation_rate"] = _rate(df["participants"], df["headcount"]).fillna(0.0)
    df["avg_percent"] = (df["sum_percent"] / df["attempts"].where(df["attempts"] > 0)).astype(float).round(2)
    df["pass_rate"] = _rate(df["passed"], df["attempts"])
    df["lesson_completion_rate"] = _rate(df["lessons_completed"], df["headcount"] * (n_lessons or 0))
    df["below_target"] = df["participation_rate"] < target
    out = df[
        [
            *keys,
            "headcount",
            "participants",
            "participation_rate",
            "attempts",
            "avg_percent",
            "pass_rate",
            "lessons_completed",
            "lesson_completion_rate",
            "below_target",
        ]
    ]
    out.attrs.update({"period": p.key, "target": target, "lessons": n_lessons})
    return out


def non_participants(
    tracker: Tracker, account: Account, period: Period | str, *, quiz_id: str | None = None, department: str | None = None
) -> pd.DataFrame:
    """Drill-down: active employees without a submitted attempt in the period (of ``quiz_id``),
    by department, team and 工号. Leaders, organizers and admins."""
    tracker.check_role(account, *REPORT_ROLES)
    p = _period(period)
    # The period's participants come from one range scan of the covering index attempts_period
    # (a NOT EXISTS per employee was 8x slower with 5,000 employees and 500,000 attempts).
    scope, scope_params = _scope(tracker, account)
    sql = f"""
        WITH p AS (
            SELECT DISTINCT employee_id FROM attempts
            WHERE submitted_at >= :lo AND submitted_at < :hi AND quiz_kind != 'practice'
            {"AND quiz_id = :quiz" if quiz_id else ""}{scope}
        )
        SELECT e.department, COALESCE(e.team, '') AS team, e.id AS employee_id, e.name FROM employees e
        WHERE e.active = 1 {"AND e.department = :dept" if department else ""}
          AND e.id NOT IN (SELECT employee_id FROM p)
        ORDER BY e.department, team, e.id
    """
    rows = _q(tracker, sql, {"lo": p.lo, "hi": p.hi, "quiz": quiz_id, "dept": department, **scope_params})
    return pd.DataFrame(rows, columns=["department", "team", "employee_id", "name"])


def participation_trend(tracker: Tracker, account: Account, period: Period | str, *, quiz_id: str | None = None) -> pd.DataFrame:
    """Tidy monthly trend by department (for Altair): month, department, headcount, participants,
    participation_rate, attempts, avg_percent. Months are Asia/Shanghai calendar months; the
    headcount is today's active roster."""
    tracker.check_role(account, *REPORT_ROLES)
    p = _period(period)
    scope, scope_params = _scope(tracker, account, "a.")
    sql = f"""
        SELECT strftime('%Y-%m', a.submitted_at, '+8 hours') AS month, e.department,
               COUNT(DISTINCT a.employee_id) AS participants, COUNT(*) AS attempts, ROUND(AVG(a.percent), 2) AS avg_percent
        FROM attempts a JOIN employees e ON e.id = a.employee_id AND e.active = 1
        WHERE a.submitted_at >= :lo AND a.submitted_at < :hi AND a.quiz_kind != 'practice'
        {"AND a.quiz_id = :quiz" if quiz_id else ""}{scope}
        GROUP BY month, e.department
    """
    data = pd.DataFrame(
        _q(tracker, sql, {"lo": p.lo, "hi": p.hi, "quiz": quiz_id, **scope_params}),
        columns=["month", "department", "participants", "attempts", "avg_percent"],
    )
    heads = pd.DataFrame(
        _q(tracker, "SELECT department, COUNT(*) AS headcount FROM employees WHERE active = 1 GROUP BY department"),
        columns=["department", "headcount"],
    )
    grid = pd.MultiIndex.from_product([p.months(), heads["department"]], names=["month", "department"]).to_frame(index=False)
    df = grid.merge(heads, on="department").merge(data, on=["month", "department"], how="left")
    df[["participants", "attempts"]] = df[["participants", "attempts"]].fillna(0).astype(int)
    df["participation_rate"] = _rate(df["participants"], df["headcount"]).fillna(0.0)
    return df[["month", "department", "headcount", "participants", "participation_rate", "attempts", "avg_percent"]]


def score_matrix(tracker: Tracker, account: Account, period: Period | str, *, wide: bool = False) -> pd.DataFrame:
    """Department × quiz average percent (heat map). Tidy (department, quiz_id, participants,
    attempts, avg_percent) or, with ``wide``, departments as rows and quizzes as columns."""
    tracker.check_role(account, *REPORT_ROLES)
    p = _period(period)
    scope, scope_params = _scope(tracker, account, "a.")
    sql = f"""
        SELECT e.department, a.quiz_id, COUNT(DISTINCT a.employee_id) AS participants, COUNT(*) AS attempts,
               ROUND(AVG(a.percent), 2) AS avg_percent
        FROM attempts a JOIN employees e ON e.id = a.employee_id AND e.active = 1
        WHERE a.submitted_at >= :lo AND a.submitted_at < :hi AND a.quiz_kind != 'practice'{scope}
        GROUP BY e.department, a.quiz_id ORDER BY e.department, a.quiz_id
    """
    df = pd.DataFrame(
        _q(tracker, sql, {"lo": p.lo, "hi": p.hi, **scope_params}),
        columns=["department", "quiz_id", "participants", "attempts", "avg_percent"],
    )
    if wide:
        return df.pivot(index="department", columns="quiz_id", values="avg_percent")
    return df


# -- assessment indicators ---------------------------------------------------------------------
def period_quizzes(tracker: Tracker, catalog: Catalog, period: Period | str) -> list[str]:
    """The catalogue's quizzes that count in the period: not hidden, and open at some time in it
    (no ``opens``: open since ever; no ``closes``: open for ever)."""
    p = _period(period)
    lo, hi = day_start(p.start), day_start(p.end + dt.timedelta(days=1))
    hidden = {r["quiz_id"] for r in _q(tracker, "SELECT quiz_id FROM quiz_settings WHERE hidden = 1")}
    return sorted(
        q.id
        for q in catalog.quizzes.values()
        if q.id not in hidden and (q.opens is None or q.opens < hi) and (q.closes is None or q.closes > lo)
    )


def _weights(catalog: Catalog) -> dict[str, float]:
    if catalog.assessment is not None:
        w = catalog.assessment.weights
        return {"lessons": w.lessons, "quizzes": w.quizzes, "competitions": w.competitions}
    return dict(DEFAULT_WEIGHTS)


def _in(name: str, values: list[str]) -> tuple[str, dict]:
    if not values:
        return "(NULL)", {}
    return "(" + ",".join(f":{name}{i}" for i in range(len(values))) + ")", {f"{name}{i}": v for i, v in enumerate(values)}


EMPLOYEE_COLUMNS = [
    "employee_id",
    "name",
    "department",
    "team",
    "active",
    "lessons_completed",
    "lessons_total",
    "lesson_score",
    "lesson_weight",
    "quizzes_taken",
    "quizzes_total",
    "quiz_score",
    "quiz_weight",
    "competitions",
    "competitions_total",
    "competition_score",
    "competition_weight",
    "indicator",
]


# Per-period cache of computed indicators, per connection. An entry is valid while the database is
# unchanged: ``PRAGMA data_version`` moves when another connection commits, ``total_changes`` when
# this one writes. The catalogue's relevant fields are part of the key.
_CACHE: dict[tuple, tuple[Any, tuple, pd.DataFrame]] = {}
_CACHE_SIZE = 32
_CACHE_LOCK = threading.Lock()


def _catalog_key(catalog: Catalog) -> tuple:
    return (
        tuple(sorted(catalog.lessons)),
        tuple(sorted(_weights(catalog).items())),
        tuple(sorted((q.id, q.grade_policy, str(q.opens), str(q.closes)) for q in catalog.quizzes.values())),
    )


def _cached_indicators(tracker: Tracker, catalog: Catalog, p: Period) -> pd.DataFrame:
    conn = tracker.db.conn
    key = (str(tracker.path), id(conn), p.key, p.start, p.end, _catalog_key(catalog))
    stamp = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
    if hit is not None and hit[0] is conn and hit[1] == stamp:
        return hit[2].copy()
    df = _compute_indicators(tracker, catalog, p)
    with _CACHE_LOCK:
        _CACHE.pop(key, None)
        _CACHE[key] = (conn, stamp, df)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
    return df.copy()


def _compute_indicators(tracker: Tracker, catalog: Catalog, p: Period, employee_id: str | None = None) -> pd.DataFrame:
    emp_filter = "WHERE id = :emp" if employee_id else ""
    emps = _frame(
        tracker,
        f"SELECT id AS employee_id, name, department, COALESCE(team, '') AS team, active "
        f"FROM employees {emp_filter} ORDER BY department, team, id",
        {"emp": employee_id},
        ["employee_id", "name", "department", "team", "active"],
    )
    one = "AND employee_id = :emp" if employee_id else ""
    # lessons: catalogue lessons completed by the end of the period
    lesson_ids = sorted(catalog.lessons)
    lin, lparams = _in("l", lesson_ids)
    lessons = pd.DataFrame(
        _q(
            tracker,
            f"SELECT employee_id, COUNT(*) AS lessons_completed FROM lesson_progress "
            f"WHERE completed_at < :hi AND lesson_id IN {lin} {one} GROUP BY employee_id",
            {"hi": p.hi, "emp": employee_id, **lparams},
        ),
        columns=["employee_id", "lessons_completed"],
    )
    # quizzes: per (employee, quiz) the figures of each grade policy, in SQL
    quiz_ids = period_quizzes(tracker, catalog, p)
    qin, qparams = _in("q", quiz_ids)
    policy = {q: catalog.quizzes[q].grade_policy for q in quiz_ids}
    fin, fparams = _in("f", [q for q in quiz_ids if policy[q] == "first"])
    tin, tparams = _in("t", [q for q in quiz_ids if policy[q] == "last"])
    # first/last: the attempt with the least/greatest (submitted_at, id); its percent is the last 9
    # characters of the key (printf %09.4f: 0 to 0100.0000)
    key = "submitted_at || '|' || id || '|' || printf('%09.4f', percent)"
    sql = f"""
        SELECT employee_id, quiz_id, MAX(percent) AS highest, AVG(percent) AS average,
               CAST(substr(MIN(CASE WHEN quiz_id IN {fin} THEN {key} END), -9) AS REAL) AS first,
               CAST(substr(MAX(CASE WHEN quiz_id IN {tin} THEN {key} END), -9) AS REAL) AS last
        FROM attempts WHERE submitted_at >= :lo AND submitted_at < :hi AND quiz_kind != 'practice'
        AND +quiz_id IN {qin} {one}
        GROUP BY employee_id, quiz_id
    """
    per_quiz = _frame(
        tracker,
        sql,
        {"lo": p.lo, "hi": p.hi, "emp": employee_id, **qparams, **fparams, **tparams},
        ["employee_id", "quiz_id", "highest", "average", "first", "last"],
    )
    pol = per_quiz["quiz_id"].map(policy)
    per_quiz["counted"] = 0.0
    for name in ("highest", "average", "first", "last"):
        per_quiz.loc[pol == name, "counted"] = per_quiz.loc[pol == name, name].astype(float)
    quizzes = per_quiz.groupby("employee_id").agg(quizzes_taken=("quiz_id", "count"), quiz_sum=("counted", "sum")).reset_index()
    # competitions: runs finished in the period; 60 for taking part + up to 40 by rank
    runs_total = _q(
        tracker,
        "SELECT COUNT(*) AS n FROM competition_runs WHERE status = 'finished' AND finished_at >= :lo AND finished_at < :hi",
        {"lo": p.lo, "hi": p.hi},
    )[0]["n"]
    sql = f"""
        WITH runs AS (SELECT id FROM competition_runs WHERE status = 'finished' AND finished_at >= :lo AND finished_at < :hi),
        t AS (SELECT run_id, COUNT(*) AS n_teams FROM competition_results WHERE run_id IN (SELECT id FROM runs) GROUP BY run_id)
        SELECT m.employee_id, COUNT(*) AS competitions,
               AVG(CASE WHEN r.rank IS NULL THEN 60.0 WHEN t.n_teams <= 1 THEN 100.0
                        ELSE 60.0 + 40.0 * (t.n_teams - r.rank) / (t.n_teams - 1) END) AS competition_score
        FROM competition_members m JOIN runs ON runs.id = m.run_id
        LEFT JOIN competition_results r ON r.run_id = m.run_id AND r.team = m.team
        LEFT JOIN t ON t.run_id = m.run_id
        WHERE 1 {"AND m.employee_id = :emp" if employee_id else ""}
        GROUP BY m.employee_id
    """
    comps = pd.DataFrame(
        _q(tracker, sql, {"lo": p.lo, "hi": p.hi, "emp": employee_id}),
        columns=["employee_id", "competitions", "competition_score"],
    )
    df = (
        emps.merge(lessons, on="employee_id", how="left")
        .merge(quizzes, on="employee_id", how="left")
        .merge(comps, on="employee_id", how="left")
    )
    for c in ("lessons_completed", "quizzes_taken", "competitions"):
        df[c] = df[c].fillna(0).astype(int)
    df["active"] = df["active"].astype(bool)
    w = _weights(catalog)
    applicable = {"lessons": bool(lesson_ids), "quizzes": bool(quiz_ids), "competitions": runs_total > 0}
    total_w = sum(w[k] for k, on in applicable.items() if on)
    eff = {k: (w[k] / total_w if on and total_w else 0.0) for k, on in applicable.items()}
    df["lessons_total"] = len(lesson_ids)
    df["lesson_score"] = (100.0 * df["lessons_completed"] / len(lesson_ids)).round(2) if lesson_ids else 0.0
    df["quizzes_total"] = len(quiz_ids)
    df["quiz_score"] = (df["quiz_sum"].fillna(0) / len(quiz_ids)).astype(float).round(2) if quiz_ids else 0.0
    df["competitions_total"] = runs_total
    df["competition_score"] = df["competition_score"].fillna(0.0).astype(float).round(2)
    df["lesson_weight"], df["quiz_weight"], df["competition_weight"] = eff["lessons"], eff["quizzes"], eff["competitions"]
    df["indicator"] = (
        (df["lesson_score"] * eff["lessons"] + df["quiz_score"] * eff["quizzes"] + df["competition_score"] * eff["competitions"])
        .astype(float)
        .round(2)
    )
    for c in ("lesson_weight", "quiz_weight", "competition_weight"):
        df[c] = df[c].astype(float).round(4)
    return df[EMPLOYEE_COLUMNS].reset_index(drop=True)


DEPARTMENT_COLUMNS = [
    "department",
    "headcount",
    "lesson_score",
    "lesson_weight",
    "quiz_score",
    "quiz_weight",
    "competition_score",
    "competition_weight",
    "indicator",
]


def department_indicators(employees: pd.DataFrame) -> pd.DataFrame:
    """Mean figures of the *active* employees per department, and a 合计 row (all active employees)."""
    act = employees[employees["active"].astype(bool)]
    parts = ["lesson_score", "quiz_score", "competition_score", "indicator"]
    g = act.groupby("department").agg(headcount=("employee_id", "count"), **{c: (c, "mean") for c in parts}).reset_index()
    total = {"department": TOTAL, "headcount": len(act), **{c: act[c].mean() if len(act) else float("nan") for c in parts}}
    g = pd.concat([g, pd.DataFrame([total])], ignore_index=True)
    for c in ("lesson_weight", "quiz_weight", "competition_weight"):
        g[c] = float(employees[c].iloc[0]) if len(employees) else 0.0
    g[parts] = g[parts].astype(float).round(2)
    return g[DEPARTMENT_COLUMNS]


def assessment_indicators(
    tracker: Tracker, account: Account, period: Period | str, catalog: Catalog, *, by: str = "employee"
) -> pd.DataFrame:
    """考核指标 per employee (``by="employee"``) or per department, 0–100, with each part, its
    weight and its inputs beside the result. A locked period returns the stored figures
    (``df.attrs["locked"]`` says by whom and when). Leaders, organizers and admins."""
    tracker.check_role(account, *REPORT_ROLES)
    if by not in ("employee", "department"):
        raise ValueError("by is 'employee' or 'department'")
    p = _period(period)
    lock = _lock_row(tracker, p.key)
    if lock is not None:
        df = _stored(lock)
    else:
        df = _cached_indicators(tracker, catalog, p)
    out = department_indicators(df) if by == "department" and "employee_id" in df.columns else df
    out.attrs.update({"period": p.key, "locked": {k: lock[k] for k in ("locked_at", "locked_by", "reason")} if lock else None})
    return out


def my_indicator(tracker: Tracker, account: Account, period: Period | str, catalog: Catalog) -> pd.DataFrame:
    """The signed-in employee's own 考核指标 (one row; the stored row when the period is locked)."""
    tracker.check_role(account, "employee", *REPORT_ROLES)
    if not account.employee_id:
        raise AccessDenied("this account is not linked to an employee")
    p = _period(period)
    lock = _lock_row(tracker, p.key)
    if lock is not None:
        df = _stored(lock)
        out = df[df["employee_id"] == account.employee_id].reset_index(drop=True)
    else:
        out = _compute_indicators(tracker, catalog, p, employee_id=account.employee_id)
    out.attrs.update({"period": p.key, "locked": bool(lock)})
    return out


# -- period locks (归档) --------------------------------------------------------------------------
def _lock_row(tracker: Tracker, key: str) -> dict | None:
    rows = _q(tracker, "SELECT * FROM report_locks WHERE period_key = ?", (key,))
    return rows[0] if rows else None


def _stored(lock: dict) -> pd.DataFrame:
    data = json.loads(lock["figures"])
    df = pd.DataFrame(data["data"], columns=data["columns"])
    if "active" in df.columns:
        df["active"] = df["active"].astype(bool)
    return df


def _key(period: Period | str) -> str:
    return _period(period).key


def lock_period(
    tracker: Tracker,
    account: Account,
    period_key: Period | str,
    figures_df: pd.DataFrame,
    *,
    reason: str | None = None,
    now: dt.datetime | None = None,
) -> dict:
    """Store the figures of a period as they are (JSON); later reads return them. Leaders and admins.
    ``PeriodLocked`` if the period is locked already. Returns the lock (period_key, locked_at, locked_by)."""
    tracker.check_role(account, "leader")
    key = _key(period_key)
    at = iso(now or utcnow())
    figures = figures_df.to_json(orient="split", index=False, force_ascii=False)
    with tracker.write() as db:
        if _lock_row(tracker, key):
            raise PeriodLocked(f"period {key} is already locked")
        db["report_locks"].insert(
            {"period_key": key, "figures": figures, "locked_at": at, "locked_by": account.username, "reason": reason}
        )
        db["report_lock_log"].insert({"period_key": key, "action": "lock", "at": at, "actor": account.username, "reason": reason})
    return {"period_key": key, "locked_at": at, "locked_by": account.username, "reason": reason}


def unlock_period(
    tracker: Tracker, account: Account, period_key: Period | str, *, reason: str | None = None, now: dt.datetime | None = None
) -> None:
    """Remove a period's lock (figures are computed again); logged. Leaders and admins; ``NotFound``
    if the period is not locked."""
    tracker.check_role(account, "leader")
    key = _key(period_key)
    at = iso(now or utcnow())
    with tracker.write() as db:
        if db.execute("DELETE FROM report_locks WHERE period_key = ?", (key,)).rowcount == 0:
            raise NotFound(f"period {key} is not locked")
        db["report_lock_log"].insert(
            {"period_key": key, "action": "unlock", "at": at, "actor": account.username, "reason": reason}
        )


def period_lock(tracker: Tracker, account: Account, period_key: Period | str) -> dict | None:
    """The lock of a period (period_key, locked_at, locked_by, reason), or None."""
    tracker.check_role(account, *REPORT_ROLES)
    row = _lock_row(tracker, _key(period_key))
    return {k: row[k] for k in ("period_key", "locked_at", "locked_by", "reason")} if row else None


def lock_log(tracker: Tracker, account: Account, period_key: Period | str | None = None) -> pd.DataFrame:
    """Every lock and unlock (period_key, action, at, actor, reason), oldest first."""
    tracker.check_role(account, *REPORT_ROLES)
    where, params = ("WHERE period_key = ?", (_key(period_key),)) if period_key else ("", ())
    df = pd.DataFrame(
        _q(tracker, f"SELECT period_key, action, at, actor, reason FROM report_lock_log {where} ORDER BY id", params),
        columns=["period_key", "action", "at", "actor", "reason"],
    )
    df["reason"] = df["reason"].astype(object).where(df["reason"].notna(), None)
    return df


# -- item analysis (试题分析) ---------------------------------------------------------------------
ITEM_COLUMNS = [
    "question_id",
    "type",
    "prompt",
    "key",
    "presented",
    "answered",
    "facility",
    "upper_n",
    "lower_n",
    "discrimination",
]


def item_analysis(
    tracker: Tracker,
    account: Account,
    *,
    quiz_id: str | None = None,
    bank_id: str | None = None,
    period: Period | str | None = None,
) -> pd.DataFrame:
    """Per question key of a quiz (or of every attempt with questions drawn from ``bank_id``):
    presented, answered, facility (share correct of presented), discrimination by the upper–lower
    27% method on attempt totals (percent), the share choosing each option (authored letters;
    multiple-choice responses counted per letter; true_false as opt_true/opt_false), and flags
    too_easy (> 0.9), too_hard (< 0.2), negative_discrimination. Leaders, organizers and admins."""
    tracker.check_role(account, *REPORT_ROLES)
    if bool(quiz_id) == bool(bank_id):
        raise ValueError("give quiz_id or bank_id")
    # bank keys 'bank/id' lie in ['bank/', 'bank0'): a range the index on answers(question_id) serves
    params: dict[str, Any] = {"quiz": quiz_id, "k_lo": f"{bank_id}/", "k_hi": f"{bank_id}0"}
    hidden = tracker.quizzes_hidden_from(account)
    if quiz_id in hidden:
        raise AccessDenied(f"quiz '{quiz_id}' is run by other organizers")
    scope, scope_params = _scope(tracker, account, "a.")
    params.update(scope_params)
    where = "a.submitted_at IS NOT NULL AND a.quiz_kind != 'practice'" + scope
    if period is not None:
        p = _period(period)
        where += " AND a.submitted_at >= :lo AND a.submitted_at < :hi"
        params.update(lo=p.lo, hi=p.hi)
    if quiz_id:
        where += " AND a.quiz_id = :quiz"
        qfilter = ""
    else:
        where += " AND a.id IN (SELECT attempt_id FROM answers WHERE question_id >= :k_lo AND question_id < :k_hi)"
        qfilter = "WHERE an.question_id >= :k_lo AND an.question_id < :k_hi"
    n = _q(tracker, f"SELECT COUNT(*) AS n FROM attempts a WHERE {where}", params)[0]["n"]
    g = max(1, math.floor(UPPER_LOWER * n + 0.5)) if n >= 2 else 0
    params["g"] = g
    base = f"""
        WITH ranked AS (SELECT a.id, ROW_NUMBER() OVER (ORDER BY a.percent DESC, a.id) AS rk, COUNT(*) OVER () AS n
                        FROM attempts a WHERE {where}),
        grp AS (SELECT id, CASE WHEN rk <= :g THEN 1 WHEN rk > n - :g THEN -1 ELSE 0 END AS grp FROM ranked)
    """
    stats = pd.DataFrame(
        _q(
            tracker,
            base
            + f"""
        SELECT an.question_id, COUNT(*) AS presented, SUM(an.response IS NOT NULL) AS answered,
               AVG(an.correct) AS facility, MIN(an.attempt_id) AS sample,
               SUM(grp.grp = 1) AS upper_n, SUM(CASE WHEN grp.grp = 1 THEN an.correct ELSE 0 END) AS upper_correct,
               SUM(grp.grp = -1) AS lower_n, SUM(CASE WHEN grp.grp = -1 THEN an.correct ELSE 0 END) AS lower_correct
        FROM answers an JOIN grp ON grp.id = an.attempt_id {qfilter}
        GROUP BY an.question_id ORDER BY an.question_id""",
            params,
        ),
        columns=[
            "question_id",
            "presented",
            "answered",
            "facility",
            "sample",
            "upper_n",
            "upper_correct",
            "lower_n",
            "lower_correct",
        ],
    )
    choices = _q(
        tracker,
        base
        + f"""
        SELECT an.question_id, an.response, COUNT(*) AS n FROM answers an JOIN grp ON grp.id = an.attempt_id
        {qfilter + " AND" if qfilter else "WHERE"} an.response IS NOT NULL GROUP BY an.question_id, an.response""",
        params,
    )
    # question text and key from one stored paper per question (what was graded)
    papers: dict[str, Paper] = {}
    meta: dict[str, tuple[str, str, str, str]] = {}
    for qid, sample in zip(stats["question_id"], stats["sample"], strict=True):
        if sample not in papers:
            papers[sample] = Paper.from_json(_q(tracker, "SELECT paper FROM attempts WHERE id = ?", (sample,))[0]["paper"])
        try:
            q = papers[sample].question(qid).question
        except KeyError:
            meta[qid] = ("", "", "", "")
            continue
        if q.type == "scenario":
            key = "".join(q.letters[i] for i, o in enumerate(q.options or []) if o.credit == 1)
        elif isinstance(q.answer, str):
            key = q.answer
        else:
            key = "对" if q.answer is True else "错" if q.answer is False else ""
        meta[qid] = (q.type, q.prompt, key, q.letters)
    counts: dict[str, dict[str, int]] = {}
    for r in choices:
        value = json.loads(r["response"])
        c = counts.setdefault(r["question_id"], {})
        if isinstance(value, bool):
            name = "opt_true" if value else "opt_false"
            c[name] = c.get(name, 0) + r["n"]
        elif isinstance(value, str) and meta.get(r["question_id"], ("",))[0] in ("single", "multiple", "scenario"):
            for letter in value:
                c[f"opt_{letter}"] = c.get(f"opt_{letter}", 0) + r["n"]
    stats["type"] = [meta[q][0] for q in stats["question_id"]]
    stats["prompt"] = [meta[q][1] for q in stats["question_id"]]
    stats["key"] = [meta[q][2] for q in stats["question_id"]]
    stats["facility"] = stats["facility"].astype(float).round(4)
    stats["discrimination"] = (
        _rate(stats["upper_correct"], stats["upper_n"]) - _rate(stats["lower_correct"], stats["lower_n"])
    ).round(4)
    # one column per authored letter of the analysed choice questions (and 对/错 for true_false)
    letters = "".join(m[3] for m in meta.values() if m[0] in ("single", "multiple", "scenario"))
    option_cols = [f"opt_{x}" for x in "ABCDEFGH" if x in letters]
    option_cols += ["opt_true", "opt_false"] if any(m[0] == "true_false" for m in meta.values()) else []
    for col in option_cols:
        stats[col] = [
            round(counts.get(q, {}).get(col, 0) / pres, 4) if pres and _has_option(meta[q], col) else float("nan")
            for q, pres in zip(stats["question_id"], stats["presented"], strict=True)
        ]
    stats["too_easy"] = stats["facility"] > 0.9
    stats["too_hard"] = stats["facility"] < 0.2
    stats["negative_discrimination"] = stats["discrimination"] < 0
    stats["flags"] = [
        "；".join(label for label, on in (("过易", e), ("过难", h), ("区分度为负（答案可能有误）", d)) if on)
        for e, h, d in zip(stats["too_easy"], stats["too_hard"], stats["negative_discrimination"], strict=True)
    ]
    out = stats[[*ITEM_COLUMNS, *option_cols, "too_easy", "too_hard", "negative_discrimination", "flags"]].copy()
    out.attrs.update({"attempts": n, "group_size": g, "method": DISCRIMINATION_METHOD, "quiz": quiz_id, "bank": bank_id})
    return out


def _has_option(meta: tuple[str, str, str, str], col: str) -> bool:
    qtype, _, _, letters = meta
    if col in ("opt_true", "opt_false"):
        return qtype == "true_false"
    return qtype in ("single", "multiple", "scenario") and col[-1] in letters
