"""Landing page: what content is loaded, and every content problem with its file:line."""

import streamlit as st

from quizzes.fields import SHANGHAI
from ui.state import catalog, config, t
from ui.widgets import duration_text

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
    root = f"{config().content.resolve()}/"  # paths relative to the content folder, not the server's
    st.code("\n".join(str(p).replace(root, "").replace(f"{config().content}/", "") for p in cat.errors), language=None)
else:
    st.success(t("overview.no_errors"))

st.subheader(t("overview.lesson_list"))
st.dataframe(
    [{t("col.title"): x.title, t("col.minutes"): x.minutes} for x in cat.lessons.values()],
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
            t("col.title"): q.title,
            t("col.kind"): t(f"kind.{q.kind}"),
            t("col.time_limit"): duration_text(q.time_limit) if q.time_limit else "",
            t("col.window"): _window(q),
        }
        for q in cat.quizzes.values()
    ],
    hide_index=True,
    width="stretch",
)
