"""现场赛主持台 (organizers): stage a competition, then drive it question by question. Which buttons
exist is the library's answer (``Access.live.console``); the console refreshes itself every second."""

import pandas as pd
import streamlit as st

from quizzes.competition import CompetitionRuleError
from quizzes.errors import MingdeError
from tracker import StorageUnavailable
from ui.auth import access, recheck
from ui.live import buzz_list, clock, question_block, rerun, result_label, rule_text, run_id, scores
from ui.state import catalog, storage_error, t
from ui.widgets import local_time

me = access()
me.require("organizer")
live = me.live
run = run_id()


def send(command: dict) -> None:
    """Append one command; a rule the command breaks is shown (in the user's language) on the next run."""
    try:
        live.send(run, command)
    except StorageUnavailable as e:
        storage_error(e)
    except CompetitionRuleError as e:
        st.session_state["host_error"] = (rule_text(e), live.state(run).seq)
    except MingdeError as e:
        st.session_state["host_error"] = (str(e), live.state(run).seq)


def stage() -> None:
    cat = catalog()
    st.title(t("host.title"))
    if not cat.competitions:
        st.info(t("host.none"))
        st.stop()
    competition = st.selectbox(
        t("host.competition"),
        list(cat.competitions.values()),
        format_func=lambda c: c.title,
        key="competition",
        on_change=lambda: st.session_state.pop("teams", None),  # a file that lists teams starts on 按竞赛文件
    )
    options = (["file"] if isinstance(competition.teams, list) else []) + ["departments", "picked", "teams"]
    how = st.radio(t("host.teams"), options, format_func=lambda x: t(f"host.teams.{x}"), horizontal=True, key="teams")
    if how == "file":
        teams = [(tm.name, tm.members) for tm in competition.teams]
    elif how == "teams":
        teams = [(tm.name, tm.members) for tm in live.team_teams()]
    else:
        picked = None
        if how == "picked":
            picked = st.multiselect(
                t("host.pick_departments"), live.departments(), key="picked", placeholder=t("author.choose"), select_all=False
            )
        teams = [(tm.name, tm.members) for tm in live.department_teams(picked)]
    st.caption(t("host.team_count", n=len(teams)))
    mode = st.radio(t("host.mode"), ["host", "devices"], format_func=lambda x: t(f"host.mode.{x}"), horizontal=True)
    captains: dict[str, str] = {}
    outsiders_ok = False
    if mode == "devices":
        from tracker.competitions import TeamSetup

        people = live.captain_choices()
        label = {c["username"]: f"{c['name']}（{c['department']}）" for c in people}
        defaults = live.default_captains([TeamSetup(n, tuple(m)) for n, m in teams])
        for name, _ in teams:
            users = list(label)
            default = defaults.get(name)
            pick = st.selectbox(
                t("host.captain", team=name),
                users,
                index=users.index(default) if default in users else None,
                format_func=label.get,
                placeholder=t("host.captain_none"),
                key=f"captain:{competition.id}:{name}",
            )
            if pick:
                captains[name] = pick
        twice = sorted({u for u in captains.values() if list(captains.values()).count(u) > 1})
        for u in twice:
            st.error(t("host.captain_twice", name=label[u]))
        outside = live.outside_captains([TeamSetup(n, tuple(m), captains.get(n)) for n, m in teams])
        if outside:
            st.warning(t("host.captain_outside", names="、".join(f"{label[u]} → {team}" for team, u in outside)))
            outsiders_ok = st.checkbox(t("host.captain_outside_ok"), key="outsiders_ok")
    counts = st.toggle(t("training.host.counts"), value=True, key="counts", help=t("training.host.counts_help"))
    if st.button(t("host.create"), type="primary", key="create"):
        try:
            new = live.stage(
                competition,
                teams=None if how == "file" else [{"name": n, "members": list(m)} for n, m in teams],
                mode=mode,
                captains=captains or None,
                banks=cat.banks,
                outsiders_ok=outsiders_ok,
                counts=counts,
            )
        except StorageUnavailable as e:
            storage_error(e)
        except CompetitionRuleError as e:
            st.error(rule_text(e))
        except MingdeError as e:
            st.error(str(e))
        else:
            st.query_params["run"] = new
            st.rerun()
    st.subheader(t("host.runs"))
    if not live.runs():
        st.caption(t("host.no_runs"))
    for r in live.runs():
        c1, c2 = st.columns([4, 1])
        status = t(f"host.status.{r['status']}")
        c1.markdown(f"**{r['title']}** · {status} · {local_time(r['created_at'])}")
        if c2.button(t("host.open"), key=f"open:{r['id']}"):
            st.query_params["run"] = r["id"]
            st.rerun()


