"""审计日志 (admins): who did what and when, filtered by person, action and date; export."""

import datetime as dt

import pandas as pd
import streamlit as st

from tracker.export import to_csv_bytes
from tracker.store.audit import ACTIONS
from ui.admin_ui import local_time
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
since = days[0].date_input(t("audit.since"), value=None, key="audit_since", format="YYYY-MM-DD")
until = days[1].date_input(t("audit.until"), value=None, key="audit_until", format="YYYY-MM-DD")

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
            t("audit.col.action"): t(f"audit.action.{r['action']}") if r["action"] in ACTIONS else r["action"],
            t("audit.col.subject"): r["subject"] or "",
            t("audit.col.address"): r["address"] or "",
            t("audit.col.detail"): r["detail"] or "",
        }
        for r in rows
    ]
)
st.dataframe(table, hide_index=True, width="stretch")
stamp = dt.date.today().isoformat()
st.download_button(
    t("audit.export"),
    to_csv_bytes(table, translate_headers=False),
    file_name=f"audit-{stamp}.csv",
    mime="text/csv",
    on_click="ignore",
    key="audit_export",
)
