"""组卷 (organizers): practice quizzes, exams and online contests from banks; draft, preview, publish."""

import datetime as dt

import streamlit as st

from quizzes import authoring as au
from quizzes.fields import SHANGHAI
from ui.auth import access
from ui.author_widgets import bank_labels, doc_labels, question_labels, show_save_error
from ui.state import catalog, config, t
from ui.widgets import type_label

TYPES = [None, "single", "multiple", "true_false", "fill_blank", "scenario"]

me = access()
me.require("organizer")
root = config().content
st.title(t("qb.title"))
done = st.session_state.pop("qb:done", None)  # shown next to the save buttons

templates = {"monthly": t("qb.tpl.monthly"), "annual": t("qb.tpl.annual"), "contest": t("qb.tpl.contest")}
wanted = st.query_params.get("quiz")  # ``?quiz=ID`` (back from the preview) opens that quiz once
if wanted and st.session_state.get("qb:opened") != wanted:
    st.session_state["qb:opened"] = st.session_state["qb:next_pick"] = wanted
if "qb:next_pick" in st.session_state:  # the quiz just saved (a widget's value is set before it is drawn)
    st.session_state["qb:pick"] = st.session_state.pop("qb:next_pick")
quizzes = {d.data["id"]: d for d in me.content_documents(root, "quiz") if "rounds" not in d.data}
quiz_names = doc_labels({q: d.data for q, d in quizzes.items()})  # titles, never the ids
if st.session_state.get("qb:pick") not in (*templates, *quizzes):
    st.session_state.pop("qb:pick", None)
choice = st.selectbox(
    t("qb.pick"),
    [*templates, *quizzes],
    format_func=lambda c: t("qb.new_from", tpl=templates[c]) if c in templates else quiz_names[c],
    key="qb:pick",
)
doc = quizzes.get(choice)
if doc is None:
    month = dt.date.today().strftime("%Y-%m")
    title = {"monthly": f"{month} 月度自测", "annual": f"{dt.date.today().year} 年度考试", "contest": "网上知识竞赛"}[choice]
    fields = au.quiz_fields(au.build_quiz(id=f"{choice}-{month}", title=title, **au.TEMPLATES[choice]))
else:
    fields = au.quiz_fields(doc.data)
    if n := me.quiz_attempt_count(choice):
        st.info(t("qb.has_attempts", n=n), icon=":material/lock_clock:")
k = f"qb:{choice}:"

kinds = {"quiz": t("kind.quiz"), "exam": t("kind.exam"), "competition": t("kind.competition")}
c1, c2 = st.columns(2)
quiz_id = c1.text_input(t("qb.id"), fields["id"], key=k + "id", disabled=doc is not None, help=t("qe.id_help"))
kind = c2.selectbox(t("qb.kind"), list(kinds), index=list(kinds).index(fields["kind"]), format_func=kinds.get, key=k + "kind")
title = st.text_input(t("qb.name"), fields["title"], key=k + "title")
description = st.text_area(t("qb.description"), fields["description"], key=k + "desc", height=68)

# -- questions: draws from banks and hand-picked ones --------------------------------------------
st.subheader(t("qb.questions"))
banks = {d.data["id"]: d.data for d in me.content_documents(root, "bank")}
bank_names = bank_labels(banks)
draws_key = k + "draws"
st.session_state.setdefault(draws_key, list(fields["draws"]))
draws = st.session_state[draws_key]
for i, d in enumerate(draws):
    cols = st.columns([5, 1])
    what = [bank_names.get(d["bank"], d["bank"]), t("qb.draw_count", n=d["count"])]
    if d.get("type"):
        what.append(type_label(d["type"]))
    if d.get("tags"):
        what.append("#" + " #".join(d["tags"]))
    if d.get("points"):
        what.append(t("qb.draw_points", n=d["points"]))
    cols[0].markdown(" · ".join(what))
    if cols[1].button(t("qb.remove"), key=k + f"rm{i}"):
        draws.pop(i)
        st.rerun()
