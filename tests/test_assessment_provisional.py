"""考核指标 says that the figures of the current, unfinished period are provisional (review #13)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.test_report_pages_training import env, in_q1, page  # noqa: F401  (the fixture)
from tracker.reports import month_period, quarter_period


@pytest.mark.parametrize(
    "period, today, running",
    [
        (quarter_period(2026, 4), dt.date(2026, 12, 2), True),
        (quarter_period(2026, 4), dt.date(2026, 10, 1), True),  # its first day
        (quarter_period(2026, 4), dt.date(2026, 12, 31), True),  # its last day
        (quarter_period(2026, 4), dt.date(2027, 1, 1), False),  # over
        (quarter_period(2026, 1), dt.date(2026, 12, 2), False),
        (month_period(2027, 1), dt.date(2026, 12, 2), False),  # not begun
    ],
)
def test_in_progress(period, today, running):
    assert period.in_progress(today) is running


def test_the_current_period_is_marked_provisional_a_past_one_is_not(env):  # noqa: F811
    at = page(env, "boss", "ui/pages/assessment.py")  # opens on the current quarter
    assert not at.exception
    assert any("本期进行中（截至今日" in w.value and "等次不是最终结果" in w.value for w in at.warning)
    at = in_q1(at, "assess")  # 2026Q1 is over (or, before April 2026, running)
    ended = not quarter_period(2026, 1).in_progress()
    assert ended == (not any("本期进行中" in w.value for w in at.warning))
