"""学时: each person's yearly ledger of credits with their sources, from the rules of
``assessment.yaml`` (``hours``): lessons finished, quizzes passed, event sessions attended,
competitions taken part in (a run linked to an event session counts once, as that session). ``credit_for`` and ``apply_caps`` are the pure rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from quizzes.catalog import Catalog
from quizzes.fields import SHANGHAI
from quizzes.model import CreditRule, HoursRules
from tracker.attendance import ATTENDED
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


def raw_entries(tracker: Tracker, catalog: Catalog, employee_ids: list[str] | None, year: int) -> dict[str, list[Entry]]:
    """Every credit of the year before caps, by employee (all employees when ``employee_ids`` is None)."""
    rules = rules_of(catalog)
    start, end = _year_bounds(year)
    wanted = None if employee_ids is None else set(employee_ids)
    out: dict[str, list[Entry]] = {}

    def add(employee: str, entry: Entry) -> None:
        if (wanted is None or employee in wanted) and entry.hours > 0:
            out.setdefault(employee, []).append(entry)

    for r in tracker.db.query(
        "SELECT employee_id, lesson_id, completed_at FROM lesson_progress WHERE completed_at >= ? AND completed_at < ?",
        (start, end),
    ):
        lesson = catalog.lessons.get(r["lesson_id"])
        minutes = lesson.minutes if lesson else None
        add(
            r["employee_id"],
            Entry(
                _day(r["completed_at"]),
                "lessons",
                r["lesson_id"],
                lesson.title if lesson else r["lesson_id"],
                credit_for(rules.lessons, minutes=minutes),
            ),
        )
    for r in tracker.db.query(
        "SELECT employee_id, quiz_id, MIN(submitted_at) AS at FROM attempts WHERE passed = 1 AND quiz_kind != 'practice' "
        "AND submitted_at >= ? AND submitted_at < ? GROUP BY employee_id, quiz_id",
        (start, end),
    ):
        quiz = catalog.quizzes.get(r["quiz_id"])
        add(
            r["employee_id"],
            Entry(_day(r["at"]), "quizzes", r["quiz_id"], quiz.title if quiz else r["quiz_id"], credit_for(rules.quizzes)),
        )
    linked = {
        run
        for run, (event_id, session_id) in tracker.linked_runs().items()
        if event_id in catalog.events and session_id in catalog.events[event_id].session_ids
    }  # counted as the event session they are linked to (attendance), not again as a competition
    for r in tracker.db.query(
        "SELECT m.employee_id, r.id, r.title, r.finished_at FROM competition_members m JOIN competition_runs r ON r.id = m.run_id "
        "WHERE r.status = 'finished' AND r.finished_at >= ? AND r.finished_at < ?",
        (start, end),
    ):
        if r["id"] in linked:
            continue
        add(r["employee_id"], Entry(_day(r["finished_at"]), "competitions", r["id"], r["title"], credit_for(rules.competitions)))
    statuses = ",".join(f"'{s}'" for s in ATTENDED)
    for r in tracker.db.query(f"SELECT * FROM attendance WHERE status IN ({statuses})"):
        event = catalog.events.get(r["event_id"])
        if event is None:
            continue
        try:
            session = event.session(r["session_id"])
        except KeyError:
            continue
        if session.date.year != year:
            continue
        hours = credit_for(rules.events, minutes=r["minutes"], credit=event.session_credit(r["session_id"]))
        title = event.title + (f"（{session.title}）" if session.title else "")
        add(
            r["employee_id"],
            Entry(session.date, "events", f"{event.id}/{r['session_id']}", title, hours, detail=f"{r['minutes']}"),
        )
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
                "behind": [f"{n}（{i}）{h:g}" for h, n, i in behind],
            }
        )
    return out