if banks:
    with st.expander(t("qb.add_draw"), expanded=not draws and not fields["questions"]):
        bank_id = st.selectbox(t("qe.bank"), list(banks), format_func=bank_names.get, key=k + "d_bank")
        pool = banks[bank_id].get("questions") or []
        cols = st.columns(2)
        qtype = cols[0].selectbox(
            t("qe.type"), TYPES, format_func=lambda x: t("qb.any_type") if x is None else type_label(x), key=k + "d_type"
        )
        bank_tags = sorted({tag for q in pool for tag in q.get("tags") or []})
        tags = cols[1].multiselect(t("qe.tags"), bank_tags, key=k + "d_tags", placeholder=t("qb.any_tag"), select_all=False)
        matching = [
            q for q in pool if (not qtype or q.get("type") == qtype) and (not tags or set(tags) & set(q.get("tags") or []))
        ]
        cols = st.columns(2)
        count = cols[0].number_input(
            t("qb.count", n=len(matching)), 1, max(1, len(matching)), min(5, max(1, len(matching))), key=k + "d_n"
        )
        points = cols[1].number_input(t("qb.points_each"), 0.0, 100.0, 0.0, 0.5, key=k + "d_pts", help=t("qb.points_help"))
        if st.button(t("qb.add"), key=k + "d_add", disabled=not matching):
            draws.append(au.make_draw(bank_id, int(count), type=qtype, tags=tags, points=points or None))
            st.rerun()
picks: list[tuple[str, str]] = []
with st.expander(t("qb.pick_questions", n=len(fields["questions"]))):
    keep = st.checkbox(t("qb.keep_inline", n=len(fields["questions"])), True, key=k + "keep") if fields["questions"] else True
    everything = [(b, str(q["id"])) for b, data in banks.items() for q in data.get("questions") or []]
    picked_names = {b: question_labels(data.get("questions") or [], 50) for b, data in banks.items()}
    picks = st.multiselect(
        t("qb.hand_picked"),
        everything,
        format_func=lambda p: t("qb.picked", bank=bank_names[p[0]], question=picked_names[p[0]].get(p[1], p[1])),
        placeholder=t("author.choose"),
        select_all=False,
        key=k + "picks",
    )
inline = (list(fields["questions"]) if keep else []) + au.picked_questions(banks, picks)

# -- rules ---------------------------------------------------------------------------------------
st.subheader(t("qb.rules"))
c1, c2 = st.columns(2)
limit = c1.number_input(t("qb.time_limit"), 0, 600, int(fields["time_limit"] or 0), key=k + "limit", help=t("qb.time_limit_help"))
pass_percent = c2.number_input(t("qb.pass"), 0, 100, int(fields["pass_percent"]), key=k + "pass")
c1, c2 = st.columns(2)
attempts = c1.number_input(t("qb.attempts"), 0, 100, int(fields["max_attempts"] or 0), key=k + "att", help=t("qb.attempts_help"))
policies = {
    "highest": t("qb.policy.highest"),
    "last": t("qb.policy.last"),
    "first": t("qb.policy.first"),
    "average": t("qb.policy.average"),
}
policy = c2.selectbox(
    t("qb.policy"), list(policies), list(policies).index(fields["grade_policy"]), format_func=policies.get, key=k + "pol"
)
shows = {"at_once": t("qb.show.at_once"), "after_close": t("qb.show.after_close"), "never": t("qb.show.never")}
default_show = fields["show_answers"] or ("at_once" if kind == "quiz" else "after_close")
show = st.radio(
    t("qb.show"), list(shows), list(shows).index(default_show), format_func=shows.get, key=k + "show", horizontal=True
)
scorings = {"all_or_nothing": t("qb.scoring.all"), "half": t("qb.scoring.half"), "partial": t("qb.scoring.partial")}
scoring = st.selectbox(
    t("qb.scoring"), list(scorings), list(scorings).index(fields["multiple_scoring"]), format_func=scorings.get, key=k + "ms"
)
c1, c2, c3 = st.columns(3)
shuffle_q = c1.toggle(t("qb.shuffle_questions"), fields["shuffle_questions"], key=k + "sq")
shuffle_o = c2.toggle(t("qb.shuffle_options"), fields["shuffle_options"], key=k + "so")
board = c3.toggle(
    t("qb.leaderboard"), fields["leaderboard"] or kind == "competition", key=k + "lb", disabled=kind != "competition"
)

# -- window (Shanghai time) ----------------------------------------------------------------------
windowed = st.toggle(t("qb.window"), bool(fields["opens"] or fields["closes"]), key=k + "win", help=t("qb.window_help"))
opens = closes = None
if windowed:
    now = dt.datetime.now(SHANGHAI).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    start = fields["opens"] or now
    end = fields["closes"] or start + dt.timedelta(days=7)
    c1, c2 = st.columns(2)
    opens = dt.datetime.combine(
        c1.date_input(t("qb.opens_date"), start.date(), key=k + "od"),
        c2.time_input(t("qb.opens_time"), start.time(), key=k + "ot"),
    )
    c1, c2 = st.columns(2)
    closes = dt.datetime.combine(
        c1.date_input(t("qb.closes_date"), end.date(), key=k + "cd"), c2.time_input(t("qb.closes_time"), end.time(), key=k + "ct")
    )
    if closes <= opens:
        st.warning(t("qb.window_order"))

