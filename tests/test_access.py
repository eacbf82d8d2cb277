"""Access: every call of the UI checked against the account's role and identity, in the library."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from quizzes import load_catalog
from tests.conftest import SMALL_QUIZ, at
from tracker import AccessDenied, QuizUnavailable, passwords
from tracker.access import WRONG_BOOK_ID, Access, QuizStatus, ShownQuestion, attempt_review_allowed
from tracker.reports import date_period

T0 = at("2026-03-10T02:00")
PASSWORD = "correct-horse-1"

# The small quiz: s1 single 2 pts (A), m1 multiple 3 pts (ABD), t1 true_false 1 pt (对),
# f1 fill_blank 1 pt (预防为主), c1 scenario 1 pt (A 1, B 0.5, C 0): 8 points.
ALL_RIGHT = {"s1": "A", "m1": "ABD", "t1": "对", "f1": ["预防为主"], "c1": "A"}
SOME_WRONG = {"s1": "A", "m1": "AB", "t1": "对", "f1": ["综合防治"], "c1": "B"}  # m1, f1, c1 wrong
SEED = 2  # with shuffled options: s1 shown B C D A, m1 D B A C, c1 C A B


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    """Cheaper scrypt for these tests (accounts are set up in every test)."""
    monkeypatch.setattr(passwords, "N", 2**8)


@pytest.fixture
def bureau(tracker):
    """Two employees in two departments and one account of each kind; returns {name: Access}."""
    tracker.add_employee("E001", "张三", "办公室", "综合组")
    tracker.add_employee("E002", "李四", "执法大队", "一中队")
    accounts = {
        "zhang": tracker.add_user("zhang", PASSWORD, "employee", "E001"),
        "li": tracker.add_user("li", PASSWORD, "employee", "E002"),
        "org": tracker.add_user("org", PASSWORD, "organizer"),
        "boss": tracker.add_user("boss", PASSWORD, "leader"),
        "root": tracker.add_user("root", PASSWORD, "admin"),
    }
    return {name: Access(tracker, account) for name, account in accounts.items()}


@pytest.fixture
def zhang(bureau):
    return bureau["zhang"]


def quiz_yaml(quiz_id: str, extra: str = "") -> str:
    """The small quiz's YAML under another id, with extra top-level lines."""
    return SMALL_QUIZ.replace("id: small\n", f"id: {quiz_id}\n{extra}", 1)


@pytest.fixture
def windowed(make_content):
    """Quizzes with a window, written as content files: later (opens tomorrow), over (closed
    yesterday), closing (closes in an hour)."""
    root = make_content(
        {
            "quizzes/later.yaml": quiz_yaml("later", "opens: '2026-03-11T02:00+00:00'\n"),
            "quizzes/over.yaml": quiz_yaml("over", "opens: '2026-03-01T00:00+00:00'\ncloses: '2026-03-09T02:00+00:00'\n"),
            "quizzes/closing.yaml": quiz_yaml("closing", "closes: '2026-03-10T03:00+00:00'\n"),
        }
    )
    catalog = load_catalog(root)
    assert not catalog.errors
    return catalog.quizzes


def submitted(access: Access, quiz, responses: dict, at_time: dt.datetime = T0) -> str:
    attempt_id = access.start_attempt(quiz, now=at_time)
    access.submit(attempt_id, responses, now=at_time + minutes(5))
    return attempt_id


# -- someone else's attempt ---------------------------------------------------------------------

SELF_SERVICE = {
    "own_attempt": lambda a, i: a.own_attempt(i),
    "shown_questions": lambda a, i: a.shown_questions(i),
    "saved_responses": lambda a, i: a.saved_responses(i),
    "save_answer": lambda a, i: a.save_answer(i, "s1", "B", now=T0 + minutes(1)),
    "submit": lambda a, i: a.submit(i, {"s1": "B"}, now=T0 + minutes(1)),
    "result": lambda a, i: a.result(i),
}


@pytest.fixture
def li_attempts(bureau, small_quiz):
    """Li's attempts: one in progress (with s1 answered A), one submitted."""
    li = bureau["li"]
    done = submitted(li, small_quiz.model_copy(update={"id": "other"}), ALL_RIGHT, T0 - minutes(30))
    open_id = li.start_attempt(small_quiz, now=T0)
    li.save_answer(open_id, "s1", "A", now=T0)
    return {"open": open_id, "done": done}


