"""每日一练: spaced repetition, the draw, streaks and the calendar as tables; the store and Access."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from quizzes import load_catalog
from tests.conftest import CONTENT, at, write_files
from tracker.access import Access, DailyToday
from tracker.errors import AttemptClosed, NotFound
from tracker.practice import (
    CalendarDay,
    ReviewState,
    draw_keys,
    longest_streak,
    month_calendar,
    review_state,
    streak,
    too_fast,
)
from tracker.store import Account

D0 = dt.date(2026, 3, 2)  # a Monday


def d(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


# -- spaced repetition ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "answers, expected",
    [
        ([], ReviewState(None, 0, 0)),
        ([(0, True)], ReviewState(None, 0, 0)),  # right at first sight: never in review
        ([(0, False)], ReviewState(d(1), 0, 0)),  # wrong: back after 1 day
        ([(0, False), (1, True)], ReviewState(d(4), 1, 1)),  # then after 3 days
        ([(0, False), (1, True), (4, True)], ReviewState(None, 0, 0)),  # right twice: retired
        ([(0, False), (1, False)], ReviewState(d(4), 1, 0)),  # wrong in review: rights reset, ladder moves on
        ([(0, False), (1, False), (4, True)], ReviewState(d(11), 2, 1)),  # then after 7 days
        ([(0, False), (1, False), (4, False), (11, True)], ReviewState(d(18), 3, 1)),  # and stays at 7
        ([(0, False), (1, True), (4, False), (11, True), (18, True)], ReviewState(None, 0, 0)),
        ([(0, False), (5, True)], ReviewState(d(8), 1, 1)),  # a late review counts from its own day
        ([(0, False), (1, True), (4, True), (9, False)], ReviewState(d(10), 0, 0)),  # retired, wrong again: anew
        ([(4, True), (0, False), (1, True)], ReviewState(None, 0, 0)),  # order of the input does not matter
    ],
)
def test_review_state(answers, expected):
    assert review_state([(d(n), r) for n, r in answers]) == expected


POOL = [f"b/q{i}" for i in range(10)]


@pytest.mark.parametrize(
    "history, day, count, first",
    [
        # no history: all unseen, the set is count long
        ({}, 0, 5, None),
        # q3 wrong on day 0: due on day 1 and first in the set
        ({"b/q3": [(0, False)]}, 1, 5, ["b/q3"]),
        # not due yet on day 0 (answers of the day itself are not history)
        ({"b/q3": [(0, False)]}, 0, 3, None),
        # two due: the longer overdue first
        ({"b/q3": [(0, False)], "b/q7": [(2, False)]}, 3, 5, ["b/q3", "b/q7"]),
        # right on day 1, next due day 4: not on day 2 …
        ({"b/q3": [(0, False), (1, True)]}, 2, 5, None),
        # … but on day 4, and on day 6 when day 4 was missed
        ({"b/q3": [(0, False), (1, True)]}, 4, 5, ["b/q3"]),
        ({"b/q3": [(0, False), (1, True)]}, 6, 5, ["b/q3"]),
        # retired after two rights: not first any more
        ({"b/q3": [(0, False), (1, True), (4, True)]}, 11, 5, None),
    ],
)
def test_draw_order(history, day, count, first):
    hist = {k: [(d(n), r) for n, r in v] for k, v in history.items()}
    keys = draw_keys(POOL, hist, d(day), count, "E001")
    assert len(keys) == count and len(set(keys)) == count
    if first:
        assert keys[: len(first)] == first
    else:
        assert not {k for k in keys if k in hist and review_state(hist[k]).due and review_state(hist[k]).due <= d(day)}
    seen = set(hist)
    due = set(first or [])
    rest = keys[len(due) :]
    # unseen questions come before seen ones that are not due
    kinds = ["unseen" if k not in seen else "seen" for k in rest]
    assert kinds == sorted(kinds, key=lambda x: x == "seen")


def test_draw_is_reproducible_per_person_and_day():
    assert draw_keys(POOL, {}, d(0), 5, "E001") == draw_keys(POOL, {}, d(0), 5, "E001")
    assert draw_keys(POOL, {}, d(0), 5, "E001") != draw_keys(POOL, {}, d(1), 5, "E001")
    assert draw_keys(POOL, {}, d(0), 5, "E001") != draw_keys(POOL, {}, d(0), 5, "E002")
    # answers given on the day itself do not change that day's draw
    later = {k: [(d(0), False)] for k in POOL[:4]}
    assert draw_keys(POOL, later, d(0), 5, "E001") == draw_keys(POOL, {}, d(0), 5, "E001")


def test_draw_over_days_brings_wrong_questions_back():
    """A person answers every day, always wrong on q0 and q1 the first time: they come back on the
    days the ladder says, then unseen questions fill the set."""
    hist: dict[str, list] = {}
    days_with = {"b/q0": [], "b/q1": []}
    for n in range(12):
        keys = draw_keys(POOL, hist, d(n), 3, "E009")
        for k in keys:
            if k in days_with:
                days_with[k].append(n)
            right = not (k in days_with and len(days_with[k]) == 1)  # wrong only the first time
            hist.setdefault(k, []).append((d(n), right))
    for k, seen_on in days_with.items():
        if seen_on:
            first = seen_on[0]
            assert seen_on[1] == first + 1  # due after 1 day: comes back at once
            assert first + 4 in seen_on  # then after 3 days
            assert review_state(hist[k]).due is None  # right twice: retired


# -- streaks -------------------------------------------------------------------------------------
EVERY_DAY = lambda day: True  # noqa: E731
WORKDAYS = lambda day: day.weekday() < 5  # noqa: E731


@pytest.mark.parametrize(
    "done, scheduled, today, expected",
    [
        ([], EVERY_DAY, 0, 0),
        ([0], EVERY_DAY, 0, 1),
        ([0, 1, 2], EVERY_DAY, 2, 3),
        ([0, 1, 2], EVERY_DAY, 3, 3),  # today still open: not broken yet
        ([0, 1, 2], EVERY_DAY, 4, 0),  # yesterday missed: broken
        ([0, 2, 3], EVERY_DAY, 3, 2),  # a missed day in between breaks it
        ([0, 1, 2, 3, 4], WORKDAYS, 7, 5),  # Mon-Fri done, the weekend has no set, Monday (day 7) open
        ([0, 1, 2, 3, 4, 7], WORKDAYS, 7, 6),
        ([0, 1, 2, 3, 7], WORKDAYS, 7, 1),  # Friday missed
        ([4], WORKDAYS, 6, 1),  # Sunday: Friday done, Saturday off
    ],
)
def test_streak(done, scheduled, today, expected):
    assert streak([d(n) for n in done], scheduled, d(today)) == expected


@pytest.mark.parametrize(
    "done, scheduled, expected",
    [([], EVERY_DAY, 0), ([0, 1, 3, 4, 5], EVERY_DAY, 3), ([0, 1, 2, 3, 4, 7], WORKDAYS, 6), ([0, 2], EVERY_DAY, 1)],
)
def test_longest_streak(done, scheduled, expected):
    assert longest_streak([d(n) for n in done], scheduled) == expected


def test_month_calendar():
    weeks = month_calendar(2026, 3, [d(0), d(1)], WORKDAYS, d(3))
    days = {c.day: c.status for w in weeks for c in w if c is not None}
    assert len(days) == 31 and all(len(w) == 7 for w in weeks)
    assert weeks[0][:6] == [None] * 6 and weeks[0][6] == CalendarDay(dt.date(2026, 3, 1), "off")  # Sunday
    assert [days[d(n)] for n in range(7)] == ["done", "done", "missed", "open", "future", "off", "off"]


@pytest.mark.parametrize(
    "seconds, n, minimum, flagged", [(4, 5, 3, True), (15, 5, 3, False), (14.9, 5, 3, True), (0, 5, 0, False), (1, 0, 3, False)]
)
def test_too_fast(seconds, n, minimum, flagged):
    assert too_fast(seconds, n, minimum) is flagged


# -- content -------------------------------------------------------------------------------------
def test_starter_daily_loads(starter_catalog):
    assert starter_catalog.daily is not None
    s = starter_catalog.daily.sets[0]
    assert s.count == 5 and s.points and len(s.pool) > 100


BANK = """
id: b
title: 题库
questions:
""" + "".join(
    f"""
  - id: q{i}
    type: single
    prompt: 第{i}题
    options: [对的, 错的]
    answer: A
    explanation: 解析{i}
