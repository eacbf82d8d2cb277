"""排行榜: the leaderboard of online contests — live while open, frozen once closed. Fits a 375 px
phone; the viewer's own row is highlighted with their rank; organizers see implausibly fast results."""

import pandas as pd
import streamlit as st

from quizzes.fields import format_seconds
from ui.auth import access
from ui.state import catalog, config, t
from ui.widgets import local_time

me = access()  # signed in
mine = me.account.employee_id
flags = me.sees_contest_flags
contests = me.contests(list(catalog().quizzes.values()))  # drafts and other audiences left out
st.title(t("board.title"))
if not contests:
    st.info(t("board.none"))
    st.stop()
quiz = st.selectbox(t("board.contest"), contests, format_func=lambda q: q.title, key="contest")


@st.cache_data(ttl=10, show_spinner=False, max_entries=32)
def board(db_path: str, quiz_id: str, _me):
    # shared by every viewer: at most one computation per contest every 10 seconds (``_me`` is not hashed)
    return _me.leaderboard(next(q for q in contests if q.id == quiz_id))


def people_table(df: pd.DataFrame) -> None:
    """Rank, name, department, percent to one decimal, time to tenths: a table that wraps on a phone."""
    shown = pd.DataFrame(
        {
            t("board.rank"): df["rank"],
            t("board.name"): df["name"].fillna(df["employee_id"]),
            t("board.department"): df["department"].fillna(""),
            t("board.percent"): df["percent"].map(lambda p: f"{p:.1f}"),
            t("board.time"): df["seconds"].map(format_seconds),
        }
    )
    if flags:
        shown[t("board.flag")] = df["flagged"].map(lambda f: t("board.flagged") if f else "")
    own = (df["employee_id"] == mine).tolist()
    styled = shown.style.apply(
        lambda row: ["background-color:#fef3c7;font-weight:600" if own[row.name] else "" for _ in row], axis=1
    ).hide(axis="index")
    # a name stays on one line on a phone (毛若庆, not 毛若/庆): the cell's width fits the longest name
    longest = int(shown[t("board.name")].map(len).max() or 2) if len(shown) else 2
    styled = styled.set_properties(subset=[t("board.name")], **{"min-width": f"{longest + 1.6}em"})
    st.table(styled)


@st.fragment(run_every=15)
def show() -> None:
    b = board(str(config().db), quiz.id, me)
    st.caption(t("board.frozen" if b.frozen else "board.live", at=local_time(b.as_of)))
    people, departments, teams = st.tabs([t("board.individuals"), t("board.departments"), t("board.teams")])
    with people:
        st.caption(t("board.rule"))
        df = b.individuals
        row = df[df["employee_id"] == mine] if mine else df.iloc[0:0]
        if not row.empty:
            r = row.iloc[0]
            st.success(
                t("board.you", rank=int(r["rank"]), n=len(df), percent=f"{r['percent']:.1f}", time=format_seconds(r["seconds"]))
            )
        elif mine:
            st.info(t("board.you_not_yet"))
        if flags and df["flagged"].any():
            st.warning(t("board.flag_note", n=int(df["flagged"].sum()), limit=format_seconds(quiz.flag_faster_than or 0)))
        people_table(df.head(100).reset_index(drop=True))
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
