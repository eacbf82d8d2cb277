"""考核指标 (leaders, organizers): 0–100 indicators per employee or department, with their inputs;
leaders lock (归档) a period so its figures no longer change."""

import streamlit as st

from ui.auth import access
from ui.errors import handled
from ui.report_widgets import column_config, downloads, header, period_picker, with_dashes
from ui.state import catalog, lang, t
from ui.widgets import local_time

me = access()
me.require("leader", "organizer")
cat = catalog()
st.title(t("assess.title"))
weights = cat.assessment.weights if cat.assessment else None
PARTS = {"l": "lesson_weight", "q": "quiz_weight", "c": "competition_weight", "a": "attendance_weight", "h": "hours_weight"}
if weights:
    configured = dict(zip(PARTS, weights.parts().values(), strict=True))
    st.caption(t("training.assess.weights", **{k: f"{v:.0%}" for k, v in configured.items()}))

period = period_picker(cat.assessment.period if cat.assessment else "quarter", key="assess")
by = st.radio(t("part.by"), ["employee", "department"], format_func=lambda b: t(f"assess.by.{b}"), horizontal=True)
out = me.assessment_output(period, cat, by=by, lang=lang())
table = out.main
lock = table.attrs.get("locked")
if lock:
    st.info(t("assess.locked", by=lock["locked_by"], at=local_time(lock["locked_at"])), icon=":material/lock:")
elif period.in_progress():  # review #13: a quiz published today lowers everyone's figures at once
    st.warning(t("training.assess.provisional", end=period.end.isoformat()), icon=":material/schedule:")

shown = with_dashes(table)  # a missing figure is "—", never Streamlit's "None"
st.dataframe(shown, column_config=column_config(shown), hide_index=True, width="stretch")
st.caption(t("assess.how"))
rule = cat.assessment.attendance if cat.assessment else None
if rule is not None:
    st.caption(t("training.assess.how", late=f"{rule.late:g}", leave=t(f"training.assess.leave_{rule.leave}")))
present = [k for k, c in PARTS.items() if c in table.columns]
if weights and len(table) and len(present) == len(PARTS):  # the weights applied, when a part is absent
    # per person, attendance may be left out (its weight then goes to the others): show the weights of
    # someone with attendance when there is one
    with_attendance = table[table["attendance_weight"].astype(float) > 0]
    first = (with_attendance if len(with_attendance) else table).iloc[0]
    used = {k: float(first[c]) for k, c in PARTS.items()}
    if any(abs(used[k] - configured[k]) > 1e-6 for k in PARTS):
        st.caption(t("training.assess.respread", **{k: f"{v:.1%}" for k, v in used.items()}))
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
