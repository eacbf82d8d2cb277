"""Reusable pieces of the pages: times in Asia/Shanghai, the countdown, question inputs and review."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import streamlit as st

from quizzes.fields import SHANGHAI
from quizzes.grading import QuestionResult
from quizzes.model import LETTERS
from tracker.access import ShownQuestion
from ui.state import t


def md_escape(text: str) -> str:
    """Text typed by a user, shown literally inside Markdown."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>~" else ch for ch in str(text))


def local_time(value: str | dt.datetime | None) -> str:
    """An ISO timestamp or datetime as Asia/Shanghai ``YYYY-MM-DD HH:MM``."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"


def countdown(deadline: dt.datetime, now: dt.datetime) -> None:
    """A ticking countdown (a few lines of inline JavaScript; the server enforces the limit)."""
    remaining = max(0, int((deadline - now).total_seconds()))
    label = html.escape(t("take.time_left"))
    uid = f"cd{abs(hash((deadline.isoformat(), remaining))) % 10**8}"
    st.html(
        f'<div id="{uid}" role="timer" aria-live="off" style="font:600 1.15rem system-ui,sans-serif;color:#2f6f5e">'
        f"{label} {remaining // 60:02d}:{remaining % 60:02d}</div>"
        f"<script>(function(){{const end=Date.now()+{remaining * 1000};function tick(){{"
        f"const el=document.getElementById('{uid}');if(!el)return;const s=Math.max(0,Math.round((end-Date.now())/1000));"
        f"el.textContent='{label} '+String(Math.floor(s/60)).padStart(2,'0')+':'+String(s%60).padStart(2,'0');"
        f"if(s>0)setTimeout(tick,500);}}tick();}})();</script>",
        unsafe_allow_javascript=True,
    )


def type_label(kind: str) -> str:
    return t(f"qtype.{kind}")


def question_header(q: ShownQuestion, answered: bool | None = None) -> None:
    status = "" if answered is None else " · " + (f":green[{t('take.answered')}]" if answered else f":gray[{t('take.open')}]")
    st.markdown(f"**{q.number}.** `{type_label(q.type)}` · {t('take.points', n=f'{q.points:g}')}{status}")
    st.markdown(q.prompt)


def question_input(q: ShownQuestion, key: str, saved: Any, on_save: Callable[[str, Any], None]) -> None:
    """The input widget of one question; every change is saved to the server at once."""
    label = t("take.answer_label", n=q.number)
    letters = [letter for letter, _ in q.options]
    texts = dict(q.options)
    shown_letter = {letter: LETTERS[i] for i, letter in enumerate(letters)}

    def option_label(letter: str) -> str:
        return f"{shown_letter[letter]}. {texts[letter]}"

    if q.type in ("single", "scenario"):
        index = letters.index(saved) if saved in letters else None
        st.radio(
            label,
            letters,
            index=index,
            format_func=option_label,
            key=key,
            label_visibility="collapsed",
            on_change=lambda: on_save(q.key, st.session_state[key]),
        )
    elif q.type == "multiple":
        chosen = set(saved or "")

        # Keyed by display position, never by the author's letter: widget keys reach the browser.
        def save_multiple() -> None:
            on_save(q.key, "".join(x for i, x in enumerate(letters) if st.session_state.get(f"{key}:{i}")))

        for i, letter in enumerate(letters):
            st.checkbox(option_label(letter), value=letter in chosen, key=f"{key}:{i}", on_change=save_multiple)
    elif q.type == "true_false":
        index = None if saved is None else (0 if saved else 1)
        st.radio(
            label,
            [True, False],
            index=index,
            key=key,
            horizontal=True,
            label_visibility="collapsed",
            format_func=lambda v: t("tf.true") if v else t("tf.false"),
            on_change=lambda: on_save(q.key, st.session_state[key]),
        )
    else:
        values = list(saved or []) + [""] * q.blanks

        def save_blanks() -> None:
            on_save(q.key, [st.session_state.get(f"{key}:{i}", "") for i in range(q.blanks)])

        for i in range(q.blanks):
            st.text_input(t("take.blank", n=i + 1), value=values[i], key=f"{key}:{i}", max_chars=200, on_change=save_blanks)


def is_answered(q: ShownQuestion, saved: Any) -> bool:
    if saved is None or saved == "" or saved == []:
        return False
    if q.type == "fill_blank":
        return any(str(x).strip() for x in saved)
    return True


def _letters_shown(letters: str, order: tuple[int, ...], authored: str) -> str:
    position = {authored[i]: LETTERS[n] for n, i in enumerate(order)}
    return "".join(sorted(position[x] for x in letters)) if letters else ""


def review(result: QuestionResult, number: int, order: tuple[int, ...]) -> None:
    """One question after submission: the answer given, the correct answer, points, explanation."""
    q = result.question
    mark = (
        ":green[:material/check_circle:]"
        if result.correct
        else (":orange[:material/adjust:]" if result.points > 0 else ":red[:material/cancel:]")
    )
    st.markdown(
        f"{mark} **{number}.** `{type_label(q.type)}` · {t('result.points', got=f'{result.points:g}', max=f'{result.max_points:g}')}"
    )
    st.markdown(q.prompt)
    if q.options:
        order = order or tuple(range(len(q.options)))
        chosen = result.response or ""
        for n, i in enumerate(order):
            letter = q.letters[i]
            right = (q.type != "scenario" and letter in (q.answer or "")) or (q.type == "scenario" and q.options[i].credit == 1)
            tag = (" :green[:material/check:]" if right else "") + (f" ← {t('result.your_choice')}" if letter in chosen else "")
            credit = f" ({t('result.credit')} {q.options[i].credit:g})" if q.type == "scenario" else ""
            st.markdown(f"- {LETTERS[n]}. {q.options[i].text}{credit}{tag}")
    elif q.type == "true_false":
        given = "—" if result.response is None else (t("tf.true") if result.response else t("tf.false"))
        st.markdown(
            f"{t('result.your_answer')}: {given} · {t('result.correct_answer')}: {t('tf.true') if q.answer else t('tf.false')}"
        )
    else:
        given = "；".join(md_escape(x) if x else "—" for x in (result.response or [])) or "—"
        correct = "；".join(" / ".join(alts) for alts in q.answer)
        st.markdown(f"{t('result.your_answer')}: {given}\n\n{t('result.correct_answer')}: {correct}")
    if q.explanation:
        st.info(q.explanation, icon=":material/lightbulb:")
