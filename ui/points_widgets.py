"""学习积分 pieces shared by the points pages: activity names, the rules line, the history table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from quizzes import Catalog
from tracker.points import rules_of
from ui.state import t

ACTIVITY_KEYS = {
    "lesson_read": "points.act.lesson_read",
    "lesson_finished": "points.act.lesson_finished",
    "daily": "points.act.daily",
    "quiz_passed": "points.act.quiz_passed",
    "event_attended": "points.act.event_attended",
    "competition": "points.act.competition",
}


def activity_name(activity: str) -> str:
    return t(ACTIVITY_KEYS[activity]) if activity in ACTIVITY_KEYS else activity


def rules_caption(cat: Catalog) -> None:
    rules = rules_of(cat)
    parts = []
    for activity in ACTIVITY_KEYS:
        rule = rules.rule(activity)
        if rule.points:
            name = activity_name(activity)
            parts.append(
                t("points.rule", activity=name, points=f"{rule.points:g}", cap=f"{rule.daily_cap:g}")
                if rule.daily_cap
                else t("points.rule_nocap", activity=name, points=f"{rule.points:g}")
            )
    st.caption(t("points.rules", rules="；".join(parts)))


def source_title(cat: Catalog, activity: str, source: str) -> str:
    """What an entry came from, by its title where the catalogue knows it."""
    if activity in ("lesson_read", "lesson_finished") and source in cat.lessons:
        return cat.lessons[source].title
    if activity == "quiz_passed" and source in cat.quizzes:
        return cat.quizzes[source].title
    return str(source)


def history_table(cat: Catalog, hist: pd.DataFrame) -> pd.DataFrame:
    """The history with translated headers and activity names, and a note on flagged or capped entries;
    the points next to the date, so a phone shows them without scrolling sideways."""
    notes = [
        t("points.note.flagged") if f else (t("points.note.capped") if c else "")
        for f, c in zip(hist["flagged"], hist["capped"], strict=True)
    ]
    return pd.DataFrame(
        {
            t("points.col.day"): hist["day"],
            t("points.col.points"): hist["points"],  # second: seen on a phone without scrolling sideways
            t("points.col.activity"): [activity_name(a) for a in hist["activity"]],
            t("points.col.source"): [source_title(cat, a, s) for a, s in zip(hist["activity"], hist["source"], strict=True)],
            t("points.col.note"): notes,
        }
    )
