"""学时: each person's yearly ledger of credits with their sources, from the rules of
``assessment.yaml`` (``hours``): lessons finished, quizzes passed, event sessions attended,
competitions taken part in (a run linked to an event session counts once, as that session). ``credit_for`` and ``apply_caps`` are the pure rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd

from quizzes.catalog import Catalog
from quizzes.fields import SHANGHAI
from quizzes.model import CreditRule, HoursRules
from tracker.attendance import ATTENDED
from tracker.export import format_hours
from tracker.store import Tracker, parse_iso

KINDS = ("lessons", "quizzes", "events", "competitions")


@dataclass(frozen=True)
class Entry:
    """One credit: when, of which kind, from what, the 学时 earned and those counted after the cap."""

    day: dt.date
    kind: str
    source: str  # lesson, quiz, event/session or competition run id
    title: str
    hours: float
    counted: float = 0.0
    detail: str = ""


@dataclass
class Ledger:
    """A person's 学时 of one year."""

    employee_id: str
    year: int
    required: float
    entries: list[Entry] = field(default_factory=list)

    @property
    def total(self) -> float:
        return round(sum(e.counted for e in self.entries), 2)

    @property
    def by_kind(self) -> dict[str, float]:
        return {k: round(sum(e.counted for e in self.entries if e.kind == k), 2) for k in KINDS}

    @property
    def met(self) -> bool:
        return self.total >= self.required

    @property
    def missing(self) -> float:
        return round(max(0.0, self.required - self.total), 2)


def credit_for(rule: CreditRule, *, minutes: float | None = None, credit: float | None = None) -> float:
    """The 学时 of one item: nothing below ``min_minutes``; one per ``per_minutes`` minutes when the
    item has a length; else the item's own credit (an event's) or the rule's."""
    if minutes is not None and minutes < rule.min_minutes:
        return 0.0
    if rule.per_minutes and minutes:
        return round(minutes / rule.per_minutes, 2)
    return round(credit if credit is not None else rule.credit, 2)


def apply_caps(entries: list[Entry], rules: HoursRules) -> list[Entry]:
    """Entries in date order with ``counted`` set: each kind counts up to its yearly cap, the
    earliest first; what passes the cap counts 0 (the entry stays, for the record)."""
    used = dict.fromkeys(KINDS, 0.0)
    out = []
    for e in sorted(entries, key=lambda e: (e.day, e.kind, e.source)):
        cap = getattr(rules, e.kind).cap
        room = e.hours if cap is None else max(0.0, min(e.hours, cap - used[e.kind]))
        used[e.kind] += room
        out.append(replace(e, counted=round(room, 2)))
    return out


def rules_of(catalog: Catalog) -> HoursRules:
    return catalog.assessment.hours if catalog.assessment else HoursRules()


def _year_bounds(year: int) -> tuple[str, str]:
    start = dt.datetime(year, 1, 1, tzinfo=SHANGHAI).astimezone(dt.UTC).isoformat()
    end = dt.datetime(year + 1, 1, 1, tzinfo=SHANGHAI).astimezone(dt.UTC).isoformat()
    return start, end


def _day(text: str) -> dt.date:
    return parse_iso(text).astimezone(SHANGHAI).date()


COLUMNS = ["employee_id", "day", "kind", "source", "title", "hours", "detail"]


def _days(texts: pd.Series) -> pd.Series:
    """ISO timestamps → their dates in Shanghai, all at once (``_day`` for a column)."""
    if texts.empty:
        return pd.Series([], dtype=object, index=texts.index)
    unique = pd.Series(texts.unique())
    days = pd.to_datetime(unique, format="ISO8601", utc=True).dt.tz_convert(SHANGHAI).dt.date
    return texts.map(dict(zip(unique, days, strict=True)))