def button(label: str, command: dict, key: str, **kw) -> None:
    """A button that sends ``command`` once per click. Normally its ``on_click`` callback sends it (before
    the console renders, so a click made stale by another console shows the rule it breaks). After a
    server restart a new session has no callbacks registered yet and Streamlit would drop the first click
    silently: then the button's value is True without the callback having run, and it is sent here."""

    def clicked() -> None:
        st.session_state["host_handled"] = key
        send(command)

    if st.button(label, key=key, on_click=clicked, **kw) and st.session_state.pop("host_handled", None) != key:
        send(command)
        rerun()


def play(c: dict) -> None:
    """The question on the left, what the host does next on the right: at 1366×768 the judge buttons
    sit beside the question, above the fold (under it they were below the options and the key)."""
    view = c["view"]
    if view["answering_team"] and not view["contenders"]:
        st.info(t("live.answering", team=view["answering_team"]))
    left, right = st.columns([3, 2], gap="large")
    with left:
        if view["status"] not in (None, "pending"):
            question_block(view, show_key=True)
        clock(view)
        buzz_list(view)
    with right, st.container(border=True, key="host-actions"):
        actions(c)


def actions(c: dict) -> None:
    """The buttons the library allows now: a 风险 value, open or reveal, whom a buzz is for, the judgments,
    公布答案 (confirmed while a team still answers) and 下一题."""
    view, allowed = c["view"], c["allowed"]
    # One fixed container per section: a button keeps its place in the page's element tree when a section
    # above it empties (after a judgment 公布答案 is the same element, redrawn in place, not a new one below
    # a faded copy of the old one until the run ends, which a host could click and a test did find twice).
    pick, step, buzz, judge, footer = (st.container() for _ in range(5))
    with pick:
        if view["must_pick"] and "pick_value" in allowed:
            st.warning(t("live.must_pick", team=view["must_pick"]))
            for col, v in zip(st.columns(len(view["values"])), view["values"], strict=True):
                with col:
                    button(f"{v:g}", {"kind": "pick_value", "team": view["must_pick"], "value": v}, f"pick:{v}")
        if view["picked_value"] is not None:
            st.caption(t("live.picked", value=f"{view['picked_value']:g}"))
    with step:
        if "reveal" in allowed:
            button(t("host.reveal"), {"kind": "reveal"}, "reveal", type="primary")
        if "open" in allowed:
            button(t("host.open_answering"), {"kind": "open"}, "open", type="primary")
    with buzz:
        buzz_for(c)
    with judge:
        judgments(c)
    with footer:
        reveal_or_next(c)


def buzz_for(c: dict) -> None:
    """Whom a buzz is for, when the host takes the buzzes."""
    if c["buzz"]:
        st.caption(t("host.buzz_for"))
        per_row = 3 if max(len(n) for n in c["buzz"]) <= 4 else 1  # a team's whole name, never "办公室代…"
        cols = st.columns(min(len(c["buzz"]), per_row))
        for i, name in enumerate(c["buzz"]):
            with cols[i % len(cols)]:
                button(name, {"kind": "buzz", "team": name}, f"buzz:{name}", width="stretch")


def judgments(c: dict) -> None:
    """对 / 错 / 超时 per answering team, and judging by the options a captain submitted."""
    view, allowed = c["view"], c["allowed"]
    for name in c["judge"]:
        st.markdown(f"**{name}**")
        jc = st.columns(3)
        for col, result in zip(jc, ("right", "wrong", "timeout"), strict=True):
            with col:
                button(t(f"host.judge.{result}"), {"kind": "judge", "team": name, "result": result}, f"judge:{name}:{result}")
        if name in view["submitted"] and "auto_judge" in allowed:
            choice = view["choices"].get(name)
            st.caption(t("host.submitted", team=name, choice=result_label(view, choice)))
            button(t("host.auto_judge", team=name), {"kind": "auto_judge", "team": name}, f"auto:{name}")