"""
    for i in range(8)
)


@pytest.mark.parametrize(
    "daily, message",
    [
        (
            "sets:\n  - id: a\n    banks: [nope]\n",
            "content/daily.yaml:3: sets[0].banks[0]: daily set 'a' draws from unknown bank 'nope'",
        ),
        (
            "sets:\n  - id: a\n    banks: [b]\n    count: 9\n",
            "content/daily.yaml:4: sets[0].count: daily set 'a' asks for 9 questions",
        ),
        ("sets:\n  - id: a\n    banks: [b]\n    days: [mon, funday]\n", "content/daily.yaml:4: sets[0].days[1]: "),
        ("sets:\n  - id: a\n    banks: [b]\n    dayz: [mon]\n", "unknown key 'dayz' (did you mean 'days'?)"),
        ("sets:\n  - id: a\n    banks: [b, b]\n", "content/daily.yaml:3: sets[0].banks[1]: bank 'b' is listed twice"),
        (
            "sets:\n  - id: a\n    banks: [b]\n  - id: a\n    banks: [b]\n",
            "content/daily.yaml:4: sets[1].id: duplicate daily set id 'a'",
        ),
        ("sets: []\n", "content/daily.yaml:1: sets: needs at least one item"),
    ],
)
def test_daily_validation(tmp_path, daily, message):
    root = write_files(tmp_path / "content", {"banks/b.yaml": BANK, "daily.yaml": daily})
    cat = load_catalog(root)
    shown = [f"{p}" for p in cat.errors]
    assert any(message.replace("content/", f"{root}/") in s for s in shown), shown


# -- the store and Access --------------------------------------------------------------------------
@pytest.fixture
def daily_env(tmp_path, tracker):
    root = write_files(
        tmp_path / "content",
        {
            "banks/b.yaml": BANK,
            "daily.yaml": """
                sets:
                  - id: office
                    audience: {departments: [办公室]}
                    banks: [b]
                    count: 3
                    days: [mon, tue, wed, thu, fri]
                  - id: others
                    banks: [b]
                    count: 2
            """,
        },
    )
    cat = load_catalog(root)
    assert cat.ok, cat.errors
    tracker.add_employee("E001", "张三", "办公室", "一班")
    tracker.add_employee("E002", "李四", "农技站")
    me = Access(tracker, Account("zhang", "employee", "E001", None, False))
    return cat, me


MON = "2026-03-02T01:00"  # 09:00 in Shanghai


def test_daily_today_draws_once_and_shows_no_answer_key(daily_env):
    cat, me = daily_env
    today = me.daily_today(cat, now=at(MON))
    assert isinstance(today, DailyToday) and today.set.id == "office" and today.scheduled
    assert len(today.questions) == 3 and today.results == {} and not today.finished
    again = me.daily_today(cat, now=at("2026-03-02T08:00"))
    assert [q.key for q in again.questions] == [q.key for q in today.questions]
    # nothing of an answer in what is shown before answering
    text = repr([dataclasses.asdict(q) for q in today.questions])
    assert "解析" not in text and "answer" not in text


def test_answer_at_once_then_finish_and_streak(daily_env):
    cat, me = daily_env
    today = me.daily_today(cat, now=at(MON))
    q = today.questions[0]
    wrong = next(letter for letter, text in q.options if text == "错的")
    result = me.answer_daily(q.key, wrong, now=at("2026-03-02T01:00:10"))
    assert not result.correct and result.question.explanation.startswith("解析") and result.question.answer == "A"
    with pytest.raises(AttemptClosed):
        me.answer_daily(q.key, "A", now=at("2026-03-02T01:00:20"))
    with pytest.raises(NotFound):
        me.answer_daily("b/nope", "A", now=at("2026-03-02T01:00:20"))
    for n, other in enumerate(today.questions[1:], start=2):
        me.answer_daily(other.key, "A", now=at(f"2026-03-02T01:00:{10 * n}"))
    done = me.daily_today(cat, now=at("2026-03-02T02:00"))
    assert done.finished and not done.flagged and done.answered == 3 and done.streak == 1
    row = me.tracker.daily_row("E001", dt.date(2026, 3, 2))
    assert row["correct"] == 2 and row["total"] == 3
    # the next day the wrong question comes back first
    tue = me.daily_today(cat, now=at("2026-03-03T01:00"))
    assert tue.questions[0].key == q.key and tue.streak == 1
    # an answer after midnight (Shanghai) for the day before is refused
    with pytest.raises(AttemptClosed):
        me.tracker.answer_daily("E001", dt.date(2026, 3, 2), today.questions[0].key, "A", now=at("2026-03-03T01:00"))


def test_too_fast_is_flagged(daily_env):
    cat, me = daily_env
    today = me.daily_today(cat, now=at(MON))
    for q in today.questions:
        me.answer_daily(q.key, "A", now=at("2026-03-02T01:00:02"))
    assert me.daily_today(cat, now=at("2026-03-02T02:00")).flagged


def test_audience_days_and_calendar(daily_env, tracker):
    cat, me = daily_env
    other = Access(tracker, Account("li", "employee", "E002", None, False))
    assert other.daily_set(cat).id == "others"
    sat = me.daily_today(cat, now=at("2026-03-07T01:00"))  # Saturday: the office set has none
    assert not sat.scheduled and sat.questions == []
    assert len(other.daily_today(cat, now=at("2026-03-07T01:00")).questions) == 2
    for day in ("2026-03-02", "2026-03-03"):
        for q in me.daily_today(cat, now=at(f"{day}T01:00")).questions:
            me.answer_daily(q.key, "A", now=at(f"{day}T01:05"))
    cal = me.daily_calendar(cat, 2026, 3, now=at("2026-03-05T01:00"))
    statuses = {c.day.day: c.status for w in cal["weeks"] for c in w if c}
    assert (statuses[2], statuses[3], statuses[4], statuses[5], statuses[7]) == ("done", "done", "missed", "open", "off")
    assert cal["streak"] == 0 and cal["longest"] == 2 and cal["days_done"] == 2


def test_no_daily_file(tracker):
    cat = load_catalog(CONTENT)
    cat.daily = None
    tracker.add_employee("E001", "张三", "办公室")
    me = Access(tracker, Account("zhang", "employee", "E001", None, False))
    today = me.daily_today(cat, now=at(MON))
    assert today.set is None and today.questions == [] and today.streak == 0


def test_test_clock_only_with_the_test_flag(tmp_path, monkeypatch):
    from quizzes.fields import utcnow

    clock = tmp_path / "clock"
    clock.write_text("2030-01-02T03:04:05", encoding="utf-8")
    monkeypatch.setenv("MINGDE_TEST_CLOCK", str(clock))
    monkeypatch.delenv("MINGDE_TESTING", raising=False)
    assert utcnow().year != 2030
    monkeypatch.setenv("MINGDE_TESTING", "1")
    assert utcnow() == dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    clock.write_text("", encoding="utf-8")
    assert utcnow().year != 2030
