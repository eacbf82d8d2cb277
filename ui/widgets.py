"""Reusable pieces of the pages: times in Asia/Shanghai, the countdown, question inputs and review."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
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


_UNDERSCORE_BLANK = re.compile(r"_{3,}")
SHOWN_BLANK = "＿＿＿＿"


def prompt_markdown(text: str) -> str:
    """A question's prompt as Markdown with every ``___`` blank shown as a visible blank.

    A pair of ``___`` would otherwise be read as bold-italic emphasis and vanish. The full-width
    low line is not Markdown syntax, so the rest of the prompt keeps its Markdown (and, as everywhere,
    no raw HTML: ``st.markdown`` escapes it).
    """
    return _UNDERSCORE_BLANK.sub(SHOWN_BLANK, str(text))


def show_prompt(text: str) -> None:
    """Render a question's prompt: the one place every page shows a prompt."""
    st.markdown(prompt_markdown(text))


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def streamlit_words_css(max_upload_mb: int = 20) -> str:
    """One ``<style>`` block (local, no CDN) that replaces the English words Streamlit's file uploader
    draws itself and Python cannot set ("Upload", "20MB per file • XLSX") with the catalogue's words.
    Added once by ``app.py`` for every page; multiselects and date inputs get their words from their
    own parameters (``placeholder=``, ``select_all=False``, ``format=``)."""
    button, hint = _css_string(t("upload.button")), _css_string(t("upload.hint", mb=max_upload_mb))
    zone = '[data-testid="stFileUploaderDropzone"]'
    return (
        "<style>"
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] * {{font-size: 0 !important}}'
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"]::after {{content: {hint}; font-size: .85rem; opacity: .75}}'
        f"{zone} button {{font-size: 0 !important}}"
        f"{zone} button * {{font-size: 0 !important}}"
        f'{zone} button [data-testid="stIconMaterial"] {{font-size: 1.25rem !important}}'
        f"{zone} button::after {{content: {button}; font-size: .875rem}}"
        "</style>"
    )


def safe_file_name(text: str) -> str:
    """``text`` with the characters a file system refuses, and white space, turned into "_"."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_")


def file_name(key: str, suffix: str, **values: object) -> str:
    """A download's file name in the user's language (``file.*`` in the catalogue: titles and dates,
    never ids), safe for any file system."""
    return safe_file_name(t(key, **values)) + suffix


def local_time(value: str | dt.datetime | None) -> str:
    """An ISO timestamp or datetime as Asia/Shanghai ``YYYY-MM-DD HH:MM``."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"


def duration_text(seconds: int | float) -> str:
    """A length of time in words of the current language: 1 小时 30 分钟, 10 分钟, 2 分 5 秒, 40 秒."""
    h, rest = divmod(max(0, int(seconds)), 3600)
    m, s = divmod(rest, 60)
    if h:
        return t("time.hours_minutes", h=h, m=m) if m else t("time.hours", h=h)
    if m:
        return t("time.minutes_seconds", m=m, s=s) if s else t("time.minutes", m=m)
    return t("time.seconds", s=s)


def period_text(key: str) -> str:
    """A report period's key (2026Q3, 2026-09, 2026, 2026-07-01..2026-09-30) in words of the current language."""
    import re

    if m := re.fullmatch(r"(\d{4})[Qq]([1-4])", key):
        return t("periodname.quarter", y=m[1], q=m[2])
    if m := re.fullmatch(r"(\d{4})-(\d{2})", key):
        return t("periodname.month", y=m[1], m=int(m[2]))
    if re.fullmatch(r"\d{4}", key):
        return t("periodname.year", y=key)
    if m := re.fullmatch(r"(\S+)\.\.(\S+)", key):
        return t("periodname.dates", start=m[1], end=m[2])
    return key


def countdown(deadline: dt.datetime, now: dt.datetime) -> None:
    """A ticking countdown (a few lines of inline JavaScript; the server enforces the limit)."""
    remaining = max(0, int((deadline - now).total_seconds()))
    label = html.escape(t("take.time_left"))
    uid = f"cd{abs(hash((deadline.isoformat(), remaining))) % 10**8}"
    st.html(
        # Fixed at the top of the window (over Streamlit's header bar), so it stays in sight on a phone.
        f'<div id="{uid}" role="timer" aria-live="off" style="font:600 1.05rem system-ui,sans-serif;color:#2f6f5e;'
        f"position:fixed;top:.55rem;left:50%;transform:translateX(-50%);z-index:999991;background:#fbfaf7;"
        f'padding:.3rem .9rem;border:1px solid #c9c4b5;border-radius:1rem;box-shadow:0 1px 4px rgba(0,0,0,.12)">'
        f"{label} {remaining // 60:02d}:{remaining % 60:02d}</div>"
        f"<script>(function(){{const end=Date.now()+{remaining * 1000};function tick(){{"
        f"const el=document.getElementById('{uid}');if(!el)return;const s=Math.max(0,Math.round((end-Date.now())/1000));"
        f"el.textContent='{label} '+String(Math.floor(s/60)).padStart(2,'0')+':'+String(s%60).padStart(2,'0');"
        f"if(s>0)setTimeout(tick,500);}}tick();}})();</script>",
        unsafe_allow_javascript=True,
    )


