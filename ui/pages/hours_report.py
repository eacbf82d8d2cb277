"""学时达标 (leaders, organizers): by department or 班组, the share meeting the yearly 学时
requirement, 学时 per head with a 合计 row, who is behind, and the Excel file of it all."""

import streamlit as st

from quizzes.fields import SHANGHAI, utcnow
from tracker.export import format_hours
from ui.auth import access
from ui.report_widgets import chinese, column_config, header, xlsx_download
from ui.state import catalog, lang, t

me = access()
st.title(t("hours_report.title"))
this_year = utcnow().astimezone(SHANGHAI).year
year = st.selectbox(t("hours.year"), [this_year, this_year - 1], key="year")
by = st.radio(
    t("hours_report.by"), ["department", "team"], format_func=lambda b: t(f"hours_report.by.{b}"), horizontal=True, key="by"
)
cat = catalog()
out = me.hours_requirement_output(cat, year, by=by, lang=lang())
table, behind = out.tables.values()
required = cat.assessment.hours.required if cat.assessment else 0.0
st.caption(t("hours_report.caption", year=year, required=format_hours(required)))
xlsx_download(out, "hours", t("hours_report.download"))
shown = {header(c): config for c, config in column_config(table).items()}
st.dataframe(chinese(table), column_config=shown, hide_index=True, width="stretch")
st.subheader(t("hours_report.behind"))
for group, rows in behind.groupby("group", sort=True):
    with st.expander(t("hours_report.behind_in", group=group, n=len(rows))):
        st.markdown("、".join(f"{r['name']}（{r['employee_id']}）{format_hours(r['hours'])}" for _, r in rows.iterrows()))
