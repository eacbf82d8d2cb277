"""账号管理 (admins): accounts with their last sign-in; create one with a one-time password shown once,
create a department's employee accounts (user name = 工号) with a downloadable list of one-time
passwords; reset a password, disable and enable, change the role."""

import datetime as dt

import pandas as pd
import streamlit as st

from quizzes.fields import SHANGHAI
from tracker import ROLES, AccountError, NotFound
from tracker.export import to_csv_bytes
from ui.admin_ui import local_time, refusal
from ui.auth import access
from ui.state import saving, t
from ui.widgets import file_name

me = access()
me.require("admin")
st.title(t("users.title"))
role_name = lambda r: t(f"role.{r}")  # noqa: E731

rows = me.account_rows()
st.caption(t("users.count", n=len(rows)))
st.dataframe(
    pd.DataFrame(
        [
            {
                t("users.col.username"): a.username,
                t("users.col.role"): role_name(a.role),
                t("users.col.employee"): a.employee_id or "",
                t("users.col.name"): a.employee_name or "",
                t("users.col.department"): a.department or "",
                t("users.col.state"): t("users.state.disabled" if a.disabled else "users.state.enabled"),
                t("users.col.must_change"): t("users.yes" if a.must_change else "users.no"),
                t("users.col.last_sign_in"): local_time(a.last_sign_in) or t("users.never"),
            }
            for a in rows
        ]
    ),
    hide_index=True,
    width="stretch",
)

# -- manage one account ------------------------------------------------------------------------------
st.subheader(t("users.manage"))
# A one-time password is shown once: kept only until the page has shown it.
once = st.session_state.pop("users_otp", None)
if once:
    st.success(t("users.otp_once", user=once[0]))
    st.code(once[1], language=None)
notice = st.session_state.pop("users_notice", None)
if notice:
    st.success(notice)
by_name = {a.username: a for a in rows}
picked = st.selectbox(
    t("users.pick"),
    list(by_name),
    index=None,
    placeholder=t("admin.choose"),
    format_func=lambda n: (
        f"{n} · {role_name(by_name[n].role)}" + (f" · {by_name[n].employee_name}" if by_name[n].employee_name else "")
    ),
    key="users_pick",
)
if picked:
    account = by_name[picked]
    c = st.columns(3)
    if c[0].button(t("users.reset"), key="users_reset"):
        st.session_state["users_reset_for"] = picked  # asked first: the old password stops working at once
    if st.session_state.get("users_reset_for") == picked:
        st.warning(t("users.reset_confirm", user=picked))
        yes, no = st.columns(2)
        if yes.button(t("users.reset_yes"), type="primary", key="users_reset_yes"):
            st.session_state.pop("users_reset_for", None)
            with saving():
                made = me.reset_password(picked)
                st.session_state["users_otp"] = (made.username, made.password)
                st.rerun()
        if no.button(t("users.reset_no"), key="users_reset_no"):
            st.session_state.pop("users_reset_for", None)
            st.rerun()
    toggle = "users.enable" if account.disabled else "users.disable"
    if c[1].button(t(toggle), key="users_toggle"):
        with saving():
            try:
                me.set_disabled(picked, not account.disabled)
            except (AccountError, NotFound) as e:
                refusal(e)
            else:
                st.session_state["users_notice"] = t(
                    "users.enabled_done" if account.disabled else "users.disabled_done", user=picked
                )
                st.rerun()
    with c[2]:
        new_role = st.selectbox(
            t("users.new_role"), ROLES, index=ROLES.index(account.role), format_func=role_name, key="users_role"
        )
        if st.button(t("users.set_role"), key="users_set_role", disabled=new_role == account.role):
            with saving():
                try:
                    me.set_role(picked, new_role)
                except (AccountError, NotFound) as e:
                    refusal(e)
                else:
                    st.session_state["users_notice"] = t("users.role_done", user=picked, role=role_name(new_role))
                    st.rerun()

# -- create one ------------------------------------------------------------------------------------
linked = {a.employee_id for a in rows if a.employee_id}
free = {e["id"]: e for e in me.find_employees(status="active") if e["id"] not in linked}
with st.expander(t("users.create")), st.form("users_create", clear_on_submit=True):
    c = st.columns(3)
    username = c[0].text_input(t("users.username"), key="create_username", max_chars=64)
    role = c[1].selectbox(t("users.role"), ROLES, format_func=role_name, key="create_role")
    employee = c[2].selectbox(
        t("users.employee"),
        [None, *free],
        format_func=lambda i: t("users.no_employee") if i is None else f"{i} {free[i]['name']}",
        key="create_employee",
    )
    if st.form_submit_button(t("users.create_submit"), type="primary"):
        with saving():
            try:
                made = me.create_account(username.strip(), role, employee)
            except (AccountError, NotFound) as e:
                refusal(e)
            else:
                st.session_state["users_otp"] = (made.username, made.password)
                st.rerun()

# -- a department at once ----------------------------------------------------------------------------
with st.expander(t("users.bulk"), expanded="users_batch" in st.session_state):
    batch = st.session_state.get("users_batch")
    if batch is not None:
        if batch:
            st.success(t("users.bulk_done", n=len(batch)))
            table = pd.DataFrame(
                [{t("users.col.username"): u, t("users.col.name"): n, t("users.col.password"): p} for u, n, p in batch]
            )
            st.dataframe(table, hide_index=True, width="stretch")
            st.download_button(
                t("users.bulk_download"),
                to_csv_bytes(table, translate_headers=False),
                file_name=file_name("file.one_time_passwords", ".csv", date=dt.datetime.now(SHANGHAI).date().isoformat()),
                mime="text/csv",
                on_click="ignore",
                key="users_bulk_download",
            )
        else:
            st.info(t("users.bulk_none"))
        if st.button(t("users.bulk_close"), key="users_bulk_close"):
            del st.session_state["users_batch"]
            st.rerun()
    else:
        st.caption(t("users.bulk_help"))
        # A form: the department travels with the click itself (no rerun of its own for choosing it).
        with st.form("users_bulk"):
            department = st.selectbox(
                t("users.bulk_department"),
                list(me.departments()),
                index=None,
                placeholder=t("admin.choose"),
                key="users_bulk_department",
            )
            clicked = st.form_submit_button(t("users.bulk_submit"), type="primary", key="users_bulk_submit")
        if clicked and department is None:
            st.warning(t("users.bulk_pick"))
        elif clicked:
            with saving():
                made = me.create_department_accounts(department)
                st.session_state["users_batch"] = [(m.username, m.name or "", m.password) for m in made]
                st.rerun()
