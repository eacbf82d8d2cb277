"""学习型班组 (leaders, organizers): one 班组's evidence pack for a period — members, events attended
with their 学时, quiz and competition results, the indicator — shown, and downloaded as one workbook."""

import streamlit as st

from ui.auth import access
from ui.report_widgets import column_config, period_picker, with_dashes, xlsx_download
from ui.state import catalog, lang, t

me = access()
me.require("leader", "organizer")
cat = catalog()
st.title(t("team_pack.title"))
teams = me.learning_teams()
if not teams:
    st.info(t("team_pack.none"))
    st.stop()
pick = st.selectbox(
    t("team_pack.team"),
    range(len(teams)),
    format_func=lambda i: t(
        "team_pack.option", department=teams[i]["department"], team=teams[i]["team"], n=teams[i]["headcount"]
    ),
    key="team",
)
team = teams[pick]
period = period_picker(cat.assessment.period if cat.assessment else "quarter", key="pack")
out = me.learning_team_pack(team["department"], team["team"], period, cat, lang=lang())
summary, members, activities = list(out.tables.values())[:3]
st.caption(t("team_pack.caption", team=team["team"], department=team["department"], period=period.key))
xlsx_download(out, "pack", t("team_pack.download"))
figures = summary.attrs["figures"]
c1, c2, c3, c4 = st.columns(4)
c1.metric(t("team_pack.m.headcount"), figures["headcount"])
c2.metric(t("team_pack.m.attendance"), "—" if figures["attendance_rate"] is None else f"{figures['attendance_rate']:.0%}")
c3.metric(t("team_pack.m.hours"), f"{figures['hours_per_head']:g}")
c4.metric(t("team_pack.m.indicator"), "—" if figures["indicator"] is None else f"{figures['indicator']:.1f}")

st.subheader(t("team_pack.members"))
shown = with_dashes(members)
st.dataframe(shown, column_config=column_config(shown), hide_index=True, width="stretch")
st.subheader(t("team_pack.activities"))
if activities.empty:
    st.info(t("team_pack.no_activities"))
else:
    shown = with_dashes(activities)
    st.dataframe(shown, column_config=column_config(shown), hide_index=True, width="stretch")
