"""Several application nodes on one database: every in-memory cache follows the other nodes' writes,
and sweepers racing on several nodes submit each expired attempt exactly once.

Two ``Tracker`` objects on one database are two nodes: they share no memory but the module-level
caches, which is the harder case (a cache keyed only by the database would be shared by both and
could hide a missing check; each test therefore also writes through the *other* node).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from tests.conftest import at
from tests.test_competition_store import DEPT_COMP, HOST
from tests.test_points import env  # noqa: F401  (a fixture)
from tests.test_reports import LEADER, add_attempt, bureau, catalog  # noqa: F401  (fixtures)
from tests.test_store_attempts import ALL_RIGHT, T0, answer_rows, variant
from tracker import Tracker, points
from tracker import competitions as comps
from tracker import leaderboard as lb
from tracker import reports as r
from tracker.store import Account


@pytest.fixture
def node_b(tracker):
    """A second node on the first one's database."""
    other = Tracker(tracker.path)
    yield other
    other.close()


@pytest.fixture(autouse=True)
def fresh_caches():
    comps.clear_cache()
    lb.clear_cache()
    yield
    comps.clear_cache()
    lb.clear_cache()


# -- the version check ----------------------------------------------------------------------------
def test_the_stamp_moves_with_every_commit_of_any_node(tracker, node_b):
    first = tracker.change_stamp()
    assert first is not None and tracker.change_stamp() == first  # nothing committed: the same
    node_b.add_employee("E001", "张三", "办公室")
    second = tracker.change_stamp()
    assert second != first  # the other node's commit
    tracker.add_employee("E002", "李四", "办公室")
    assert tracker.change_stamp() != second  # this node's own commit (another connection of it)
    assert node_b.change_stamp() == node_b.change_stamp()


def test_no_stamp_inside_a_write_of_this_thread(tracker):
    with tracker.write():
        assert tracker.change_stamp() is None  # uncommitted rows are visible here: never cache them
    assert tracker.change_stamp() is not None


def test_a_rolled_back_write_is_never_cached(bureau, catalog):  # noqa: F811
    before = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog).set_index("employee_id").loc["A3", "quiz_score"]
    with pytest.raises(RuntimeError), bureau.write() as db:
        add_attempt(db, "A3", "qa", "2026-02-02T02:00", 100)
        inside = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog).set_index("employee_id").loc["A3", "quiz_score"]
        assert inside > before  # this thread sees its own write
        raise RuntimeError("roll back")
    after = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog).set_index("employee_id").loc["A3", "quiz_score"]
    assert after == before


def test_cache_ids_name_the_database(tracker, node_b, tmp_path):
    assert tracker.cache_id == node_b.cache_id
    if not tracker.postgres:
        assert tracker.cache_id == str(tracker.path.resolve())
    other = Tracker(tmp_path / "other.db")
    try:
        assert other.cache_id != tracker.cache_id
    finally:
        other.close()


# -- the caches -----------------------------------------------------------------------------------
def test_report_indicators_follow_the_other_node(bureau, catalog):  # noqa: F811
    node_b = Tracker(bureau.path)
    try:
        a3 = lambda t: r.assessment_indicators(t, LEADER, "2026Q1", catalog).set_index("employee_id").loc["A3"]  # noqa: E731
        assert a3(bureau)["quiz_score"] == a3(node_b)["quiz_score"] == 0.0
        with node_b.write() as db:
            add_attempt(db, "A3", "qh", "2026-02-01T02:00", 100)
        assert a3(bureau)["quiz_score"] == 25.0  # node A sees node B's write at once
        with bureau.write() as db:
            add_attempt(db, "A3", "qa", "2026-02-02T02:00", 100)
        assert a3(node_b)["quiz_score"] == 50.0  # and the other way round
    finally:
        node_b.close()


def test_points_totals_follow_the_other_node(env):  # noqa: F811
    _, cat, tracker = env
    node_b = Tracker(tracker.path)
    try:
        period = r.parse_period("2026-03")
        assert len(points.totals(tracker, cat, period)) == 4
        node_b.add_employee("E005", "职工5", "农技站")
        assert "E005" in set(points.totals(tracker, cat, period)["employee_id"])
        assert len(points.totals(node_b, cat, period)) == 5
    finally:
        node_b.close()


def test_a_frozen_leaderboard_follows_a_roster_change_on_the_other_node(tracker, node_b, small_quiz):
    quiz = variant(small_quiz, id="contest", kind="competition", leaderboard=True, closes=at("2026-03-11T00:00"))
    tracker.add_employee("E001", "张三", "办公室")
    attempt = tracker.start_attempt("E001", quiz, now=T0, seed=1)
    tracker.submit_attempt(attempt, ALL_RIGHT, now=T0 + dt.timedelta(minutes=3))
    after = at("2026-03-12T00:00")
    board = lb.leaderboard(tracker, quiz, now=after)
    assert board.frozen and list(board.individuals["name"]) == ["张三"]
    assert lb.leaderboard(tracker, quiz, now=after) is board  # cached while nothing changes
    node_b.save_employee(Account("root", "admin"), "E001", "张三丰", "办公室")
    assert list(lb.leaderboard(tracker, quiz, now=after).individuals["name"]) == ["张三丰"]


def test_the_competition_state_follows_the_other_node(tracker, node_b):
    for eid, dept in [("E001", "安监部"), ("E002", "安监部"), ("E003", "工会"), ("E004", "工会")]:
        tracker.add_employee(eid, eid, dept)
    run_id = comps.create_run(tracker, HOST, DEPT_COMP, mode="host", seed=3, now=at("2026-12-01T08:00"))
    assert comps.state(tracker, run_id).seq == 0
    assert comps.state(node_b, run_id).seq == 0
    comps.append(node_b, HOST, run_id, {"kind": "start"})  # the host is on node B
    assert comps.state(tracker, run_id).seq == 1  # the screen on node A sees it
    comps.append(tracker, HOST, run_id, {"kind": "reveal"})
    assert comps.state(node_b, run_id).seq == 2
    seqs = [e.seq for e in comps.events(tracker, run_id)]
    assert seqs == [1, 2]


# -- the sweeper ----------------------------------------------------------------------------------
def test_sweepers_racing_on_two_nodes_submit_each_attempt_once(tracker, small_quiz):
    quiz = variant(small_quiz, time_limit=600)
    ids = []
    for i in range(30):
        tracker.add_employee(f"E{i:03d}", f"职工{i}", "办公室")
        ids.append(tracker.start_attempt(f"E{i:03d}", quiz, now=T0))
        tracker.save_answer(ids[-1], "s1", "A", now=T0 + dt.timedelta(minutes=1))
    nodes = [Tracker(tracker.path) for _ in range(3)]
    later = T0 + dt.timedelta(hours=1)
    counts: list[int] = []
    start = threading.Barrier(len(nodes))

    def sweep(node: Tracker) -> None:
        start.wait()
        counts.append(node.finalize_expired(now=later))

    threads = [threading.Thread(target=sweep, args=(n,)) for n in nodes]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        for n in nodes:
            n.close()
    assert sum(counts) == len(ids), counts  # each attempt counted by exactly one sweeper
    for attempt_id in ids:
        row = tracker.attempt(attempt_id)
        assert (row["auto_submitted"], row["score"]) == (1, 2.0)
        assert len(answer_rows(tracker, attempt_id)) == 5  # graded once: one row per question
    assert tracker.finalize_expired(now=later) == 0
