"""Which pages an account sees. (The library checks roles again on every privileged call.)"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from tracker import Account
from ui.state import t

PAGES = "ui/pages"
# Every page's address (each page's url_path is its file name), for the signed-out navigation below.
ADDRESSES = sorted(p.stem for p in (Path(__file__).parent / "pages").glob("*.py") if p.stem not in ("__init__", "login"))


def event_pages_for_employees() -> list:
    """培训活动, 我的学时 and the check-in address (issue 17)."""
    return [
        st.Page(f"{PAGES}/my_events.py", title=t("page.my_events"), icon=":material/event:", url_path="my_events"),
        st.Page(f"{PAGES}/my_hours.py", title=t("page.my_hours"), icon=":material/school:", url_path="my_hours"),
        st.Page(f"{PAGES}/checkin.py", title=t("page.checkin"), url_path="checkin", visibility="hidden"),
    ]


def event_pages_for_organizers() -> list:
    """活动管理, with its roll call and projector pages (issue 17)."""
    return [
        st.Page(
            f"{PAGES}/event_admin.py", title=t("page.event_admin"), icon=":material/event_available:", url_path="event_admin"
        ),
        st.Page(f"{PAGES}/event_rollcall.py", title=t("page.event_rollcall"), url_path="event_rollcall", visibility="hidden"),
        st.Page(f"{PAGES}/checkin_screen.py", title=t("page.checkin_screen"), url_path="checkin_screen", visibility="hidden"),
    ]


def pages_for(account: Account | None) -> dict[str, list] | list:
    """``st.navigation`` input for this account: the sign-in page alone when nobody is signed in."""
    if account is None:
        # Any page's address (a bookmark, a tab whose session expired) shows the sign-in form, rather than
        # Streamlit's "page not found" dialog over it.
        login = f"{PAGES}/login.py"
        return [st.Page(login, title=t("page.login"), url_path="login", default=True)] + [
            st.Page(login, title=t("page.login"), url_path=address, visibility="hidden") for address in ADDRESSES
        ]
    sections: dict[str, list] = {}
    if account.employee_id:
        sections[t("nav.learning")] = [
            st.Page(f"{PAGES}/learn.py", title=t("page.learn"), icon=":material/menu_book:", url_path="learn", default=True),
            st.Page(f"{PAGES}/quizzes.py", title=t("page.quizzes"), icon=":material/edit_note:", url_path="quizzes"),
            st.Page(f"{PAGES}/results.py", title=t("page.results"), icon=":material/bar_chart:", url_path="results"),
            st.Page(
                f"{PAGES}/leaderboard.py", title=t("page.leaderboard"), icon=":material/leaderboard:", url_path="leaderboard"
            ),
            st.Page(f"{PAGES}/take.py", title=t("page.take"), url_path="take", visibility="hidden"),
            *event_pages_for_employees(),
        ]
    live = [st.Page(f"{PAGES}/team.py", title=t("page.team"), icon=":material/notifications_active:", url_path="team")]
    if account.role in ("organizer", "admin"):
        live.insert(0, st.Page(f"{PAGES}/host.py", title=t("page.host"), icon=":material/mic:", url_path="host"))
    live.append(st.Page(f"{PAGES}/scoreboard.py", title=t("page.scoreboard"), icon=":material/tv:", url_path="scoreboard"))
    sections[t("nav.competitions")] = live
    if account.role in ("organizer", "leader", "admin"):
        manage = [
            st.Page(
                f"{PAGES}/overview.py",
                title=t("page.overview"),
                icon=":material/folder_open:",
                url_path="overview",
                default=not account.employee_id,
            )
        ]
        if account.role in ("organizer", "admin"):
            manage.append(
                st.Page(f"{PAGES}/content.py", title=t("page.content"), icon=":material/upload_file:", url_path="content")
            )
        if account.role in ("organizer", "admin"):
            manage += event_pages_for_organizers()
        sections[t("nav.manage")] = manage
        sections[t("nav.reports")] = [
            st.Page(
                f"{PAGES}/participation.py", title=t("page.participation"), icon=":material/groups:", url_path="participation"
            ),
            st.Page(f"{PAGES}/assessment.py", title=t("page.assessment"), icon=":material/fact_check:", url_path="assessment"),
            st.Page(f"{PAGES}/items.py", title=t("page.items"), icon=":material/analytics:", url_path="items"),
            st.Page(f"{PAGES}/hours_report.py", title=t("page.hours_report"), icon=":material/school:", url_path="hours_report"),
        ]
    return sections
