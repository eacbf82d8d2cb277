"""Attendance at events (培训班, 专题讲座, 交流会, 现场知识竞赛 recorded as an event) in a period, as
one tidy table of facts: every session held in the period and every person expected at it or
recorded for it, with their status. Participation, the assessment indicator and the 学习型班组
pack all count from it, so that they agree.

A session is *held* in a period when its date (Asia/Shanghai) is in the period and its check-in
was opened or it has attendance rows. A closed session's people are its rows (closing wrote 缺席
for everyone expected without one); an open session also lists the expected people without a row
yet (``status`` None: not recorded). The expected are the signed-up people when the event takes
sign-ups, else its audience, from today's active roster.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from tracker.attendance import ATTENDED
from tracker.reports.periods import Period
from tracker.store import Tracker

if TYPE_CHECKING:
    from quizzes.catalog import Catalog

EVENT_KINDS = ("training", "lecture", "exchange", "competition")
MAIN_KINDS = ("training", "lecture", "exchange")  # the kinds the participation table has a column for
FACT_COLUMNS = [
    "event_id",
    "session_id",
    "kind",
    "title",
    "date",
    "start",
    "place",
    "credit",
    "employee_id",
    "status",
    "minutes",
]


def _in(name: str, values: list[str]) -> tuple[str, dict]:
    if not values:
        return "(NULL)", {}
    return "(" + ",".join(f":{name}{i}" for i in range(len(values))) + ")", {f"{name}{i}": v for i, v in enumerate(values)}


def attendance_facts(tracker: Tracker, catalog: Catalog | None, period: Period, employee_id: str | None = None) -> pd.DataFrame:
    """One row per held session of the period and person expected at it or recorded for it
    (``FACT_COLUMNS``; ``status`` is present, late, leave, absent or None), sorted by date."""
    events = {
        e.id: e
        for e in (catalog.events.values() if catalog is not None else [])
        if any(period.start <= s.date <= period.end for s in e.sessions)
    }
    if not events:
        return pd.DataFrame(columns=FACT_COLUMNS)
    ein, eparams = _in("e", sorted(events))
    states = {
        (r["event_id"], r["session_id"]): r["status"]
        for r in tracker.db.query(f"SELECT event_id, session_id, status FROM event_sessions WHERE event_id IN {ein}", eparams)
    }
    one = "AND employee_id = :emp" if employee_id else ""
    recorded: dict[tuple[str, str], dict[str, tuple[str, int]]] = {}
    for r in tracker.db.query(
        f"SELECT event_id, session_id, employee_id, status, minutes FROM attendance WHERE event_id IN {ein} {one}",
        {**eparams, "emp": employee_id},
    ):
        recorded.setdefault((r["event_id"], r["session_id"]), {})[r["employee_id"]] = (r["status"], r["minutes"])
    active: list[dict] | None = None
    rows = []
    for event in events.values():
        for sid, session in zip(event.session_ids, event.sessions, strict=True):
            key = (event.id, sid)
            if not period.start <= session.date <= period.end or (key not in states and key not in recorded):
                continue
            people = dict(recorded.get(key, {}))
            if states.get(key) == "open":  # still open: the expected without a row are not recorded yet
                if active is None:
                    active = tracker.employees(active_only=True)
                signed = (
                    {r["employee_id"] for r in tracker.signups(event.id) if r["status"] == "signed"} if event.signup else None
                )
                for person in active:
                    wanted = person["id"] in signed if signed is not None else event.audience.includes(person)
                    if wanted and person["id"] not in people and (employee_id is None or person["id"] == employee_id):
                        people[person["id"]] = (None, 0)
            credit = event.session_credit(sid)
            for emp, (status, minutes) in people.items():
                rows.append(
                    (
                        event.id,
                        sid,
                        event.kind,
                        event.title,
                        session.date,
                        session.start,
                        session.place,
                        credit,
                        emp,
                        status,
                        minutes,
                    )
                )
    df = pd.DataFrame(rows, columns=FACT_COLUMNS)
    return df.sort_values(["date", "start", "event_id", "session_id", "employee_id"], ignore_index=True)


def attended(status: pd.Series) -> pd.Series:
    """Whether each status is a presence (出席 or 迟到)."""
    return status.isin(ATTENDED)
