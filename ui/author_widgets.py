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


def distinct_titles(titles: dict[str, str], extras: dict[str, str] | None = None) -> dict[str, str]:
    """Labels for choosing content by its title, never its internal id: a title two items share gets
    its extra (say, 共 N 题) and, if they still look alike, a number (第 2 个)."""
    from collections import Counter

    extras = extras or {}
    shared = Counter(titles.values())
    labels = {
        key: t("author.title_extra", title=title, extra=extras[key]) if shared[title] > 1 and extras.get(key) else title
        for key, title in titles.items()
    }
    alike = Counter(labels.values())
    seen: Counter = Counter()
    for key, label in labels.items():
        if alike[label] > 1:
            seen[label] += 1
            labels[key] = t("author.title_nth", title=label, n=seen[label])
    return labels


def bank_labels(banks: dict[str, dict]) -> dict[str, str]:
    """Bank id → its title; banks of the same title are told apart by their number of questions."""
    titles = {b: str(data.get("title") or b) for b, data in banks.items()}
    return distinct_titles(titles, {b: t("author.n_questions", n=len(data.get("questions") or [])) for b, data in banks.items()})


def doc_labels(docs: dict[str, dict]) -> dict[str, str]:
    """Content id → its title (quizzes, lessons, competitions); a draft whose title another item shares
    is told apart by 草稿."""
    titles = {key: str(data.get("title") or key) for key, data in docs.items()}
    return distinct_titles(titles, {key: t("author.draft") for key, data in docs.items() if data.get("status") == "draft"})


def question_number(questions: list[dict], question_id: str) -> int:
    """The 1-based place of a question in its bank (0 when it is not there)."""
    ids = [str(q.get("id")) for q in questions]
    return ids.index(str(question_id)) + 1 if str(question_id) in ids else 0


def question_labels(questions: list[dict], width: int = 40) -> dict[str, str]:
    """Each question as office staff know it, by id: its number in the bank and the start of its
    prompt. Built once per bank for a list's ``format_func`` (not once per option)."""
    return {
        str(q.get("id")): t("author.question", n=n, prompt=str(q.get("prompt", ""))[:width]) for n, q in enumerate(questions, 1)
    }
