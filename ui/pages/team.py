"""抢答器 (team captains' phones): buzz, pick a risk value, answer the question (单选 radio, 多选
checkboxes, 判断 对/错, 填空 text boxes, each with the option texts). The answer form closes when the
time is up; the server refuses a late answer anyway."""

import streamlit as st

from quizzes.competition import CompetitionRuleError, public_view
from quizzes.model import LETTERS
from tracker import StorageUnavailable
from ui.auth import access, recheck
from ui.live import clock, question_block, rerun, rule_text, time_up
from ui.state import storage_error, t

me = access()
live = me.live
mine = live.my_teams()
st.title(t("team.title"))
if not mine:
    st.info(t("team.none"))
    st.stop()
run, team = mine[0]
st.caption(t("team.you", team=team.name, title=run["title"]))


def send(command: dict) -> None:
    try:
        live.send(run["id"], {**command, "team": team.name})
    except StorageUnavailable as e:
        storage_error(e)
    except CompetitionRuleError as e:
        st.session_state["team_error"] = (rule_text(e), live.state(run["id"]).seq)


def tap(label: str, command: dict, key: str) -> None:
    """A button that sends ``command`` from its callback, before the buzzer is drawn: one run per tap
    (sixty phones buzzing at once cost half), the new state shown at once. When the callback was skipped
    (a new session after a restart has none registered), it is sent from the button's value."""

    def clicked() -> None:
        st.session_state["team_handled"] = key
        send(command)

    if st.button(label, key=key, on_click=clicked, type="primary", width="stretch") and (
        st.session_state.pop("team_handled", None) != key
    ):
        send(command)
        rerun()


def answer_form(view: dict, q: dict) -> None:
    """The answer widgets of this question (keyed by the question, so a new question starts empty)."""
    key = f"answer:{view['round_index']}:{view['question_index']}:{view['phase']}"
    options = q.get("options") or []
    labels = {LETTERS[i]: f"{LETTERS[i]}. {text}" for i, text in enumerate(options)}
    with st.form(key, border=True):
        if q["type"] == "true_false":
            choice = st.radio(
                t("team.choice"), [True, False], index=None, format_func=lambda v: t("tf.true") if v else t("tf.false")
            )
        elif q["type"] == "multiple":
            picked = [letter for letter in labels if st.checkbox(labels[letter], key=f"{key}:{letter}")]
            choice = "".join(picked) or None
        elif q["type"] in ("single", "scenario"):
            choice = st.radio(t("team.choice"), list(labels), index=None, format_func=labels.get)
        else:
            texts = [st.text_input(t("team.blank", n=i + 1), max_chars=200) for i in range(q.get("blanks") or 1)]
            choice = texts if any(x.strip() for x in texts) else None
        if st.form_submit_button(t("team.submit"), type="primary", width="stretch"):
            if choice is None:
                st.session_state["team_error"] = (t("team.choose_first"), view["seq"])
            else:
                send({"kind": "submit_choice", "choice": choice})
            rerun()


@st.fragment(run_every=1)
def device() -> None:
    recheck(me.account)  # disabled, left, signed out or expired since the page opened: the sign-in form
    st.session_state.pop("team_handled", None)  # a tap handled by its callback is drawn by now
    view = public_view(live.state(run["id"]))
    slot = st.container()  # always drawn: a message coming or going never moves the answer form below
    error = st.session_state.get("team_error")
    if error and error[1] == view["seq"]:  # shown until something happens (not for one second only)
        slot.error(error[0])
    else:
        st.session_state.pop("team_error", None)
    status = view["status"]
    if view["phase"] in ("ended", "finished"):
        rank = next((r["rank"] for r in view["ranking"] if r["team"] == team.name), None)
        st.subheader(t("live.final") if rank else t("host.ended"))
        if rank:
            st.success(t("team.rank", rank=rank))
        st.metric(t("team.score"), f"{view['scores'][team.name]:g}")
        return
    st.subheader(view["round_name"] if view["phase"] in ("running", "tiebreak") else t("live.waiting"))
    if view["must_pick"] == team.name:
        st.warning(t("team.pick"))
        for col, v in zip(st.columns(len(view["values"])), view["values"], strict=True):
            with col:
                tap(f"{v:g}", {"kind": "pick_value", "value": v}, f"pick:{v}")
    q = view.get("question") or {}
    answering = view["answering_team"] == team.name or (view["round_type"] == "sudden_death" and team.name in view["contenders"])
    form = status == "open" and answering and q and team.name not in view["submitted"] and team.name not in view["judged"]
    if status in ("shown", "open", "judged"):
        question_block(view, show_key=view["answer_revealed"], options=not (form and not time_up(view)))
    clock(view)
    buzzing = view["round_type"] in ("buzzer", "sudden_death") and status in ("shown", "open")
    already = team.name in view["buzz_order"] or team.name in view["early_buzzes"]
    if buzzing and not already and (view["round_type"] == "buzzer" or team.name in view["contenders"]):
        tap(t("team.buzz"), {"kind": "buzz"}, "buzz")
    elif team.name in view["early_buzzes"]:
        st.error(t("team.early"))
    elif already:
        st.info(t("team.buzzed", n=view["buzz_order"].index(team.name) + 1))
    result = view["judged"].get(team.name)
    if result:  # judged: what the host decided and what it did to the score, as the big screen shows it
        delta = view["last_change"].get(team.name)
        text = t(f"team.result.{result}") + (f" {delta:+g}" if delta else "")
        (st.success if result == "right" else st.error)(text)
    elif team.name in view["submitted"]:
        st.success(t("team.submitted"))
    elif form:
        if time_up(view):
            st.warning(t("team.closed"))
        else:
            answer_form(view, q)
    st.metric(t("team.score"), f"{view['scores'][team.name]:g}")


device()
