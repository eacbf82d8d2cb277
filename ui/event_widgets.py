"""Event parts other pages can show: upcoming events with sign-up (the employee home page calls
``upcoming_events``), one's 学时 this year against the requirement (``hours_progress``) and the
ledger's table (``ledger_table``; 我的成绩 shows both with ``hours_section``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from quizzes.catalog import Catalog
from quizzes.events import Event
from tracker.access import Access
from tracker.errors import EventRefused
from tracker.export import format_hours
from ui.state import saving, t
from ui.widgets import file_name, safe_file_name


def session_line(event: Event, session_id: str) -> str:
    s = event.session(session_id)
    return t("events.session_line", date=f"{s.date:%m月%d日}", start=s.start, end=s.end, place=s.place) + (
        f" · {s.title}" if s.title else ""
    )


def signin_file_name(event: Event, session_id: str, suffix: str) -> str:
    """The name of a session's sign-in sheet for download: the event's title and the session's date
    and start, never its ids (签到表-廉洁从业专题讲座-2026-12-10-0900.xlsx)."""
    s = event.session(session_id)
    return file_name(
        "admin_ev.sheet_file", suffix, title=event.title, session=f"{s.date:%Y-%m-%d}-{str(s.start).replace(':', '')}"
    )


def _sign_up(me: Access, event: Event) -> None:
    try:
        with saving():
            status = me.sign_up(event)
            st.session_state["events.flash"] = t(f"events.signed.{status}", title=event.title)
    except EventRefused as e:
        st.session_state["events.flash"] = t(f"events.refused.{e.reason}")


def _cancel(me: Access, event: Event) -> None:
    with saving():
        me.cancel_signup(event)
        st.session_state["events.flash"] = t("events.cancelled", title=event.title)


def upcoming_events(me: Access, catalog: Catalog, *, limit: int | None = None, key: str = "upcoming") -> None:
    """The events of one's audience that have not ended, with 报名/取消报名 buttons and materials."""
    if flash := st.session_state.pop("events.flash", None):
        st.info(flash)
    views = me.upcoming_events(catalog)[:limit] if limit else me.upcoming_events(catalog)
    if not views:
        st.caption(t("events.none_upcoming"))
        return
    for v in views:
        e = v.event
        with st.container(border=True):
            st.markdown(f"**{e.title}** · {t(f'events.kind.{e.kind}')}")
            for sid in e.session_ids:
                st.caption(session_line(e, sid))
            meta = [t("events.credit", n=f"{e.credit_hours:g}"), t("events.organizer", name=e.organizer)]
            if v.places_left is not None:
                meta.append(t("events.places_left", n=v.places_left))
            if v.signup:
                meta.append(t(f"events.my_signup.{v.signup}"))
            st.markdown(" · ".join(meta))
            if v.can_sign_up:
                st.button(t("events.sign_up"), key=f"{key}:signup:{e.id}", on_click=_sign_up, args=(me, e), type="primary")
            if v.can_cancel:
                st.button(t("events.cancel"), key=f"{key}:cancel:{e.id}", on_click=_cancel, args=(me, e))
            if not e.signup:  # a 交流会 or an open lecture: nothing to click, so say so
                st.caption(t("events.no_signup_needed"))
            for m in e.materials:
                path = me.material_path(catalog, e, m.file)
                if path.is_file():
                    st.download_button(
                        t("events.material", title=m.title),
                        path.read_bytes(),
                        file_name=safe_file_name(m.title) + path.suffix,  # 培训日程安排.txt, not the file's id
                        key=f"{key}:m:{e.id}:{m.file}",
                    )


def hours_progress(me: Access, catalog: Catalog) -> None:
    """One's 学时 this year against the yearly requirement."""
    book = me.my_hours(catalog)
    share = min(1.0, book.total / book.required) if book.required else 1.0
    st.progress(
        share, text=t("hours.progress", year=book.year, total=format_hours(book.total), required=format_hours(book.required))
    )


def ledger_table(book) -> None:
    """The entries of a 学时 ledger: date, kind, source, 学时 and what counts after the caps."""
    if not book.entries:
        st.info(t("hours.empty"))
        return
    table = pd.DataFrame(
        [
            {
                t("hours.col.day"): e.day.isoformat(),
                t("hours.col.kind"): t(f"hours.kind.{e.kind}"),
                t("hours.col.title"): e.title,
                t("hours.col.hours"): e.hours,
                t("hours.col.counted"): e.counted,
            }
            for e in book.entries
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")


def hours_section(me: Access, catalog: Catalog) -> None:
    """For 我的成绩: this year's 学时 against the requirement, the ledger, and the way to 我的学时."""
    st.subheader(t("hours.section"))
    hours_progress(me, catalog)
    ledger_table(me.my_hours(catalog))
    st.page_link("ui/pages/my_hours.py", label=t("hours.details"), icon=":material/school:")
