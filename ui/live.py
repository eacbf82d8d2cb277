"""Shared pieces of the live-competition pages: the run in the URL, rule messages, the question with
its answer, the countdown, the buzz order and team scores."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from streamlit.errors import StreamlitAPIException

from quizzes.competition import CompetitionRuleError
from quizzes.fields import SHANGHAI, utcnow
from quizzes.model import LETTERS
from ui.i18n import ZH
from ui.state import t
from ui.widgets import countdown, md_escape, show_prompt, type_label


def rerun() -> None:
    """Run the fragment again (the whole page when the click came in a full run)."""
    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:
        st.rerun()


def run_id() -> str | None:
    return st.query_params.get("run") or None


def rule_text(error: CompetitionRuleError) -> str:
    """A rule error in the user's language (``rule.<code>`` of the catalogue)."""
    params = {k: f"{v:g}" if isinstance(v, float) else v for k, v in error.params.items()}
    key = f"rule.{error.code}" if f"rule.{error.code}" in ZH else "rule.rule"
    try:
        return t(key, **params)
    except (KeyError, IndexError):
        return t("rule.rule")


def clock_time(at: str | None) -> str:
    """A server time as Shanghai ``HH:MM:SS.mmm``."""
    if not at:
        return ""
    moment = dt.datetime.fromisoformat(at).astimezone(SHANGHAI)
    return f"{moment:%H:%M:%S}.{moment.microsecond // 1000:03d}"


def answer_text(q: dict) -> str:
    """The key as the audience reads it: letters with the option texts, 对/错, or the accepted words."""
    answer = q.get("answer")
    options = q.get("options") or []
    if isinstance(answer, bool):
        return t("tf.true") if answer else t("tf.false")
    if isinstance(answer, list):
        return "；".join(" / ".join(a) for a in answer)
    if answer is None and q.get("credits"):
        return "、".join(f"{LETTERS[i]}={c:g}" for i, c in enumerate(q["credits"]))
    if isinstance(answer, str):
        return "；".join(f"{x}. {options[LETTERS.index(x)]}" for x in answer if x in LETTERS[: len(options)])
    return str(answer)


def result_label(view: dict, choice) -> str:
    """A submitted choice as text (letters, 对/错 or the words typed)."""
    if choice is None:
        return "—"
    if isinstance(choice, bool):
        return t("tf.true") if choice else t("tf.false")
    if isinstance(choice, list):
        return "；".join(x or "—" for x in choice)
    return str(choice)


def question_block(view: dict, *, show_key: bool, options: bool = True) -> None:
    """The current question: its type, prompt and options (unless an answer form shows them); the key
    (letter and text) when ``show_key``."""
    q = view.get("question")
    if not q:
        st.info(t("live.no_question"))
        return
    st.markdown(f"`{type_label(q['type'])}`")
    show_prompt(q["prompt"])
    for i, text in enumerate(q.get("options") or [] if options else []):
        st.markdown(f"- **{LETTERS[i]}.** {text}")
    if show_key and "answer" in q:
        st.success(t("live.answer", answer=answer_text(q)))
        if q.get("explanation"):
            st.caption(q["explanation"])


def time_up(view: dict) -> bool:
    return bool(view.get("deadline")) and view.get("status") == "open" and utcnow() >= dt.datetime.fromisoformat(view["deadline"])


def clock(view: dict) -> None:
    if view.get("deadline") and view.get("status") == "open":
        if time_up(view):
            st.error(t("live.time_up"))
        else:
            countdown(dt.datetime.fromisoformat(view["deadline"]), utcnow())


def buzz_list(view: dict) -> None:
    """The buzz order with the server's times (第1位 …), and early buzzes as 犯规."""
    opened = dt.datetime.fromisoformat(view["open_at"]) if view.get("open_at") else None
    lines = []
    for i, (team, at) in enumerate(zip(view["buzz_order"], view["buzz_times"], strict=True)):
        after = f" (+{(dt.datetime.fromisoformat(at) - opened).total_seconds():.2f} s)" if opened and at else ""
        lines.append(t("live.buzz_n", n=i + 1, team=team, at=clock_time(at) + after))
    lines += [t("live.early_buzz", team=team) for team in view["early_buzzes"]]
    if lines:
        st.markdown("  \n".join(lines))


MANY_TEAMS = 12  # above this the scores are one table: a card per team cost a 60-team console 0.1 s a refresh


def scores(view: dict) -> None:
    """Team scores with this question's change as the metric's delta (更正 for a correction); one table
    for more than ``MANY_TEAMS`` teams."""
    standings = view["standings"]
    if len(standings) > MANY_TEAMS:  # markdown: a tenth of what a data table costs per refresh
        head = (t("live.col.rank"), t("live.col.team"), t("live.col.score"), t("live.col.note"))
        lines = ["| " + " | ".join(head) + " |", "|---:|---|---:|---|"]
        for row in standings:
            cells = (str(row["rank"]), md_escape(row["team"]), f"{row['score']:g}", md_escape(change_text(view, row["team"])))
            lines.append("| " + " | ".join(cells) + " |")
        st.markdown("\n".join(lines))
        return
    for start in range(0, len(standings), 3):
        cols = st.columns(3)
        for col, row in zip(cols, standings[start : start + 3], strict=False):
            col.metric(
                f"{row['rank']}. {row['team']}", f"{row['score']:g}", delta=change_text(view, row["team"]) or None, border=True
            )


def change_text(view: dict, team: str) -> str:
    """This question's change of a team's score: "+10", "-10 更正" (a correction), or ""."""
    change = view["last_change"].get(team)
    mark = view["marks"].get(team)
    note = f" {t('live.corrected')}" if mark in ("correction", "adjust", "undo") else ""
    return f"{change:+g}{note}" if change else ""
