"""The online contest leaderboard: individual ranking, participation-weighted departments, freezing at close."""

from __future__ import annotations

import datetime as dt

import pytest

from quizzes.model import Quiz
from tests.conftest import at
from tracker import leaderboard as lb

CONTEST = Quiz.model_validate(
    {
        "id": "online-contest",
        "title": "网上竞赛",
        "kind": "competition",
        "leaderboard": True,
        "max_attempts": 2,
        "opens": "2026-12-01T08:00:00+00:00",
        "closes": "2026-12-10T10:00:00+00:00",
        "shuffle_questions": False,
        "shuffle_options": False,
        "questions": [
            {"id": "q1", "type": "single", "prompt": "一？", "options": ["对", "错"], "answer": "A"},
            {"id": "q2", "type": "single", "prompt": "二？", "options": ["对", "错"], "answer": "A"},
        ],
    }
)
BOTH = {"q1": "A", "q2": "A"}
HALF = {"q1": "A", "q2": "B"}


@pytest.fixture(autouse=True)
def fresh_cache():
    lb.clear_cache()
    yield
    lb.clear_cache()


def sit(tracker, employee_id, start, seconds, responses):
    attempt = tracker.start_attempt(employee_id, CONTEST, now=at(start), seed=1)
    tracker.submit_attempt(attempt, responses, now=at(start) + dt.timedelta(seconds=seconds))


@pytest.fixture
def contest(tracker):
    for eid, dept, team in [
        ("E001", "安监部", "一班"),
        ("E002", "安监部", "一班"),
        ("E003", "安监部", "二班"),
        ("E004", "工会", None),
        ("E005", "工会", None),
        ("E007", "综合办", None),
    ]:
        tracker.add_employee(eid, eid, dept, team)
    tracker.add_employee("E006", "E006", "工会", active=False)
    sit(tracker, "E001", "2026-12-02T09:00", 60, BOTH)
    sit(tracker, "E002", "2026-12-02T09:00", 30, BOTH)
    sit(tracker, "E004", "2026-12-03T09:00", 10, HALF)
    sit(tracker, "E005", "2026-12-03T10:00", 60, BOTH)
    sit(tracker, "E007", "2026-12-04T09:00", 20, HALF)  # the first attempt counts …
    sit(tracker, "E007", "2026-12-05T09:00", 5, BOTH)  # … not this better second one
    return tracker


def test_individuals_by_percent_then_time(contest):
    board = lb.leaderboard(contest, CONTEST, now=at("2026-12-10T12:00"))
    ind = board.individuals
    assert list(ind["employee_id"]) == ["E002", "E001", "E005", "E004", "E007"]
    assert list(ind["rank"]) == [1, 2, 2, 4, 5]
    assert list(ind["percent"]) == [100, 100, 100, 50, 50]
    assert list(ind["seconds"]) == [30, 60, 60, 10, 20]
    assert list(ind.columns) == lb.INDIVIDUAL_COLUMNS


def test_departments_are_participation_weighted(contest):
    deps = lb.leaderboard(contest, CONTEST, now=at("2026-12-10T12:00")).departments
    rows = {r["department"]: r for r in deps.to_dict("records")}
    # 安监部: (100 + 100) / 3 active = 66.67 — its two strong members do not carry the third
    assert rows["安监部"] == {
        "department": "安监部",
        "rank": 2,
        "headcount": 3,
        "participants": 2,
        "participation_rate": 0.6667,
        "mean_percent": 100.0,
        "score": 66.67,
    }
    # 工会: (50 + 100) / 2 active (E006 left and does not count) = 75
    assert rows["工会"] == {
        "department": "工会",
        "rank": 1,
        "headcount": 2,
        "participants": 2,
        "participation_rate": 1.0,
        "mean_percent": 75.0,
        "score": 75.0,
    }
    assert rows["综合办"]["score"] == 50.0 and rows["综合办"]["rank"] == 3
    assert list(deps["department"]) == ["工会", "安监部", "综合办"]


def test_teams_of_departments(contest):
    teams = lb.leaderboard(contest, CONTEST, now=at("2026-12-10T12:00")).teams
    assert [(r["department"], r["team"], r["score"], r["rank"]) for r in teams.to_dict("records")] == [
        ("安监部", "一班", 100.0, 1),
        ("安监部", "二班", 0.0, 2),
    ]


def test_live_while_open(contest):
    board = lb.leaderboard(contest, CONTEST, now=at("2026-12-03T09:30"))
    assert not board.frozen
    assert list(board.individuals["employee_id"]) == ["E002", "E001", "E004"]  # E005 and E007 not yet submitted


def test_frozen_after_close_ignores_late_submissions(contest):
    # E003 starts just before closing and submits 5 s after (the store still takes it: grace period)
    attempt = contest.start_attempt("E003", CONTEST, now=at("2026-12-10T09:59:50"), seed=1)
    contest.submit_attempt(attempt, BOTH, now=at("2026-12-10T10:00:05"))
    assert contest.attempt(attempt)["submitted_at"] > "2026-12-10T10:00:00"
    board = lb.leaderboard(contest, CONTEST, now=at("2026-12-11T08:00"))
    assert board.frozen and board.as_of == CONTEST.closes
    assert "E003" not in set(board.individuals["employee_id"])
    rows = {r["department"]: r for r in board.departments.to_dict("records")}
    assert rows["安监部"]["participants"] == 2
    assert lb.leaderboard(contest, CONTEST, now=at("2026-12-12T08:00")) is board  # cached once frozen


def test_empty_board(tracker):
    tracker.add_employee("E001", "E001", "安监部")
    board = lb.leaderboard(tracker, CONTEST, now=at("2026-12-02T08:00"))
    assert board.individuals.empty
    assert board.departments.to_dict("records") == [
        {
            "department": "安监部",
            "rank": 1,
            "headcount": 1,
            "participants": 0,
            "participation_rate": 0.0,
            "mean_percent": 0.0,
            "score": 0.0,
        }
    ]


@pytest.mark.parametrize(
    "seconds, shown",
    [(119.6, "1′59.6″"), (119.96, "2′00.0″"), (59.95, "1′00.0″"), (5.04, "0′05.0″"), (600, "10′00.0″")],
)
def test_time_is_shown_to_tenths_never_as_60_seconds(seconds, shown):
    assert lb.format_seconds(seconds) == shown


def test_same_shown_time_shares_a_rank_and_fast_results_are_flagged(tracker):
    fast = CONTEST.model_copy(update={"flag_faster_than": 20})
    for eid in ("E1", "E2", "E3"):
        tracker.add_employee(eid, eid, "安监部")
    for eid, seconds in (("E1", 30.02), ("E2", 30.04), ("E3", 12)):
        attempt = tracker.start_attempt(eid, fast, now=at("2026-12-02T09:00"), seed=1)
        tracker.submit_attempt(attempt, BOTH, now=at("2026-12-02T09:00") + dt.timedelta(seconds=seconds))
    ind = lb.leaderboard(tracker, fast, now=at("2026-12-03T09:00")).individuals
    assert list(ind["employee_id"]) == ["E3", "E1", "E2"]
    assert list(ind["rank"]) == [1, 2, 2]  # 30.0″ and 30.0″ as shown: one rank
    assert list(ind["flagged"]) == [True, False, False]
    assert not lb.leaderboard(tracker, CONTEST, now=at("2026-12-03T09:00")).individuals["flagged"].any()
