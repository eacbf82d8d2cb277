"""Report periods: Asia/Shanghai months, quarters, years and explicit days."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from quizzes.fields import SHANGHAI
from tracker.store import day_start, iso


@dataclass(frozen=True)
class Period:
    """Asia/Shanghai days ``start``..``end`` inclusive; ``key`` names it ('2026Q3', '2026-09', '2026')."""

    key: str
    start: dt.date
    end: dt.date

    @property
    def lo(self) -> str:
        """The first instant, as stored timestamps (UTC text)."""
        return iso(day_start(self.start))

    @property
    def hi(self) -> str:
        """The instant after the last day (exclusive bound)."""
        return iso(day_start(self.end + dt.timedelta(days=1)))

    def in_progress(self, today: dt.date | None = None) -> bool:
        """True while the period has not ended (today, in Shanghai, is on or before its last day and
        not before its first): its figures are provisional, up to today."""
        today = today or dt.datetime.now(SHANGHAI).date()
        return self.start <= today <= self.end

    def months(self) -> list[str]:
        """'YYYY-MM' of every month the period touches."""
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def month_period(year: int, month: int) -> Period:
    """A calendar month."""
    nxt = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return Period(f"{year:04d}-{month:02d}", dt.date(year, month, 1), nxt - dt.timedelta(days=1))


def quarter_period(year: int, quarter: int) -> Period:
    """A calendar quarter (1–4)."""
    if not 1 <= quarter <= 4:
        raise ValueError("a quarter is 1 to 4")
    first, last = month_period(year, 3 * quarter - 2), month_period(year, 3 * quarter)
    return Period(f"{year:04d}Q{quarter}", first.start, last.end)


def year_period(year: int) -> Period:
    """A calendar year."""
    return Period(f"{year:04d}", dt.date(year, 1, 1), dt.date(year, 12, 31))


def date_period(start: dt.date | str, end: dt.date | str) -> Period:
    """Explicit days, inclusive; the key is 'YYYY-MM-DD..YYYY-MM-DD'."""
    s = dt.date.fromisoformat(start) if isinstance(start, str) else start
    e = dt.date.fromisoformat(end) if isinstance(end, str) else end
    if e < s:
        raise ValueError("the period ends before it starts")
    return Period(f"{s.isoformat()}..{e.isoformat()}", s, e)


def parse_period(text: str) -> Period:
    """'2026Q3', '2026-09', '2026' or '2026-07-01..2026-09-30' as a ``Period``; ``ValueError`` otherwise."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})[Qq]([1-4])", text):
        return quarter_period(int(m[1]), int(m[2]))
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        if not 1 <= int(m[2]) <= 12:
            raise ValueError(f"bad month in period {text!r}")
        return month_period(int(m[1]), int(m[2]))
    if re.fullmatch(r"\d{4}", text):
        return year_period(int(text))
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
        return date_period(m[1], m[2])
    raise ValueError(f"a period is 2026Q3, 2026-09, 2026 or 2026-07-01..2026-09-30, not {text!r}")


def current_period(kind: str = "quarter", today: dt.date | None = None) -> Period:
    """The month, quarter or year containing ``today`` (Asia/Shanghai)."""
    today = today or dt.datetime.now(SHANGHAI).date()
    if kind == "month":
        return month_period(today.year, today.month)
    if kind == "year":
        return year_period(today.year)
    return quarter_period(today.year, (today.month - 1) // 3 + 1)


def as_period(period: Period | str) -> Period:
    """A ``Period``, parsing text such as '2026Q3'."""
    return parse_period(period) if isinstance(period, str) else period
