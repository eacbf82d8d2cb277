"""The import report and preview on the content page: messages in the user's language, every question
with its answer key, paged, with counts by type (organizers check the keys before publishing)."""

from __future__ import annotations

import math
from collections import Counter

import streamlit as st

from quizzes.importers import ImportResult, Msg
from quizzes.model import Bank, Question
from ui.state import t
from ui.widgets import show_prompt, type_label

PAGE = 20


def say(message: object, **override: object) -> str:
    """A report message in the user's language (nested messages first); ``override`` replaces values
    such as ``path`` (the uploaded file's name, not the temporary file's)."""
    if not isinstance(message, Msg):
        return str(message)
    values = {k: say(v) for k, v in message.values.items()}
    values.update({k: str(v) for k, v in override.items() if k in values})
    key = f"import.{message.key}"  # every message key is in ui/i18n/importers.py (tests/test_import_messages.py)
    return t(key).format(**values)


def report(result: ImportResult) -> None:
    """Imported, skipped (row and reason) and warnings."""
    st.info(t("content.import_report", n=result.imported, skipped=len(result.skipped), warnings=len(result.warnings)))
    if result.skipped:
        with st.expander(t("import.skipped", n=len(result.skipped)), expanded=True):
            st.code("\n".join(f"{say(s.where)}：{say(s.reason)}" for s in result.skipped), language=None, wrap_lines=True)
    if result.warnings:
        with st.expander(t("import.warnings", n=len(result.warnings))):
            st.code("\n".join(say(w) for w in result.warnings), language=None, wrap_lines=True)


def _answer(q: Question) -> str:
    if q.type == "true_false":
        return t("tf.true") if q.answer else t("tf.false")
    if q.type == "fill_blank":
        return "；".join(t("import.preview.blank", n=i, answers=" / ".join(alts)) for i, alts in enumerate(q.answer or [], 1))
    return str(q.answer or "")


def question_card(number: int, q: Question) -> None:
    """One question as an organizer checks it: the key marked, credits, points, explanation, tags."""
    with st.container(border=True):
        st.markdown(f"**{number}.** `{type_label(q.type)}` · {t('take.points', n=f'{q.points:g}')}")
        show_prompt(q.prompt)
        lines = []
        for i, option in enumerate(q.options or []):
            right = option.credit == 1 if q.type == "scenario" else q.letters[i] in (q.answer or "")
            credit = f" ({t('result.credit')} {option.credit:g})" if q.type == "scenario" else ""
            mark = " :green[:material/check:]" if right else ""
            lines.append(f"- {q.letters[i]}. {option.text}{credit}{mark}")
        if lines:
            st.markdown("\n".join(lines))
        if q.type != "scenario":
            st.markdown(f"{t('result.correct_answer')}: :green[**{_answer(q)}**]")
        details = []
        if q.explanation:
            details.append(t("import.preview.explanation", text=q.explanation))
        if q.tags:
            details.append(t("import.preview.tags", tags="、".join(q.tags)))
        if q.difficulty:
            level = f"import.difficulty.{q.difficulty}"
            details.append(t("import.preview.difficulty", difficulty=t(level)))
        if details:
            st.caption("  \n".join(details))


def preview(bank: Bank, key: str) -> None:
    """Every question of the bank, ``PAGE`` a page, filtered by type, with the counts by type."""
    counts = Counter(q.type for q in bank.questions)
    st.subheader(t("import.preview.title"))
    st.caption(
        t(
            "import.preview.counts",
            n=len(bank.questions),
            counts="，".join(t("import.preview.count", type=type_label(k), n=v) for k, v in counts.items()),
        )
    )
    left, right = st.columns(2)
    types = [None, *counts]
    chosen = left.selectbox(
        t("import.preview.type_filter"),
        types,
        format_func=lambda k: t("import.preview.all_types") if k is None else type_label(k),
        key=f"{key}:type",
    )
    shown = [(n, q) for n, q in enumerate(bank.questions, 1) if chosen is None or q.type == chosen]
    pages = max(1, math.ceil(len(shown) / PAGE))
    page = right.number_input(t("import.preview.page"), min_value=1, max_value=pages, value=1, step=1, key=f"{key}:page:{chosen}")
    st.caption(t("import.preview.pages", pages=pages, size=PAGE))
    for n, q in shown[(int(page) - 1) * PAGE : int(page) * PAGE]:
        question_card(n, q)
