"""A stand-in home page for AppTest: only the 每日一练 card (the real 首页 is another page's work)."""

import streamlit as st

from ui.auth import access
from ui.daily_widgets import daily_card

DAILY = "../../ui/pages/daily.py"


def home() -> None:
    daily_card(access(), DAILY)


st.navigation([st.Page(home, title="home", default=True), st.Page(DAILY, url_path="daily")]).run()