@pytest.mark.parametrize("viewer", ["zhang", "org", "boss", "root"])
@pytest.mark.parametrize("which", ["open", "done"])
@pytest.mark.parametrize("method", SELF_SERVICE)
def test_someone_elses_attempt_is_refused(bureau, li_attempts, tracker, viewer, which, method):
    attempt_id = li_attempts[which]
    before = (tracker.attempt(attempt_id), tracker.saved_responses(attempt_id))
    with pytest.raises(AccessDenied, match=f"attempt {attempt_id} belongs to someone else"):
        SELF_SERVICE[method](bureau[viewer], attempt_id)
    assert (tracker.attempt(attempt_id), tracker.saved_responses(attempt_id)) == before


OWN_RESULT = {
    "own_attempt": lambda got, tracker, i: got["id"] == i and got["employee_id"] == "E002",
    "shown_questions": lambda got, tracker, i: [s.key for s in got] == [q.key for q in tracker.paper(i).questions],
    "saved_responses": lambda got, tracker, i: got == {"s1": "A"},
    "save_answer": lambda got, tracker, i: tracker.saved_responses(i) == {"s1": "B"},
    "submit": lambda got, tracker, i: tracker.attempt(i)["submitted_at"] is not None and got.score == tracker.attempt(i)["score"],
    "result": lambda got, tracker, i: got.percent == 100.0 and got.score == tracker.attempt(i)["score"],
}


@pytest.mark.parametrize("method", SELF_SERVICE)
def test_ones_own_attempt_is_served(bureau, li_attempts, tracker, method):
    """Each self-service call gives the owner what is theirs (not merely no error)."""
    attempt_id = li_attempts["done" if method == "result" else "open"]
    got = SELF_SERVICE[method](bureau["li"], attempt_id)
    assert OWN_RESULT[method](got, tracker, attempt_id), (method, got)


# -- shown questions: no answer key -------------------------------------------------------------


@pytest.fixture
def explained(small_quiz):
    """The small quiz with shuffled options and an explanation on every question."""
    questions = [q.model_copy(update={"explanation": f"解析{q.id}：依据《职业道德基本规范》"}) for q in small_quiz.questions]
    return small_quiz.model_copy(update={"shuffle_options": True, "questions": questions})


@pytest.fixture
def shown_paper(zhang, tracker, explained):
    attempt_id = tracker.start_attempt("E001", explained, now=T0, seed=SEED)
    return zhang.shown_questions(attempt_id), tracker.paper(attempt_id)


SAFE_FIELDS = {"key", "number", "type", "prompt", "points", "options", "blanks"}


def test_shown_questions_carry_only_safe_fields(shown_paper):
    shown, _ = shown_paper
    assert len(shown) == 5
    for sq in shown:
        assert isinstance(sq, ShownQuestion)
        assert set(dataclasses.asdict(sq)) == SAFE_FIELDS


def test_shown_questions_carry_no_explanation_answer_or_credit(shown_paper, explained):
    shown, _ = shown_paper
    text = json.dumps([dataclasses.asdict(sq) for sq in shown], ensure_ascii=False)
    for q in explained.questions:
        assert q.explanation not in text
    assert "预防为主" not in text  # the accepted fill-in text
    assert "credit" not in text and "answer" not in text and "explanation" not in text
    for sq in shown:
        for option in sq.options:
            assert len(option) == 2 and all(isinstance(part, str) for part in option)  # (letter, text): no credit


@pytest.mark.parametrize("key", ["s1", "m1", "t1", "f1", "c1"])
def test_shown_question_has_none_of_its_answer_key(shown_paper, key):
    shown, paper = shown_paper
    sq = next(s for s in shown if s.key == key)
    q = paper.question(key).question
    fields = dataclasses.asdict(sq)
    text = json.dumps(fields, ensure_ascii=False)
    assert q.explanation not in text
    if q.type in ("single", "multiple"):
        assert q.answer not in fields.values()
    if q.type == "true_false":
        assert not any(isinstance(v, bool) for v in fields.values())
    if q.type == "fill_blank":
        assert all(accepted not in text for blank in q.answer for accepted in blank)
    if q.type == "scenario":
        assert [o.credit for o in q.options] == [1, 0.5, 0]
        assert all(isinstance(part, str) for option in sq.options for part in option)


