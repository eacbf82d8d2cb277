"""Landing page: what content is loaded, and every content problem with its file:line."""

import streamlit as st

from quizzes.fields import SHANGHAI, format_duration
from ui.state import catalog, t

cat = catalog()
st.title(t("overview.title"))
st.caption(t("app.tagline"))

cols = st.columns(5)
cols[0].metric(t("overview.lessons"), len(cat.lessons))
cols[1].metric(t("overview.banks"), len(cat.banks))
cols[2].metric(t("overview.questions"), sum(len(b.questions) for b in cat.banks.values()))
cols[3].metric(t("overview.quizzes"), len(cat.quizzes))
cols[4].metric(t("overview.competitions"), len(cat.competitions))

if cat.errors:
    st.subheader(t("overview.errors", n=len(cat.errors)))
    st.code("\n".join(str(p) for p in cat.errors), language=None)
else:
    st.success(t("overview.no_errors"))

st.subheader(t("overview.lesson_list"))
st.dataframe(
    [{t("col.id"): x.id, t("col.title"): x.title, t("col.minutes"): x.minutes} for x in cat.lessons.values()],
    hide_index=True,
    width="stretch",
)


def _window(quiz) -> str:
    parts = [f"{d.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if d else "" for d in (quiz.opens, quiz.closes)]
    return " – ".join(parts) if any(parts) else ""


st.subheader(t("overview.quiz_list"))
st.dataframe(
    [
        {
            t("col.id"): q.id,
            t("col.title"): q.title,
            t("col.kind"): t(f"kind.{q.kind}"),
            t("col.time_limit"): format_duration(q.time_limit) if q.time_limit else "",
            t("col.window"): _window(q),
        }
        for q in cat.quizzes.values()
    ],
    hide_index=True,
    width="stretch",
)
