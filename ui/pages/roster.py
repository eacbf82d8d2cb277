"""人员名册 (admins): search and filter, add or edit one, mark as left with a date, import a file with a
preview of what is added, changed and deactivated before it is applied, export."""

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from quizzes.fields import SHANGHAI
from tracker import AccountError, NotFound, RosterError
from tracker.export import to_csv_bytes
from ui.admin_ui import refusal
from ui.auth import access
from ui.roster_text import say_problem
from ui.state import saving, t
from ui.widgets import file_name

me = access()
me.require("admin")
st.title(t("roster.title"))
notice_slot = st.empty()  # always here, so that a notice does not move (and close) the expanders below
notice = st.session_state.pop("roster_notice", None)
if notice:
    notice_slot.success(notice)

# -- search and filters ------------------------------------------------------------------------------
departments = me.departments()
cols = st.columns([3, 2, 2, 2])
text = cols[0].text_input(t("roster.search"), key="roster_text", max_chars=64)
department = cols[1].selectbox(
    t("roster.department"), [None, *departments], format_func=lambda d: d or t("admin.all"), key="roster_department"
)
teams = departments.get(department, []) if department else sorted({x for v in departments.values() for x in v})
team = cols[2].selectbox(t("roster.team"), [None, *teams], format_func=lambda x: x or t("admin.all"), key="roster_team")
status = cols[3].selectbox(
    t("roster.status"),
    [None, "active", "left"],
    format_func=lambda s: t(f"roster.status.{s}") if s else t("admin.all"),
    key="roster_status",
)
found = me.find_employees(text=text, department=department, team=team, status=status)
st.caption(t("roster.count", n=len(found)))
if found:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("roster.col.id"): e["id"],
                    t("roster.col.name"): e["name"],
                    t("roster.col.department"): e["department"],
                    t("roster.col.team"): e["team"] or "",
                    t("roster.col.status"): t("roster.status.active" if e["active"] else "roster.status.left"),
                    t("roster.col.left_on"): e["left_on"] or "",
                    t("roster.col.accounts"): e["accounts"] or "",
                }
                for e in found
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    export = pd.DataFrame(
        [
            {
                "工号": e["id"],
                "姓名": e["name"],
                "部门": e["department"],
                "班组": e["team"] or "",
                "在职": "是" if e["active"] else "否",
            }
            for e in found
        ]
    )
    st.download_button(
        t("roster.export"),
        to_csv_bytes(export, translate_headers=False),
        file_name=file_name("file.roster", ".csv", date=dt.datetime.now(SHANGHAI).date().isoformat()),
        mime="text/csv",
        on_click="ignore",
        key="roster_export",
    )
else:
    st.info(t("roster.nothing"))


# -- add or edit one ---------------------------------------------------------------------------------
def fill_in_from_roster() -> None:
    """An existing 工号 typed: its current 姓名, 部门 and 班组 fill the fields to edit."""
    found = me.roster_entry(st.session_state.get("edit_id", ""))
    if found:
        st.session_state["edit_name"] = found["name"]
        st.session_state["edit_department"] = found["department"]
        st.session_state["edit_team"] = found["team"] or ""


edit_notice = st.session_state.pop("roster_edit_notice", None)
with st.expander(t("roster.edit"), expanded=bool(edit_notice), key="roster_edit_open"):
    st.caption(t("roster.edit_help"))
    c = st.columns(4)
    eid = c[0].text_input(t("roster.col.id"), key="edit_id", max_chars=100, on_change=fill_in_from_roster)
    name = c[1].text_input(t("roster.col.name"), key="edit_name", max_chars=100)
    dept = c[2].text_input(t("roster.col.department"), key="edit_department", max_chars=100)
    team_name = c[3].text_input(t("roster.col.team"), key="edit_team", max_chars=100)
    existing = me.roster_entry(eid) if eid.strip() else None
    if existing:
        st.caption(t("roster.edit_existing", id=existing["id"], name=existing["name"], department=existing["department"]))
    elif eid.strip():
        st.caption(t("roster.edit_new", id=eid.strip()))
    if st.button(t("roster.save"), type="primary", key="edit_submit"):
        with saving():
            try:
                me.save_employee(eid, name, dept, team_name)
            except AccountError as e:
                refusal(e)  # next to the button; nothing typed is lost
            else:
                st.session_state["roster_edit_notice"] = t("roster.saved", id=eid.strip(), name=name.strip())
                st.rerun()  # the list above shows the change
    if edit_notice:
        st.success(edit_notice)

