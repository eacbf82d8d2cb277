"""Pieces shared by the authoring pages: hints, a question as an employee sees it, Markdown with images."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from quizzes.authoring import AuthoringError, Hint, image_path, markdown_parts
from quizzes.model import Question
from quizzes.paper import PaperQuestion
from tracker.access import shown
from ui.state import t
from ui.widgets import question_header, question_input


def show_hints(hints: list[Hint]) -> None:
    """The problems of what is being typed, in the user's language."""
    for h in hints:
        st.warning(t(h.key, **h.values), icon=":material/edit:")


def show_save_error(error: AuthoringError) -> None:
    """A refused save: what is wrong, with the file and line as the validator gives them."""
    st.error(t("author.not_saved"))
    st.code(str(error), language=None)


def question_preview(data: dict[str, Any], key: str) -> None:
    """A valid question dict as an employee sees it before submission (no answer, no explanation)."""
    question = Question.model_validate(data)
    sq = shown(PaperQuestion(question.id, question, tuple(range(len(question.options or [])))), 1)
    with st.container(border=True):
        question_header(sq)
        question_input(sq, f"preview:{key}", None, lambda *_: None)


def markdown_with_images(body: str, root: str | Path) -> None:
    """Markdown (no raw HTML) whose ``![…](images/…)`` pictures come from the content folder; an
    image from anywhere else is never fetched: its reference is shown as text."""
    for kind, part in markdown_parts(body):
        if kind == "text":
            st.markdown(part)
        elif (path := image_path(root, part)) is not None:
            try:
                st.image(str(path))
            except Exception:  # a damaged picture file: say so, and show the rest of the lesson
                st.caption(t("author.image_not_shown", ref=part))
        else:
            st.caption(t("author.image_not_shown", ref=part))


def tags_from(text: str) -> list[str]:
    """Tags typed in one field, separated by commas, 、 or spaces."""
    import re

    return [x for x in re.split(r"[\s,，、;；]+", text) if x]
