"""参与情况 (leaders, organizers): participation against the roster, who has not taken part, trends."""

import altair as alt
import streamlit as st

from ui.auth import access
from ui.report_widgets import chinese, column_config, downloads, header, narrow_table, period_picker, wide, with_dashes
from ui.state import catalog, lang, t

me = access()
me.require("leader", "organizer")
cat = catalog()
st.title(t("part.title"))

period = period_picker(cat.assessment.period if cat.assessment else "quarter")
c1, c2, c3 = st.columns(3)
by = c1.radio(t("part.by"), ["department", "team"], format_func=lambda b: t(f"part.by.{b}"), horizontal=True, key="by")
quiz_id = c2.selectbox(t("part.quiz"), [None, *cat.quizzes], format_func=lambda q: cat.quizzes[q].title if q else t("part.all"))
lesson_id = c3.selectbox(
    t("part.lesson"), [None, *cat.lessons], format_func=lambda q: cat.lessons[q].title if q else t("part.all")
)

out = me.participation_output(period, by=by, quiz_id=quiz_id, lesson_id=lesson_id, catalog=cat, lang=lang())
table, events, missing = out.tables.values()
target = table.attrs.get("target", 0.9)
st.caption(t("part.caption", period=period.key, target=f"{target:.0%}"))


def highlight(row):
    return ["background-color: #fbe3e0" if row["below_target"] else "" for _ in row]


shown = table.style.apply(highlight, axis=1).format(
    {
        "participation_rate": "{:.1%}",
        "pass_rate": "{:.1%}",
        "lesson_completion_rate": "{:.1%}",
        "avg_percent": "{:.1f}",
        "any_participation_rate": "{:.1%}",
    },
    na_rep="—",
)
with wide("part"):  # Chinese headers by column_config (st.dataframe ignores a Styler's relabelled headers)
    st.dataframe(
        shown,
        column_config={c: st.column_config.Column(header(c)) for c in table.columns},
        column_order=[c for c in table.columns if c != "below_target"],
        hide_index=True,
        width="stretch",
    )
narrow_table(table, ["department", "team", "participation_rate", "avg_percent"], "part")

st.caption(t("training.part.any"))

downloads(out, "part")

st.subheader(t("part.missing"))
counts = missing.groupby("department", sort=True).size()
if counts.empty:
    st.success(t("part.none_missing"))
else:
    department = st.selectbox(
        t("part.missing_dept"),
        list(counts.index),
        format_func=lambda d: t("part.missing_in", department=d, n=int(counts[d])),
        key="missing_dept",
    )
    rows = missing[missing["department"] == department].drop(columns="department")
    st.dataframe(chinese(rows), hide_index=True, width="stretch")

st.subheader(t("training.part.events"))
st.caption(t("training.part.events_caption"))
shown_events = with_dashes(events)
st.dataframe(shown_events, column_config=column_config(shown_events), hide_index=True, width="stretch")

st.subheader(t("part.trend"))
trend = me.participation_trend(period, quiz_id=quiz_id)
if not trend.empty:
    base = alt.Chart(trend).encode(
        x=alt.X("month:N", title=t("part.month")), color=alt.Color("department:N", title=header("department"))
    )
    st.altair_chart(
        base.mark_line(point=True).encode(
            y=alt.Y("participation_rate:Q", title=header("participation_rate"), axis=alt.Axis(format="%"))
        ),
        width="stretch",
    )
    st.altair_chart(base.mark_line(point=True).encode(y=alt.Y("avg_percent:Q", title=header("avg_percent"))), width="stretch")
matrix = me.score_matrix(period)
if not matrix.empty:
    st.subheader(t("part.heatmap"))
    # quizzes by title, not id; tooltips with Chinese names
    matrix = matrix.assign(quiz=[cat.quizzes[q].title if q in cat.quizzes else q for q in matrix["quiz_id"]])
    heat = (
        alt.Chart(matrix)
        .mark_rect()
        .encode(
            x=alt.X("quiz:N", title=t("part.quiz")),
            y=alt.Y("department:N", title=header("department")),
            color=alt.Color("avg_percent:Q", title=header("avg_percent"), scale=alt.Scale(scheme="greens")),
            tooltip=[
                alt.Tooltip("department:N", title=header("department")),
                alt.Tooltip("quiz:N", title=t("part.quiz")),
                alt.Tooltip("participants:Q", title=header("participants")),
                alt.Tooltip("avg_percent:Q", title=header("avg_percent")),
            ],
        )
    )
    st.altair_chart(heat, width="stretch")
