"""活动管理 (organizers): create or edit an event with a form (published like any upload), and for
each session open and close check-in, the projector, roll call, the paper 签到表 and attendance."""

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from quizzes.errors import ContentError, MingdeError
from quizzes.events import MATERIAL_TYPES, MaterialError, new_event_id
from quizzes.fields import SHANGHAI, utcnow
from quizzes.publishing import check_upload
from tracker.errors import EventRefused
from tracker.event_sheets import SheetError
from ui.auth import access
from ui.event_widgets import session_line, signin_file_name
from ui.state import catalog, config, saving, t
from ui.widgets import file_name, local_time

me = access()
me.require("organizer")
cat = catalog()
root = config().content
st.title(t("page.event_admin"))
NEW = "__new__"
events = sorted(cat.events.values(), key=lambda e: e.starts, reverse=True)


def competition_run(event, sid: str) -> None:
    """A 现场知识竞赛 event: record a finished run of its competition as the session's attendance."""
    if linked := me.linked_run(event, sid):
        st.caption(t("admin_ev.run.linked", title=linked["title"], time=local_time(linked["finished_at"])))
        return
    runs = [r for r in me.competition_runs(event) if r["linked"] is None]
    if not runs:
        st.caption(t("admin_ev.run.none"))
        return
    names = {r["id"]: t("admin_ev.run.option", title=r["title"], time=local_time(r["finished_at"])) for r in runs}
    run_id = st.selectbox(t("admin_ev.run.pick"), list(names), format_func=names.get, key=f"run:{sid}")
    if st.button(t("admin_ev.run.link"), key=f"link:{sid}", help=t("admin_ev.run.help")):
        try:
            with saving():
                n = me.link_competition_run(event, sid, run_id)
                st.session_state["admin_ev.flash"] = t("admin_ev.run.done", n=n)
                st.rerun()
        except EventRefused as e:
            if e.reason == "run_outsider":
                st.error(t("admin_ev.run.outsider", who="、".join(e.people)))
            else:
                st.error(t(f"events.refused.{e.reason}"))


if (chosen := st.session_state.pop("admin_ev.select", None)) in cat.events:
    st.session_state["event"] = chosen  # the event just saved
choice = st.selectbox(
    t("admin_ev.pick"),
    [NEW] + [e.id for e in events],
    format_func=lambda i: t("admin_ev.new") if i == NEW else cat.events[i].title,
    index=1 if events else 0,
    key="event",
)
event = cat.events.get(choice)

if event is not None:
    st.caption(f"{t(f'events.kind.{event.kind}')} · {event.organizer} · " + t("events.credit", n=f"{event.credit_hours:g}"))
    for sid in event.session_ids:
        state = me.session_state(event, sid)
        status = state["status"] if state else "not_open"
        with st.container(border=True):
            st.markdown(f"**{session_line(event, sid)}** · {t(f'admin_ev.state.{status}')}")
            rows = me.roll_call(event, sid)
            counts = {s: sum(1 for r in rows if r.status == s) for s in ("present", "late", "leave", "absent")}
            st.caption(
                " · ".join(f"{t(f'events.status.{s}')} {n}" for s, n in counts.items())
                + f" · {t('admin_ev.expected', n=len(rows))}"
            )
            c1, c2 = st.columns(2)
            if status != "open" and c1.button(t("admin_ev.open"), key=f"open:{sid}", type="primary"):
                with saving():
                    me.open_checkin(event, sid)
                    st.rerun()
            if status == "open" and c1.button(t("admin_ev.close"), key=f"close:{sid}"):
                with saving():
                    n = me.close_checkin(event, sid)
                    st.session_state["admin_ev.flash"] = t("admin_ev.closed", n=n)
                    st.rerun()
            params = {"event": event.id, "session": sid}
            c2.link_button(  # the projector's page opens in a new tab: this one stays the organizer's
                t("page.checkin_screen"),
                f"checkin_screen?{urlencode(params)}",
                icon=":material/qr_code_2:",
                type="tertiary",
                help=t("admin_ev.screen_help"),
            )
            c2.page_link(
                "ui/pages/event_rollcall.py", label=t("page.event_rollcall"), query_params=params, icon=":material/checklist:"
            )
            if event.kind == "competition":
                competition_run(event, sid)
            d1, d2 = st.columns(2)
            d1.download_button(
                t("admin_ev.sheet"),
                me.signin_sheet(event, sid),
                file_name=signin_file_name(event, sid, ".xlsx"),
                key=f"sheet:{sid}",
            )
            if me.can_make_pdfs():  # made when clicked: a PDF takes a moment
                d2.download_button(
                    t("admin_ev.sheet_pdf"),
                    lambda sid=sid: me.signin_sheet_pdf(event, sid),
                    file_name=signin_file_name(event, sid, ".pdf"),
                    mime="application/pdf",
                    key=f"sheet_pdf:{sid}",
                )
            else:
                d2.caption(t("hours.no_font"))
            upload = st.file_uploader(t("admin_ev.import"), type=["xlsx"], key=f"import:{sid}")
            if upload is not None and st.button(t("admin_ev.import_go"), key=f"import_go:{sid}"):
                try:
                    with saving():
                        st.success(t("admin_ev.imported", n=me.import_signin_sheet(event, sid, upload.getvalue())))
                except SheetError as e:
                    st.error(t("admin_ev.import_failed"))
                    st.code("\n".join(e.problems), language=None)
                except EventRefused as e:
                    st.error(t(f"events.refused.{e.reason}"))
    if flash := st.session_state.pop("admin_ev.flash", None):
        st.info(flash)
    st.download_button(
        t("admin_ev.attendance"),
        me.attendance_sheet(event),
        file_name=file_name("file.attendance", ".xlsx", title=event.title),
        key="attendance",
    )

