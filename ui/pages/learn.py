"""学习: the lessons with their progress; ``?lesson=ID`` opens one lesson."""

import streamlit as st

from tracker.errors import TooEarly
from ui.auth import access
from ui.author_widgets import markdown_with_images
from ui.state import catalog, config, saving, t

me = access()
cat = catalog()
lesson = cat.lessons.get(st.query_params.get("lesson", ""))

if lesson is None:
    st.title(t("learn.title"))
    progress = me.lesson_progress()
    for item in cat.lessons.values():
        row = progress.get(item.id)
        status = "completed" if row and row["completed_at"] else ("reading" if row else "not_started")
        with st.container(border=True):
            st.markdown(f"#### {item.title}")
            if item.summary:
                st.caption(item.summary)
            meta = [t(f"learn.status.{status}")]
            if item.minutes:
                meta.append(t("learn.minutes", n=item.minutes))
            meta += [f"#{tag}" for tag in item.tags]
            st.markdown(" · ".join(meta))
            st.page_link(
                "ui/pages/learn.py", label=t("learn.open"), query_params={"lesson": item.id}, icon=":material/menu_book:"
            )
    st.stop()

row = None
with saving():  # the lesson is shown even when its opening cannot be recorded
    row = me.open_lesson(lesson)
if row is None:
    row = me.lesson_progress().get(lesson.id) or {"completed_at": None}
st.page_link("ui/pages/learn.py", label=t("learn.back"), icon=":material/arrow_back:")
st.title(lesson.title)
if lesson.summary:
    st.caption(lesson.summary)
for section in lesson.sections:
    st.subheader(section.title)
    markdown_with_images(section.body, config().content)  # pictures only from the content folder
if lesson.key_points:
    st.subheader(t("learn.key_points"))
    st.markdown("\n".join(f"- {p}" for p in lesson.key_points))

st.divider()
if row["completed_at"]:
    st.success(t("learn.done"))
elif st.button(t("learn.complete"), type="primary", key="complete"):
    try:
        with saving():
            me.complete_lesson(lesson)
            st.rerun()
    except TooEarly as e:
        st.warning(t("learn.too_early", s=e.seconds_left))
if row["completed_at"] and lesson.quiz in cat.quizzes:
    st.page_link(
        "ui/pages/quizzes.py",
        label=t("learn.take_quiz", title=cat.quizzes[lesson.quiz].title),
        query_params={"quiz": lesson.quiz},
        icon=":material/edit_note:",
    )