def reveal_or_next(c: dict) -> None:
    """公布答案 (confirmed while a team still answers) and 下一题."""
    view, allowed = c["view"], c["allowed"]
    row = st.columns(2)
    with row[0]:
        if "reveal_answer" in allowed:
            if not c["answering"]:
                button(t("host.reveal_answer"), {"kind": "reveal_answer"}, "reveal_answer")
            elif st.session_state.get("confirm_reveal") == view["seq"]:
                st.warning(t("host.reveal_confirm", teams="、".join(c["answering"])))
                button(t("host.reveal_yes"), {"kind": "reveal_answer"}, "reveal_yes", type="primary")
                if st.button(t("host.reveal_no"), key="reveal_no"):
                    st.session_state.pop("confirm_reveal", None)
                    rerun()
            elif st.button(t("host.reveal_answer"), key="reveal_answer"):
                st.session_state["confirm_reveal"] = view["seq"]
                rerun()
    with row[1]:
        if "next" in allowed:
            button(t("host.next"), {"kind": "next"}, "next")


def offered(c: dict) -> tuple:
    """What the corrections section offers now. It lives outside the console's 1 s refresh (a refresh
    that moves it on the page would draw it anew: the expander closes, what the host typed or picked
    is gone), so it is drawn again, by a full run, only when this changes (after a judgment)."""
    return (
        c["view"]["phase"] in ("setup", "finished"),
        "undo" in c["allowed"],
        "adjust" in c["allowed"],
        tuple((a["seq"], a["result"]) for a in c["correctable"]),
    )


def fix(command, clear: dict) -> None:
    """Send a correction form's command; on success its reason box is emptied on the next run, on a
    broken rule the rule is shown and what the host typed stays."""
    try:
        live.send(run, command())
    except StorageUnavailable as e:
        storage_error(e)
    except CompetitionRuleError as e:
        st.session_state["host_fix_error"] = rule_text(e)
    except MingdeError as e:
        st.session_state["host_fix_error"] = str(e)
    else:
        st.session_state["host_clear"] = clear


def submit(label: str, key: str, command, clear: dict) -> None:
    """A form's submit button that sends ``command()`` once, from its callback (before anything is drawn,
    so the console shows the result in the same run) or, when the callback was skipped (a new session
    after a restart, see ``button``), from its value."""

    def clicked() -> None:
        st.session_state["host_submitted"] = key  # not "host_handled": the console, drawn first, clears that
        fix(command, clear)

    if st.form_submit_button(label, key=key, on_click=clicked) and st.session_state.pop("host_submitted", None) != key:
        fix(command, clear)
        st.rerun()


def corrections(c: dict) -> None:
    """Undo, correct an earlier judgment, 裁判加减分: forms (what is typed counts without Enter), in fixed
    places (one container each, always drawn), so nothing the host is doing here moves or is redrawn."""
    if c["view"]["phase"] in ("setup", "finished"):
        return
    for k, v in st.session_state.pop("host_clear", {}).items():
        st.session_state[k] = v  # before the widget is drawn: a sent reason is not sent twice
    allowed = c["allowed"]
    value = st.session_state.get
    with st.expander(t("host.corrections")):
        message, undo, correct, adjust = st.container(), st.container(), st.container(), st.container()
        if "undo" in allowed:
            with undo.form("undo_form", border=False):
                st.text_input(t("host.undo_reason"), key="undo_reason", max_chars=200)
                submit(
                    t("host.undo_last"), "undo", lambda: {"kind": "undo", "reason": value("undo_reason", "")}, {"undo_reason": ""}
                )
        if c["correctable"]:

            def judged(a: dict) -> str:
                where = a["round"] or t("live.tiebreak")
                return t("host.correct_item", round=where, n=a["question"], team=a["team"], result=t(f"host.judge.{a['result']}"))

            items = {a["seq"]: a for a in c["correctable"]}
            with correct.form("correct_form", border=False):
                st.markdown(f"**{t('host.correct')}**")
                st.selectbox(t("host.correct_which"), list(items), format_func=lambda s: judged(items[s]), key="correct_target")
                st.radio(
                    t("host.correct_result"),
                    ["right", "wrong", "timeout"],
                    format_func=lambda r: t(f"host.judge.{r}"),
                    horizontal=True,
                    key="correct_result",
                )
                st.text_input(t("host.correct_reason"), key="correct_reason", max_chars=200)
                submit(
                    t("host.correct_go"),
                    "correct",
                    lambda: {
                        "kind": "correct",
                        "target": value("correct_target"),
                        "result": value("correct_result"),
                        "reason": value("correct_reason", ""),
                    },
                    {"correct_reason": ""},
                )
        if "adjust" in allowed:
            teams = [tm["name"] for tm in c["view"]["teams"]]
            with adjust.form("adjust_form", border=False):
                st.markdown(f"**{t('host.adjust')}**")
                a1, a2 = st.columns(2)
                a1.selectbox(t("host.adjust_team"), teams, key="adjust_team")
                a2.number_input(t("host.adjust_delta"), value=0, step=5, key="adjust_delta")
                st.text_input(t("host.adjust_reason"), key="adjust_reason", max_chars=200)
                submit(
                    t("host.adjust_go"),
                    "adjust",
                    lambda: {
                        "kind": "adjust",
                        "team": value("adjust_team"),
                        "delta": value("adjust_delta", 0),
                        "reason": value("adjust_reason", ""),
                    },
                    {"adjust_reason": "", "adjust_delta": 0},
                )
        if error := st.session_state.pop("host_fix_error", None):  # written last: a rule the forms' command broke
            message.error(error)


