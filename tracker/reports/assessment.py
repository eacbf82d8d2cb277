"""Assessment indicators (考核指标) with their inputs, and period locks (归档)."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import pandas as pd

from quizzes.fields import utcnow
from quizzes.model import WEIGHT_PARTS, AttendanceRule
from tracker.errors import AccessDenied, NotFound
from tracker.moral import DE_COLUMNS, add_de, rule_of
from tracker.reports.activities import attendance_facts
from tracker.reports.common import DEFAULT_WEIGHTS, REPORT_ROLES, PeriodLocked, _frame, _period, _q, word
from tracker.reports.periods import Period
from tracker.store import Account, Tracker, day_start, iso
from tracker.store.changes import StampCache

if TYPE_CHECKING:
    from quizzes.catalog import Catalog


def period_quizzes(tracker: Tracker, catalog: Catalog, period: Period | str) -> list[str]:
    """The catalogue's quizzes that count in the period: published (a draft is due for nobody), not
    hidden, and open at some time in it (no ``opens``: open since ever; no ``closes``: open for ever)."""
    p = _period(period)
    lo, hi = day_start(p.start), day_start(p.end + dt.timedelta(days=1))
    hidden = {r["quiz_id"] for r in _q(tracker, "SELECT quiz_id FROM quiz_settings WHERE hidden = 1")}
    return sorted(
        q.id
        for q in catalog.quizzes.values()
        if q.status == "published"
        and q.id not in hidden
        and (q.opens is None or q.opens < hi)
        and (q.closes is None or q.closes > lo)
    )


def _weights(catalog: Catalog) -> dict[str, float]:
    if catalog.assessment is not None:
        return catalog.assessment.weights.parts()
    return dict(DEFAULT_WEIGHTS) | {"attendance": 0.0, "hours": 0.0}


def attendance_rate(statuses: list[str | None], rule: AttendanceRule) -> tuple[int, int, float | None]:
    """One person's attendance in a period from the statuses of the sessions they were expected at:
    (sessions counted, sessions attended, rate 0–1 or None when none counts). 出席 counts 1, 迟到
    ``rule.late``, 缺席 0; 请假 counts 0, or is left out when ``rule.leave`` is ``excused``; a
    session not recorded yet (None: still open) is left out."""
    counted = [s for s in statuses if isinstance(s, str) and not (s == "leave" and rule.leave == "excused")]
    went = sum(1 for s in counted if s in ("present", "late"))
    score = sum(1.0 if s == "present" else rule.late if s == "late" else 0.0 for s in counted)
    return len(counted), went, (round(score / len(counted), 4) if counted else None)


def required_hours(required_per_year: float, period: Period) -> float:
    """The 学时 due in a period: the yearly requirement shared by days (a quarter of 2026 owes
    90/365 of it; a period over two years owes its share of each)."""
    due, day = 0.0, period.start
    while day <= period.end:
        year_end = min(period.end, dt.date(day.year, 12, 31))
        days_in_year = (dt.date(day.year + 1, 1, 1) - dt.date(day.year, 1, 1)).days
        due += required_per_year * ((year_end - day).days + 1) / days_in_year
        day = year_end + dt.timedelta(days=1)
    return round(due, 2)


def hours_score(hours: float, required: float) -> float:
    """0–100: the share of the period's 学时 requirement met, at most 100."""
    return round(min(100.0, 100.0 * hours / required), 2) if required > 0 else 0.0


def capped(entries: pd.DataFrame, caps: dict[str, float | None]) -> pd.Series:
    """The 学时 counted of each entry (columns employee_id, day, kind, source, hours) after each
    kind's yearly cap, the earliest first: ``tracker.hours.apply_caps`` for a whole year's table at
    once (one year per call)."""
    if entries.empty:
        return pd.Series(dtype=float)
    order = entries.sort_values(["employee_id", "day", "kind", "source"], kind="stable")
    before = order.groupby(["employee_id", "kind"])["hours"].cumsum() - order["hours"]
    cap = order["kind"].map(caps).astype(float).fillna(float("inf"))
    room = pd.concat([order["hours"], cap - before], axis=1).min(axis=1).clip(lower=0.0)
    return room.round(2).reindex(entries.index)


_HOURS_CACHE = StampCache(32, dict)


def period_hours(tracker: Tracker, catalog: Catalog, period: Period, employee_id: str | None = None) -> dict[str, float]:
    """学时 counted in the period per employee (every employee, or one): each year's ledger with its
    caps (``tracker.hours``), the entries dated in the period. Cached like the indicators while the
    database and the catalogue are unchanged."""
    from tracker.hours import KINDS, raw_table, rules_of

    def compute() -> dict[str, float]:
        rules = rules_of(catalog)
        caps = {k: getattr(rules, k).cap for k in KINDS}
        out: dict[str, float] = {}
        for year in range(period.start.year, period.end.year + 1):
            table = raw_table(tracker, catalog, [employee_id] if employee_id else None, year)
            table["counted"] = capped(table, caps)
            inside = table[(table["day"] >= period.start) & (table["day"] <= period.end)]
            for emp, got in inside.groupby("employee_id")["counted"].sum().items():
                out[emp] = round(out.get(emp, 0.0) + float(got), 2)
        return out

    key = (tracker.cache_id, period.start, period.end, employee_id, _catalog_key(catalog))
    return _HOURS_CACHE.get(tracker, key, compute)


