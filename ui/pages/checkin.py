"""签到: where the projector's QR code leads (through ``/c/<code>``, which turns the code into a
one-use ticket). Checks the signed-in employee in; someone signed out signs in first and lands here.
Without a ticket (a phone that cannot scan), the employee types the 6-digit 签到码 of the screen."""

import math

import streamlit as st

from tracker.errors import AccessDenied, EventRefused
from ui.auth import access
from ui.event_widgets import session_line
from ui.server import DEVICE_COOKIE
from ui.state import catalog, saving, t
from ui.widgets import local_time

TYPED = "checkin.typed"  # (event id, session id) checked in with a typed code in this browser tab

me = access()
cat = catalog()
st.title(t("checkin.title"))
refused = st.query_params.get("refused")
token = st.query_params.get("ticket")
device = st.context.cookies.get(DEVICE_COOKIE)
device = device if isinstance(device, str) else None  # AppTest has no cookies


def refusal(e: EventRefused) -> None:
    if e.reason == "throttled":
        st.error(t("checkin.code_wait", minutes=max(1, math.ceil(e.wait / 60))))
    else:
        st.error(t(f"events.refused.{e.reason}"))


def result(event, session_id: str, row: dict) -> None:
    """The recorded status of one session, with the 签退 button while it may be used."""
    status = t(f"events.status.{row['status']}")
    if row["status"] in ("present", "late"):
        st.success(t("checkin.done", status=status, time=local_time(row["check_in_at"])))
    else:
        st.info(t("checkin.recorded", status=status))
    if row["check_out_at"]:
        st.info(t("checkin.out_done", time=local_time(row["check_out_at"]), minutes=row["minutes"]))
    elif row["status"] in ("present", "late") and st.button(t("checkin.check_out"), key="check_out"):
        try:
            with saving():
                me.check_out(event, session_id)
                st.rerun()
        except EventRefused as e:
            refusal(e)


def typed_code() -> None:
    """The 签到码 form: the open sessions of one's audience (no choice when there is one), 6 digits.
    After a check-in its result (and 签退) stays on top, and the form stays below while another session
    is open (a training's afternoon session, in the same tab)."""
    done = st.session_state.get(TYPED)
    if done and (event := cat.events.get(done[0])) is not None and (row := me.my_attendance(event, done[1])):
        st.subheader(event.title)
        st.caption(session_line(event, done[1]))
        result(event, done[1], row)
    else:
        done = None
    try:
        sessions = me.open_checkins(cat)  # without the sessions one is checked in for
    except AccessDenied:  # an account without an employee record checks nobody in
        st.info(t("checkin.scan"))
        return
    if done and not sessions:
        return
    st.subheader(t("checkin.code_title"))
    if not sessions:
        st.info(t("checkin.scan"))
        st.caption(t("checkin.code_none"))
        return
    with st.form("checkin.code", border=True):
        st.caption(t("checkin.code_help"))
        by_key = {f"{e.id}/{sid}": (e, sid) for e, sid in sessions}  # a key, not a position: the list may change
        if len(sessions) == 1:
            chosen = next(iter(by_key))
            st.markdown(f"**{sessions[0][0].title}**")
            st.caption(session_line(*sessions[0]))
        else:
            chosen = st.radio(
                t("checkin.code_session"),
                list(by_key),
                format_func=lambda k: f"{by_key[k][0].title} · {session_line(*by_key[k])}",
            )
        typed = st.text_input(t("checkin.code_input"), max_chars=12, placeholder="000000")
        go = st.form_submit_button(t("checkin.code_submit"), type="primary", width="stretch")
    if go and chosen in by_key:
        event, session_id = by_key[chosen]
        try:
            with saving():
                me.check_in_code(event, session_id, typed, device)
                st.session_state[TYPED] = (event.id, session_id)
                st.rerun()
        except EventRefused as e:
            refusal(e)


if refused:
    st.error(t(f"events.refused.{refused}"))
if not token:
    typed_code()
    st.stop()
try:
    event, session_id = me.ticket_event(cat, token)
except EventRefused as e:
    refusal(e)
    st.stop()
st.subheader(event.title)
st.caption(session_line(event, session_id))
mine = st.session_state.setdefault("checkin.tickets", set())
row = me.my_attendance(event, session_id)
if row is not None and token not in mine:
    st.warning(t("events.refused.twice"))
elif row is None:
    try:
        with saving():
            row = me.check_in(cat, token, device)
            mine.add(token)
    except EventRefused as e:
        refusal(e)
        st.stop()
if row is None:
    st.stop()
result(event, session_id, row)
