"""签到大屏: for the projector. A QR code that changes every 20 s (a signed code of this session and
time slot, drawn here with segno: no internet); for phones that cannot scan, the 6-digit 签到码 of the
same slot, big, and the short address of the 签到 page to type it on; how many have checked in."""

import io
from html import escape
from urllib.parse import urlsplit

import segno
import streamlit as st

from quizzes.fields import utcnow
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
    "[data-testid='stMetricValue']{font-size:3rem}"
    "[data-testid='stImage'],[data-testid='stImage'] div,[data-testid='stImage'] img{max-width:100%!important}"
    "[data-testid='stImage'] img{height:auto!important}"
    ".mingde-code{font-size:clamp(64px,9vw,120px);line-height:1.1;font-weight:700;letter-spacing:.12em;font-variant-numeric:tabular-nums}"
    ".mingde-code-label{font-size:1.6rem;margin-bottom:-.5rem}"
    ".mingde-code-address{font-size:2.4rem;font-weight:700;word-break:break-all;line-height:1.2}"
    ".mingde-code-hint{font-size:1.4rem}</style>"
)
parts = urlsplit(st.context.url or "")
origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


@st.fragment(run_every=1)
def screen() -> None:
    st.title(event.title)
    st.subheader(session_line(event, session_id))
    try:
        now = utcnow()  # one moment for both codes: the same slot
        code, left = me.current_code(event, session_id, now=now)
        typed = me.typed_code(event, session_id, now=now)
    except EventRefused as e:
        st.warning(t(f"events.refused.{e.reason}"))
        return
    address = f"{origin}/c/{code}"
    png = io.BytesIO()
    segno.make(address, error="m").save(png, kind="png", scale=12, border=2)
    qr_col, info_col = st.columns([3, 2])
    qr_col.image(png.getvalue(), width=520, caption=t("screen.scan"))
    rows = me.roll_call(event, session_id)
    came = sum(1 for r in rows if r.status in ("present", "late"))
    info_col.html(
        f"<div class='mingde-code-label'>{escape(t('screen.code'))}</div>"
        f"<div class='mingde-code' id='mingde-typed-code'>{escape(typed)}</div>"
        f"<div class='mingde-code-hint'>{escape(t('screen.type_at'))}</div>"
        f"<div class='mingde-code-address' id='mingde-typed-address'>{escape(origin)}/checkin</div>"
        f"<div class='mingde-code-hint'>{escape(t('screen.type_then'))}</div>"
    )
    came_col, wait_col = info_col.columns(2)
    came_col.metric(t("screen.checked_in"), f"{came} / {len(rows)}")
    wait_col.metric(t("screen.changes_in"), t("screen.seconds", s=int(left) + 1))


screen()
