"""``tracker.hours.raw_entries`` (one query per kind of source, pandas) gives what the row-by-row
version it replaced gave, kept here as the reference, on random histories: every source, the year's
bounds in Shanghai time, unknown items, practice and failed attempts, linked runs, the chosen people."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from quizzes import load_catalog
from quizzes.fields import SHANGHAI
from tests.conftest import CONTENT
from tracker.attendance import ATTENDED
from tracker.hours import Entry, _year_bounds, apply_caps, credit_for, ledger, ledgers, raw_entries, rules_of
from tracker.store import parse_iso


def reference_raw_entries(tracker, catalog, employee_ids, year):
    """The row-by-row version (before the speed fix), unchanged."""
    rules = rules_of(catalog)
    start, end = _year_bounds(year)
    wanted = None if employee_ids is None else set(employee_ids)
    out: dict[str, list[Entry]] = {}

    def day(text):
        return parse_iso(text).astimezone(SHANGHAI).date()

    def add(employee, entry):
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
                day(r["completed_at"]),
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
            Entry(day(r["at"]), "quizzes", r["quiz_id"], quiz.title if quiz else r["quiz_id"], credit_for(rules.quizzes)),
        )
    linked = {
        run
        for run, (event_id, session_id) in tracker.linked_runs().items()
        if event_id in catalog.events and session_id in catalog.events[event_id].session_ids
    }
    for r in tracker.db.query(
        "SELECT m.employee_id, r.id, r.title, r.finished_at FROM competition_members m JOIN competition_runs r ON r.id = m.run_id "
        "WHERE r.status = 'finished' AND r.finished_at >= ? AND r.finished_at < ?",
        (start, end),
    ):
        if r["id"] in linked:
            continue
        add(r["employee_id"], Entry(day(r["finished_at"]), "competitions", r["id"], r["title"], credit_for(rules.competitions)))
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


def stamp(rng: random.Random) -> str:
    """A time around the years 2025–2027, often near a new year in Shanghai (UTC+8)."""
    if rng.random() < 0.3:
        base = dt.datetime(rng.choice([2025, 2026, 2027]), 12, 31, 16, tzinfo=dt.UTC)  # 00:00 in Shanghai
        at = base + dt.timedelta(minutes=rng.randint(-90, 90))
    else:
        at = dt.datetime(2025, 11, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 500))
    return at.isoformat()


def fill(tracker, catalog, rng: random.Random) -> list[str]:
    people = [f"E{i}" for i in range(12)]
    for p in people:
        tracker.add_employee(p, f"人{p}", rng.choice(["办公室", "农经站"]), "")
    lessons = [*catalog.lessons, "gone-lesson"]
    quizzes = [*catalog.quizzes, "gone-quiz"]
    db = tracker.db
    for _ in range(rng.randint(0, 40)):
        at = stamp(rng)
        db["lesson_progress"].insert(
            {"employee_id": rng.choice(people), "lesson_id": rng.choice(lessons), "started_at": at, "completed_at": at},
            pk=("employee_id", "lesson_id"),
            replace=True,
        )
    for i in range(rng.randint(0, 80)):
        db["attempts"].insert(
            {
                "id": f"a{i}",
                "employee_id": rng.choice(people),
                "quiz_id": rng.choice(quizzes),
                "quiz_kind": rng.choice(["quiz", "quiz", "practice", "exam"]),
                "seed": 1,
                "paper": "[]",
                "started_at": stamp(rng),
                "submitted_at": stamp(rng) if rng.random() < 0.9 else None,
                "passed": rng.choice([0, 1, 1, None]),
            }
        )
    events = list(catalog.events.values())
    for i in range(rng.randint(0, 6)):
        run = f"r{i}"
        db["competition_runs"].insert(
            {
                "id": run,
                "competition_id": "c",
                "title": f"竞赛{i}",
                "mode": "host",
                "setup": "{}",
                "status": rng.choice(["finished", "finished", "running"]),
                "created_at": stamp(rng),
                "finished_at": stamp(rng),
            }
        )
        for p in rng.sample(people, rng.randint(0, 5)):
            db["competition_members"].insert({"run_id": run, "team": "A", "employee_id": p})
        if events and rng.random() < 0.3:
            ev = rng.choice(events)
            db["event_runs"].insert(
                {
                    "event_id": ev.id,
                    "session_id": rng.choice([*ev.session_ids, "gone"]),
                    "run_id": run,
                    "linked_at": "x",
                    "linked_by": "o",
                },
                replace=True,
            )
    for _ in range(rng.randint(0, 40)):
        ev = rng.choice(events)
        event_id = ev.id if rng.random() < 0.9 else "gone-event"
        session_id = rng.choice([*ev.session_ids, "gone"])
        db["attendance"].insert(
            {
                "event_id": event_id,
                "session_id": session_id,
                "employee_id": rng.choice(people),
                "status": rng.choice(["present", "late", "leave", "absent"]),
                "method": "paper",
                "minutes": rng.choice([0, 10, 29, 30, 45, 90, 180, 240]),
                "recorded_by": "o",
                "recorded_at": stamp(rng),
            },
            pk=("event_id", "session_id", "employee_id"),
            replace=True,
        )
    return people


def in_order(raw: dict[str, list[Entry]]) -> dict[str, list[Entry]]:
    return {emp: sorted(entries, key=lambda e: (e.day, e.kind, e.source)) for emp, entries in raw.items()}


@pytest.mark.parametrize("seed", range(12))
def test_raw_entries_equal_the_row_by_row_version(tracker, seed):
    rng = random.Random(seed)
    catalog = load_catalog(CONTENT)
    if seed % 3 == 1:  # by minutes, with caps and a minimum
        catalog.assessment.hours.events.per_minutes = 60
        catalog.assessment.hours.events.min_minutes = 30
        catalog.assessment.hours.quizzes.cap = 1
    people = fill(tracker, catalog, rng)
    chosen = [None, people[:1], rng.sample(people, 5), [], ["nobody"]]
    for year in (2025, 2026, 2027):
        for ids in chosen:
            got = in_order(raw_entries(tracker, catalog, ids, year))  # rows come in no set order
            want = in_order(reference_raw_entries(tracker, catalog, ids, year))
            for emp in set(got) | set(want):
                assert got.get(emp) == want.get(emp), (year, ids, emp)
            assert got == want, (year, ids)
            rules = rules_of(catalog)
            for emp in want:  # and so the ledgers, caps applied
                assert apply_caps(got[emp], rules) == apply_caps(want[emp], rules)
    for emp in people:
        assert ledger(tracker, catalog, emp, 2026).entries == apply_caps(
            reference_raw_entries(tracker, catalog, [emp], 2026).get(emp, []), rules_of(catalog)
        )
    books = ledgers(tracker, catalog, 2026)
    assert {e: b.total for e, b in books.items()} == {
        e: round(
            sum(x.counted for x in apply_caps(reference_raw_entries(tracker, catalog, [e], 2026).get(e, []), rules_of(catalog))),
            2,
        )
        for e in people
    }
