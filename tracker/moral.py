"""The 德 (职业道德) indicator of 绩效考核: the computed indicator, a leader's 民主测评 score and a
一票否决 veto make a 德 score and a grade (优秀 / 合格 / 基本合格 / 不合格); an 优秀 quota is checked
and reported, never applied.

Rules (``assessment.yaml`` ``de:``, model ``quizzes.model.Moral``):

- 德 score = (1 − w) × indicator + w × 民主测评, w = ``democratic_weight``; without a 民主测评
  score the 德 score is the indicator alone (the table shows that none was entered);
- a veto with ``veto: cap`` caps the 德 score at ``veto_cap``; with ``veto: fail`` the grade is
  不合格 whatever the score (the score is still shown);
- grade bands: score ≥ ``bands.excellent`` 优秀, ≥ ``qualified`` 合格, ≥ ``basic`` 基本合格, else 不合格;
- quota: in each unit (``quota_unit``: department, or the whole roster) at most ``excellent_quota``
  of the active employees may be 优秀: more is a warning beside the table.

The pure rules come first; then the entries (leaders only, refused in a locked period, audited).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from quizzes.fields import utcnow
from quizzes.model import Moral
from tracker.errors import NotFound, TrackerError
from tracker.store import Account, Tracker, iso

GRADES = {"excellent": "优秀", "qualified": "合格", "basic": "基本合格", "fail": "不合格"}
DE_COLUMNS = ["democratic_score", "democratic_weight", "de_score", "veto", "veto_reason", "veto_reference", "grade"]


class MoralEntryError(TrackerError):
    """A 民主测评 score or veto cannot be entered; ``problems`` lists each (row or field) as text and
    ``details`` as (code, row, value) for the UI's own words: codes not_number, out_of_range, no_id,
    unknown_id, no_header, not_workbook, empty, required."""

    def __init__(self, problems: list[str], details: list[tuple[str, int | None, object]] | None = None):
        self.problems = problems
        self.details = details or []
        super().__init__("\n".join(problems))


# -- pure rules ---------------------------------------------------------------------------------
def de_score(indicator: float, democratic: float | None, rule: Moral, vetoed: bool = False) -> float:
    """The 德 score, 0–100, two decimals."""
    w = rule.democratic_weight
    score = (
        indicator
        if democratic is None or (isinstance(democratic, float) and math.isnan(democratic))
        else ((1 - w) * indicator + w * democratic)
    )
    if vetoed and rule.veto == "cap":
        score = min(score, rule.veto_cap)
    return round(float(score), 2)


def grade_of(score: float, rule: Moral, vetoed: bool = False) -> str:
    """The grade (Chinese label) of a 德 score."""
    if vetoed and rule.veto == "fail":
        return GRADES["fail"]
    b = rule.bands
    if score >= b.excellent:
        return GRADES["excellent"]
    if score >= b.qualified:
        return GRADES["qualified"]
    if score >= b.basic:
        return GRADES["basic"]
    return GRADES["fail"]


@dataclass(frozen=True)
class QuotaWarning:
    """More 优秀 in a unit than the quota allows."""

    unit: str
    headcount: int
    excellent: int
    allowed: int
    share: float


def quota_warnings(df: pd.DataFrame, rule: Moral) -> list[QuotaWarning]:
    """Units whose active employees have more 优秀 than ``excellent_quota`` allows (floor of the
    share × headcount, at least 1 in a unit of any size)."""
    act = df[df["active"].astype(bool)] if "active" in df.columns else df
    if act.empty:
        return []
    units = act.groupby("department") if rule.quota_unit == "department" else [("全单位", act)]
    out = []
    for unit, group in units:
        n = len(group)
        excellent = int((group["grade"] == GRADES["excellent"]).sum())
        allowed = max(1, math.floor(rule.excellent_quota * n + 1e-9))
        if excellent > allowed:
            out.append(QuotaWarning(str(unit), n, excellent, allowed, round(excellent / n, 4)))
    return out


def with_de(df: pd.DataFrame, scores: dict[str, float], vetoes: dict[str, dict], rule: Moral) -> pd.DataFrame:
    """The indicator table (``employee_id``, ``indicator``) with the 德 columns beside it."""
    out = df.copy()
    ids = out["employee_id"]
    # None (not NaN) without a score: equal to itself, so that cached and stored tables compare equal
    out["democratic_score"] = pd.Series([scores.get(e) for e in ids], index=out.index, dtype=object)
    out["democratic_weight"] = [rule.democratic_weight if e in scores else 0.0 for e in ids]
    out["veto"] = [e in vetoes for e in ids]
    out["veto_reason"] = [vetoes[e]["reason"] if e in vetoes else "" for e in ids]
    out["veto_reference"] = [vetoes[e]["reference"] if e in vetoes else "" for e in ids]
    out["de_score"] = [de_score(float(i), scores.get(e), rule, e in vetoes) for e, i in zip(ids, out["indicator"], strict=True)]
    out["grade"] = [grade_of(s, rule, v) for s, v in zip(out["de_score"], out["veto"], strict=True)]
    return out


# -- entries ------------------------------------------------------------------------------------
def _check_open(tracker: Tracker, period_key: str) -> None:
    from tracker.reports import PeriodLocked

    if tracker._one("SELECT 1 AS x FROM report_locks WHERE period_key = ?", (period_key,)):
        raise PeriodLocked(f"period {period_key} is locked: unlock it before changing 民主测评 or vetoes")


def _score(value: object, where: str, row: int | None = None) -> float:
    try:
        score = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise MoralEntryError([f"{where}: the 民主测评 score {value!r} is not a number"], [("not_number", row, value)]) from None
    if math.isnan(score) or not 0 <= score <= 100:
        raise MoralEntryError([f"{where}: the 民主测评 score {value!r} is not between 0 and 100"], [("out_of_range", row, value)])
    return round(score, 2)


def set_democratic_score(
    tracker: Tracker, account: Account, period_key: str, employee_id: str, score: object, *, now: dt.datetime | None = None
) -> float:
    """Enter (or change) one employee's 民主测评 score for a period (leaders); audited."""
    tracker.check_role(account, "leader")
    value = _score(score, f"employee {employee_id}")
    tracker.employee(employee_id)
    _check_open(tracker, period_key)
    old = democratic_scores(tracker, period_key).get(employee_id)
    with tracker.write() as db:
        db["democratic_scores"].upsert(
            {
                "period_key": period_key,
                "employee_id": employee_id,
                "score": value,
                "entered_at": iso(now or utcnow()),
                "entered_by": account.username,
                "source": "page",
            },
            pk=("period_key", "employee_id"),
        )
    tracker.audit(account.username, "de.score", {"period": period_key, "employee": employee_id, "score": value, "was": old})
    return value


