"""现场赛主持台 (organizers): stage a competition, then drive it question by question."""

import streamlit as st

from quizzes.competition import CompetitionRuleError
from quizzes.errors import MingdeError
from tracker import StorageUnavailable
from tracker import competitions as comp
from ui.auth import access
from ui.live import clock, question_block, run_id, scores, state_view
from ui.state import catalog, storage_error, t

me = access()
me.require("organizer")
cat = catalog()
run = run_id()


def send(command: dict) -> None:
    try:
        if command["kind"] == "finish":
            comp.finish(me.tracker, me.account, run)
        else:
            comp.append(me.tracker, me.account, run, command)
    except StorageUnavailable as e:
        storage_error(e)
    except (CompetitionRuleError, MingdeError) as e:
        st.session_state["host_error"] = str(e)


if run is None:
    st.title(t("host.title"))
    if not cat.competitions:
        st.info(t("host.none"))
        st.stop()
    competition = st.selectbox(t("host.competition"), list(cat.competitions.values()), format_func=lambda c: c.title)
    explicit = isinstance(competition.teams, list)
    teams = st.radio(
        t("host.teams"),
        ["file", "departments", "teams"] if explicit else ["departments", "teams"],
        format_func=lambda x: t(f"host.teams.{x}"),
        horizontal=True,
        key="teams",
    )
    roster_teams = {"departments": comp.department_teams, "teams": comp.team_teams}
    mode = st.radio(t("host.mode"), ["host", "devices"], format_func=lambda x: t(f"host.mode.{x}"), horizontal=True)
    captains = {}
    if mode == "devices":
        names = [tm.name for tm in competition.teams] if teams == "file" else [d.name for d in roster_teams[teams](me.tracker)]
        users = [u.username for u in me.tracker.users() if u.employee_id]
        for name in names:
            captains[name] = st.selectbox(t("host.captain", team=name), users, key=f"captain:{name}")
    if st.button(t("host.create"), type="primary", key="create"):
        try:
            new = comp.create_run(
                me.tracker,
                me.account,
                competition,
                teams=None if teams == "file" else roster_teams[teams](me.tracker),
                mode=mode,
                captains=captains or None,
                banks=cat.banks,
            )
        except StorageUnavailable as e:
            storage_error(e)
        except MingdeError as e:
            st.error(str(e))
        else:
            st.query_params["run"] = new
            st.rerun()
    st.subheader(t("host.runs"))
    for r in comp.runs(me.tracker):
        c1, c2 = st.columns([4, 1])
        status_text = t(f"host.status.{r['status']}")
        c1.markdown(f"**{r['title']}** · {status_text} · {r['created_at'][:16].replace('T', ' ')}")
        if c2.button(t("host.open"), key=f"open:{r['id']}"):
            st.query_params["run"] = r["id"]
            st.rerun()
    st.stop()

view = state_view(run, reveal=True)  # the host sees the key …
revealed = state_view(run)["answer_revealed"]  # … and whether the audience has seen it
st.title(view["title"])
if error := st.session_state.pop("host_error", None):
    st.error(error)
st.page_link("ui/pages/scoreboard.py", label=t("host.scoreboard"), query_params={"run": run}, icon=":material/tv:")
st.markdown(
    f"### {view['round_name'] or ''}"
    + (
        f" · {t('live.question_n', n=view['question_index'] + 1, total=view['questions_in_round'])}"
        if view["question_index"] is not None
        else ""
    )
)
phase, status = view["phase"], view["status"]
teams = [tm["name"] for tm in view["teams"]]

if phase == "setup":
    st.button(t("host.start"), type="primary", on_click=send, args=({"kind": "start"},), key="start")
elif phase in ("running", "tiebreak"):
    if view["answering_team"]:
        st.info(t("live.answering", team=view["answering_team"]))
    if view["must_pick"]:
        st.warning(t("live.must_pick", team=view["must_pick"]))
        cols = st.columns(len(view["values"]))
        for col, v in zip(cols, view["values"], strict=True):
            col.button(
                f"{v:g}", key=f"pick:{v}", on_click=send, args=({"kind": "pick_value", "team": view["must_pick"], "value": v},)
            )
    if status != "pending":
        question_block(view, show_key=True)
    clock(view)
    row = st.columns(4)
    if status == "pending" and not view["must_pick"]:
        row[0].button(t("host.reveal"), type="primary", key="reveal", on_click=send, args=({"kind": "reveal"},))
    if status == "shown":
        row[0].button(t("host.open_answering"), type="primary", key="open", on_click=send, args=({"kind": "open"},))
    if view["round_type"] in ("buzzer", "sudden_death") and status in ("shown", "open"):
        st.caption(t("host.buzz_for"))
        bcols = st.columns(min(len(teams), 6))
        for i, name in enumerate(view["contenders"] or teams):
            bcols[i % len(bcols)].button(name, key=f"buzz:{name}", on_click=send, args=({"kind": "buzz", "team": name},))
    judge_teams = (
        [view["answering_team"]]
        if view["answering_team"]
        else ([c for c in view["contenders"] if c not in view["judged"]] if phase == "tiebreak" else [])
    )
    if status in ("shown", "open"):
        for name in judge_teams:
            jc = st.columns(4)
            jc[0].markdown(f"**{name}**")
            for col, result in zip(jc[1:], ("right", "wrong", "timeout"), strict=True):
                col.button(
                    t(f"host.judge.{result}"),
                    key=f"judge:{name}:{result}",
                    on_click=send,
                    args=({"kind": "judge", "team": name, "result": result},),
                )
            if name in view["submitted"]:
                st.button(
                    t("host.auto_judge", team=name),
                    key=f"auto:{name}",
                    on_click=send,
                    args=({"kind": "auto_judge", "team": name},),
                )
    if status in ("judged", "open", "shown") and not revealed:
        row[1].button(t("host.reveal_answer"), key="reveal_answer", on_click=send, args=({"kind": "reveal_answer"},))
    if status == "judged" or (status in ("open", "shown") and view["round_type"] == "buzzer"):
        row[2].button(t("host.next"), key="next", on_click=send, args=({"kind": "next"},))
elif phase == "ended":
    st.success(t("host.ended"))
    if view["needs_tiebreak"]:
        st.button(t("host.tiebreak"), type="primary", key="tiebreak", on_click=send, args=({"kind": "tiebreak"},))
    else:
        st.button(t("host.finish"), type="primary", key="finish", on_click=send, args=({"kind": "finish"},))
else:
    st.balloons()
    st.subheader(t("live.final"))
    st.dataframe(view["ranking"], hide_index=True, width="stretch")

if phase not in ("setup", "finished"):
    with st.expander(t("host.undo")):
        reason = st.text_input(t("host.undo_reason"), key="undo_reason", max_chars=200)
        st.button(t("host.undo_last"), key="undo", disabled=not reason, on_click=send, args=({"kind": "undo", "reason": reason},))
st.subheader(t("live.scores"))
scores(view)
