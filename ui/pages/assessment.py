"""考核指标 (leaders, organizers): 0–100 indicators per employee or department, with their inputs;
leaders lock (归档) a period so its figures no longer change."""

import streamlit as st

from ui.auth import access
from ui.errors import handled
from ui.report_widgets import column_config, downloads, header, period_picker
from ui.state import catalog, lang, t
from ui.widgets import local_time

me = access()
me.require("leader", "organizer")
cat = catalog()
st.title(t("assess.title"))
weights = cat.assessment.weights if cat.assessment else None
if weights:
    st.caption(t("assess.weights", l=f"{weights.lessons:.0%}", q=f"{weights.quizzes:.0%}", c=f"{weights.competitions:.0%}"))

period = period_picker(cat.assessment.period if cat.assessment else "quarter", key="assess")
by = st.radio(t("part.by"), ["employee", "department"], format_func=lambda b: t(f"assess.by.{b}"), horizontal=True)
out = me.assessment_output(period, cat, by=by, lang=lang())
table = out.main
lock = table.attrs.get("locked")
if lock:
    st.info(t("assess.locked", by=lock["locked_by"], at=local_time(lock["locked_at"])), icon=":material/lock:")

st.dataframe(table, column_config=column_config(table), hide_index=True, width="stretch")
st.caption(t("assess.how"))
if weights and len(table) and "lesson_weight" in table.columns:  # the weights applied, when a part is absent
    used = {k: float(table[c].iloc[0]) for k, c in (("l", "lesson_weight"), ("q", "quiz_weight"), ("c", "competition_weight"))}
    if (
        abs(used["l"] - weights.lessons) > 1e-6
        or abs(used["q"] - weights.quizzes) > 1e-6
        or abs(used["c"] - weights.competitions) > 1e-6
    ):
        st.caption(t("assess.respread", **{k: f"{v:.1%}" for k, v in used.items()}))
downloads(out, "assess")

if me.account.role in ("leader", "admin"):
    st.subheader(t("assess.archive"))
    reason = st.text_input(t("assess.reason"), key="reason", max_chars=200)
    with handled():
        if lock is None and st.button(t("assess.lock"), type="primary", key="lock"):
            me.lock_period(period, me.assessment_indicators(period, cat), reason=reason or None)
            st.rerun()
        if lock is not None and st.button(t("assess.unlock"), key="unlock"):
            me.unlock_period(period, reason=reason or None)
            st.rerun()
    log = me.lock_log(period)
    if not log.empty:
        st.dataframe(log.rename(columns=header), hide_index=True, width="stretch")