HEAD_ID = ("工号", "id", "employee_id")
HEAD_SCORE = ("民主测评", "民主测评得分", "得分", "score")


def read_scores(path: str | Path) -> dict[str, float]:
    """工号 → score from the first sheet of an xlsx (headers 工号 and 民主测评/得分); every bad row is
    reported (``MoralEntryError``: 'file: row N: …')."""
    from openpyxl import load_workbook

    name = Path(path).name
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 (openpyxl raises many kinds for a file that is not a workbook)
        raise MoralEntryError([f"{name}: not an Excel workbook ({type(e).__name__})"], [("not_workbook", None, name)]) from None
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    if not rows:
        raise MoralEntryError([f"{name}: the sheet is empty"], [("empty", None, name)])
    head = [str(c).strip() if c is not None else "" for c in rows[0]]
    try:
        i_id = next(i for i, h in enumerate(head) if h in HEAD_ID)
        i_score = next(i for i, h in enumerate(head) if h in HEAD_SCORE)
    except StopIteration:
        raise MoralEntryError(
            [f"{name}: row 1: the header needs 工号 and 民主测评 (or 得分)"], [("no_header", 1, name)]
        ) from None
    out: dict[str, float] = {}
    problems: list[str] = []
    details: list[tuple[str, int | None, object]] = []
    for n, row in enumerate(rows[1:], start=2):
        if not row or all(c is None or str(c).strip() == "" for c in row):
            continue
        emp = str(row[i_id]).strip() if i_id < len(row) and row[i_id] is not None else ""
        if not emp:
            problems.append(f"{name}: row {n}: no 工号")
            details.append(("no_id", n, None))
            continue
        try:
            out[emp] = _score(row[i_score] if i_score < len(row) else None, f"{name}: row {n}", n)
        except MoralEntryError as e:
            problems.extend(e.problems)
            details.extend(e.details)
    if problems:
        raise MoralEntryError(problems, details)
    return out


def import_democratic_scores(
    tracker: Tracker, account: Account, period_key: str, path: str | Path, *, now: dt.datetime | None = None
) -> int:
    """Enter the 民主测评 scores of an xlsx for a period (leaders): all rows or, on any bad row or
    unknown 工号, none. Returns how many were entered; audited."""
    tracker.check_role(account, "leader")
    scores = read_scores(path)
    known = {r["id"] for r in tracker.db.query("SELECT id FROM employees")}
    unknown = [e for e in scores if e not in known]
    if unknown:
        raise MoralEntryError(
            [f"{Path(path).name}: unknown 工号 {e}" for e in unknown], [("unknown_id", None, e) for e in unknown]
        )
    _check_open(tracker, period_key)
    at = iso(now or utcnow())
    with tracker.write() as db:
        db["democratic_scores"].upsert_all(
            [
                {
                    "period_key": period_key,
                    "employee_id": e,
                    "score": s,
                    "entered_at": at,
                    "entered_by": account.username,
                    "source": Path(path).name,
                }
                for e, s in scores.items()
            ],
            pk=("period_key", "employee_id"),
        )
    tracker.audit(account.username, "de.import", {"period": period_key, "file": Path(path).name, "rows": len(scores)})
    return len(scores)


