"""The address "/": goes on to the signed-in account's start page (首页, 参与情况 or 内容概览). An older
shared link such as ``/?lesson=ID`` still opens that lesson (now at ``/learn?lesson=ID``)."""

import streamlit as st

from ui.auth import current_account
from ui.nav import start_page

account = current_account()
if account is not None:
    lesson = st.query_params.get("lesson")
    if lesson and account.employee_id:
        st.switch_page("ui/pages/learn.py", query_params={"lesson": lesson})
    st.switch_page(start_page(account))