def test_shown_options_are_in_display_order_with_authored_letters(shown_paper):
    shown, paper = shown_paper
    options = {sq.key: sq.options for sq in shown}
    assert options == {
        "s1": (("B", "追求私利"), ("C", "只对领导负责"), ("D", "按关系办事"), ("A", "爱岗敬业")),
        "m1": (("D", "办事公道"), ("B", "诚实守信"), ("A", "爱岗敬业"), ("C", "投机取巧")),
        "t1": (),
        "f1": (),
        "c1": (("C", "收下自用"), ("A", "婉言谢绝并说明纪律要求"), ("B", "收下后上交单位")),
    }
    for sq, pq in zip(shown, paper.questions, strict=True):
        assert [letter for letter, _ in sq.options] == pq.display_letters


def test_shown_questions_are_numbered_in_paper_order(shown_paper):
    shown, paper = shown_paper
    assert [(sq.number, sq.key, sq.type, sq.points) for sq in shown] == [
        (1, "s1", "single", 2),
        (2, "m1", "multiple", 3),
        (3, "t1", "true_false", 1),
        (4, "f1", "fill_blank", 1),
        (5, "c1", "scenario", 1),
    ]
    assert [sq.prompt for sq in shown] == [pq.question.prompt for pq in paper.questions]


def test_shown_blanks_count(shown_paper):
    shown, _ = shown_paper
    assert {sq.key: sq.blanks for sq in shown} == {"s1": 0, "m1": 0, "t1": 0, "f1": 1, "c1": 0}


def test_shown_blanks_count_of_a_two_blank_question(make_content, zhang):
    root = make_content(
        {
            "quizzes/two.yaml": """
        id: two
        title: 两空
        questions:
          - id: f2
            type: fill_blank
            prompt: 安全生产方针是___、预防为主、___。
            answer: [安全第一, [综合治理, 综合整治]]
    """
        }
    )
    quiz = load_catalog(root).quizzes["two"]
    [sq] = zhang.shown_questions(zhang.start_attempt(quiz, now=T0))
    assert sq.blanks == 2
    assert "安全第一" not in sq.prompt and "综合" not in json.dumps(dataclasses.asdict(sq), ensure_ascii=False)


# -- quiz_status ---------------------------------------------------------------------------------


def _open(zhang, small_quiz, windowed):
    return small_quiz, T0, None


def _in_progress(zhang, small_quiz, windowed):
    return small_quiz, T0 + minutes(1), zhang.start_attempt(small_quiz, now=T0)


def _not_open(zhang, small_quiz, windowed):
    return windowed["later"], T0, None


def _closed(zhang, small_quiz, windowed):
    return windowed["over"], T0, None


def _closed_while_in_progress(zhang, small_quiz, windowed):
    zhang.start_attempt(windowed["closing"], now=T0)  # its deadline is the closing time
    return windowed["closing"], T0 + dt.timedelta(hours=2), None


def _exhausted(zhang, small_quiz, windowed):
    exam = small_quiz.model_copy(update={"kind": "exam"})
    submitted(zhang, exam, {"s1": "A", "m1": "ABD"})
    return exam, T0 + minutes(10), None


def _best_of_two(zhang, small_quiz, windowed):
    submitted(zhang, small_quiz, {"s1": "A"}, T0)  # 25 %
    submitted(zhang, small_quiz, ALL_RIGHT, T0 + minutes(10))  # 100 %
    submitted(zhang, small_quiz, {"s1": "A", "m1": "ABD"}, T0 + minutes(20))  # 62.5 %
    return small_quiz, T0 + minutes(30), None


@pytest.mark.parametrize(
    ("setup", "code", "used", "allowed", "best"),
    [
        pytest.param(_open, "open", 0, None, None, id="open"),
        pytest.param(_in_progress, "in_progress", 1, None, None, id="in_progress"),
        pytest.param(_not_open, "not_open", 0, None, None, id="not_open"),
        pytest.param(_closed, "closed", 0, None, None, id="closed"),
        pytest.param(_closed_while_in_progress, "closed", 1, None, 0.0, id="closed-after-time-ran-out"),
        pytest.param(_exhausted, "exhausted", 1, 1, 62.5, id="exhausted"),
        pytest.param(_best_of_two, "open", 3, None, 100.0, id="best_percent"),
    ],
)
def test_quiz_status(zhang, small_quiz, windowed, setup, code, used, allowed, best):
    quiz, now, attempt_id = setup(zhang, small_quiz, windowed)
    assert zhang.quiz_status(quiz, now=now) == QuizStatus(code, used, allowed, best, attempt_id)