def add_veto(
    tracker: Tracker,
    account: Account,
    period_key: str,
    employee_id: str,
    reason: str,
    reference: str,
    *,
    now: dt.datetime | None = None,
) -> int:
    """Record a 一票否决 with its reason and reference (leaders); audited. Returns its id."""
    tracker.check_role(account, "leader")
    missing = [f for f, v in (("reason", reason), ("reference", reference)) if not (v or "").strip()]
    if missing:
        raise MoralEntryError([f"veto: {f} is required" for f in missing], [("required", None, f) for f in missing])
    tracker.employee(employee_id)
    _check_open(tracker, period_key)
    with tracker.write() as db:
        cur = db.execute(
            "INSERT INTO vetoes (period_key, employee_id, reason, reference, entered_at, entered_by) VALUES (?, ?, ?, ?, ?, ?) "
            "RETURNING id",
            (period_key, employee_id, reason.strip(), reference.strip(), iso(now or utcnow()), account.username),
        )
        veto_id = cur.fetchone()[0]
    tracker.audit(
        account.username,
        "de.veto",
        {"period": period_key, "employee": employee_id, "id": veto_id, "reason": reason.strip(), "reference": reference.strip()},
    )
    return veto_id


def withdraw_veto(tracker: Tracker, account: Account, veto_id: int, reason: str, *, now: dt.datetime | None = None) -> None:
    """Withdraw a veto (leaders), keeping it with who withdrew it and why; audited."""
    tracker.check_role(account, "leader")
    if not (reason or "").strip():
        raise MoralEntryError(["withdrawing a veto: reason is required"], [("required", None, "reason")])
    row = tracker._one("SELECT * FROM vetoes WHERE id = ? AND withdrawn_at IS NULL", (veto_id,))
    if row is None:
        raise NotFound(f"no veto {veto_id} in force")
    _check_open(tracker, row["period_key"])
    with tracker.write() as db:
        db.execute(
            "UPDATE vetoes SET withdrawn_at = ?, withdrawn_by = ?, withdraw_reason = ? WHERE id = ?",
            (iso(now or utcnow()), account.username, reason.strip(), veto_id),
        )
    tracker.audit(account.username, "de.veto_withdrawn", {"id": veto_id, "reason": reason.strip()})


def democratic_scores(tracker: Tracker, period_key: str) -> dict[str, float]:
    return {
        r["employee_id"]: r["score"]
        for r in tracker.db.query("SELECT employee_id, score FROM democratic_scores WHERE period_key = ?", (period_key,))
    }


def vetoes(tracker: Tracker, period_key: str) -> dict[str, dict]:
    """The vetoes in force in a period, by employee (the latest when there are several)."""
    rows = tracker.db.query(
        "SELECT * FROM vetoes WHERE period_key = ? AND withdrawn_at IS NULL ORDER BY entered_at, id", (period_key,)
    )
    return {r["employee_id"]: r for r in rows}


def veto_log(tracker: Tracker, account: Account, period_key: str) -> pd.DataFrame:
    """Every veto of a period, withdrawn ones included (leaders, organizers)."""
    tracker.check_role(account, "leader", "organizer")
    cols = [
        "employee_id",
        "reason",
        "reference",
        "entered_at",
        "entered_by",
        "withdrawn_at",
        "withdrawn_by",
        "withdraw_reason",
    ]
    return pd.DataFrame(
        tracker.db.conn.execute(
            f"SELECT id, {', '.join(cols)} FROM vetoes WHERE period_key = ? ORDER BY id", (period_key,)
        ).fetchall(),
        columns=["veto_id", *cols],
    )


# -- the table ----------------------------------------------------------------------------------
def rule_of(catalog) -> Moral:
    return catalog.assessment.de if catalog is not None and catalog.assessment is not None else Moral()


def add_de(tracker: Tracker, catalog, period_key: str, df: pd.DataFrame) -> pd.DataFrame:
    """The indicator table of a period with the 德 columns of its entries (for the computation of
    ``assessment_indicators``, so that a lock keeps them)."""
    out = with_de(df, democratic_scores(tracker, period_key), vetoes(tracker, period_key), rule_of(catalog))
    out.attrs.update(df.attrs)
    return out


def moral_table(tracker: Tracker, account: Account, period, catalog) -> pd.DataFrame:
    """德 per employee: the indicator with its parts, the 民主测评 score and weight, the veto with its
    reason and reference, the 德 score and the grade; ``attrs['quota']``: the 优秀 quota warnings,
    ``attrs['locked']``: the period's lock. Leaders, organizers and admins."""
    from tracker.reports import as_period, assessment_indicators

    tracker.check_role(account, "leader", "organizer")
    p = as_period(period)
    df = assessment_indicators(tracker, account, p, catalog)
    if "grade" not in df.columns:  # computed without the 德 columns (or locked before they existed)
        df = add_de(tracker, catalog, p.key, df)
    df.attrs["quota"] = quota_warnings(df, rule_of(catalog))
    return df
