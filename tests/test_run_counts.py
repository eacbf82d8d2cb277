"""A competition run is staged as a real one (计入考核, the default) or as a rehearsal that counts
in neither the 考核指标 nor the 学时 ledger (review #2); the host's create form offers the choice."""

from __future__ import annotations

import datetime as dt

import pytest

from quizzes import load_catalog
from tests.conftest import CONTENT
from tests.test_live_pages import click, env, page  # noqa: F401  (the fixture)
from tracker import competitions as comps
from tracker.hours import ledger
from tracker.reports import assessment_indicators, quarter_period
from tracker.store import Account

ORG = Account("org", "organizer")
ADMIN = Account("admin", "admin")
FINISHED = dt.datetime(2026, 2, 10, 2, tzinfo=dt.UTC)


def finish(tracker, run: str) -> None:
    with tracker.write() as db:  # as finish leaves it (the competition tests play a run to its end)
        db.execute("UPDATE competition_runs SET status = 'finished', finished_at = ? WHERE id = ?", (FINISHED.isoformat(), run))
        for team, employee in (("办公室", "E1"), ("工会", "E2")):
            db.execute("INSERT INTO competition_members (run_id, team, employee_id) VALUES (?, ?, ?)", (run, team, employee))


@pytest.mark.parametrize("counts, competitions, total", [(True, 1, 1), (False, 0, 0)])
def test_a_rehearsal_counts_in_neither_the_indicator_nor_the_hours(tracker, counts, competitions, total):
    catalog = load_catalog(CONTENT)
    tracker.add_employee("E1", "张伟", "办公室", "")
    tracker.add_employee("E2", "李娜", "工会", "")
    contest = catalog.competitions["ethics-contest-2026"]
    comps.clear_cache()
    run = comps.create_run(tracker, ORG, contest, teams=[("办公室", ["E1"]), ("工会", ["E2"])], seed=1, counts=counts)
    finish(tracker, run)
    assert tracker.db.execute("SELECT counts FROM competition_runs WHERE id = ?", (run,)).fetchone()[0] == int(counts)
    table = assessment_indicators(tracker, ADMIN, quarter_period(2026, 1), catalog).set_index("employee_id")
    assert table.loc["E1", "competitions"] == competitions and table.loc["E1", "competitions_total"] == total
    assert (table.loc["E1", "competition_score"] > 0) == counts
    book = ledger(tracker, catalog, "E1", 2026)
    assert book.by_kind["competitions"] == (catalog.assessment.hours.competitions.credit if counts else 0.0)


def test_runs_count_by_default(tracker):
    catalog = load_catalog(CONTENT)
    tracker.add_employee("E1", "张伟", "办公室", "")
    tracker.add_employee("E2", "李娜", "工会", "")
    comps.clear_cache()
    run = comps.create_run(
        tracker, ORG, catalog.competitions["ethics-contest-2026"], teams=[("办公室", ["E1"]), ("工会", ["E2"])], seed=1
    )
    assert tracker.db.execute("SELECT counts FROM competition_runs WHERE id = ?", (run,)).fetchone()[0] == 1


@pytest.mark.parametrize("on", [True, False])
def test_the_host_form_stages_a_real_run_or_a_rehearsal(env, on):  # noqa: F811
    at = page(env, "org", "ui/pages/host.py")
    toggle = at.toggle(key="counts")
    assert toggle.value is True and toggle.label == "计入考核（考核指标和学时）"
    if not on:
        toggle.set_value(False).run()
    click(at, "create")
    run = at.query_params["run"]
    assert env.db.execute("SELECT counts FROM competition_runs WHERE id = ?", (run,)).fetchone()[0] == int(on)
