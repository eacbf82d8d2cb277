"""学时达标 (leaders, organizers): by department or 班组, the share meeting the yearly 学时
requirement, 学时 per head, and who is behind."""

import pandas as pd
import streamlit as st

from quizzes.fields import SHANGHAI, utcnow
from ui.auth import access
from ui.state import catalog, t

me = access()
st.title(t("hours_report.title"))
this_year = utcnow().astimezone(SHANGHAI).year
year = st.selectbox(t("hours.year"), [this_year, this_year - 1], key="year")
by = st.radio(
    t("hours_report.by"), ["department", "team"], format_func=lambda b: t(f"hours_report.by.{b}"), horizontal=True, key="by"
)
rows = me.hours_requirement_report(catalog(), year, by)
table = pd.DataFrame(
    [
        {
            t("hours_report.col.group"): r["group"],
            t("hours_report.col.headcount"): r["headcount"],
            t("hours_report.col.met"): r["met"],
            t("hours_report.col.share"): f"{r['share']:.0%}",
            t("hours_report.col.per_head"): r["hours_per_head"],
        }
        for r in rows
    ]
)
st.dataframe(table, hide_index=True, width="stretch")
st.subheader(t("hours_report.behind"))
for r in rows:
    if r["behind"]:
        with st.expander(t("hours_report.behind_in", group=r["group"], n=len(r["behind"]))):
            st.markdown("、".join(r["behind"]))
