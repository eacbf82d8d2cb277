"""排行榜: the leaderboard of online contests — live while open, frozen once closed."""

import streamlit as st

from tracker.leaderboard import leaderboard
from ui.auth import access
from ui.state import catalog, t, tracker
from ui.widgets import local_time

access()  # signed in
contests = [q for q in catalog().quizzes.values() if q.leaderboard]
st.title(t("board.title"))
if not contests:
    st.info(t("board.none"))
    st.stop()
quiz = st.selectbox(t("board.contest"), contests, format_func=lambda q: q.title, key="contest")


@st.cache_data(ttl=10, show_spinner=False, max_entries=32)
def board(db_path: str, quiz_id: str):
    # shared by every viewer: at most one computation per contest every 10 seconds
    return leaderboard(tracker(), next(q for q in contests if q.id == quiz_id))


@st.fragment(run_every=15)
def show() -> None:
    b = board(str(tracker().path), quiz.id)
    if b.frozen:
        st.caption(t("board.frozen", at=local_time(b.as_of)))
    else:
        st.caption(t("board.live", at=local_time(b.as_of)))
    people, departments, teams = st.tabs([t("board.individuals"), t("board.departments"), t("board.teams")])
    with people:
        df = b.individuals.head(100)
        st.dataframe(
            df.assign(
                percent=df["percent"].round(1),
                seconds=(df["seconds"] // 60).astype("Int64").astype(str)
                + "′"
                + (df["seconds"] % 60).round().astype("Int64").astype(str).str.zfill(2)
                + "″",
            )[["rank", "name", "department", "percent", "seconds"]].rename(
                columns={
                    "rank": t("board.rank"),
                    "name": t("board.name"),
                    "department": t("board.department"),
                    "percent": t("board.percent"),
                    "seconds": t("board.time"),
                }
            ),
            hide_index=True,
            width="stretch",
        )
    for tab, df in ((departments, b.departments), (teams, b.teams)):
        with tab:
            st.dataframe(
                df.rename(
                    columns={
                        "rank": t("board.rank"),
                        "department": t("board.department"),
                        "team": t("board.team"),
                        "headcount": t("board.headcount"),
                        "participants": t("board.participants"),
                        "participation_rate": t("board.rate"),
                        "mean_percent": t("board.mean"),
                        "score": t("board.score"),
                    }
                ),
                hide_index=True,
                width="stretch",
            )
    st.caption(t("board.formula"))


show()
