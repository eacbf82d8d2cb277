"""现场赛编排 (organizers): a live competition for the common case — teams, rounds, tie-break."""

import streamlit as st

from quizzes import authoring as au
from quizzes.fields import parse_duration
from ui.auth import access
from ui.author_widgets import bank_labels, doc_labels, show_save_error, tags_from
from ui.state import config, t
from ui.widgets import type_label

NEW = "+"
TYPES = [None, "single", "multiple", "true_false", "fill_blank", "scenario"]

me = access()
me.require("organizer")
root = config().content
st.title(t("cb.title"))
if done := st.session_state.pop("cb:done", None):
    st.success(done)
if "cb:next_pick" in st.session_state:
    st.session_state["cb:pick"] = st.session_state.pop("cb:next_pick")

comps = {d.data["id"]: d for d in me.content_documents(root, "quiz") if "rounds" in d.data}
comp_names = doc_labels({c: d.data for c, d in comps.items()})  # titles, never the ids
choice = st.selectbox(
    t("cb.pick"),
    [NEW, *comps],
    format_func=lambda c: t("cb.new") if c == NEW else comp_names[c],
    key="cb:pick",
)
doc = comps.get(choice)
data = doc.data if doc else {"id": "", "title": "", "teams": "departments", "start_score": 100, "rounds": []}
k = f"cb:{choice}:"
banks = {d.data["id"]: d.data for d in me.content_documents(root, "bank")}
bank_names = bank_labels(banks)
if not banks:
    st.warning(t("cb.no_banks"))
    st.stop()

c1, c2 = st.columns(2)
comp_id = c1.text_input(t("qb.id"), data["id"], key=k + "id", disabled=doc is not None, help=t("qe.id_help"))
title = c2.text_input(t("cb.name"), data.get("title", ""), key=k + "title")
start_score = st.number_input(t("cb.start_score"), 0, 10000, int(data.get("start_score") or 0), key=k + "start")

# -- teams ---------------------------------------------------------------------------------------
modes = {"departments": t("cb.teams.departments"), "roster_teams": t("cb.teams.roster_teams"), "list": t("cb.teams.list")}
explicit = isinstance(data.get("teams"), list)
mode = st.radio(t("cb.teams"), list(modes), index=2 if explicit else 0, format_func=modes.get, key=k + "tm", horizontal=True)
teams: str | list = "departments"
if mode == "roster_teams":  # written out as explicit teams with their members, from today's roster
    teams = me.roster_teams()
    st.caption(t("cb.teams.roster_help", n=len(teams), names="、".join(x["name"] for x in teams[:12])))
elif mode == "list":
    lines = [f"{x['name']}: {', '.join(x.get('members') or [])}".rstrip(": ") for x in data["teams"]] if explicit else []
    text = st.text_area(t("cb.teams_text"), "\n".join(lines), key=k + "teams", help=t("cb.teams_help"))
    teams = au.teams_from_text(text)

