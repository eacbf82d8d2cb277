"""Shared pieces of the live-competition pages: the run in the URL, the countdown, team scores."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from quizzes.fields import utcnow
from quizzes.model import LETTERS
from tracker import competitions as comp
from ui.state import t, tracker
from ui.widgets import countdown


def run_id() -> str | None:
    return st.query_params.get("run") or None


def question_block(view: dict, *, show_key: bool) -> None:
    """The current question (prompt and options; the key only when ``show_key``)."""
    q = view.get("question")
    if not q:
        st.info(t("live.no_question"))
        return
    st.markdown(q["prompt"])
    for i, text in enumerate(q.get("options") or []):
        st.markdown(f"- **{LETTERS[i]}.** {text}")
    if show_key and "answer" in q:
        answer = q["answer"]
        if isinstance(answer, bool):
            answer = t("tf.true") if answer else t("tf.false")
        elif isinstance(answer, list):
            answer = "；".join(" / ".join(a) for a in answer)
        elif answer is None and q.get("credits"):
            answer = "、".join(f"{LETTERS[i]}={c:g}" for i, c in enumerate(q["credits"]))
        st.success(t("live.answer", answer=answer))
        if q.get("explanation"):
            st.caption(q["explanation"])


def clock(view: dict) -> None:
    if view.get("deadline") and view.get("status") == "open":
        deadline = dt.datetime.fromisoformat(view["deadline"])
        countdown(deadline, utcnow())


def scores(view: dict, *, big: bool = False) -> None:
    """Team scores with the last change as the metric's delta (highlighted green or red)."""
    standings = view["standings"]
    per_row = 4 if big else 3
    for start in range(0, len(standings), per_row):
        cols = st.columns(per_row)
        for col, row in zip(cols, standings[start : start + per_row], strict=False):
            change = view["last_change"].get(row["team"])
            col.metric(
                f"{row['rank']}. {row['team']}", f"{row['score']:g}", delta=f"{change:+g}" if change else None, border=True
            )


def state_view(run: str, *, reveal: bool | None = None) -> dict:
    """The public view of a run (answer key only once revealed, unless ``reveal`` forces it)."""
    from quizzes.competition import public_view

    return public_view(comp.state(tracker(), run), reveal)
