"""Mingde's Streamlit entry point: page config, sign-in gate, navigation by role. Wiring only.

``streamlit run app.py`` imports this module to find ``app`` (an ``st.App`` carrying the sign-in
routes), then runs it again as the page script (``__name__ == "__main__"``) for every browser.
"""

from pathlib import Path

import streamlit as st

if __name__ != "__main__":
    from ui.server import middleware, routes

    app = st.App(__file__, routes=routes(), middleware=middleware())
else:
    from ui.auth import current_account, person_line, sign_out_button
    from ui.errors import handled
    from ui.i18n import LANGS
    from ui.nav import after_forced_change, layout_of, pages_for, phone_tabs
    from ui.state import remember_lang, t, use_account_lang
    from ui.widgets import streamlit_words_css

    account = current_account()
    use_account_lang(account)
    st.set_page_config(
        page_title=t("app.title"), page_icon=str(Path(__file__).parent / "ui" / "assets" / "favicon.png")
    )  # no layout yet: the page's own comes once the page is known (a "centered" first flickered wide pages)
    with st.sidebar:
        st.selectbox(t("lang.label"), list(LANGS), format_func=LANGS.get, key="lang", on_change=remember_lang, args=(account,))
        if account is not None:
            st.caption(person_line(account))  # issue 13: the person's name and department, not the login name
            sign_out_button()
    with handled():  # the one error handler: a library error is a clear message, never a traceback
        page = st.navigation(pages_for(account), expanded=True)  # every page listed (no English "View more")
        st.set_page_config(layout=layout_of(page))  # report tables and the host console get the width of a PC screen
        after_forced_change(account)  # 进入系统 after a one-time password's change opens 首页
        phone_tabs(account, page)  # the main pages one tap away on a phone
        st.html(streamlit_words_css(int(st.get_option("server.maxUploadSize"))))  # the uploader's words in ours
        page.run()
