"""The address "/": goes on to the signed-in account's start page (首页, 参与情况 or 内容概览)."""

import streamlit as st

from ui.auth import current_account
from ui.nav import start_page

account = current_account()
if account is not None:
    st.switch_page(start_page(account))