# -- audience ------------------------------------------------------------------------------------
departments, teams = me.roster_groups()
everyone = st.toggle(t("qb.everyone"), not (fields["departments"] or fields["teams"]), key=k + "all")
chosen_departments: list[str] = []
chosen_teams: list[str] = []
if not everyone:
    chosen_departments = st.multiselect(
        t("qb.departments"),
        sorted(set(departments) | set(fields["departments"])),
        fields["departments"],
        placeholder=t("author.choose"),
        select_all=False,
        key=k + "deps",
    )
    chosen_teams = st.multiselect(
        t("qb.teams"),
        sorted(set(teams) | set(fields["teams"])),
        fields["teams"],
        placeholder=t("author.choose"),
        select_all=False,
        key=k + "teams",
    )
    if not chosen_departments and not chosen_teams:
        st.warning(t("qb.audience_empty"))


def build(status: str) -> dict:
    return au.build_quiz(
        id=quiz_id,
        title=title,
        kind=kind,
        description=description,
        draws=draws,
        questions=inline,
        shuffle_questions=shuffle_q,
        shuffle_options=shuffle_o,
        time_limit=limit or None,
        opens=opens,
        closes=closes,
        max_attempts=attempts or None,
        grade_policy=policy,
        pass_percent=pass_percent,
        show_answers=show,
        departments=chosen_departments,
        teams=chosen_teams,
        leaderboard=board and kind == "competition",
        multiple_scoring=scoring,
        status=status,
    )


# -- save, preview, publish ----------------------------------------------------------------------
st.divider()
status = fields["status"] if doc is not None else None
st.markdown(t("qb.status_published") if status == "published" else t("qb.status_draft"))
actions = au.quiz_actions(status)
if "publish" in actions and au.counts_in_results(kind):  # what 发布 does to everyone's results
    who = t("qb.audience_all") if everyone else "、".join([*chosen_departments, *chosen_teams]) or t("qb.audience_all")
    st.info(t("qb.publish_effect", who=who), icon=":material/campaign:")
labels = {
    "save_draft": (t("qb.action.save_draft"), t("qb.action_help.save_draft")),
    "publish": (t("qb.action.publish"), t("qb.action_help.publish")),
    "save_published": (t("qb.action.save_published"), t("qb.action_help.save_published")),
    "unpublish": (t("qb.action.unpublish"), t("qb.action_help.unpublish")),
}
c1, c2, c3 = st.columns(3)
clicked = None
icons = {"save_draft": ":material/save:", "publish": ":material/publish:", "save_published": ":material/save:"}
for col, action in zip((c1, c2), actions, strict=True):
    primary = action in ("publish", "save_published")
    if col.button(
        labels[action][0],
        type="primary" if primary else "secondary",
        key={"save_draft": "qb:draft"}.get(action, f"qb:{action}"),
        icon=icons.get(action, ":material/unpublished:"),
    ):
        clicked = action
    col.caption(labels[action][1])
if clicked:
    data = build(au.QUIZ_ACTIONS[clicked])
    try:
        me.save_content(
            root,
            "quiz",
            data,
            path=doc.path if doc else None,
            change=f"quiz {data['id']} saved as {data.get('status', 'published')}",
        )
    except au.AuthoringError as e:
        show_save_error(e)
    else:
        name = data.get("title") or data["id"]
        st.session_state["qb:done"] = {
            "save_draft": t("qb.done.save_draft", title=name),
            "publish": t("qb.done.publish", title=name),
            "save_published": t("qb.done.save_published", title=name),
            "unpublish": t("qb.done.unpublish", title=name),
        }[clicked]
        st.session_state["qb:next_pick"] = data["id"]
        st.session_state.pop(draws_key, None)
        st.rerun()
if doc is not None and choice in catalog().quizzes:
    c3.page_link("ui/pages/preview.py", label=t("qb.preview"), query_params={"quiz": choice}, icon=":material/visibility:")
elif doc is not None:
    c3.caption(t("qb.preview_unavailable"))
else:
    c3.caption(t("qb.preview_after_save"))
if done:  # next to the buttons that were clicked
    st.success(done, icon=":material/check_circle:")
