"""Period locks (归档): stored figures survive later changes; unlock recomputes; everything is logged."""

from __future__ import annotations

import pytest

from tests.conftest import at
from tests.test_reports import add_attempt, build_bureau, make_catalog
from tracker import AccessDenied, Account, NotFound
from tracker import reports as r

LEADER = Account("boss", "leader")
ADMIN = Account("root", "admin")


@pytest.fixture
def setup(tracker, tmp_path):
    return build_bureau(tracker), make_catalog(tmp_path / "content")


def indicator_of(df, emp):
    return float(df.set_index("employee_id").loc[emp, "indicator"])


def test_locked_period_returns_the_stored_figures(setup):
    tracker, catalog = setup
    figures = r.assessment_indicators(tracker, LEADER, "2026Q1", catalog)
    lock = r.lock_period(tracker, LEADER, "2026Q1", figures, reason="一季度考核定稿", now=at("2026-04-05T02:00"))
    assert lock == {
        "period_key": "2026Q1",
        "locked_at": "2026-04-05T02:00:00.000+00:00",
        "locked_by": "boss",
        "reason": "一季度考核定稿",
    }
    # the data and the rules change afterwards
    with tracker.write() as db:
        add_attempt(db, "A3", "qh", "2026-02-01T02:00", 100)
        db.execute("UPDATE employees SET department = 'D9' WHERE id = 'A2'")
    catalog.assessment.weights.lessons, catalog.assessment.weights.quizzes = 0.0, 0.7
    stored = r.assessment_indicators(tracker, LEADER, "2026Q1", catalog)
    assert stored.attrs["locked"]["locked_by"] == "boss"
    assert list(stored.columns) == list(figures.columns)
    assert stored.to_dict("records") == figures.to_dict("records")
    assert indicator_of(stored, "A3") == 10.0
    dept = r.assessment_indicators(tracker, LEADER, "2026Q1", catalog, by="department")
    assert list(dept["department"]) == ["D1", "D2", "合计"]  # A2's move to D9 came later
    assert float(dept.iloc[0]["indicator"]) == 52.25
    mine = r.my_indicator(tracker, Account("a3", "employee", "A3"), "2026Q1", catalog)
    assert mine.attrs["locked"] and float(mine["indicator"].iloc[0]) == 10.0
    assert r.period_lock(tracker, LEADER, "2026Q1")["locked_by"] == "boss"
    # unlocked: computed again with the new data and rules
    r.unlock_period(tracker, LEADER, "2026Q1", reason="复核", now=at("2026-04-06T02:00"))
    fresh = r.assessment_indicators(tracker, LEADER, "2026Q1", catalog)
    assert fresh.attrs["locked"] is None
    assert indicator_of(fresh, "A3") != 10.0
    assert r.period_lock(tracker, LEADER, "2026Q1") is None


def test_lock_and_unlock_are_logged(setup):
    tracker, catalog = setup
    figures = r.assessment_indicators(tracker, ADMIN, "2026Q1", catalog)
    r.lock_period(tracker, LEADER, r.parse_period("2026Q1"), figures, now=at("2026-04-05T02:00"))
    r.unlock_period(tracker, ADMIN, "2026Q1", reason="更正", now=at("2026-04-06T02:00"))
    r.lock_period(tracker, LEADER, "2026Q1", figures, reason="重新归档", now=at("2026-04-07T02:00"))
    r.lock_period(tracker, LEADER, "2026-03", figures, now=at("2026-04-08T02:00"))
    log = r.lock_log(tracker, LEADER, "2026Q1")
    assert [tuple(x) for x in log.itertuples(index=False)] == [
        ("2026Q1", "lock", "2026-04-05T02:00:00.000+00:00", "boss", None),
        ("2026Q1", "unlock", "2026-04-06T02:00:00.000+00:00", "root", "更正"),
        ("2026Q1", "lock", "2026-04-07T02:00:00.000+00:00", "boss", "重新归档"),
    ]
    assert len(r.lock_log(tracker, Account("o", "organizer"))) == 4


def test_double_lock_and_unlocking_an_open_period(setup):
    tracker, catalog = setup
    figures = r.assessment_indicators(tracker, LEADER, "2026Q1", catalog)
    r.lock_period(tracker, LEADER, "2026Q1", figures)
    with pytest.raises(r.PeriodLocked):
        r.lock_period(tracker, LEADER, "2026Q1", figures)
    with pytest.raises(NotFound):
        r.unlock_period(tracker, LEADER, "2026Q2")
    assert len(r.lock_log(tracker, LEADER)) == 1  # failed calls write nothing


@pytest.mark.parametrize(
    "account", [Account("o", "organizer"), Account("e", "employee", "A1"), Account("b", "leader", disabled=True), None]
)
def test_only_leaders_and_admins_lock(setup, account):
    tracker, catalog = setup
    figures = r.assessment_indicators(tracker, LEADER, "2026Q1", catalog)
    with pytest.raises(AccessDenied):
        r.lock_period(tracker, account, "2026Q1", figures)
    r.lock_period(tracker, LEADER, "2026Q1", figures)
    with pytest.raises(AccessDenied):
        r.unlock_period(tracker, account, "2026Q1")
    assert r.period_lock(tracker, LEADER, "2026Q1") is not None
