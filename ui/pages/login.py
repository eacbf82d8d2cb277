"""Sign-in: a plain HTML form posting to /auth/login, which sets an HttpOnly session cookie."""

import html
from urllib.parse import urlencode, urlsplit

import streamlit as st

from ui.auth import session_token
from ui.server import USERNAME_COOKIE
from ui.state import config, t

st.title(t("app.title"))
st.caption(t("app.tagline"))

problem = st.query_params.get("login")
if problem == "failed":
    st.error(t("login.failed"))
elif problem == "wait":
    st.error(t("login.wait", s=st.query_params.get("s", "60")))
elif problem == "storage":
    st.error(t("login.storage"))
elif session_token():  # the browser still sends the cookie of a session that has ended (expired, or ended elsewhere)
    st.info(t("auth.signed_out"))

e = html.escape
last = st.context.cookies.get(USERNAME_COOKIE) if problem in ("failed", "wait") else None
typed = f' value="{e(str(last)[:64])}"' if last else ""
# Signed out on another page (a check-in address): come back to it after signing in.
here = urlsplit(st.context.url or "").path
query = urlencode({k: v for k, v in st.query_params.to_dict().items() if k not in ("login", "s")})
back = f"{here}?{query}" if query else here
hidden = f'<input type="hidden" name="next" value="{e(back)}">' if here not in ("", "/", "/login") else ""
if here == "/checkin":
    st.info(t("checkin.sign_in_first"))
field = "display:block;width:100%;box-sizing:border-box;margin:.25rem 0 .9rem;padding:.6rem;font-size:1rem;border:1px solid #c9c4b5;border-radius:.5rem"
st.html(
    f'<form method="post" action="/auth/login" style="max-width:24rem">{hidden}'
    f'<label for="username">{e(t("login.username"))}</label>'
    f'<input id="username" name="username" autocomplete="username" required maxlength="64"{typed} style="{field}">'
    f'<label for="password">{e(t("login.password"))}</label>'
    f'<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256" style="{field}">'
    f'<label style="display:flex;gap:.5rem;align-items:center;margin:0 0 .9rem"><input type="checkbox" name="remember" value="1">'
    f"{e(t('login.remember'))}</label>"
    f'<button type="submit" style="padding:.6rem 1.4rem;font-size:1rem;border:0;border-radius:.5rem;background:#2f6f5e;color:#fff;cursor:pointer">'
    f"{e(t('login.submit'))}</button></form>"
)
contact = config().admin_contact
with st.expander(t("login.forgot")):
    st.markdown(t("login.forgot_contact", contact=contact) if contact else t("login.forgot_default"))