WEIGHT_COLUMNS = {
    "lessons": "lesson_weight",
    "quizzes": "quiz_weight",
    "competitions": "competition_weight",
    "attendance": "attendance_weight",
    "hours": "hours_weight",
}


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
    "sessions_expected",
    "sessions_attended",
    "attendance_rate",
    "attendance_score",
    "attendance_weight",
    "hours",
    "hours_required",
    "hours_score",
    "hours_weight",
    "indicator",
    # the 德 indicator beside it (tracker.moral): 民主测评, veto with reason and reference, 德 score, grade
    *DE_COLUMNS,
]


# Per-period cache of computed indicators. An entry is valid while the database is unchanged:
# ``tracker.change_stamp()`` moves whenever anyone commits, on this node or another (see
# tracker.store.changes). The catalogue's relevant fields are part of the key.
_CACHE = StampCache(32, lambda df: df.copy())


def _catalog_key(catalog: Catalog) -> tuple:
    return (
        tuple(sorted((lesson.id, lesson.minutes) for lesson in catalog.lessons.values())),
        tuple(sorted(_weights(catalog).items())),
        catalog.assessment.model_dump_json() if catalog.assessment else "",
        tuple(sorted((e.id, e.model_dump_json()) for e in catalog.events.values())),
        rule_of(catalog).model_dump_json(),
        tuple(sorted((q.id, q.status, q.grade_policy, str(q.opens), str(q.closes)) for q in catalog.quizzes.values())),
    )