# -- rounds --------------------------------------------------------------------------------------
st.subheader(t("cb.rounds"))
kinds = {"required": t("cb.round.required"), "buzzer": t("cb.round.buzzer"), "risk": t("cb.round.risk")}
rules = {"required": t("cb.rule.required"), "buzzer": t("cb.rule.buzzer"), "risk": t("cb.rule.risk")}
old_rounds = {r.get("type"): r for r in reversed(data.get("rounds") or [])}
rounds = []
for kind, label in kinds.items():
    old = old_rounds.get(kind)
    base = old or au.ROUND_TEMPLATES[kind]
    rk = k + kind + ":"
    with st.container(border=True):
        on = st.toggle(label, old is not None or doc is None, key=rk + "on")
        if not on:
            continue
        name = st.text_input(t("cb.round_name"), base["name"], key=rk + "name")
        draw = (base.get("draw") or [{}])[0]
        c1, c2, c3 = st.columns(3)
        bank_ids = list(banks)
        bank = c1.selectbox(
            t("qe.bank"),
            bank_ids,
            index=bank_ids.index(draw["bank"]) if draw.get("bank") in bank_ids else 0,
            format_func=bank_names.get,
            key=rk + "bank",
        )
        qtype = c2.selectbox(
            t("qe.type"),
            TYPES,
            index=TYPES.index(draw.get("type")) if draw.get("type") in TYPES else 0,
            format_func=lambda x: t("qb.any_type") if x is None else type_label(x),
            key=rk + "type",
        )
        inline = list((old or {}).get("questions") or [])  # questions written in the file are kept
        default_count = int(draw.get("count") or (0 if inline else 8))
        count = c3.number_input(t("cb.count"), 0, 200, default_count, key=rk + "count")
        if inline:
            st.caption(t("cb.kept", n=len(inline)))
        more_draws = list((old or {}).get("draw") or [])[1:]  # further draws of a round written by hand are kept
        if more_draws:
            st.caption(t("cb.more_draws", n=sum(int(d.get("count", 0)) for d in more_draws)))
        c1, c2, c3 = st.columns(3)
        limit = c1.number_input(t("cb.time_limit"), 5, 600, parse_duration(base.get("time_limit") or 30), key=rk + "limit")
        points = values = per_team = early = None
        if kind == "risk":
            text = c2.text_input(t("cb.values"), "、".join(f"{v:g}" for v in base.get("values") or []), key=rk + "values")
            values = [float(v) for v in tags_from(text) if v.replace(".", "", 1).isdigit()]
        else:
            points = c2.number_input(t("cb.points"), 1, 1000, int(base.get("points") or 10), key=rk + "points")
        penalty = None  # a risk round loses the picked value
        if kind != "risk":
            penalty = c3.number_input(t("cb.penalty"), 0, 1000, int(base.get("penalty") or 0), key=rk + "penalty")
        if kind != "buzzer":
            per_team = st.number_input(t("cb.per_team"), 1, 20, int(base.get("per_team") or 1), key=rk + "per")
        else:
            early = st.number_input(t("cb.early"), 0, 1000, int(base.get("early_buzz_penalty") or 0), key=rk + "early")
        st.caption(rules[kind])
        rounds.append(
            au.make_round(
                kind,
                name=name,
                questions=inline,
                draws=([au.make_draw(bank, int(count), type=qtype)] if count else []) + more_draws,
                points=points,
                penalty=penalty,
                per_team=per_team,
                values=values,
                time_limit=int(limit),
                early_buzz_penalty=early,
            )
        )

# -- tie-break (加赛) -----------------------------------------------------------------------------
tiebreak = None
with st.container(border=True):
    if st.toggle(t("cb.tiebreak"), doc is None or bool(data.get("tiebreak")), key=k + "tb"):
        st.caption(t("cb.rule.tiebreak"))
        authored = data.get("tiebreak")
        keep = authored and st.checkbox(t("cb.keep_tiebreak", n=len(authored.get("questions") or [])), True, key=k + "tb_keep")
        c1, c2 = st.columns(2)
        tb_bank = c1.selectbox(t("qe.bank"), list(banks), format_func=bank_names.get, key=k + "tb_bank")
        tb_count = c2.number_input(
            t("cb.count"), 1, 20, len((data.get("tiebreak") or {}).get("questions") or []) or 3, key=k + "tb_n"
        )
        try:
            tiebreak = authored if keep else au.tiebreak_from(banks[tb_bank], int(tb_count))
        except au.AuthoringError as e:
            st.warning(str(e))

if st.button(t("cb.save"), type="primary", key="cb:save", disabled=not rounds):
    comp = au.build_competition(id=comp_id, title=title, teams=teams, start_score=start_score, rounds=rounds, tiebreak=tiebreak)
    try:
        me.save_content(root, "quiz", comp, path=doc.path if doc else None, change=f"competition {comp['id']} saved")
    except au.AuthoringError as e:
        show_save_error(e)
    else:
        st.session_state["cb:done"] = t("cb.saved", title=comp.get("title") or comp["id"])
        st.session_state["cb:next_pick"] = comp["id"]
        st.rerun()
