"""大屏计分板: for a projector. ``/scoreboard?run=<id>&kiosk=1`` is the kiosk address: no sidebar,
menus or Streamlit error boxes, full width. Refreshes itself twice a second from a cache that changes
only when an event is written; the question first, then the answer once the host reveals it."""

import streamlit as st

from quizzes.competition import public_view
from quizzes.fields import utcnow
from ui.auth import access, recheck
from ui.board import KIOSK, STYLE, beat_script, board_html
from ui.live import run_id
from ui.state import t

me = access()
live = me.live
run = run_id()
if run is None:
    runs = [r for r in live.runs() if r["status"] != "finished"] or live.runs()
    st.title(t("board.live_title"))
    if not runs:
        st.info(t("host.none"))
        st.stop()
    for r in runs[:10]:
        st.page_link(
            "ui/pages/scoreboard.py", label=r["title"], query_params={"run": r["id"], "kiosk": "1"}, icon=":material/tv:"
        )
    st.stop()

live.state(run)  # an unknown run: NotFound here, shown once by the app's error handler (never every 0.5 s)
if st.query_params.get("kiosk"):
    st.html(KIOSK)
st.html(STYLE + beat_script(), unsafe_allow_javascript=True)


@st.fragment(run_every=0.5)  # one projector: twice a second keeps a buzz on screen within a second
def board() -> None:
    recheck(me.account)  # signed out, disabled or expired meanwhile: the sign-in form, not the board
    view = public_view(live.state(run))  # the answer only once the host has revealed it
    st.html(board_html(view, utcnow()), unsafe_allow_javascript=True)


board()
