"""审计日志 (admins): who did what and when, filtered by person, action and date; export."""

import datetime as dt

import pandas as pd
import streamlit as st

from quizzes.fields import SHANGHAI, utcnow
from tracker.export import to_csv_bytes
from tracker.store.audit import ACTIONS
from ui.admin_ui import local_time
from ui.audit_text import export_name, say_action, say_detail, say_object
from ui.auth import access
from ui.state import t

me = access()
me.require("admin")
st.title(t("audit.title"))

cols = st.columns(2)
person = cols[0].text_input(t("audit.person"), key="audit_person", max_chars=64)
action = cols[1].selectbox(
    t("audit.action"),
    [None, *ACTIONS],
    format_func=lambda a: t("admin.all") if a is None else t(f"audit.action.{a}"),
    key="audit_action",
)
days = st.columns(2)
today = utcnow().astimezone(SHANGHAI).date()  # the Shanghai day (a date field left empty shows "yyyy-mm-dd")
since = days[0].date_input(t("audit.since"), value=today - dt.timedelta(days=90), key="audit_since", format="YYYY-MM-DD")
until = days[1].date_input(t("audit.until"), value=today, key="audit_until", format="YYYY-MM-DD")

rows = me.audit_entries(person=person, action=action, since=since, until=until)
st.caption(t("audit.count", n=len(rows)))
if not rows:
    st.info(t("audit.none"))
    st.stop()
table = pd.DataFrame(
    [
        {
            t("audit.col.at"): local_time(r["at"]),
            t("audit.col.actor"): r["actor"] or t("audit.nobody"),
            t("audit.col.action"): say_action(r["action"], t, ACTIONS),
            t("audit.col.subject"): say_object(r),
            t("audit.col.address"): r["address"] or "",
            t("audit.col.detail"): say_detail(r, t),
        }
        for r in rows
    ]
)
st.dataframe(table, hide_index=True, width="stretch")
st.download_button(
    t("audit.export"),
    to_csv_bytes(table, translate_headers=False),
    file_name=export_name(utcnow(), t),
    mime="text/csv",
    on_click="ignore",
    key="audit_export",
)
