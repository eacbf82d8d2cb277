"""签到: where the projector's QR code leads (through ``/c/<code>``, which turns the code into a
one-use ticket). Checks the signed-in employee in; someone signed out signs in first and lands here."""

import streamlit as st

from tracker.errors import EventRefused
from ui.auth import access
from ui.event_widgets import session_line
from ui.server import DEVICE_COOKIE
from ui.state import catalog, saving, t
from ui.widgets import local_time

me = access()
cat = catalog()
st.title(t("checkin.title"))
refused = st.query_params.get("refused")
token = st.query_params.get("ticket")
if refused:
    st.error(t(f"events.refused.{refused}"))
    st.stop()
if not token:
    st.info(t("checkin.scan"))
    st.stop()
try:
    event, session_id = me.ticket_event(cat, token)
except EventRefused as e:
    st.error(t(f"events.refused.{e.reason}"))
    st.stop()
st.subheader(event.title)
st.caption(session_line(event, session_id))
device = st.context.cookies.get(DEVICE_COOKIE)
device = device if isinstance(device, str) else None  # AppTest has no cookies
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
        st.error(t(f"events.refused.{e.reason}"))
        st.stop()
if row is None:
    st.stop()
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
        st.error(t(f"events.refused.{e.reason}"))
