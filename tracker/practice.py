"""每日一练 rules as pure functions: spaced repetition, the daily draw, streaks and the month calendar.

Days are Asia/Shanghai calendar dates. Nothing here reads the database: the store passes the
history in (``tracker.store.daily``), so that the rules are tested as tables over days.

Spaced repetition: a question answered wrong enters review. Its reviews fall due 1, 3 and then 7
days after the previous answer (the ladder moves one step with every review, and stays at 7). A
wrong review resets the count of right answers; two right answers in a row since the last wrong
one retire the question from review. A due review stays due until it is answered.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

INTERVALS: tuple[int, ...] = (1, 3, 7)
RIGHTS_TO_RETIRE = 2


@dataclass(frozen=True)
class ReviewState:
    """Where one question stands: ``due`` is the day its next review is due (None: not in review)."""

    due: dt.date | None
    reviews: int  # reviews answered since the question entered review
    rights: int  # right answers in a row since the last wrong one


def review_state(history: Iterable[tuple[dt.date, bool]]) -> ReviewState:
    """The review state after a question's answers ``(day, right)`` (any order; sorted by day)."""
    due: dt.date | None = None
    reviews = rights = 0
    for day, right in sorted(history):
        if due is None:
            if not right:
                due, reviews, rights = day + dt.timedelta(days=INTERVALS[0]), 0, 0
            continue
        reviews += 1
        rights = rights + 1 if right else 0
        if rights >= RIGHTS_TO_RETIRE:
            due, reviews, rights = None, 0, 0
        else:
            due = day + dt.timedelta(days=INTERVALS[min(reviews, len(INTERVALS) - 1)])
    return ReviewState(due, reviews, rights)


def seed_of(employee_id: str, day: dt.date) -> int:
    """The draw's seed: the same for a person and day, different across people and days."""
    return int.from_bytes(hashlib.sha256(f"{employee_id}|{day.isoformat()}".encode()).digest()[:8], "big")


def draw_keys(
    pool: Sequence[str],
    history: dict[str, list[tuple[dt.date, bool]]],
    day: dt.date,
    count: int,
    employee_id: str,
) -> list[str]:
    """The question keys of one person's daily set on ``day``: due reviews first (the longest
    overdue first), then questions never answered in 每日一练, then the rest; ties and each group's
    order come from the person's seed for the day. Only answers before ``day`` count, so the draw
    is the same all day long."""
    rng = random.Random(seed_of(employee_id, day))
    keys = sorted(set(pool))
    rng.shuffle(keys)
    due: list[tuple[dt.date, int, str]] = []
    unseen: list[str] = []
    rest: list[str] = []
    for i, key in enumerate(keys):
        past = [(d, r) for d, r in history.get(key, []) if d < day]
        if not past:
            unseen.append(key)
            continue
        state = review_state(past)
        if state.due is not None and state.due <= day:
            due.append((state.due, i, key))
        else:
            rest.append(key)
    ordered = [k for _, _, k in sorted(due)] + unseen + rest
    return ordered[:count]


def streak(done: Iterable[dt.date], scheduled: Callable[[dt.date], bool], today: dt.date) -> int:
    """连续天数: scheduled days with a finished set, counted back from today without a missed
    scheduled day. Days without a set (``scheduled`` false) neither count nor break; today counts
    when done, and does not break the streak while it is still open."""
    days = set(done)
    if not days:
        return 0
    first = min(days)
    n, day = 0, today
    if scheduled(today) and today not in days:
        day = today - dt.timedelta(days=1)
    while day >= first:
        if scheduled(day):
            if day not in days:
                break
            n += 1
        day -= dt.timedelta(days=1)
    return n


def longest_streak(done: Iterable[dt.date], scheduled: Callable[[dt.date], bool]) -> int:
    """The longest run of done scheduled days without a missed scheduled day in between."""
    days = sorted(set(done))
    if not days:
        return 0
    best = n = 0
    day = days[0]
    while day <= days[-1]:
        if scheduled(day):
            n = n + 1 if day in days else 0
            best = max(best, n)
        day += dt.timedelta(days=1)
    return best


@dataclass(frozen=True)
class CalendarDay:
    """One day of the month calendar: ``status`` is done | missed | open (today, not yet done) |
    future | off (no set that day)."""

    day: dt.date
    status: str


def month_calendar(
    year: int, month: int, done: Iterable[dt.date], scheduled: Callable[[dt.date], bool], today: dt.date
) -> list[list[CalendarDay | None]]:
    """The weeks (Monday first) of a month, each day with its status; None pads the first and last week."""
    days = set(done)
    weeks: list[list[CalendarDay | None]] = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row: list[CalendarDay | None] = []
        for day in week:
            if day.month != month:
                row.append(None)
                continue
            if day in days:
                status = "done"
            elif not scheduled(day):
                status = "off"
            elif day > today:
                status = "future"
            elif day == today:
                status = "open"
            else:
                status = "missed"
            row.append(CalendarDay(day, status))
        weeks.append(row)
    return weeks


def too_fast(seconds: float, questions: int, min_seconds_per_question: float) -> bool:
    """Whether a set was answered in implausibly little time (flagged, never credited)."""
    return questions > 0 and seconds < questions * min_seconds_per_question
