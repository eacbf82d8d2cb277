"""抢答器 (team captains' devices): buzz, pick a risk value, answer a choice question."""

import streamlit as st

from quizzes.competition import CompetitionRuleError
from quizzes.model import LETTERS
from tracker import StorageUnavailable
from tracker import competitions as comp
from ui.auth import access
from ui.live import clock, question_block, state_view
from ui.state import storage_error, t

me = access()
mine = [
    (r, team)
    for r in comp.runs(me.tracker)
    if r["status"] != "finished" and r["mode"] == "devices"
    for team in comp.setup_of(me.tracker, r["id"]).teams
    if team.captain == me.account.username
]
st.title(t("team.title"))
if not mine:
    st.info(t("team.none"))
    st.stop()
run, team = mine[0]
st.caption(t("team.you", team=team.name, title=run["title"]))


def send(command: dict) -> None:
    try:
        comp.append(me.tracker, me.account, run["id"], {**command, "team": team.name})
    except StorageUnavailable as e:
        storage_error(e)
    except CompetitionRuleError as e:
        st.session_state["team_error"] = str(e)


@st.fragment(run_every=1)
def device() -> None:
    view = state_view(run["id"])
    if error := st.session_state.pop("team_error", None):
        st.error(error)
    st.subheader(view["round_name"] or t("live.waiting"))
    status = view["status"]
    if view["must_pick"] == team.name:
        st.warning(t("team.pick"))
        cols = st.columns(len(view["values"]))
        for col, v in zip(cols, view["values"], strict=True):
            col.button(f"{v:g}", key=f"pick:{v}", on_click=send, args=({"kind": "pick_value", "value": v},), width="stretch")
    if status in ("shown", "open", "judged"):
        question_block(view, show_key=view["answer_revealed"])
    clock(view)
    buzzing = view["round_type"] in ("buzzer", "sudden_death") and status in ("shown", "open")
    already = team.name in view["buzz_order"] or team.name in view["early_buzzes"]
    if buzzing and not already and (view["round_type"] == "buzzer" or team.name in view["contenders"]):
        st.button(t("team.buzz"), type="primary", key="buzz", on_click=send, args=({"kind": "buzz"},), width="stretch")
    elif already:
        st.info(t("team.buzzed", n=view["buzz_order"].index(team.name) + 1 if team.name in view["buzz_order"] else "—"))
    q = view.get("question") or {}
    answering = view["answering_team"] == team.name or (view["round_type"] == "sudden_death" and team.name in view["contenders"])
    choosable = q.get("type") == "true_false" or (q.get("options") and q.get("type") in ("single", "multiple"))
    if status == "open" and answering and choosable and team.name not in view["submitted"]:
        if q["type"] == "true_false":
            choice = st.radio(
                t("team.choice"),
                [True, False],
                index=None,
                horizontal=True,
                key=f"tf:{view['seq']}",
                format_func=lambda v: t("tf.true") if v else t("tf.false"),
            )
        elif q["type"] == "multiple":
            picked = st.pills(t("team.choice"), LETTERS[: len(q["options"])], selection_mode="multi", key=f"multi:{view['seq']}")
            choice = "".join(picked) or None
        else:
            choice = st.radio(
                t("team.choice"), LETTERS[: len(q["options"])], index=None, horizontal=True, key=f"choice:{view['seq']}"
            )
        st.button(
            t("team.submit"),
            key="submit",
            disabled=choice is None,
            on_click=send,
            args=({"kind": "submit_choice", "choice": choice},),
        )
    if team.name in view["submitted"]:
        st.success(t("team.submitted"))
    st.metric(t("team.score"), f"{view['scores'][team.name]:g}")


device()
