"""每日一练 pieces for any page: the home page card (``daily_card``) and the month calendar."""

from __future__ import annotations

import streamlit as st

from tracker.access import Access
from tracker.practice import CalendarDay
from ui.state import catalog, t

WEEKDAYS = ("daily.wd.0", "daily.wd.1", "daily.wd.2", "daily.wd.3", "daily.wd.4", "daily.wd.5", "daily.wd.6")
MARKS = {"done": ":green[**✓**]", "missed": ":red[✗]", "open": ":orange[○]", "future": ":gray[·]", "off": ":gray[·]"}


def daily_card(me: Access, page: str = "ui/pages/daily.py") -> None:
    """A small card: today's progress, the streak and a link to the daily ``page``. Draws nothing (reads only)."""
    today = me.daily_today(catalog(), draw=False)
    if today.set is None or not today.scheduled:
        return
    with st.container(border=True):
        if today.finished:
            st.markdown(f":green[:material/task_alt:] **{t('daily.widget.done')}**")
        else:
            total = len(today.questions) or today.set.count
            st.markdown(f":material/edit_calendar: **{t('daily.widget.todo', done=today.answered, total=total)}**")
        st.caption(t("daily.widget.streak", n=today.streak))
        if not today.finished:
            st.page_link(page, label=t("daily.widget.go"), icon=":material/arrow_forward:")


def month_grid(weeks: list[list[CalendarDay | None]]) -> None:
    """The month as a Markdown table, Monday first, a mark on each day."""
    head = "| " + " | ".join(t(key) for key in WEEKDAYS) + " |"
    rows = [head, "|" + ":-:|" * 7]
    for week in weeks:
        cells = [f"{c.day.day} {MARKS[c.status]}" if c else "" for c in week]
        rows.append("| " + " | ".join(cells) + " |")
    st.markdown("\n".join(rows))
    st.caption(t("daily.legend"))