# -- mark as left, or back at work ---------------------------------------------------------------------
with st.expander(t("roster.leave")):
    active = {e["id"]: e for e in me.find_employees(status="active")}
    c = st.columns([3, 2])
    who = c[0].selectbox(
        t("roster.leave_who"),
        list(active),
        index=None,
        placeholder=t("admin.choose"),
        format_func=lambda i: f"{i} {active[i]['name']} · {active[i]['department']}",
        key="leave_who",
    )
    day = c[1].date_input(t("roster.leave_date"), value=dt.date.today(), key="leave_date", format="YYYY-MM-DD")
    if st.button(t("roster.leave_submit"), key="leave_submit", disabled=who is None, type="primary"):
        with saving():
            try:
                names = me.mark_left(who, day)
            except (AccountError, NotFound) as e:
                refusal(e)
            else:
                st.session_state["roster_notice"] = (
                    t("roster.left_done", id=who, accounts="、".join(names)) if names else t("roster.left_no_account", id=who)
                )
                st.rerun()
    gone = {e["id"]: e for e in me.find_employees(status="left")}
    back = st.selectbox(
        t("roster.return_who"),
        list(gone),
        index=None,
        placeholder=t("admin.choose"),
        format_func=lambda i: f"{i} {gone[i]['name']}",
        key="return_who",
    )
    if st.button(t("roster.return_submit"), key="return_submit", disabled=back is None):
        with saving():
            me.mark_returned(back)
            st.session_state["roster_notice"] = t("roster.returned", id=back)
            st.rerun()

# -- import a file, with a preview -------------------------------------------------------------------
st.subheader(t("roster.import"))
st.caption(t("roster.import_help"))
imports = st.session_state.setdefault("roster_imports", 0)  # a new key empties the uploader after an import
upload = st.file_uploader(t("roster.import"), type=["csv", "xlsx"], key=f"roster_upload:{imports}", label_visibility="collapsed")
missing = st.checkbox(t("roster.deactivate_missing"), key="roster_missing")
if upload is not None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("roster" + Path(upload.name).suffix.lower())
        path.write_bytes(upload.getvalue())
        try:
            preview = me.preview_roster(path, deactivate_missing=missing)
        except RosterError as e:
            st.error(t("roster.bad_file"))
            st.code("\n".join(say_problem(p, t, path=upload.name) for p in e.problems[:50]), language=None, wrap_lines=True)
            preview = None
        if preview is not None:
            st.info(
                t(
                    "roster.preview",
                    rows=preview.rows,
                    added=len(preview.added),
                    changed=len(preview.changed),
                    left=len(preview.deactivated),
                    same=preview.unchanged,
                )
            )
            cols_of = lambda r: {  # noqa: E731
                t("roster.col.id"): r.id,
                t("roster.col.name"): r.name,
                t("roster.col.department"): r.department,
                t("roster.col.team"): r.team or "",
            }
            if preview.added:
                st.markdown(f"**{t('roster.preview_added')}**")
                st.dataframe(pd.DataFrame([cols_of(r) for r in preview.added]), hide_index=True, width="stretch")
            if preview.changed:
                st.markdown(f"**{t('roster.preview_changed')}**")
                st.dataframe(
                    pd.DataFrame(
                        [
                            {
                                **cols_of(r),
                                t("roster.before"): " / ".join(
                                    str(x) for x in (before["name"], before["department"], before["team"] or "")
                                ),
                            }
                            for before, r in preview.changed
                        ]
                    ),
                    hide_index=True,
                    width="stretch",
                )
            if preview.deactivated:
                st.markdown(f"**:red[{t('roster.preview_left')}]**")
                st.dataframe(
                    pd.DataFrame(
                        [
                            {
                                t("roster.col.id"): e["id"],
                                t("roster.col.name"): e["name"],
                                t("roster.col.department"): e["department"],
                            }
                            for e in preview.deactivated
                        ]
                    ),
                    hide_index=True,
                    width="stretch",
                )
            if st.button(t("roster.apply"), type="primary", key="roster_apply"):
                with saving():
                    try:
                        rows = me.import_roster(path, deactivate_missing=missing, name=upload.name)
                    except RosterError as e:
                        st.error(t("roster.bad_file"))
                        st.code(
                            "\n".join(say_problem(p, t, path=upload.name) for p in e.problems[:50]),
                            language=None,
                            wrap_lines=True,
                        )
                    else:
                        st.session_state["roster_notice"] = t(
                            "roster.imported_counts",
                            rows=rows,
                            added=len(preview.added),
                            changed=len(preview.changed),
                            left=len(preview.deactivated),
                            same=preview.unchanged,
                        )
                        st.session_state["roster_imports"] += 1
                        st.rerun()
