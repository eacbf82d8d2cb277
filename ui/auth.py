"""Who is signed in: the session cookie (or, in tests, a token in session state), checked on the server."""

from __future__ import annotations

import html

import streamlit as st

from tracker import Account
from tracker.access import Access
from tracker.auth import session_account
from ui.server import COOKIE
from ui.state import t, tracker


def session_token() -> str | None:
    """The session cookie; AppTest (which cannot send cookies) puts a token in session state."""
    token = st.context.cookies.get(COOKIE)
    if not isinstance(token, str) or not token:
        token = st.session_state.get("session_token")
    return token if isinstance(token, str) else None


def current_account() -> Account | None:
    """The signed-in account, re-checked against the sessions table on every run."""
    return session_account(tracker(), session_token())


def recheck(account: Account | None) -> None:
    """For a fragment that reruns by itself (a buzzer, the host console, the big screen): when the
    session is no longer this account as the page was drawn for (signed out, expired, disabled, another
    role, a one-time password set), the whole app runs again, and app.py's gate shows the sign-in form
    or the password change instead of a page that keeps working."""
    now = current_account()
    if (
        account is None
        or now is None
        or (now.username, now.role, now.must_change) != (account.username, account.role, account.must_change)
    ):
        st.rerun(scope="app")


def access() -> Access:
    """The library calls of the signed-in account; stops the page when nobody is signed in."""
    account = current_account()
    if account is None:
        st.warning(t("auth.signed_out"))
        st.stop()
    return Access(tracker(), account)


def person_line(account: Account) -> str:
    """The sidebar's line about who is signed in: name · department (role), or the user name for an
    account without an employee record."""
    role = t(f"role.{account.role}")
    if getattr(account, "must_change", False):  # a one-time password: nothing but the change until then
        return t("auth.signed_in_as", user=account.username, role=role)
    person = Access(tracker(), account).profile()
    if person:
        return t("auth.signed_in_person", name=person["name"], department=person["department"], role=role)
    return t("auth.signed_in_as", user=account.username, role=role)


def sign_out_button() -> None:
    """A plain form posting to /auth/logout: the server ends the session and clears the cookie."""
    label = html.escape(t("auth.sign_out"))
    st.html(
        f'<form method="post" action="/auth/logout" class="mingde-signout">'
        f'<button type="submit" style="width:100%;padding:.45rem;border-radius:.5rem;border:1px solid #c9c4b5;'
        f'background:#fff;cursor:pointer">{label}</button></form>'
    )
