"""签到大屏: for the projector. A QR code that changes every 20 s (a signed code of this session and
time slot, drawn here with segno: no internet), the address as text, and how many have checked in."""

import io
from urllib.parse import urlsplit

import segno
import streamlit as st

from tracker.errors import EventRefused
from ui.auth import access
from ui.event_widgets import session_line
from ui.state import catalog, t

me = access()
me.require("organizer")
event = catalog().events.get(st.query_params.get("event", ""))
session_id = st.query_params.get("session", "")
if event is None or session_id not in event.session_ids:
    st.error(t("events.no_such_session"))
    st.page_link("ui/pages/event_admin.py", label=t("page.event_admin"), icon=":material/event:")
    st.stop()
st.html(
    "<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl'],header{display:none!important}"
    ".block-container{max-width:100%!important;padding-top:1rem!important}"
    "[data-testid='stMetricValue']{font-size:3rem}</style>"
)
parts = urlsplit(st.context.url or "")
origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


@st.fragment(run_every=1)
def screen() -> None:
    st.title(event.title)
    st.subheader(session_line(event, session_id))
    try:
        code, left = me.current_code(event, session_id)
    except EventRefused as e:
        st.warning(t(f"events.refused.{e.reason}"))
        return
    address = f"{origin}/c/{code}"
    png = io.BytesIO()
    segno.make(address, error="m").save(png, kind="png", scale=12, border=2)
    left_col, right_col = st.columns([3, 2])
    left_col.image(png.getvalue(), width=520, caption=t("screen.scan"))
    rows = me.roll_call(event, session_id)
    came = sum(1 for r in rows if r.status in ("present", "late"))
    right_col.metric(t("screen.checked_in"), f"{came} / {len(rows)}")
    right_col.metric(t("screen.changes_in"), t("screen.seconds", s=int(left) + 1))
    right_col.markdown(t("screen.address"))
    right_col.code(address, language=None, wrap_lines=True)


screen()