def _cached_indicators(tracker: Tracker, catalog: Catalog, p: Period) -> pd.DataFrame:
    key = (tracker.cache_id, p.key, p.start, p.end, _catalog_key(catalog))
    return _CACHE.get(tracker, key, lambda: _compute_indicators(tracker, catalog, p))


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
    # first/last: the percent of the attempt with the least/greatest (submitted_at, id). (``quiz_id || ''``
    # keeps SQLite on the covering index attempts_period rather than attempts_quiz.)
    sql = f"""
        WITH a AS (SELECT employee_id, quiz_id, percent,
                          ROW_NUMBER() OVER (PARTITION BY employee_id, quiz_id ORDER BY submitted_at, id) AS from_first,
                          ROW_NUMBER() OVER (PARTITION BY employee_id, quiz_id ORDER BY submitted_at DESC, id DESC) AS from_last
                   FROM attempts WHERE submitted_at >= :lo AND submitted_at < :hi AND quiz_kind != 'practice'
                   AND quiz_id || '' IN {qin} {one})
        SELECT employee_id, quiz_id, MAX(percent) AS highest, AVG(percent) AS average,
               MAX(CASE WHEN from_first = 1 AND quiz_id IN {fin} THEN percent END) AS first,
               MAX(CASE WHEN from_last = 1 AND quiz_id IN {tin} THEN percent END) AS last
        FROM a GROUP BY employee_id, quiz_id
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
        "SELECT COUNT(*) AS n FROM competition_runs WHERE status = 'finished' AND counts = 1 "
        "AND finished_at >= :lo AND finished_at < :hi",
        {"lo": p.lo, "hi": p.hi},
    )[0]["n"]
    sql = f"""
        WITH runs AS (SELECT id FROM competition_runs WHERE status = 'finished' AND counts = 1
                      AND finished_at >= :lo AND finished_at < :hi),
        t AS (SELECT run_id, COUNT(*) AS n_teams FROM competition_results WHERE run_id IN (SELECT id FROM runs) GROUP BY run_id)
        SELECT m.employee_id, COUNT(*) AS competitions,
               AVG(CASE WHEN r.rank IS NULL THEN 60.0 WHEN t.n_teams <= 1 THEN 100.0
                        ELSE 60.0 + 40.0 * (t.n_teams - r.rank) / (t.n_teams - 1) END) AS competition_score
        FROM competition_members m JOIN runs ON runs.id = m.run_id
        LEFT JOIN competition_results r ON r.run_id = m.run_id AND r.team = m.team
        LEFT JOIN t ON t.run_id = m.run_id
        WHERE 1 = 1 {"AND m.employee_id = :emp" if employee_id else ""}
        GROUP BY m.employee_id
    """
    comps = pd.DataFrame(
        _q(tracker, sql, {"lo": p.lo, "hi": p.hi, "emp": employee_id}),
        columns=["employee_id", "competitions", "competition_score"],
    )
    # attendance at events (培训班, 专题讲座, 交流会) held in the period, by the rule of assessment.yaml
    rule = catalog.assessment.attendance if catalog.assessment else AttendanceRule()
    facts = attendance_facts(tracker, catalog, p, employee_id)
    seen = pd.DataFrame(
        [(emp, *attendance_rate(list(part), rule)) for emp, part in facts.groupby("employee_id")["status"]],
        columns=["employee_id", "sessions_expected", "sessions_attended", "attendance_rate"],
    )
    # 学时 of the period against the requirement shared by days
    got = period_hours(tracker, catalog, p, employee_id)
    df = (
        emps.merge(lessons, on="employee_id", how="left")
        .merge(quizzes, on="employee_id", how="left")
        .merge(comps, on="employee_id", how="left")
        .merge(seen, on="employee_id", how="left")
    )
    for c in ("lessons_completed", "quizzes_taken", "competitions", "sessions_expected", "sessions_attended"):
        df[c] = df[c].fillna(0).astype(int)
    df["active"] = df["active"].astype(bool)
    w = _weights(catalog)
    due = required_hours(catalog.assessment.hours.required if catalog.assessment else 40.0, p)
    # A part that does not apply is left out and the other weights are rescaled: lessons, quizzes,
    # competitions and 学时 for everyone; attendance for each person (no session expected: none).
    applicable = pd.DataFrame(
        {
            "lessons": bool(lesson_ids),
            "quizzes": bool(quiz_ids),
            "competitions": runs_total > 0,
            "attendance": df["attendance_rate"].notna(),
            "hours": due > 0,
        },
        index=df.index,
    )
    total_w = sum(applicable[k].astype(float) * w[k] for k in WEIGHT_PARTS)
    eff = {k: (applicable[k].astype(float) * w[k] / total_w.where(total_w > 0)).fillna(0.0) for k in WEIGHT_PARTS}
    df["lessons_total"] = len(lesson_ids)
    df["lesson_score"] = (100.0 * df["lessons_completed"] / len(lesson_ids)).round(2) if lesson_ids else 0.0
    df["quizzes_total"] = len(quiz_ids)
    df["quiz_score"] = (df["quiz_sum"].fillna(0) / len(quiz_ids)).astype(float).round(2) if quiz_ids else 0.0
    df["competitions_total"] = runs_total
    df["competition_score"] = df["competition_score"].fillna(0.0).astype(float).round(2)
    df["attendance_score"] = (100.0 * df["attendance_rate"]).astype(float).round(2)  # none: no session expected
    df["hours"] = df["employee_id"].map(got).fillna(0.0).astype(float).round(2)
    df["hours_required"] = due
    df["hours_score"] = [hours_score(h, due) for h in df["hours"]]
    scores = {
        "lessons": "lesson_score",
        "quizzes": "quiz_score",
        "competitions": "competition_score",
        "attendance": "attendance_score",
        "hours": "hours_score",
    }
    for c in ("attendance_rate", "attendance_score"):  # none (no session expected) is None, shown as —
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    for part, column in WEIGHT_COLUMNS.items():
        df[column] = eff[part].astype(float).round(4)
    df["indicator"] = sum(df[scores[k]].astype(float).fillna(0.0) * eff[k] for k in WEIGHT_PARTS).astype(float).round(2)
    df = add_de(tracker, catalog, p.key, df[[c for c in EMPLOYEE_COLUMNS if c not in DE_COLUMNS]])
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
    "attendance_rate",
    "attendance_score",
    "attendance_weight",
    "hours",
    "hours_score",
    "hours_weight",
    "indicator",
]
_MEANS = [
    "lesson_score",
    "quiz_score",
    "competition_score",
    "attendance_rate",
    "attendance_score",
    "hours",
    "hours_score",
    "indicator",
]


def department_indicators(employees: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Mean figures of the *active* employees per department, and a 合计 row (all active employees).
    The weights are the means of the weights applied to each person (attendance is left out for
    people who were expected at no session). Figures locked before a column existed stay without it."""
    act = employees[employees["active"].astype(bool)]
    act = act.assign(**{c: pd.to_numeric(act[c], errors="coerce") for c in _MEANS if c in act.columns})
    weights = [c for c in WEIGHT_COLUMNS.values() if c in employees.columns]
    parts = [c for c in _MEANS if c in employees.columns]
    g = (
        act.groupby("department")
        .agg(headcount=("employee_id", "count"), **{c: (c, "mean") for c in parts + weights})
        .reset_index()
    )
    total = {
        "department": word("report.total", lang),
        "headcount": len(act),
        **{c: act[c].mean() if len(act) else float("nan") for c in parts + weights},
    }
    g = pd.concat([g, pd.DataFrame([total])], ignore_index=True)
    for c in parts:
        g[c] = g[c].astype(float).round(4 if c == "attendance_rate" else 2)
    g[weights] = g[weights].astype(float).round(4).fillna(0.0)
    return g[[c for c in DEPARTMENT_COLUMNS if c in g.columns]]


def assessment_indicators(
    tracker: Tracker, account: Account, period: Period | str, catalog: Catalog, *, by: str = "employee", lang: str | None = None
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
    out = department_indicators(df, lang) if by == "department" and "employee_id" in df.columns else df
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
