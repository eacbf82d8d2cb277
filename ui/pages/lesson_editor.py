"""课程编辑 (organizers): sections in Markdown with a preview, key points, reading time, images."""

import streamlit as st

from quizzes import authoring as au
from quizzes.fields import parse_duration
from ui.auth import access
from ui.author_widgets import doc_labels, markdown_with_images, show_hints, show_save_error, tags_from
from ui.state import catalog, config, t

NEW = "+"

me = access()
me.require("organizer")
root = config().content
st.title(t("le.title"))
if done := st.session_state.pop("le:done", None):
    st.success(done)
if "le:next_pick" in st.session_state:
    st.session_state["le:pick"] = st.session_state.pop("le:next_pick")

lessons = {d.data["id"]: d for d in me.content_documents(root, "lesson")}
lesson_names = doc_labels({x: d.data for x, d in lessons.items()})  # titles, never the ids
choice = st.selectbox(
    t("le.pick"),
    [NEW, *lessons],
    format_func=lambda c: t("le.new") if c == NEW else lesson_names[c],
    key="le:pick",
)
doc = lessons.get(choice)
data = doc.data if doc else {"id": "", "title": "", "sections": [{"title": "", "body": ""}]}
k = f"le:{choice}:"

c1, c2 = st.columns(2)
lesson_id = c1.text_input(t("qb.id"), data["id"], key=k + "id", disabled=doc is not None, help=t("qe.id_help"))
title = c2.text_input(t("le.name"), data.get("title", ""), key=k + "title")
summary = st.text_input(t("le.summary"), data.get("summary") or "", key=k + "summary")
c1, c2 = st.columns(2)
minutes = c1.number_input(t("le.minutes"), 0, 600, int(data.get("minutes") or 0), key=k + "min")
min_read = data.get("min_read_time")
min_read_minutes = c2.number_input(
    t("le.min_read"), 0, 600, parse_duration(min_read) // 60 if min_read else 0, key=k + "read", help=t("le.min_read_help")
)
tags = st.text_input(t("qe.tags"), "，".join(data.get("tags") or []), key=k + "tags", help=t("qe.tags_help"))
quizzes = [""] + sorted(catalog().quizzes)
quiz_names = doc_labels({q: {"title": x.title} for q, x in catalog().quizzes.items()})
quiz = st.selectbox(
    t("le.quiz"),
    quizzes,
    index=quizzes.index(data.get("quiz")) if data.get("quiz") in quizzes else 0,
    format_func=lambda q: t("le.no_quiz") if not q else quiz_names[q],
    key=k + "quiz",
)

# -- images --------------------------------------------------------------------------------------
with st.expander(t("le.images")):
    image = st.file_uploader(t("le.image_upload"), type=["png", "jpg", "jpeg", "gif"], key=k + "img")
    if image is not None:
        try:
            ref = me.save_image(root, image.name, image.getvalue())
        except au.AuthoringError as e:
            show_save_error(e)
        else:
            st.caption(t("le.image_ref"))
            st.code(f"![{t('le.image_alt')}]({ref})", language="markdown")

# -- sections ------------------------------------------------------------------------------------
st.subheader(t("le.sections"))
old_sections = data.get("sections") or []
n = st.number_input(t("le.n_sections"), 1, 30, max(1, len(old_sections)), key=k + "n")
sections = []
for i in range(int(n)):
    old = old_sections[i] if i < len(old_sections) else {"title": "", "body": ""}
    with st.container(border=True):
        s_title = st.text_input(t("le.section_title", n=i + 1), old.get("title", ""), key=k + f"st{i}")
        edit, view = st.tabs([t("le.write"), t("le.preview")])
        body = edit.text_area(t("le.body"), old.get("body", ""), key=k + f"sb{i}", height=200, help=t("le.body_help"))
        with view:
            markdown_with_images(body, root)
        sections.append((s_title, body))
points = st.text_area(t("le.key_points"), "\n".join(data.get("key_points") or []), key=k + "kp", help=t("le.key_points_help"))

lesson = au.build_lesson(
    id=lesson_id,
    title=title,
    sections=sections,
    summary=summary,
    minutes=minutes or None,
    min_read_minutes=min_read_minutes or None,
    tags=tags_from(tags),
    key_points=points.splitlines(),
    quiz=quiz or None,
)
hints = au.lesson_hints(root, lesson)
show_hints(hints)
if st.button(t("le.save"), type="primary", key="le:save", disabled=bool(hints)):
    try:
        me.save_content(root, "lesson", lesson, path=doc.path if doc else None, change=f"lesson {lesson['id']} saved")
    except au.AuthoringError as e:
        show_save_error(e)
    else:
        st.session_state["le:done"] = t("le.saved", title=lesson.get("title") or lesson["id"])
        st.session_state["le:next_pick"] = lesson["id"]
        st.rerun()
