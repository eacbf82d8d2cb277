"""The store's attempts: start, save, submit (graded on the server), clamping, atomicity."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

import tracker.store.attempts as store
from quizzes import Quiz
from quizzes.errors import ResponseError
from quizzes.fields import SHANGHAI
from tests.conftest import SMALL_QUIZ, at
from tracker import AttemptClosed, NotFound, QuizUnavailable, Tracker

T0 = at("2026-03-10T02:00")

# The small quiz: s1 single 2 pts (A), m1 multiple 3 pts (ABD), t1 true_false 1 pt (对),
# f1 fill_blank 1 pt (预防为主), c1 scenario 1 pt (A 1, B 0.5, C 0): 8 points, pass at 60 %.
KEYS = ["s1", "m1", "t1", "f1", "c1"]
ALL_RIGHT = {"s1": "A", "m1": "ABD", "t1": "对", "f1": ["预防为主"], "c1": "A"}


@pytest.fixture
def emp(tracker):
    tracker.add_employee("E001", "张三", "办公室", "综合组")
    return "E001"


def variant(quiz: Quiz, **changes) -> Quiz:
    """The quiz with some settings changed (its source, and so its digest, kept)."""
    return quiz.model_copy(update=changes)


def table(tracker, name: str) -> list[dict]:
    return list(tracker.db.query(f"SELECT * FROM {name} ORDER BY 1, 2"))  # any fixed order: compared before/after


def answer_rows(tracker, attempt_id: str) -> list[dict]:
    return list(tracker.db.query("SELECT * FROM answers WHERE attempt_id = ? ORDER BY position", (attempt_id,)))


# -- start_attempt ------------------------------------------------------------------------------


def test_start_attempt_stores_the_drawn_paper(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0, seed=7)
    row = tracker.attempt(attempt_id)
    assert row["employee_id"] == emp
    assert row["quiz_id"] == "small"
    assert row["seed"] == 7
    assert row["started_at"] == "2026-03-10T02:00:00.000+00:00"
    assert row["submitted_at"] is None
    assert row["deadline"] is None
    paper = tracker.paper(attempt_id)
    assert [pq.key for pq in paper.questions] == KEYS
    assert paper.max_score == 8


def test_times_are_stored_in_utc_whatever_the_clock_zone(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI))
    tracker.submit_attempt(attempt_id, {}, now=dt.datetime(2026, 3, 10, 10, 5, tzinfo=SHANGHAI))
    row = tracker.attempt(attempt_id)
    assert (row["started_at"], row["submitted_at"]) == ("2026-03-10T02:00:00.000+00:00", "2026-03-10T02:05:00.000+00:00")


def test_start_attempt_resumes_the_attempt_in_progress(tracker, emp, small_quiz):
    first = tracker.start_attempt(emp, small_quiz, now=T0, seed=1)
    again = tracker.start_attempt(emp, small_quiz, now=T0 + dt.timedelta(minutes=5), seed=2)
    assert again == first
    assert tracker.attempt(first)["seed"] == 1
    assert len(tracker.attempts(emp)) == 1


def test_start_attempt_after_submission_starts_a_new_one(tracker, emp, small_quiz):
    first = tracker.start_attempt(emp, small_quiz, now=T0)
    tracker.submit_attempt(first, ALL_RIGHT, now=T0 + dt.timedelta(minutes=1))
    second = tracker.start_attempt(emp, small_quiz, now=T0 + dt.timedelta(minutes=2))
    assert second != first


def test_start_attempt_sets_the_deadline_from_the_time_limit(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, variant(small_quiz, time_limit=600), now=T0)
    assert tracker.attempt(attempt_id)["deadline"] == "2026-03-10T02:10:00.000+00:00"


def test_start_attempt_deadline_is_the_closing_time_when_earlier(tracker, emp, small_quiz):
    quiz = variant(small_quiz, time_limit=3600, closes=at("2026-03-10T02:30"))
    attempt_id = tracker.start_attempt(emp, quiz, now=T0)
    assert tracker.attempt(attempt_id)["deadline"] == "2026-03-10T02:30:00.000+00:00"


@pytest.mark.parametrize(
    ("opens", "closes", "now", "message"),
    [
        ("2026-03-11T00:00", None, "2026-03-10T23:59", "opens"),
        (None, "2026-03-10T00:00", "2026-03-10T00:00", "closed"),
        (None, "2026-03-10T00:00", "2026-03-12T08:00", "closed"),
        ("2026-03-01T00:00", "2026-03-05T00:00", "2026-03-10T02:00", "closed"),
    ],
)
def test_start_attempt_outside_the_window_is_refused(tracker, emp, small_quiz, opens, closes, now, message):
    quiz = variant(small_quiz, opens=at(opens) if opens else None, closes=at(closes) if closes else None)
    with pytest.raises(QuizUnavailable, match=message):
        tracker.start_attempt(emp, quiz, now=at(now))
    assert tracker.attempts(emp) == []


def test_start_attempt_inside_the_window_is_taken(tracker, emp, small_quiz):
    quiz = variant(small_quiz, opens=at("2026-03-10T00:00"), closes=at("2026-03-11T00:00"))
    attempt_id = tracker.start_attempt(emp, quiz, now=at("2026-03-10T00:00"))
    assert tracker.attempt(attempt_id)["deadline"] == "2026-03-11T00:00:00.000+00:00"


def test_start_attempt_refused_when_all_attempts_are_used(tracker, emp, small_quiz):
    quiz = variant(small_quiz, max_attempts=2)
    for minute in (0, 10):
        attempt_id = tracker.start_attempt(emp, quiz, now=T0 + dt.timedelta(minutes=minute))
        tracker.submit_attempt(attempt_id, ALL_RIGHT, now=T0 + dt.timedelta(minutes=minute + 1))
    with pytest.raises(QuizUnavailable, match="used all 2 attempt"):
        tracker.start_attempt(emp, quiz, now=T0 + dt.timedelta(minutes=20))
    assert len(tracker.attempts(emp)) == 2


def test_exam_allows_one_attempt_by_default(tracker, emp, small_quiz):
    exam = variant(small_quiz, kind="exam")
    attempt_id = tracker.start_attempt(emp, exam, now=T0)
    tracker.submit_attempt(attempt_id, {}, now=T0 + dt.timedelta(minutes=1))
    with pytest.raises(QuizUnavailable):
        tracker.start_attempt(emp, exam, now=T0 + dt.timedelta(minutes=2))


def test_attempts_of_other_employees_do_not_count_towards_the_limit(tracker, emp, small_quiz):
    tracker.add_employee("E002", "李四", "办公室")
    quiz = variant(small_quiz, max_attempts=1)
    tracker.submit_attempt(tracker.start_attempt(emp, quiz, now=T0), {}, now=T0)
    assert tracker.start_attempt("E002", quiz, now=T0)


def test_start_attempt_refuses_an_inactive_employee(tracker, small_quiz):
    tracker.add_employee("E009", "王五", "办公室", active=False)
    with pytest.raises(QuizUnavailable, match="E009 is not active"):
        tracker.start_attempt("E009", small_quiz, now=T0)
    assert table(tracker, "attempts") == []


def test_start_attempt_for_an_unknown_employee_is_not_found(tracker, small_quiz):
    with pytest.raises(NotFound, match="E404"):
        tracker.start_attempt("E404", small_quiz, now=T0)


def test_start_attempt_records_the_content_version(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    digest = hashlib.sha256(SMALL_QUIZ.lstrip("\n").encode()).hexdigest()
    assert tracker.attempt(attempt_id)["content_hash"] == digest
    rows = table(tracker, "content_versions")
    assert len(rows) == 1
    assert rows[0]["hash"] == digest
    assert rows[0]["kind"] == "quiz"
    assert rows[0]["object_id"] == "small"
    assert rows[0]["path"].endswith("small.yaml")
    assert rows[0]["body"] == SMALL_QUIZ.lstrip("\n")
    assert rows[0]["first_seen"] == "2026-03-10T02:00:00.000+00:00"


def test_content_version_is_stored_once_for_many_attempts(tracker, emp, small_quiz):
    tracker.add_employee("E002", "李四", "办公室")
    tracker.start_attempt(emp, small_quiz, now=T0)
    tracker.start_attempt("E002", small_quiz, now=T0 + dt.timedelta(hours=1))
    rows = table(tracker, "content_versions")
    assert len(rows) == 1
    assert rows[0]["first_seen"] == "2026-03-10T02:00:00.000+00:00"


def test_quiz_without_a_source_stores_no_content_version(tracker, emp, small_quiz):
    bare = Quiz.model_validate(small_quiz.model_dump())
    attempt_id = tracker.start_attempt(emp, bare, now=T0)
    assert tracker.attempt(attempt_id)["content_hash"] is None
    assert table(tracker, "content_versions") == []


# -- save_answer --------------------------------------------------------------------------------


def test_save_answer_stores_the_normalized_response(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    tracker.save_answer(attempt_id, "m1", "d, a、B", now=T0 + dt.timedelta(seconds=30))
    tracker.save_answer(attempt_id, "t1", "对", now=T0 + dt.timedelta(seconds=40))
    tracker.save_answer(attempt_id, "f1", " 预防为主 ", now=T0 + dt.timedelta(seconds=50))
    assert tracker.saved_responses(attempt_id) == {"m1": "ABD", "t1": True, "f1": ["预防为主"]}
    rows = {r["question_id"]: r for r in answer_rows(tracker, attempt_id)}
    assert rows["m1"]["response"] == '"ABD"'
    assert rows["m1"]["position"] == 1
    assert rows["m1"]["saved_at"] == "2026-03-10T02:00:30.000+00:00"
    assert rows["m1"]["points"] is None  # not graded while in progress


def test_save_answer_again_replaces_the_draft(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    tracker.save_answer(attempt_id, "s1", "B", now=T0)
    tracker.save_answer(attempt_id, "s1", "a", now=T0 + dt.timedelta(seconds=5))
    assert tracker.saved_responses(attempt_id) == {"s1": "A"}
    assert len(answer_rows(tracker, attempt_id)) == 1


def test_save_answer_none_clears_the_draft(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    tracker.save_answer(attempt_id, "s1", "B", now=T0)
    tracker.save_answer(attempt_id, "s1", None, now=T0)
    assert tracker.saved_responses(attempt_id) == {}
    assert answer_rows(tracker, attempt_id)[0]["response"] is None


def test_save_answer_of_the_wrong_shape_is_refused(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    with pytest.raises(ResponseError, match="s1"):
        tracker.save_answer(attempt_id, "s1", "AB", now=T0)
    assert answer_rows(tracker, attempt_id) == []


def test_save_answer_to_an_unknown_question_is_not_found(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    with pytest.raises(NotFound, match="no question 'zz'"):
        tracker.save_answer(attempt_id, "zz", "A", now=T0)


def test_save_answer_to_an_unknown_attempt_is_not_found(tracker):
    with pytest.raises(NotFound):
        tracker.save_answer("nope", "s1", "A", now=T0)


def test_save_answer_after_submission_is_refused(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    tracker.submit_attempt(attempt_id, {"s1": "A"}, now=T0 + dt.timedelta(minutes=1))
    with pytest.raises(AttemptClosed, match="already submitted"):
        tracker.save_answer(attempt_id, "s1", "B", now=T0 + dt.timedelta(minutes=2))
    assert tracker.saved_responses(attempt_id) == {"s1": "A"}


def test_save_answer_within_the_grace_period_is_taken(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, variant(small_quiz, time_limit=600), now=T0)
    tracker.save_answer(attempt_id, "s1", "A", now=T0 + dt.timedelta(seconds=620))  # deadline + 20 s grace
    assert tracker.saved_responses(attempt_id) == {"s1": "A"}


def test_save_answer_after_deadline_and_grace_is_refused(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, variant(small_quiz, time_limit=600), now=T0)
    with pytest.raises(AttemptClosed, match="time is up"):
        tracker.save_answer(attempt_id, "s1", "A", now=T0 + dt.timedelta(seconds=621))
    assert answer_rows(tracker, attempt_id) == []


# -- submit_attempt -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("responses", "score", "percent", "passed"),
    [
        (ALL_RIGHT, 8.0, 100.0, True),
        ({}, 0.0, 0.0, False),
        # 2 + 0 (AB is not ABD) + 0 (错) + 1 + 0.5 (B has credit 0.5) = 3.5
        ({"s1": "A", "m1": "AB", "t1": "错", "f1": "预防为主", "c1": "B"}, 3.5, 43.75, False),
        # 2 + 3 + 1 + 0 (unanswered) + 0.5 = 6.5
        ({"s1": "a", "m1": ["D", "B", "A"], "t1": True, "c1": "B"}, 6.5, 81.25, True),
        # 0 + 0 (a wrong letter) + 1 + 1 (spaces and width ignored) + 0 = 2
        ({"s1": "D", "m1": "ABCD", "t1": "√", "f1": ["预防 为主"], "c1": "C"}, 2.0, 25.0, False),
        # exactly the pass mark: 2 + 3 = 5 of 8 is 62.5 %
        ({"s1": "A", "m1": "ABD"}, 5.0, 62.5, True),
    ],
)
def test_submit_attempt_grades_on_the_server(tracker, emp, small_quiz, responses, score, percent, passed):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    result = tracker.submit_attempt(attempt_id, responses, now=T0 + dt.timedelta(minutes=3))
    assert (result.score, result.max_score, result.percent, result.passed) == (score, 8.0, percent, passed)
    row = tracker.attempt(attempt_id)
    assert (row["score"], row["max_score"], row["percent"], row["passed"]) == (score, 8.0, percent, int(passed))
    assert row["submitted_at"] == "2026-03-10T02:03:00.000+00:00"
    assert row["auto_submitted"] == 0


def test_submit_attempt_records_points_per_question(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    tracker.submit_attempt(attempt_id, {"s1": "A", "m1": "AB", "t1": "错", "f1": "预防为主", "c1": "B"}, now=T0)
    rows = answer_rows(tracker, attempt_id)
    assert [(r["question_id"], r["position"], r["points"], r["correct"]) for r in rows] == [
        ("s1", 0, 2.0, 1),
        ("m1", 1, 0.0, 0),
        ("t1", 2, 0.0, 0),
        ("f1", 3, 1.0, 1),
        ("c1", 4, 0.5, 0),
    ]
    assert [json.loads(r["response"]) for r in rows] == ["A", "AB", False, ["预防为主"], "B"]


def test_submit_attempt_writes_a_row_for_every_question_even_unanswered(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    tracker.submit_attempt(attempt_id, {"t1": "对"}, now=T0)
    rows = answer_rows(tracker, attempt_id)
    assert [r["question_id"] for r in rows] == KEYS
    assert {r["question_id"]: r["response"] for r in rows} == {"s1": None, "m1": None, "t1": "true", "f1": None, "c1": None}
    assert {r["question_id"]: r["points"] for r in rows} == {"s1": 0.0, "m1": 0.0, "t1": 1.0, "f1": 0.0, "c1": 0.0}


def test_submit_attempt_merges_given_responses_over_saved_ones(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    tracker.save_answer(attempt_id, "s1", "A", now=T0 + dt.timedelta(seconds=10))  # kept: 2
    tracker.save_answer(attempt_id, "m1", "AB", now=T0 + dt.timedelta(seconds=20))  # replaced by ABD: 3
    result = tracker.submit_attempt(attempt_id, {"m1": "ABD", "c1": "A"}, now=T0 + dt.timedelta(minutes=1))
    assert result.score == 6.0
    assert tracker.saved_responses(attempt_id) == {"s1": "A", "m1": "ABD", "c1": "A"}
    saved_at = {r["question_id"]: r["saved_at"] for r in answer_rows(tracker, attempt_id)}
    assert saved_at["s1"] == "2026-03-10T02:00:10.000+00:00"
    assert saved_at["m1"] == "2026-03-10T02:01:00.000+00:00"
    assert saved_at["t1"] is None


def test_submit_attempt_with_none_clears_a_saved_answer(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    tracker.save_answer(attempt_id, "s1", "A", now=T0)
    result = tracker.submit_attempt(attempt_id, {"s1": None}, now=T0)
    assert result.score == 0.0
    assert tracker.saved_responses(attempt_id) == {}


def test_submit_attempt_with_an_unknown_question_is_refused_and_writes_nothing(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    with pytest.raises(NotFound, match="no question 'zz'"):
        tracker.submit_attempt(attempt_id, {"s1": "A", "zz": "A"}, now=T0)
    assert tracker.attempt(attempt_id)["submitted_at"] is None
    assert answer_rows(tracker, attempt_id) == []


def test_submit_unknown_attempt_is_not_found(tracker):
    with pytest.raises(NotFound):
        tracker.submit_attempt("nope", {}, now=T0)


def test_submit_attempt_twice_returns_the_first_grade(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    first = tracker.submit_attempt(attempt_id, {"s1": "A", "c1": "B"}, now=T0 + dt.timedelta(minutes=1))
    second = tracker.submit_attempt(attempt_id, ALL_RIGHT, now=T0 + dt.timedelta(minutes=2))
    assert first.score == 2.5
    assert (second.score, second.max_score, second.percent, second.passed) == (2.5, 8.0, 31.25, False)
    assert [(r.key, r.response, r.points) for r in second.results] == [(r.key, r.response, r.points) for r in first.results]


def test_submit_attempt_twice_writes_nothing_more(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    tracker.save_answer(attempt_id, "t1", "对", now=T0)
    tracker.submit_attempt(attempt_id, {"s1": "A"}, now=T0 + dt.timedelta(minutes=1))
    before = {name: table(tracker, name) for name in ("attempts", "answers", "content_versions")}
    tracker.submit_attempt(attempt_id, ALL_RIGHT, now=T0 + dt.timedelta(minutes=2))
    after = {name: table(tracker, name) for name in ("attempts", "answers", "content_versions")}
    assert after == before


def test_submit_within_grace_takes_the_given_responses(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, variant(small_quiz, time_limit=600), now=T0)
    result = tracker.submit_attempt(attempt_id, ALL_RIGHT, now=T0 + dt.timedelta(seconds=615))
    assert result.score == 8.0
    row = tracker.attempt(attempt_id)
    assert row["auto_submitted"] == 0
    assert row["submitted_at"] == "2026-03-10T02:10:15.000+00:00"


def test_late_submission_is_clamped_to_the_saved_answers(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, variant(small_quiz, time_limit=600), now=T0)
    tracker.save_answer(attempt_id, "s1", "A", now=T0 + dt.timedelta(minutes=2))
    tracker.save_answer(attempt_id, "c1", "B", now=T0 + dt.timedelta(minutes=3))
    result = tracker.submit_attempt(attempt_id, ALL_RIGHT, now=T0 + dt.timedelta(hours=1))
    assert result.score == 2.5  # 2 (s1) + 0.5 (c1); the late ALL_RIGHT is ignored
    row = tracker.attempt(attempt_id)
    assert row["auto_submitted"] == 1
    assert row["submitted_at"] == "2026-03-10T02:10:00.000+00:00"  # the deadline, not the late clock
    assert row["score"] == 2.5
    assert tracker.saved_responses(attempt_id) == {"s1": "A", "c1": "B"}
    saved_at = {r["question_id"]: r["saved_at"] for r in answer_rows(tracker, attempt_id)}
    assert saved_at == {
        "s1": "2026-03-10T02:02:00.000+00:00",
        "m1": None,
        "t1": None,
        "f1": None,
        "c1": "2026-03-10T02:03:00.000+00:00",
    }


def test_submission_one_second_after_the_grace_is_clamped(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, variant(small_quiz, time_limit=600), now=T0)
    result = tracker.submit_attempt(attempt_id, ALL_RIGHT, now=T0 + dt.timedelta(seconds=621))
    assert result.score == 0.0
    assert tracker.attempt(attempt_id)["auto_submitted"] == 1


def test_grace_period_is_configurable(tmp_path, small_quiz):
    strict = Tracker(tmp_path / "strict.db", grace_seconds=0)
    try:
        strict.add_employee("E001", "张三", "办公室")
        attempt_id = strict.start_attempt("E001", variant(small_quiz, time_limit=600), now=T0)
        result = strict.submit_attempt(attempt_id, ALL_RIGHT, now=T0 + dt.timedelta(seconds=601))
        assert result.score == 0.0
        assert strict.attempt(attempt_id)["auto_submitted"] == 1
    finally:
        strict.close()


# -- finalize_expired ---------------------------------------------------------------------------


def test_finalize_expired_submits_attempts_whose_time_ran_out(tracker, emp, small_quiz):
    tracker.add_employee("E002", "李四", "办公室")
    quiz = variant(small_quiz, time_limit=600)
    expired = tracker.start_attempt(emp, quiz, now=T0)
    tracker.save_answer(expired, "s1", "A", now=T0 + dt.timedelta(minutes=1))
    running = tracker.start_attempt("E002", quiz, now=T0 + dt.timedelta(minutes=5))
    unlimited = tracker.start_attempt(emp, variant(small_quiz, id="untimed"), now=T0)

    assert tracker.finalize_expired(now=T0 + dt.timedelta(seconds=621)) == 1

    row = tracker.attempt(expired)
    assert (row["submitted_at"], row["auto_submitted"], row["score"]) == ("2026-03-10T02:10:00.000+00:00", 1, 2.0)
    assert len(answer_rows(tracker, expired)) == 5
    assert tracker.attempt(running)["submitted_at"] is None
    assert tracker.attempt(unlimited)["submitted_at"] is None


def test_finalize_expired_within_the_grace_does_nothing(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, variant(small_quiz, time_limit=600), now=T0)
    assert tracker.finalize_expired(now=T0 + dt.timedelta(seconds=620)) == 0
    assert tracker.attempt(attempt_id)["submitted_at"] is None


def test_finalize_expired_only_for_one_employee(tracker, emp, small_quiz):
    tracker.add_employee("E002", "李四", "办公室")
    quiz = variant(small_quiz, time_limit=600)
    mine = tracker.start_attempt(emp, quiz, now=T0)
    theirs = tracker.start_attempt("E002", quiz, now=T0)
    assert tracker.finalize_expired(now=T0 + dt.timedelta(hours=1), employee_id="E002") == 1
    assert tracker.attempt(mine)["submitted_at"] is None
    assert tracker.attempt(theirs)["submitted_at"] is not None


def test_finalize_expired_twice_submits_once(tracker, emp, small_quiz):
    tracker.start_attempt(emp, variant(small_quiz, time_limit=600), now=T0)
    assert tracker.finalize_expired(now=T0 + dt.timedelta(hours=1)) == 1
    assert tracker.finalize_expired(now=T0 + dt.timedelta(hours=2)) == 0


def test_starting_again_after_the_deadline_finalizes_the_old_attempt(tracker, emp, small_quiz):
    quiz = variant(small_quiz, time_limit=600)
    old = tracker.start_attempt(emp, quiz, now=T0)
    new = tracker.start_attempt(emp, quiz, now=T0 + dt.timedelta(hours=1))
    assert new != old
    assert tracker.attempt(old)["auto_submitted"] == 1
    assert tracker.attempt(new)["submitted_at"] is None


# -- grade_of -----------------------------------------------------------------------------------


def test_grade_of_rebuilds_the_recorded_grade(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    given = tracker.submit_attempt(attempt_id, {"s1": "A", "m1": "AB", "f1": "预防为主", "c1": "B"}, now=T0)
    rebuilt = tracker.grade_of(attempt_id)
    assert (rebuilt.score, rebuilt.max_score, rebuilt.percent, rebuilt.passed) == (3.5, 8.0, 43.75, False)
    assert [(r.key, r.response, r.points) for r in rebuilt.results] == [(r.key, r.response, r.points) for r in given.results]
    assert rebuilt.unanswered == 1


def test_grade_of_an_attempt_in_progress_is_refused(tracker, emp, small_quiz):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    with pytest.raises(AttemptClosed, match="in progress"):
        tracker.grade_of(attempt_id)


def test_grade_of_an_unknown_attempt_is_not_found(tracker):
    with pytest.raises(NotFound):
        tracker.grade_of("nope")


# -- atomicity ----------------------------------------------------------------------------------


class Boom(RuntimeError):
    pass


def _raise(*args, **kwargs):
    raise Boom("disk on fire")


@pytest.mark.parametrize(
    "failing",
    [
        "grade",  # fails before anything is written
        "iso",  # fails after the drafts were deleted, before the new rows and the attempt update
    ],
)
def test_failed_submission_leaves_nothing_half_written(tracker, emp, small_quiz, monkeypatch, failing):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    tracker.save_answer(attempt_id, "s1", "A", now=T0)
    tracker.save_answer(attempt_id, "t1", "对", now=T0)
    attempts_before, answers_before = table(tracker, "attempts"), table(tracker, "answers")

    monkeypatch.setattr(store, failing, _raise)
    with pytest.raises(Boom):
        tracker.submit_attempt(attempt_id, {"m1": "ABD"}, now=T0 + dt.timedelta(minutes=1))
    monkeypatch.undo()

    assert table(tracker, "attempts") == attempts_before
    assert table(tracker, "answers") == answers_before
    assert tracker.attempt(attempt_id)["submitted_at"] is None
    assert tracker.db.execute("SELECT COUNT(*) FROM answers WHERE points IS NOT NULL").fetchone()[0] == 0
    assert not tracker.db.conn.in_transaction


def test_submission_after_a_failed_one_succeeds(tracker, emp, small_quiz, monkeypatch):
    attempt_id = tracker.start_attempt(emp, small_quiz, now=T0)
    tracker.save_answer(attempt_id, "s1", "A", now=T0)
    monkeypatch.setattr(store, "iso", _raise)
    with pytest.raises(Boom):
        tracker.submit_attempt(attempt_id, {"m1": "ABD"}, now=T0)
    monkeypatch.undo()
    assert tracker.submit_attempt(attempt_id, {"m1": "ABD"}, now=T0).score == 5.0
    assert len(answer_rows(tracker, attempt_id)) == 5


# -- attempts() ---------------------------------------------------------------------------------


def test_attempts_lists_newest_first_without_the_paper(tracker, emp, small_quiz):
    other = variant(small_quiz, id="other")
    a1 = tracker.start_attempt(emp, small_quiz, now=T0)
    tracker.submit_attempt(a1, ALL_RIGHT, now=T0 + dt.timedelta(minutes=1))
    a2 = tracker.start_attempt(emp, other, now=T0 + dt.timedelta(hours=1))
    a3 = tracker.start_attempt(emp, small_quiz, now=T0 + dt.timedelta(hours=2))
    rows = tracker.attempts(emp)
    assert [r["id"] for r in rows] == [a3, a2, a1]
    assert "paper" not in rows[0]
    assert rows[2]["score"] == 8.0
    assert rows[0]["submitted_at"] is None


def test_attempts_filtered_by_quiz(tracker, emp, small_quiz):
    a1 = tracker.start_attempt(emp, small_quiz, now=T0)
    tracker.start_attempt(emp, variant(small_quiz, id="other"), now=T0 + dt.timedelta(hours=1))
    assert [r["id"] for r in tracker.attempts(emp, "small")] == [a1]


def test_attempts_of_someone_else_are_not_listed(tracker, emp, small_quiz):
    tracker.add_employee("E002", "李四", "办公室")
    tracker.start_attempt(emp, small_quiz, now=T0)
    assert tracker.attempts("E002") == []


def test_the_sweeper_submits_an_abandoned_attempt_at_its_deadline(tracker, small_quiz):
    import time

    timed = small_quiz.model_copy(update={"time_limit": 60})
    tracker.add_employee("E777", "离开的人", "办公室")
    attempt_id = tracker.start_attempt("E777", timed, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    tracker.save_answer(attempt_id, "s1", "A", now=dt.datetime(2026, 1, 1, 0, 0, 30, tzinfo=dt.UTC))
    tracker.start_sweeper(interval=0.05)
    deadline = time.monotonic() + 10
    while tracker.attempt(attempt_id)["submitted_at"] is None and time.monotonic() < deadline:
        time.sleep(0.05)  # waiting for a background thread: poll the condition
    row = tracker.attempt(attempt_id)
    assert row["submitted_at"] == "2026-01-01T00:01:00.000+00:00" and row["auto_submitted"] == 1 and row["score"] == 2
    tracker.stop_sweeper()
