"""Mingde's Streamlit entry point: page config, language and navigation. Wiring only."""

import streamlit as st

from ui.i18n import LANGS
from ui.state import lang, t

st.set_page_config(page_title=t("app.title"), page_icon="📘", layout="wide")

with st.sidebar:
    st.selectbox(t("lang.label"), list(LANGS), format_func=LANGS.get, key="lang", index=list(LANGS).index(lang()))

page = st.navigation([st.Page("ui/pages/overview.py", title=t("page.overview"), default=True)])
page.run()