@pytest.mark.parametrize(
    ("code", "can_start"),
    [("open", True), ("in_progress", True), ("not_open", False), ("closed", False), ("exhausted", False)],
)
def test_quiz_status_can_start(code, can_start):
    assert QuizStatus(code, 0, None, None).can_start is can_start


def test_quiz_status_counts_only_ones_own_attempts(bureau, small_quiz):
    exam = small_quiz.model_copy(update={"kind": "exam"})
    submitted(bureau["li"], exam, ALL_RIGHT)
    assert bureau["zhang"].quiz_status(exam, now=T0 + minutes(10)) == QuizStatus("open", 0, 1, None)


# -- when answers may be shown (attempts.review_after) ---------------------------------------------

CLOSES = at("2026-03-20T08:00")


@pytest.mark.parametrize(
    ("kind", "closes", "now", "allowed"),
    [
        ("quiz", CLOSES, CLOSES - minutes(60), True),
        ("quiz", None, CLOSES, True),
        ("exam", CLOSES, CLOSES - minutes(60), False),
        ("exam", CLOSES, CLOSES - dt.timedelta(milliseconds=1), False),
        ("exam", CLOSES, CLOSES, True),
        ("exam", CLOSES, CLOSES + dt.timedelta(days=1), True),
        ("exam", None, CLOSES, True),
        ("competition", CLOSES, CLOSES - minutes(60), False),
        ("competition", CLOSES, CLOSES + minutes(1), True),
    ],
)
def test_review_is_allowed_after_the_window_of_an_exam_or_contest(zhang, tracker, small_quiz, kind, closes, now, allowed):
    """Practice shows answers at once; exams and contests once their window has closed — as stored
    with the attempt when it starts (``review_after``), so a later content change cannot open it early."""
    quiz = small_quiz.model_copy(update={"kind": kind, "closes": closes})
    attempt_id = submitted(zhang, quiz, ALL_RIGHT, CLOSES - minutes(90))
    assert attempt_review_allowed(tracker.attempt(attempt_id), now) is allowed


def test_practice_attempts_are_reviewed_at_once(zhang, tracker, small_quiz):
    submitted(zhang, small_quiz, SOME_WRONG)
    practice_id = zhang.start_wrong_practice(now=T0 + minutes(30))
    assert attempt_review_allowed(tracker.attempt(practice_id), T0 + minutes(30)) is True


# -- wrong-answer book ---------------------------------------------------------------------------


def test_wrong_book_lists_exactly_the_wrong_questions(zhang, small_quiz):
    submitted(zhang, small_quiz, SOME_WRONG)
    book = zhang.wrong_book()
    assert [(w.key, w.quiz_id, w.question.id, w.response, w.times_wrong) for w in book] == [
        ("small:m1", "small", "m1", "AB", 1),
        ("small:f1", "small", "f1", ["综合防治"], 1),
        ("small:c1", "small", "c1", "B", 1),
    ]
    assert {w.last_seen for w in book} == {"2026-03-10T02:05:00.000+00:00"}


def test_wrong_book_is_empty_after_all_right(zhang, small_quiz):
    submitted(zhang, small_quiz, ALL_RIGHT)
    assert zhang.wrong_book() == []


def test_wrong_book_ignores_attempts_in_progress(zhang, small_quiz):
    attempt_id = zhang.start_attempt(small_quiz, now=T0)
    zhang.save_answer(attempt_id, "s1", "B", now=T0)
    assert zhang.wrong_book() == []


def test_wrong_book_is_ones_own(bureau, small_quiz):
    submitted(bureau["li"], small_quiz, SOME_WRONG)
    assert bureau["zhang"].wrong_book() == []


def test_wrong_book_counts_times_wrong_and_drops_what_was_later_right(zhang, small_quiz):
    submitted(zhang, small_quiz, SOME_WRONG, T0)
    submitted(zhang, small_quiz, {**ALL_RIGHT, "m1": "A"}, T0 + minutes(10))
    assert [(w.key, w.times_wrong, w.response) for w in zhang.wrong_book()] == [("small:m1", 2, "A")]