def type_label(kind: str) -> str:
    return t(f"qtype.{kind}")


def scroll_to_top(token: str) -> None:
    """Scroll the page to its top once (a rerun keeps the scroll position of the page before it)."""
    st.html(
        f"<script>(function(){{const k='mingde-top-{html.escape(token)}';if(sessionStorage.getItem(k))return;"
        "sessionStorage.setItem(k,'1');const m=document.querySelector('[data-testid=\"stMain\"]')||document.scrollingElement;"
        "setTimeout(function(){m.scrollTo(0,0);window.scrollTo(0,0);},50);})();</script>",
        unsafe_allow_javascript=True,
    )


_CELL = (
    "display:inline-block;min-width:2.3rem;padding:.35rem 0;margin:0 .3rem .4rem 0;text-align:center;"
    "border-radius:.4rem;text-decoration:none;font:600 .95rem system-ui,sans-serif;"
)


def _cell(n: int, answered: bool, marked: bool) -> tuple[str, str, str]:
    """The style, text and spoken label of answer-sheet cell ``n``."""
    css = _CELL + (
        "background:#2f6f5e;color:#fff;border:1px solid #2f6f5e"
        if answered
        else "background:#fff;color:#1f2933;border:1px solid #c9c4b5"
    )
    word = t("take.answered") if answered else t("take.open")
    if marked:
        css += ";box-shadow:0 0 0 2px #d9822b"
        word += "，" + t("take.marked")
    return css, f"{n}⚑" if marked else str(n), f"{n} {word}"


def answer_sheet(total: int, answered: set[int], marked: set[int]) -> None:
    """答题卡: a numbered cell per question, answered / not answered / marked; a tap scrolls to it.
    A card that changes updates its cell in the browser (``sheet_cell``), without rerunning the page."""
    cells = []
    for n in range(1, total + 1):
        css, text, label = _cell(n, n in answered, n in marked)
        cells.append(f'<a href="#" data-q="{n}" aria-label="{html.escape(label)}" style="{css}">{text}</a>')
    legend = " · ".join(
        f'<span style="{css}">{html.escape(word)}</span>'
        for css, word in (
            ("color:#2f6f5e", "■ " + t("take.answered")),
            ("color:#6b7280", "□ " + t("take.open")),
            ("color:#d9822b", "⚑ " + t("take.marked")),
        )
    )
    st.html(
        f'<nav class="mingde-sheet" aria-label="{html.escape(t("take.sheet"))}">'
        f'<div style="font:600 1rem system-ui,sans-serif;margin-bottom:.4rem">{html.escape(t("take.sheet"))}'
        f'<span style="font-weight:400;font-size:.85rem;margin-left:.6rem">{legend}</span></div>'
        f"<div>{''.join(cells)}</div></nav>"
        "<script>document.querySelectorAll('.mingde-sheet a[data-q]').forEach(function(a){a.onclick=function(e){"
        "e.preventDefault();const c=document.querySelector('.st-key-q'+a.dataset.q);"
        "if(c)c.scrollIntoView({behavior:'smooth',block:'start'});};});</script>",
        unsafe_allow_javascript=True,
    )


def sheet_cell(n: int, answered: bool, marked: bool) -> None:
    """Bring cell ``n`` of the answer sheet up to date (run by the question's card)."""
    css, text, label = _cell(n, answered, marked)
    st.html(
        f"<script>(function(){{const a=document.querySelector('.mingde-sheet a[data-q=\"{n}\"]');if(!a)return;"
        f"a.style.cssText={json.dumps(css)};a.textContent={json.dumps(text)};"
        f"a.setAttribute('aria-label',{json.dumps(label)});}})();</script>",
        unsafe_allow_javascript=True,
    )


def question_header(q: ShownQuestion, answered: bool | None = None, marked: bool = False) -> None:
    status = "" if answered is None else " · " + (f":green[{t('take.answered')}]" if answered else f":gray[{t('take.open')}]")
    if marked:
        status += f" · :orange[:material/flag: {t('take.marked')}]"
    st.markdown(f"**{q.number}.** `{type_label(q.type)}` · {t('take.points', n=f'{q.points:g}')}{status}")
    show_prompt(q.prompt)


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
            st.text_input(
                t("take.blank", n=i + 1), value=values[i], key=f"{key}:{i}", max_chars=200, on_change=save_blanks, live=True
            )


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
    show_prompt(q.prompt)
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
            t("result.labelled", label=t("result.your_answer"), value=given)
            + " · "
            + t("result.labelled", label=t("result.correct_answer"), value=t("tf.true") if q.answer else t("tf.false"))
        )
    else:
        given = "；".join(md_escape(x) if x else "—" for x in (result.response or [])) or "—"
        correct = "；".join(" / ".join(alts) for alts in q.answer)
        st.markdown(
            t("result.labelled", label=t("result.your_answer"), value=given)
            + "\n\n"
            + t("result.labelled", label=t("result.correct_answer"), value=correct)
        )
    if q.explanation:
        st.info(q.explanation, icon=":material/lightbulb:")
