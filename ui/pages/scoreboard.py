"""大屏计分板: for a projector. Refreshes itself twice a second from a cache that changes only when
an event is written; the question first, then the answer once the host reveals it."""

import streamlit as st

from tracker import competitions as comp
from ui.auth import access
from ui.live import clock, question_block, run_id, scores, state_view
from ui.state import t, tracker

access()
run = run_id()
if run is None:
    runs = [r for r in comp.runs(tracker()) if r["status"] != "finished"] or comp.runs(tracker())
    st.title(t("board.live_title"))
    if not runs:
        st.info(t("host.none"))
        st.stop()
    for r in runs[:10]:
        st.page_link("ui/pages/scoreboard.py", label=r["title"], query_params={"run": r["id"]}, icon=":material/tv:")
    st.stop()

st.html(
    "<style>[data-testid='stMetricValue']{font-size:3.2rem}[data-testid='stMarkdownContainer'] p{font-size:1.5rem}"
    "h1{font-size:3rem!important}</style>"
)


@st.fragment(run_every=0.5)  # one projector: twice a second keeps a buzz on screen within a second
def board() -> None:
    view = state_view(run)  # the answer only once the host has revealed it
    st.title(view["title"])
    if view["phase"] == "finished":
        st.header(t("live.final"))
        for row in view["ranking"]:
            st.markdown(f"## {row['rank']}. {row['team']} — {row['score']:g}")
        return
    header = view["round_name"] or t("live.waiting")
    if view["question_index"] is not None:
        header += " · " + t("live.question_n", n=view["question_index"] + 1, total=view["questions_in_round"])
    st.header(header)
    if view["answering_team"]:
        st.subheader(t("live.answering", team=view["answering_team"]))
    if view["must_pick"]:
        st.subheader(t("live.must_pick", team=view["must_pick"]))
    if view["picked_value"] is not None:
        st.subheader(t("live.picked", value=f"{view['picked_value']:g}"))
    clock(view)
    if view["status"] not in (None, "pending"):
        question_block(view, show_key=view["answer_revealed"])
    scores(view, big=True)


board()