def test_wrong_book_keys_drawn_questions_by_bank(make_content, zhang):
    root = make_content(
        {
            "banks/mini.yaml": """
            id: mini
            title: 小题库
            questions:
              - {id: q1, type: true_false, prompt: 甲。, answer: 对}
              - {id: q2, type: true_false, prompt: 乙。, answer: 错}
        """,
            "quizzes/drawn.yaml": """
            id: drawn
            title: 抽题
            draw:
              - {bank: mini, count: 2}
        """,
        }
    )
    quiz = load_catalog(root).quizzes["drawn"]
    submitted(zhang, quiz, {"mini/q1": "错", "mini/q2": "错"})
    assert [(w.key, w.quiz_id) for w in zhang.wrong_book()] == [("mini/q1", "drawn")]


def test_wrong_book_keeps_an_open_exams_questions_until_it_closes(zhang, small_quiz):
    exam = small_quiz.model_copy(update={"kind": "exam", "closes": at("2099-01-01T00:00")})
    submitted(zhang, exam, SOME_WRONG)
    row = zhang.tracker.attempt(zhang.tracker.attempts("E001")[0]["id"])
    assert attempt_review_allowed(row, T0 + minutes(10)) is False
    assert zhang.wrong_book() == []


@pytest.fixture
def practised(zhang, tracker, small_quiz):
    """Zhang got m1, f1, c1 wrong, then practised them: m1 right, f1 and c1 wrong again."""
    submitted(zhang, small_quiz, SOME_WRONG, T0)
    practice_id = zhang.start_wrong_practice(now=T0 + minutes(30))
    zhang.save_answer(practice_id, "small:m1", "ABD", now=T0 + minutes(31))
    zhang.submit(practice_id, {"small:f1": "错的", "small:c1": "C"}, now=T0 + minutes(32))
    return practice_id


def test_wrong_practice_is_a_practice_attempt_on_the_book(zhang, tracker, small_quiz):
    submitted(zhang, small_quiz, SOME_WRONG, T0)
    practice_id = zhang.start_wrong_practice(now=T0 + minutes(30))
    row = tracker.attempt(practice_id)
    assert (row["quiz_kind"], row["quiz_id"], row["employee_id"], row["deadline"]) == ("practice", WRONG_BOOK_ID, "E001", None)
    assert [sq.key for sq in zhang.shown_questions(practice_id)] == ["small:m1", "small:f1", "small:c1"]


def test_wrong_practice_keeps_the_option_order(zhang, tracker, explained):
    tracker.start_attempt("E001", explained, now=T0, seed=SEED)
    first = tracker.attempts("E001")[0]["id"]
    tracker.submit_attempt(first, SOME_WRONG, now=T0 + minutes(5))
    practice_id = zhang.start_wrong_practice(now=T0 + minutes(30))
    assert [pq.display_letters for pq in tracker.paper(practice_id).questions] == [
        list("DBAC"),
        [],
        list("CAB"),
    ]


def test_a_question_answered_right_in_practice_leaves_the_book(zhang, practised):
    book = zhang.wrong_book()
    assert [(w.key, w.quiz_id, w.times_wrong) for w in book] == [("small:f1", "small", 2), ("small:c1", "small", 2)]


def test_practice_answers_are_graded(zhang, practised):
    result = zhang.result(practised)
    assert [(r.key, r.correct) for r in result.results] == [("small:m1", True), ("small:f1", False), ("small:c1", False)]


@pytest.mark.parametrize("history", ["nothing", "all_right", "practised_right"])
def test_wrong_practice_on_an_empty_book_is_unavailable(zhang, tracker, small_quiz, history):
    if history == "all_right":
        submitted(zhang, small_quiz, ALL_RIGHT)
    if history == "practised_right":
        submitted(zhang, small_quiz, {**ALL_RIGHT, "s1": "B"})
        practice_id = zhang.start_wrong_practice(now=T0 + minutes(30))
        zhang.submit(practice_id, {"small:s1": "A"}, now=T0 + minutes(31))
    count = len(tracker.attempts("E001"))
    with pytest.raises(QuizUnavailable, match="wrong-answer book is empty"):
        zhang.start_wrong_practice(now=T0 + minutes(40))
    assert len(tracker.attempts("E001")) == count


