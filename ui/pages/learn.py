"""学习: the lessons with their progress; ``?lesson=ID`` (in the address, so a refresh or a shared
link opens it again) shows one lesson."""

import streamlit as st

from tracker.errors import TooEarly
from ui.auth import access
from ui.author_widgets import markdown_with_images
from ui.state import catalog, config, saving, t
from ui.widgets import duration_text

me = access()
cat = catalog()
lesson = cat.lessons.get(st.query_params.get("lesson", ""))


def open_lesson(lesson_id: str | None) -> None:
    # Setting the query parameter (a button's callback) puts the lesson in the browser's address;
    # a page link to the page one is on would not.
    if lesson_id:
        st.query_params["lesson"] = lesson_id
    else:
        st.query_params.pop("lesson", None)


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
            label = {"completed": "learn.review", "reading": "learn.continue"}.get(status, "learn.open")
            st.button(
                t(label),
                key=f"open:{item.id}",
                on_click=open_lesson,
                args=(item.id,),
                type="secondary" if status == "completed" else "primary",
            )
    st.stop()

row = None
with saving():  # the lesson is shown even when its opening cannot be recorded
    row = me.open_lesson(lesson)
if row is None:
    row = me.lesson_progress().get(lesson.id) or {"completed_at": None}
st.button(t("learn.back"), on_click=open_lesson, args=(None,), key="back")
st.title(lesson.title)
if lesson.summary:
    st.caption(lesson.summary)
left = me.reading_left(lesson, row)
if left:
    st.caption(t("learn.left", d=duration_text(left)))
for section in lesson.sections:
    st.subheader(section.title)
    markdown_with_images(section.body, config().content)  # pictures only from the content folder
if lesson.key_points:
    st.subheader(t("learn.key_points"))
    st.markdown("\n".join(f"- {p}" for p in lesson.key_points))

st.divider()
reply = st.container()  # above the button: below it, a phone's tab bar would cover the reply
if row["completed_at"]:
    st.success(t("learn.done"), icon=":material/task_alt:")
elif st.button(t("learn.complete"), type="primary", key="complete"):
    try:
        with saving():
            me.complete_lesson(lesson)
            st.rerun()
    except TooEarly as e:
        reply.warning(t("learn.too_early", d=duration_text(e.seconds_left)))
if row["completed_at"] and lesson.quiz in cat.quizzes:
    st.page_link(
        "ui/pages/quizzes.py",
        label=t("learn.take_quiz", title=cat.quizzes[lesson.quiz].title),
        query_params={"quiz": lesson.quiz},
        icon=":material/edit_note:",
    )