def _rows(tracker: Tracker, sql: str, params: tuple, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(tracker.db.conn.execute(sql, params).fetchall(), columns=columns)


def raw_table(tracker: Tracker, catalog: Catalog, employee_ids: list[str] | None, year: int) -> pd.DataFrame:
    """Every credit of the year before caps, one row each (``COLUMNS``; all employees when
    ``employee_ids`` is None): one query per kind of source, the rules applied per distinct item."""
    rules = rules_of(catalog)
    start, end = _year_bounds(year)
    parts: list[pd.DataFrame] = []
    # a few people (one person's ledger, a 班组): only their rows are read
    few = employee_ids is not None and len(employee_ids) <= 500
    only = f" AND {{col}} IN ({', '.join('?' * len(employee_ids))})" if few and employee_ids else ""
    who = tuple(employee_ids) if few else ()
    if few and not employee_ids:
        return pd.DataFrame(columns=COLUMNS)

    les = _rows(
        tracker,
        "SELECT employee_id, lesson_id, completed_at FROM lesson_progress WHERE completed_at >= ? AND completed_at < ?"
        + only.format(col="employee_id"),
        (start, end, *who),
        ["employee_id", "source", "at"],
    )
    if not les.empty:
        ids = les["source"].unique()
        lessons = {i: catalog.lessons.get(i) for i in ids}
        credit = {i: credit_for(rules.lessons, minutes=le.minutes if le else None) for i, le in lessons.items()}
        titles = {i: le.title if le else i for i, le in lessons.items()}
        parts.append(les.assign(kind="lessons", title=les["source"].map(titles), hours=les["source"].map(credit), detail=""))

    qz = _rows(
        tracker,
        "SELECT employee_id, quiz_id, MIN(submitted_at) AS at FROM attempts WHERE passed = 1 AND quiz_kind != 'practice' "
        "AND submitted_at >= ? AND submitted_at < ?" + only.format(col="employee_id") + " GROUP BY employee_id, quiz_id",
        (start, end, *who),
        ["employee_id", "source", "at"],
    )
    if not qz.empty:
        titles = {i: (catalog.quizzes[i].title if i in catalog.quizzes else i) for i in qz["source"].unique()}
        parts.append(qz.assign(kind="quizzes", title=qz["source"].map(titles), hours=credit_for(rules.quizzes), detail=""))

    linked = {
        run
        for run, (event_id, session_id) in tracker.linked_runs().items()
        if event_id in catalog.events and session_id in catalog.events[event_id].session_ids
    }  # counted as the event session they are linked to (attendance), not again as a competition
    comp = _rows(
        tracker,
        "SELECT m.employee_id, r.id, r.title, r.finished_at FROM competition_members m JOIN competition_runs r ON r.id = m.run_id "
        "WHERE r.status = 'finished' AND r.counts = 1 AND r.finished_at >= ? AND r.finished_at < ?"
        + only.format(col="m.employee_id"),
        (start, end, *who),
        ["employee_id", "source", "title", "at"],
    )
    comp = comp[~comp["source"].isin(linked)]
    if not comp.empty:
        parts.append(comp.assign(kind="competitions", hours=credit_for(rules.competitions), detail=""))
    for part in parts:
        part["day"] = _days(part.pop("at"))

    statuses = ",".join(f"'{s}'" for s in ATTENDED)
    att = _rows(
        tracker,
        f"SELECT employee_id, event_id, session_id, minutes FROM attendance WHERE status IN ({statuses})"
        + only.format(col="employee_id"),
        who,
        ["employee_id", "event_id", "session_id", "minutes"],
    )
    sessions: dict[tuple[str, str], tuple] = {}  # (event, session) → (date, title, credit) of this year's
    for key in att[["event_id", "session_id"]].drop_duplicates().itertuples(index=False):
        event = catalog.events.get(key.event_id)
        if event is None:
            continue
        try:
            session = event.session(key.session_id)
        except KeyError:
            continue
        if session.date.year == year:
            title = event.title + (f"（{session.title}）" if session.title else "")
            sessions[(key.event_id, key.session_id)] = (session.date, title, event.session_credit(key.session_id))
    keys = list(zip(att["event_id"], att["session_id"], strict=True))
    att = att[[k in sessions for k in keys]]
    if not att.empty:
        info = [sessions[k] for k in zip(att["event_id"], att["session_id"], strict=True)]
        credits = {
            (m, c): credit_for(rules.events, minutes=m, credit=c)
            for m, c in {(int(m), i[2]) for m, i in zip(att["minutes"], info, strict=True)}
        }
        parts.append(
            pd.DataFrame(
                {
                    "employee_id": att["employee_id"].to_numpy(),
                    "day": [i[0] for i in info],
                    "kind": "events",
                    "source": (att["event_id"] + "/" + att["session_id"]).to_numpy(),
                    "title": [i[1] for i in info],
                    "hours": [credits[(int(m), i[2])] for m, i in zip(att["minutes"], info, strict=True)],
                    "detail": att["minutes"].astype(int).astype(str).to_numpy(),
                }
            )
        )

    table = pd.concat([p[COLUMNS] for p in parts], ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    table["hours"] = table["hours"].astype(float)
    keep = table["hours"] > 0
    if employee_ids is not None:
        keep &= table["employee_id"].isin(set(employee_ids))
    return table[keep].reset_index(drop=True)


def raw_entries(tracker: Tracker, catalog: Catalog, employee_ids: list[str] | None, year: int) -> dict[str, list[Entry]]:
    """Every credit of the year before caps, by employee (all employees when ``employee_ids`` is None):
    ``raw_table`` as ``Entry`` objects, in the order of its sources (lessons, quizzes, competitions, events)."""
    out: dict[str, list[Entry]] = {}
    table = raw_table(tracker, catalog, employee_ids, year)
    for emp, day, kind, source, title, hours, detail in zip(*(table[c].tolist() for c in COLUMNS), strict=True):
        out.setdefault(emp, []).append(Entry(day, kind, source, title, hours, detail=detail))
    return out


def ledger(tracker: Tracker, catalog: Catalog, employee_id: str, year: int) -> Ledger:
    """One person's 学时 ledger of ``year``, caps applied."""
    rules = rules_of(catalog)
    entries = raw_entries(tracker, catalog, [employee_id], year).get(employee_id, [])
    return Ledger(employee_id, year, rules.required, apply_caps(entries, rules))


def ledgers(tracker: Tracker, catalog: Catalog, year: int) -> dict[str, Ledger]:
    """Every active employee's ledger of ``year`` (one pass over the data)."""
    rules = rules_of(catalog)
    raw = raw_entries(tracker, catalog, None, year)
    return {
        e["id"]: Ledger(e["id"], year, rules.required, apply_caps(raw.get(e["id"], []), rules))
        for e in tracker.employees(active_only=True)
    }


def requirement_report(tracker: Tracker, account, catalog: Catalog, year: int, by: str = "department") -> list[dict]:
    """Leaders and organizers: by department or 班组, the active headcount, how many meet the yearly
    学时 requirement, their share, the average 学时 per head and who is behind (fewest 学时 first)."""
    tracker.check_role(account, "leader", "organizer")
    if by not in ("department", "team"):
        raise ValueError(f"by must be department or team, not {by!r}")
    books = ledgers(tracker, catalog, year)
    groups: dict[str, list[tuple[dict, Ledger]]] = {}
    for person in tracker.employees(active_only=True):
        groups.setdefault(person[by] or "—", []).append((person, books[person["id"]]))
    out = []
    for name, members in sorted(groups.items()):
        met = sum(1 for _, b in members if b.met)
        behind = sorted((b.total, p["name"], p["id"]) for p, b in members if not b.met)
        out.append(
            {
                "group": name,
                "headcount": len(members),
                "met": met,
                "share": round(met / len(members), 4),
                "hours_per_head": round(sum(b.total for _, b in members) / len(members), 2),
                "behind": [f"{n}（{i}）{format_hours(h)}" for h, n, i in behind],
            }
        )
    return out