@st.fragment(run_every=0.5)  # a captain's buzz, pick or answer shows here within a second
def console() -> None:
    recheck(me.account)  # a host disabled or signed out meanwhile: the sign-in form, not a working console
    c = live.console(run)
    if offered(c) != st.session_state.get("host_offered"):
        st.rerun(scope="app")  # a judgment changed what can be corrected: the corrections are drawn anew
    st.session_state.pop("host_handled", None)  # a click handled by its callback has been rendered by now
    view = c["view"]
    st.title(view["title"])
    notice = st.container()  # a rule the last click broke
    st.page_link(
        "ui/pages/scoreboard.py", label=t("host.scoreboard"), query_params={"run": run, "kiosk": "1"}, icon=":material/tv:"
    )
    head, body, board = st.container(), st.container(), st.container()  # fixed places, as in ``actions``
    error = st.session_state.get("host_error")
    if error and error[1] == view["seq"]:  # shown until something happens (not for one second only)
        notice.error(error[0])
    else:
        st.session_state.pop("host_error", None)
    heading = view["round_name"] or "" if view["phase"] in ("running", "tiebreak") else ""
    if view["question_index"] is not None:
        heading += " · " + t("live.question_n", n=view["question_index"] + 1, total=view["questions_in_round"])
    if heading:
        head.markdown(f"### {heading}")
    with body:
        stage_of(c)
    with board:
        st.subheader(t("live.scores"))
        scores(view)


def stage_of(c: dict) -> None:
    """What the host does in this phase: start, play, a tie-break or finish, the final ranking."""
    view, allowed = c["view"], c["allowed"]
    phase = view["phase"]
    if phase == "setup":
        button(t("host.start"), {"kind": "start"}, "start", type="primary")
    elif phase in ("running", "tiebreak"):
        if view["contenders"]:
            st.info(t("live.tiebreak_teams", teams="、".join(view["contenders"])))
        play(c)
    elif phase == "ended":
        st.success(t("host.ended"))
        if view["top_tie"] and "tiebreak" in allowed:
            st.warning(t("live.tie", teams="、".join(view["top_tie"])))
            button(t("host.tiebreak"), {"kind": "tiebreak"}, "tiebreak", type="primary")
        if "finish" in allowed:
            button(t("host.finish"), {"kind": "finish"}, "finish", type="primary")
    else:
        st.subheader(t("live.final"))
        final = pd.DataFrame(
            [
                {
                    t("live.col.rank"): r["rank"],
                    t("live.col.team"): r["team"],
                    t("live.col.score"): f"{r['score']:g}",
                    t("live.col.note"): t("live.tiebreak_won") if r["team"] in view["tiebreak_winners"] else "",
                }
                for r in view["ranking"]
            ]
        )
        st.table(final.style.hide(axis="index"))


if run is None:
    stage()
else:
    live.state(run)  # an unknown run: NotFound here, shown once by the app's error handler
    now = live.console(run)
    st.session_state["host_offered"] = offered(now)
    console()
    corrections(now)
