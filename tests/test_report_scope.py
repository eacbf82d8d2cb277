"""Organizers see the reports of the quizzes they run (and of quizzes nobody runs); leaders see all."""

from __future__ import annotations

import pytest

from quizzes import load_catalog
from tests.conftest import SMALL_QUIZ, at, write_files
from tracker import AccessDenied, Account, AccountError
from tracker import reports as R

ORG_A, ORG_B, LEADER = Account("org_a", "organizer"), Account("org_b", "organizer"), Account("boss", "leader")
PERIOD = "2026-03"


@pytest.fixture
def data(tracker, tmp_path):
    content = write_files(
        tmp_path / "c",
        {
            "quizzes/q1.yaml": SMALL_QUIZ.replace("id: small", "id: q1"),
            "quizzes/q2.yaml": SMALL_QUIZ.replace("id: small", "id: q2"),
            "quizzes/q3.yaml": SMALL_QUIZ.replace("id: small", "id: q3"),
        },
    )
    quizzes = load_catalog(content).quizzes
    for emp, dept in (("E1", "办公室"), ("E2", "办公室"), ("E3", "执法大队")):
        tracker.add_employee(emp, emp, dept)
    for name in ("org_a", "org_b"):
        tracker.add_user(name, "password-1", "organizer")
    # E1 takes q1 (run by org_a), E2 takes q2 (run by org_b), E3 takes q3 (run by nobody)
    for emp, quiz in (("E1", "q1"), ("E2", "q2"), ("E3", "q3")):
        attempt = tracker.start_attempt(emp, quizzes[quiz], now=at("2026-03-10T02:00"))
        tracker.submit_attempt(attempt, {"s1": "A"}, now=at("2026-03-10T02:05"))
    tracker.set_quiz_owners(ORG_A, "q1", ["org_a"])
    tracker.set_quiz_owners(ORG_A, "q2", ["org_b"])
    return tracker


def participants(tracker, account) -> dict[str, int]:
    df = R.participation_report(tracker, account, PERIOD)
    return dict(zip(df["department"], df["participants"], strict=True))


@pytest.mark.parametrize(
    ("account", "expected"),
    [
        (LEADER, {"办公室": 2, "执法大队": 1, "合计": 3}),
        (ORG_A, {"办公室": 1, "执法大队": 1, "合计": 2}),
        (ORG_B, {"办公室": 1, "执法大队": 1, "合计": 2}),
    ],
)
def test_participation_counts_only_the_organizers_quizzes(data, account, expected):
    assert participants(data, account) == expected


@pytest.mark.parametrize(("account", "quizzes"), [(LEADER, {"q1", "q2", "q3"}), (ORG_A, {"q1", "q3"}), (ORG_B, {"q2", "q3"})])
def test_heat_map_and_trend_are_scoped(data, account, quizzes):
    assert set(R.score_matrix(data, account, PERIOD)["quiz_id"]) == quizzes
    assert R.participation_trend(data, account, PERIOD)["participants"].sum() == len(quizzes)


def test_non_participants_follow_the_scope(data):
    assert set(R.non_participants(data, ORG_A, PERIOD)["employee_id"]) == {"E2"}
    assert set(R.non_participants(data, LEADER, PERIOD)["employee_id"]) == set()


def test_item_analysis_of_another_organizers_quiz_is_refused(data):
    assert len(R.item_analysis(data, ORG_A, quiz_id="q1")) == 5
    with pytest.raises(AccessDenied, match="run by other organizers"):
        R.item_analysis(data, ORG_B, quiz_id="q1")
    assert len(R.item_analysis(data, LEADER, quiz_id="q1")) == 5


def test_only_organizers_can_be_owners_and_only_owners_or_admins_change_them(data):
    with pytest.raises(AccountError, match="boss is not an organizer"):
        data.set_quiz_owners(ORG_A, "q3", ["boss"])
    with pytest.raises(AccessDenied):
        data.set_quiz_owners(LEADER, "q3", ["org_a"])
    with pytest.raises(AccessDenied, match="run by other organizers"):  # org_b cannot take org_a's quiz
        data.set_quiz_owners(ORG_B, "q1", ["org_b"])
    assert data.quiz_owners()["q1"] == {"org_a"}
    data.set_quiz_owners(ORG_A, "q1", ["org_a", "org_b"])  # its owner shares it
    assert data.quiz_owners()["q1"] == {"org_a", "org_b"}
    assert participants(data, ORG_B)["合计"] == 3