def test_practice_does_not_count_as_participation(bureau, tracker, small_quiz):
    zhang = bureau["zhang"]
    submitted(zhang, small_quiz, SOME_WRONG, at("2026-02-20T02:00"))  # February
    practice_id = zhang.start_wrong_practice(now=T0)  # March: only practice
    zhang.submit(practice_id, {"small:m1": "ABD"}, now=T0 + minutes(5))
    submitted(bureau["li"], small_quiz, ALL_RIGHT, T0)  # a real March attempt, for contrast
    assert tracker.attempt(practice_id)["quiz_kind"] == "practice"
    df = bureau["org"].participation_report(date_period("2026-03-01", "2026-03-31")).iloc[:-1]  # without 合计
    assert [tuple(r) for r in df[["department", "headcount", "participants"]].itertuples(index=False)] == [
        ("办公室", 1, 0),
        ("执法大队", 1, 1),
    ]


# -- reports: leaders and organizers ------------------------------------------------------------

REPORTS = [
    pytest.param(lambda a, i: a.participation_report(date_period("2026-03-01", "2026-03-31")), id="participation"),
    pytest.param(lambda a, i: a.attempt_of_anyone(i), id="attempt_of_anyone"),
]


@pytest.mark.parametrize("viewer", ["zhang", "li"])
@pytest.mark.parametrize("call", REPORTS)
def test_reports_are_refused_to_employees(bureau, small_quiz, viewer, call):
    attempt_id = submitted(bureau["zhang"], small_quiz, ALL_RIGHT)
    with pytest.raises(AccessDenied, match="leader or organizer"):
        call(bureau[viewer], attempt_id)


@pytest.mark.parametrize("viewer", ["org", "boss", "root"])
def test_participation_for_organizers_leaders_and_admins(bureau, small_quiz, viewer):
    submitted(bureau["zhang"], small_quiz, ALL_RIGHT)
    df = bureau[viewer].participation_report(date_period("2026-03-01", "2026-03-31")).iloc[:-1]  # without 合计
    assert df[["department", "participants"]].values.tolist() == [["办公室", 1], ["执法大队", 0]]


@pytest.mark.parametrize("viewer", ["org", "boss", "root"])
def test_attempt_of_anyone_for_organizers_leaders_and_admins(bureau, small_quiz, viewer):
    attempt_id = submitted(bureau["zhang"], small_quiz, ALL_RIGHT)
    row = bureau[viewer].attempt_of_anyone(attempt_id)
    assert (row["id"], row["employee_id"], row["percent"]) == (attempt_id, "E001", 100.0)


# -- accounts without an employee record -------------------------------------------------------

EMPLOYEE_CALLS = [
    pytest.param(lambda a, q: a.lesson_progress(), id="lesson_progress"),
    pytest.param(lambda a, q: a.my_attempts(), id="my_attempts"),
    pytest.param(lambda a, q: a.start_attempt(q, now=T0), id="start_attempt"),
    pytest.param(lambda a, q: a.quiz_status(q, now=T0), id="quiz_status"),
    pytest.param(lambda a, q: a.wrong_book(), id="wrong_book"),
    pytest.param(lambda a, q: a.start_wrong_practice(now=T0), id="start_wrong_practice"),
]


@pytest.mark.parametrize("viewer", ["org", "boss", "root"])
@pytest.mark.parametrize("call", EMPLOYEE_CALLS)
def test_accounts_without_an_employee_get_no_employee_calls(bureau, tracker, small_quiz, viewer, call):
    with pytest.raises(AccessDenied, match=f"user {viewer} is not linked to an employee record"):
        call(bureau[viewer], small_quiz)
    assert tracker.db["attempts"].count == 0


def test_employee_calls_act_on_ones_own_record(bureau, small_quiz):
    zhang = bureau["zhang"]
    attempt_id = zhang.start_attempt(small_quiz, now=T0)
    assert [a["id"] for a in zhang.my_attempts()] == [attempt_id]
    assert bureau["li"].my_attempts() == []
    assert bureau["li"].quiz_status(small_quiz, now=T0).code == "open"


def test_an_open_exams_answers_are_refused_by_the_library_until_it_closes(zhang, small_quiz):
    exam = small_quiz.model_copy(update={"kind": "exam", "closes": at("2099-01-01T00:00")})
    attempt_id = submitted(zhang, exam, SOME_WRONG)
    assert zhang.outcome(attempt_id)["score"] is not None
    with pytest.raises(AccessDenied, match="are shown after 2099"):
        zhang.result(attempt_id)
    assert zhang.result(attempt_id, now=at("2099-01-01T00:00")).max_score == 8
