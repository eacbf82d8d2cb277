"""The 学习型班组 evidence pack: for one 班组 and period, what a union office hands in for a
学习型班组 / 学习型职工 assessment — the members, the events they attended with dates and 学时,
their quiz and competition results and the indicator — as one ``ReportOutput`` (an .xlsx with a
sheet each, written by ``tracker.export`` like every report). Leaders, organizers and admins.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from quizzes.fields import SHANGHAI, utcnow
from quizzes.model import AttendanceRule
from tracker.errors import NotFound
from tracker.hours import apply_caps, raw_entries, rules_of
from tracker.reports.activities import attendance_facts, attended
from tracker.reports.assessment import assessment_indicators, attendance_rate, required_hours
from tracker.reports.common import REPORT_ROLES, _period, _q, _scope, word
from tracker.reports.outputs import ReportOutput
from tracker.reports.participation import STATUS_COLUMNS
from tracker.reports.periods import Period
from tracker.store import Account, Tracker, parse_iso

if TYPE_CHECKING:
    from quizzes.catalog import Catalog

MEMBER_COLUMNS = [
    "employee_id",
    "name",
    "sessions_expected",
    "sessions_attended",
    "attendance_rate",
    "hours",
    "hours_required",
    "hours_met",
    "attempts",
    "quizzes_passed",
    "competitions",
    "indicator",
]
ACTIVITY_COLUMNS = ["date", "start", "kind", "title", "place", "credit", "expected", *STATUS_COLUMNS, "attendance_rate"]
ATTENDANCE_DETAIL = ["date", "kind", "title", "employee_id", "name", "status", "minutes", "hours_counted"]
HOURS_DETAIL = ["date", "employee_id", "name", "kind", "title", "hours", "hours_counted"]
QUIZ_COLUMNS = ["date", "employee_id", "name", "title", "percent", "passed"]
COMPETITION_COLUMNS = ["date", "title", "employee_id", "name", "competition_team", "rank", "teams_n"]


def learning_teams(tracker: Tracker, account: Account) -> list[dict]:
    """The 班组 of the active roster: ``{department, team, headcount}``, by department and team."""
    tracker.check_role(account, *REPORT_ROLES)
    groups: dict[tuple[str, str], int] = {}
    for person in tracker.employees(active_only=True):
        if person.get("team"):
            key = (person["department"], person["team"])
            groups[key] = groups.get(key, 0) + 1
    return [{"department": d, "team": t, "headcount": n} for (d, t), n in sorted(groups.items())]


def _day(text: str) -> str:
    return parse_iso(text).astimezone(SHANGHAI).date().isoformat()


def _in(name: str, values: list[str]) -> tuple[str, dict]:
    return "(" + ",".join(f":{name}{i}" for i in range(len(values))) + ")", {f"{name}{i}": v for i, v in enumerate(values)}


def learning_team_pack(
    tracker: Tracker,
    account: Account,
    department: str,
    team: str,
    period: Period | str,
    catalog: Catalog,
    *,
    lang: str | None = None,
    now: dt.datetime | None = None,
) -> ReportOutput:
    """The evidence pack of one 班组 (``department``, ``team``; its active members as the roster is
    now) for a period. Sheets: 概况 (the figures at a glance), 成员, 活动 (each event session held
    with the team expected, against who came), 出勤明细, 学时明细, 测验成绩, 竞赛成绩, 考核指标 (the
    period's indicator rows, as locked when the period is). ``NotFound`` for a team without members."""
    tracker.check_role(account, *REPORT_ROLES)
    p = _period(period)
    members = [e for e in tracker.employees(active_only=True) if e["department"] == department and (e["team"] or "") == team]
    if not team or not members:
        raise NotFound(f"no active employee in team '{team}' of department '{department}'")
    ids = [m["id"] for m in members]
    names = {m["id"]: m["name"] for m in members}
    rule = catalog.assessment.attendance if catalog.assessment else AttendanceRule()

    # attendance at events, with the 学时 each session earned (the ledger's, after caps)
    facts = attendance_facts(tracker, catalog, p)
    facts = facts[facts["employee_id"].isin(ids)].reset_index(drop=True)
    ledger: list = []
    for year in range(p.start.year, p.end.year + 1):
        for emp, entries in raw_entries(tracker, catalog, ids, year).items():
            ledger += [(emp, e) for e in apply_caps(entries, rules_of(catalog)) if p.start <= e.day <= p.end]
    counted = {(emp, e.source): e.counted for emp, e in ledger if e.kind == "events"}

    def kind_name(kind: str) -> str:
        return word(f"events.kind.{kind}", lang)

    detail = pd.DataFrame(
        [
            (
                f.date.isoformat(),
                kind_name(f.kind),
                f.title,
                f.employee_id,
                names[f.employee_id],
                word(f"events.status.{f.status}", lang) if isinstance(f.status, str) else word("report.col.not_recorded", lang),
                int(f.minutes),
                counted.get((f.employee_id, f"{f.event_id}/{f.session_id}"), 0.0),
            )
            for f in facts.itertuples(index=False)
        ],
        columns=ATTENDANCE_DETAIL,
    )
    activities = []
    for _key, part in facts.groupby(["event_id", "session_id"], sort=False):
        first = part.iloc[0]
        statuses = part["status"].fillna("not_recorded").value_counts()
        expected = len(part)
        row = {
            "date": first["date"].isoformat(),
            "start": first["start"],
            "kind": kind_name(first["kind"]),
            "title": first["title"],
            "place": first["place"],
            "credit": float(first["credit"]),
            "expected": expected,
            **{s: int(statuses.get(s, 0)) for s in STATUS_COLUMNS},
            "attendance_rate": round(int(attended(part["status"]).sum()) / expected, 4),
        }
        activities.append(row)
    activities_df = pd.DataFrame(activities, columns=ACTIVITY_COLUMNS)

    # 学时 entries of the period
    hours_df = pd.DataFrame(
        sorted(
            (e.day.isoformat(), emp, names[emp], word(f"hours.kind.{e.kind}", lang), e.title, e.hours, e.counted)
            for emp, e in ledger
        ),
        columns=HOURS_DETAIL,
    )

    # quizzes (as the reader may see them: an organizer the quizzes they run) and competitions
    ein, eparams = _in("m", ids)
    scope, sparams = _scope(tracker, account)
    attempts = _q(
        tracker,
        f"SELECT employee_id, quiz_id, submitted_at, percent, passed FROM attempts WHERE employee_id IN {ein} "
        f"AND submitted_at >= :lo AND submitted_at < :hi AND quiz_kind != 'practice'{scope} ORDER BY submitted_at, id",
        {"lo": p.lo, "hi": p.hi, **eparams, **sparams},
    )
    quizzes_df = pd.DataFrame(
        [
            (
                _day(a["submitted_at"]),
                a["employee_id"],
                names[a["employee_id"]],
                catalog.quizzes[a["quiz_id"]].title if a["quiz_id"] in catalog.quizzes else a["quiz_id"],
                a["percent"],
                bool(a["passed"]),
            )
            for a in attempts
        ],
        columns=QUIZ_COLUMNS,
    )
    runs = _q(
        tracker,
        "SELECT r.id, r.title, r.finished_at, m.team, m.employee_id, res.rank FROM competition_members m "
        "JOIN competition_runs r ON r.id = m.run_id "
        "LEFT JOIN competition_results res ON res.run_id = m.run_id AND res.team = m.team "
        f"WHERE r.status = 'finished' AND r.counts = 1 AND r.finished_at >= :lo AND r.finished_at < :hi AND m.employee_id IN {ein} "
        "ORDER BY r.finished_at, r.id, m.employee_id",
        {"lo": p.lo, "hi": p.hi, **eparams},
    )
    run_ids = sorted({x["id"] for x in runs})
    teams_n: dict[str, int] = {}
    if run_ids:
        rin, rparams = _in("r", run_ids)
        for x in _q(tracker, f"SELECT run_id FROM competition_results WHERE run_id IN {rin}", rparams):
            teams_n[x["run_id"]] = teams_n.get(x["run_id"], 0) + 1
    comps_df = pd.DataFrame(
        [
            (
                _day(x["finished_at"]),
                x["title"],
                x["employee_id"],
                names[x["employee_id"]],
                x["team"],
                x["rank"],
                teams_n.get(x["id"], 0),
            )
            for x in runs
        ],
        columns=COMPETITION_COLUMNS,
    )

    # the indicator of the period (stored when locked), and each member's figures
    indicators = assessment_indicators(tracker, account, p, catalog, lang=lang)
    mine = indicators[indicators["employee_id"].isin(ids)].reset_index(drop=True)
    indicator_of = dict(zip(mine["employee_id"], mine["indicator"], strict=True))
    due = required_hours(rules_of(catalog).required, p)
    got = {emp: 0.0 for emp in ids}
    for emp, e in ledger:
        got[emp] = round(got[emp] + e.counted, 2)
    member_rows = []
    for m in members:
        statuses = list(facts.loc[facts["employee_id"] == m["id"], "status"])
        n, went, rate = attendance_rate(statuses, rule)
        mine_q = quizzes_df[quizzes_df["employee_id"] == m["id"]]
        member_rows.append(
            {
                "employee_id": m["id"],
                "name": m["name"],
                "sessions_expected": n,
                "sessions_attended": went,
                "attendance_rate": rate,
                "hours": got[m["id"]],
                "hours_required": due,
                "hours_met": got[m["id"]] >= due,
                "attempts": len(mine_q),
                "quizzes_passed": int(mine_q.loc[mine_q["passed"].astype(bool), "title"].nunique()),
                "competitions": int((comps_df["employee_id"] == m["id"]).sum()),
                "indicator": indicator_of.get(m["id"]),
            }
        )
    members_df = pd.DataFrame(member_rows, columns=MEMBER_COLUMNS)

    # the figures at a glance
    expected_all = int(facts["status"].map(lambda s: isinstance(s, str)).sum())
    took = set(facts.loc[attended(facts["status"]), "employee_id"]) | set(quizzes_df["employee_id"])
    took |= {emp for emp, e in ledger if e.kind == "lessons"}
    took |= set(comps_df["employee_id"])
    total_hours = round(sum(got.values()), 2)
    indicator_values = [v for v in indicator_of.values() if v is not None and not pd.isna(v)]
    summary = [
        (word("report.team", lang), team),
        (word("report.col.department", lang), department),
        (word("report.period", lang), p.key),
        (word("report.team.headcount", lang), len(members)),
        (word("report.team.sessions", lang), len(activities_df)),
        (
            word("report.team.attendance_rate", lang),
            f"{int(attended(facts['status']).sum()) / expected_all:.1%}" if expected_all else "—",
        ),
        (word("report.team.hours_total", lang), total_hours),
        (word("report.team.hours_per_head", lang), round(total_hours / len(members), 2)),
        (word("report.team.hours_met", lang), f"{sum(1 for v in got.values() if v >= due)} / {len(members)}（{due:g}）"),
        (word("report.team.participation", lang), f"{len(took & set(ids)) / len(members):.1%}"),
        (word("report.team.attempts", lang), len(quizzes_df)),
        (word("report.team.avg_percent", lang), round(float(quizzes_df["percent"].mean()), 2) if len(quizzes_df) else "—"),
        (word("report.team.competitions", lang), len(comps_df)),
        (
            word("report.team.indicator", lang),
            round(sum(indicator_values) / len(indicator_values), 2) if indicator_values else "—",
        ),
    ]
    summary_df = pd.DataFrame(summary, columns=["item", "value"]).astype({"value": object})
    summary_df.attrs["figures"] = {
        "headcount": len(members),
        "sessions": len(activities_df),
        "attendance_rate": int(attended(facts["status"]).sum()) / expected_all if expected_all else None,
        "hours_per_head": round(total_hours / len(members), 2),
        "indicator": round(sum(indicator_values) / len(indicator_values), 2) if indicator_values else None,
    }
    lock = indicators.attrs.get("locked")
    notes = {
        word("report.team", lang): f"{department} · {team}",
        word("report.period", lang): p.key,
        word("report.start", lang): p.start.isoformat(),
        word("report.end", lang): p.end.isoformat(),
        word("report.locked_by", lang): f"{lock['locked_by']} {lock['locked_at']}" if lock else word("report.not_locked", lang),
        word("report.team.generated", lang): (now or utcnow()).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        word("report.team.generated_by", lang): account.username,
    }
    tables = {
        word("report.sheet.team_summary", lang): summary_df,
        word("report.sheet.team_members", lang): members_df,
        word("report.sheet.team_activities", lang): activities_df,
        word("report.sheet.team_attendance", lang): detail,
        word("report.sheet.team_hours", lang): hours_df,
        word("report.sheet.team_quizzes", lang): quizzes_df,
        word("report.sheet.team_competitions", lang): comps_df,
        word("report.sheet.assessment", lang): mine,
    }
    return ReportOutput(f"learning-team-{department}-{team}-{p.key}", tables, notes, lang)