# -- the form: a new event, or the chosen one --------------------------------------------------------
st.subheader(t("admin_ev.form") if event is None else t("admin_ev.edit"))
roster = me.roster_names()
lessons = [""] + list(cat.lessons)
quizzes = [""] + list(cat.quizzes)
competitions = [""] + list(cat.competitions)
kinds = ["lecture", "training", "exchange", "competition"]
default_sessions = pd.DataFrame(
    [
        {"date": s.date, "start": s.start, "end": s.end, "place": s.place, "title": s.title or ""}
        for s in (event.sessions if event else [])
    ]
    or [
        {
            "date": utcnow().astimezone(SHANGHAI).date(),
            "start": "09:00",
            "end": "11:00",
            "place": events[0].sessions[0].place if events else "",  # the place used last
            "title": "",
        }
    ]
)
with st.form("event_form"):
    new_id = st.text_input(
        t("admin_ev.f.id"), value=event.id if event else "", disabled=event is not None, help=t("admin_ev.f.id_help")
    )
    title = st.text_input(t("admin_ev.f.title"), value=event.title if event else "")
    kind = st.selectbox(
        t("admin_ev.f.kind"),
        kinds,
        index=kinds.index(event.kind) if event and event.kind in kinds else 0,
        format_func=lambda k: t(f"events.kind.{k}"),
    )
    organizer = st.text_input(t("admin_ev.f.organizer"), value=event.organizer if event else "")
    description = st.text_area(t("admin_ev.f.description"), value=(event.description or "") if event else "")
    a = event.audience if event else None
    departments = st.multiselect(
        t("admin_ev.f.departments"),
        roster["departments"],
        default=[d for d in (a.departments if a else []) if d in roster["departments"]],
        placeholder=t("admin_ev.f.choose"),
        select_all=False,
    )
    teams = st.multiselect(
        t("admin_ev.f.teams"),
        roster["teams"],
        default=[x for x in (a.teams if a else []) if x in roster["teams"]],
        placeholder=t("admin_ev.f.choose"),
        select_all=False,
    )
    people = st.multiselect(
        t("admin_ev.f.employees"),
        list(roster["employees"]),
        default=[x for x in (a.employees if a else []) if x in roster["employees"]],
        format_func=lambda i: roster["employees"].get(i, i),
        placeholder=t("admin_ev.f.choose"),
        select_all=False,
    )
    st.caption(t("admin_ev.f.audience_help"))
    signup = st.checkbox(t("admin_ev.f.signup"), value=event.signup if event else False)
    capacity = st.number_input(t("admin_ev.f.capacity"), min_value=0, value=(event.capacity or 0) if event else 0, step=1)
    credit = st.number_input(t("admin_ev.f.credit"), min_value=0.0, value=float(event.credit_hours) if event else 2.0, step=0.5)
    late = st.number_input(t("admin_ev.f.late"), min_value=0, value=(event.late_after // 60) if event else 10, step=1)
    lesson = st.selectbox(
        t("admin_ev.f.lesson"),
        lessons,
        index=lessons.index(event.lesson) if event and event.lesson in lessons else 0,
        format_func=lambda i: cat.lessons[i].title if i else "—",
    )
    quiz = st.selectbox(
        t("admin_ev.f.quiz"),
        quizzes,
        index=quizzes.index(event.quiz) if event and event.quiz in quizzes else 0,
        format_func=lambda i: cat.quizzes[i].title if i else "—",
    )
    competition = st.selectbox(
        t("admin_ev.f.competition"),
        competitions,
        index=competitions.index(event.competition) if event and event.competition in competitions else 0,
        format_func=lambda i: cat.competitions[i].title if i else "—",
        help=t("admin_ev.f.competition_help"),
    )
    kept = (
        st.multiselect(
            t("admin_ev.f.materials_keep"),
            [m.file for m in event.materials],
            default=[m.file for m in event.materials],
            format_func=lambda f: next((m.title for m in event.materials if m.file == f), f),
            placeholder=t("admin_ev.f.materials_none"),
        )
        if event and event.materials
        else []
    )
    uploads = st.file_uploader(
        t("admin_ev.f.materials_upload"),
        type=[x.lstrip(".") for x in MATERIAL_TYPES],
        accept_multiple_files=True,
        key="materials_upload",
    )
    st.markdown(t("admin_ev.f.sessions"))
    sessions = st.data_editor(
        default_sessions,
        num_rows="dynamic",
        key="sessions",
        column_config={
            "date": st.column_config.DateColumn(t("admin_ev.f.date"), required=True),
            "start": st.column_config.TextColumn(t("admin_ev.f.start"), required=True),
            "end": st.column_config.TextColumn(t("admin_ev.f.end"), required=True),
            "place": st.column_config.TextColumn(t("admin_ev.f.place"), required=True),
            "title": st.column_config.TextColumn(t("admin_ev.f.session_title")),
        },
        hide_index=True,
    )
    submitted = st.form_submit_button(t("admin_ev.f.save"), type="primary")

if submitted:
    data: dict = {
        "id": event.id if event else new_event_id(new_id, title, {e.id for e in events}),
        "title": title.strip(),
        "kind": kind,
        "organizer": organizer.strip(),
    }
    if description.strip():
        data["description"] = description.strip()
    audience = {k: v for k, v in (("departments", departments), ("teams", teams), ("employees", people)) if v}
    data["audience"] = audience or "everyone"
    if signup:
        data["signup"] = True
        if capacity:
            data["capacity"] = int(capacity)
    data["credit_hours"] = float(credit)
    data["late_after"] = f"{int(late)}m" if late else 0
    if lesson:
        data["lesson"] = lesson
    if quiz:
        data["quiz"] = quiz
    if competition:
        data["competition"] = competition
    materials = [m.model_dump() for m in event.materials if m.file in kept] if event else []
    written: list[str] = []
    if uploads:
        try:
            added, written = me.save_materials(root, [(f.name, f.getvalue()) for f in uploads])
        except MaterialError as e:
            st.error(t(f"admin_ev.f.material_{e.reason}", name=e.filename))
            st.stop()
        materials += [m for m in added if m["file"] not in {x["file"] for x in materials}]
    if materials:
        data["materials"] = materials
    rows = []
    for i, r in enumerate(sessions.to_dict("records")):
        if not any(str(v or "").strip() for v in r.values()):
            continue
        row = {
            "date": r["date"].isoformat() if hasattr(r["date"], "isoformat") else str(r["date"] or ""),
            "start": str(r["start"] or ""),
            "end": str(r["end"] or ""),
            "place": str(r["place"] or ""),
        }
        if event is not None and i < len(event.sessions) and event.sessions[i].id:
            row = {"id": event.sessions[i].id, **row}
        if str(r.get("title") or "").strip():
            row["title"] = str(r["title"]).strip()
        rows.append(row)
    data["sessions"] = rows
    if data["late_after"] == 0:
        data.pop("late_after")
    text = me.event_yaml(data)
    filename = f"{data['id'] or 'event'}.yaml"
    try:
        check = check_upload(root, text, filename, "event")
        if not check.ok:
            me.discard_materials(root, written)
            st.error(t("admin_ev.f.invalid"))
            st.code("\n".join(str(p).split("/events/", 1)[-1] for p in check.problems), language=None)
        else:
            with saving():
                me.publish(root, text, filename, "event", replace=event is not None)
                st.session_state["admin_ev.flash"] = t("admin_ev.f.saved", title=data["title"])
                st.session_state["admin_ev.select"] = data["id"]
                st.rerun()
    except ContentError as e:
        me.discard_materials(root, written)
        st.error(t("admin_ev.f.invalid"))
        st.code(str(e), language=None)
    except MingdeError as e:
        me.discard_materials(root, written)
        st.error(str(e))
