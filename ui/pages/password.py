"""修改密码 (everyone): the current password and the new one twice; the only page after signing in
with a one-time password, until it is changed."""

import streamlit as st

from tracker import AccountError
from ui.admin_ui import refusal
from ui.auth import access, session_token
from ui.state import saving, t

me = access()
st.title(t("password.title"))
body = st.empty()  # the form, replaced by the confirmation once the password is changed
with body.container():
    if me.account.must_change:
        st.warning(t("password.forced"))
    st.caption(t("password.rules"))
    with st.form("change_password", clear_on_submit=True):
        current = st.text_input(t("password.current"), type="password", key="pw_current", max_chars=256)
        new = st.text_input(t("password.new"), type="password", key="pw_new", max_chars=256)
        repeat = st.text_input(t("password.repeat"), type="password", key="pw_repeat", max_chars=256)
        submitted = st.form_submit_button(t("password.submit"), type="primary")
if submitted:
    if new != repeat:
        st.error(t("password.mismatch"))
    else:
        with saving():
            try:
                me.change_password(current, new, keep_session=session_token())
            except AccountError as e:
                refusal(e)
            else:
                body.empty()
                st.success(t("password.done"))
                if me.account.must_change:  # the rest of the app opens at the next run
                    st.button(
                        t("password.continue"),
                        type="primary",
                        key="pw_continue",
                        on_click=st.session_state.__setitem__,
                        args=("pw_go_start", True),  # ui.nav.after_forced_change
                    )
