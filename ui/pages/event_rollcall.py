"""点名 (organizers, on a phone): the session's people as a list, one tap each; 请假 with a reason;
check-ins flagged as possibly by proxy, and a random spot-check list (抽查)."""

import random

import streamlit as st

from tracker.errors import EventRefused
from ui.auth import access
from ui.event_widgets import session_line
from ui.state import catalog, saving, t
from ui.widgets import local_time

me = access()
me.require("organizer")
event = catalog().events.get(st.query_params.get("event", ""))
session_id = st.query_params.get("session", "")
if event is None or session_id not in event.session_ids:
    st.error(t("events.no_such_session"))
    st.stop()
st.title(t("page.event_rollcall"))
st.caption(f"{event.title} · {session_line(event, session_id)}")
TAPS = ["present", "late", "absent"]


def tap(employee_id: str) -> None:
    status = st.session_state.get(f"rc:{employee_id}")
    if status:
        with saving():
            me.mark(event, session_id, employee_id, status)


rows = me.roll_call(event, session_id)
flags = me.proxy_flags(event, session_id)
came = sum(1 for r in rows if r.status in ("present", "late"))
st.progress(came / len(rows) if rows else 0.0, text=t("rollcall.count", n=came, total=len(rows)))
for r in rows:
    label = f"{r.name} · {r.team or r.department}"
    if r.method == "code":
        label += " · " + t("rollcall.by_code", time=local_time(r.check_in_at))
    if r.employee_id in flags:
        label += " · ⚠ " + t("rollcall.flagged")
    if r.status == "leave":
        st.markdown(f"{label} · **{t('events.status.leave')}**（{r.reason}）")
        continue
    st.segmented_control(
        label,
        TAPS,
        default=r.status if r.status in TAPS else None,
        format_func=lambda s: t(f"events.status.{s}"),
        key=f"rc:{r.employee_id}",
        on_change=tap,
        args=(r.employee_id,),
    )

st.subheader(t("rollcall.leave"))
with st.form("leave", clear_on_submit=True):
    who = st.selectbox(
        t("rollcall.leave_who"),
        [r.employee_id for r in rows],
        format_func=lambda i: next(r.name for r in rows if r.employee_id == i),
    )
    reason = st.text_input(t("rollcall.leave_reason"))
    if st.form_submit_button(t("rollcall.leave_save")):
        try:
            with saving():
                me.mark(event, session_id, who, "leave", reason=reason)
                st.rerun()
        except EventRefused as e:
            st.error(t(f"events.refused.{e.reason}"))

st.subheader(t("rollcall.flags"))
if flags:
    for employee_id, device in flags.items():
        st.markdown(f"- {next(r.name for r in rows if r.employee_id == employee_id)} · {t('rollcall.device', device=device[:6])}")
else:
    st.caption(t("rollcall.no_flags"))
st.subheader(t("rollcall.spot"))
n = st.number_input(t("rollcall.spot_n"), min_value=1, max_value=50, value=5, key="spot_n")
if st.button(t("rollcall.spot_draw"), key="spot"):
    st.session_state["spot_seed"] = random.SystemRandom().randrange(1 << 30)
if "spot_seed" in st.session_state:
    for r in me.spot_check(event, session_id, int(n), st.session_state["spot_seed"]):
        st.markdown(f"- {r.name}（{r.employee_id}）· {r.department}")
