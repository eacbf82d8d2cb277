"""我的积分: this period's learning points by activity, the rank, and every entry with its source."""

import streamlit as st

from ui.auth import access
from ui.points_widgets import ACTIVITY_KEYS, activity_name, history_table, rules_caption
from ui.report_widgets import period_picker
from ui.state import catalog, t

me = access()
cat = catalog()
st.title(t("points.title"))
period = period_picker("month", key="mypoints")
mine, hist = me.my_points(cat, period)
ranked = me.points_ranking(cat, period, "employee")
row = ranked[ranked["employee_id"] == me.employee_id]

c1, c2 = st.columns(2)
c1.metric(t("points.total"), f"{mine.get('points', 0):g}")
if len(row):
    c2.metric(t("points.rank"), t("points.rank_of", rank=int(row.iloc[0]["rank"]), n=len(ranked)))
rows = [f"| {t('points.col.activity')} | {t('points.col.points')} |", "|:--|--:|"]
rows += [f"| {activity_name(a)} | {mine.get(a, 0):g} |" for a in ACTIVITY_KEYS]
st.markdown("\n".join(rows))
rules_caption(cat)

st.subheader(t("points.history"))
if hist.empty:
    st.info(t("points.empty"))
else:
    st.dataframe(history_table(cat, hist), hide_index=True, width="stretch")
