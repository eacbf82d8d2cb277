"""Which pages an account sees. (The library checks roles again on every privileged call.)"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from tracker import Account
from ui.state import t

PAGES = "ui/pages"
# Every page's address (each page's url_path is its file name), for the signed-out navigation below.
ADDRESSES = sorted(p.stem for p in (Path(__file__).parent / "pages").glob("*.py") if p.stem not in ("__init__", "login"))


def start_page(account: Account) -> str:
    """The page an account lands on: employees on 首页, leaders on 参与情况, organizers and admins on 内容概览."""
    if account.role == "leader":
        return f"{PAGES}/participation.py"
    if account.role in ("organizer", "admin") or not account.employee_id:
        return f"{PAGES}/overview.py"
    return f"{PAGES}/home.py"


def after_forced_change(account: Account | None) -> None:
    """进入系统 after changing a one-time password: go to the account's start page (首页 for an employee),
    whichever address the forced change was shown at (/password, /learn, ...)."""
    if st.session_state.pop("pw_go_start", False) and account is not None and not account.must_change:
        st.switch_page(start_page(account))


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
    if account.must_change:  # signed in with a one-time password: nothing else until it is changed
        change = f"{PAGES}/password.py"
        return [st.Page(change, title=t("page.password"), url_path="password", default=True)] + [
            st.Page(change, title=t("page.password"), url_path=address, visibility="hidden")
            for address in ADDRESSES
            if address != "password"
        ]
    # "/" opens a hidden page that goes on to the account's start page, so that every page keeps its own
    # address (Streamlit serves the default page only at "/").
    sections: dict[str, list] = {
        "": [st.Page(f"{PAGES}/start.py", title=t("page.home"), url_path="start", default=True, visibility="hidden")]
    }
    if account.employee_id:
        sections[t("nav.learning")] = [
            st.Page(
                f"{PAGES}/home.py",
                title=t("page.home"),
                icon=":material/home:",
                url_path="home",
            ),
            st.Page(f"{PAGES}/learn.py", title=t("page.learn"), icon=":material/menu_book:", url_path="learn"),
            st.Page(f"{PAGES}/daily.py", title=t("page.daily"), icon=":material/today:", url_path="daily"),
            st.Page(f"{PAGES}/quizzes.py", title=t("page.quizzes"), icon=":material/edit_note:", url_path="quizzes"),
            st.Page(f"{PAGES}/results.py", title=t("page.results"), icon=":material/bar_chart:", url_path="results"),
            st.Page(
                f"{PAGES}/leaderboard.py", title=t("page.leaderboard"), icon=":material/leaderboard:", url_path="leaderboard"
            ),
            st.Page(f"{PAGES}/my_points.py", title=t("page.my_points"), icon=":material/stars:", url_path="my_points"),
            st.Page(f"{PAGES}/take.py", title=t("page.take"), url_path="take", visibility="hidden"),
            *event_pages_for_employees(),
        ]
    ranking = st.Page(
        f"{PAGES}/points_ranking.py", title=t("page.points_ranking"), icon=":material/military_tech:", url_path="points_ranking"
    )
    if account.employee_id:
        sections[t("nav.learning")].append(ranking)
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
            )
        ]
        if account.role in ("organizer", "admin"):
            manage.append(
                st.Page(f"{PAGES}/content.py", title=t("page.content"), icon=":material/upload_file:", url_path="content")
            )
        if account.role in ("organizer", "admin"):
            manage += event_pages_for_organizers()
        sections[t("nav.manage")] = manage
        if account.role in ("organizer", "admin"):
            sections[t("nav.authoring")] = authoring_pages()
        sections[t("nav.reports")] = [
            st.Page(
                f"{PAGES}/participation.py",
                title=t("page.participation"),
                icon=":material/groups:",
                url_path="participation",
            ),
            st.Page(f"{PAGES}/assessment.py", title=t("page.assessment"), icon=":material/fact_check:", url_path="assessment"),
            st.Page(f"{PAGES}/items.py", title=t("page.items"), icon=":material/analytics:", url_path="items"),
            st.Page(f"{PAGES}/hours_report.py", title=t("page.hours_report"), icon=":material/school:", url_path="hours_report"),
            st.Page(f"{PAGES}/team_pack.py", title=t("page.team_pack"), icon=":material/diversity_3:", url_path="team_pack"),
        ]
        sections[t("nav.reports")].append(
            st.Page(f"{PAGES}/moral.py", title=t("page.moral"), icon=":material/verified_user:", url_path="moral")
        )
        if not account.employee_id:
            sections[t("nav.reports")].append(ranking)
    if account.role == "admin":
        sections[t("nav.admin")] = [
            st.Page(f"{PAGES}/roster.py", title=t("page.roster"), icon=":material/badge:", url_path="roster"),
            st.Page(f"{PAGES}/users.py", title=t("page.users"), icon=":material/manage_accounts:", url_path="users"),
            st.Page(f"{PAGES}/audit.py", title=t("page.audit"), icon=":material/history:", url_path="audit"),
        ]
    sections[t("nav.account")] = [
        st.Page(f"{PAGES}/password.py", title=t("page.password"), icon=":material/password:", url_path="password")
    ]
    return sections


def authoring_pages() -> list:
    """Authoring in the browser (organizers and admins), issue 16."""
    return [
        st.Page(f"{PAGES}/quiz_builder.py", title=t("page.quiz_builder"), icon=":material/assignment:", url_path="quiz_builder"),
        st.Page(
            f"{PAGES}/question_editor.py", title=t("page.question_editor"), icon=":material/edit:", url_path="question_editor"
        ),
        st.Page(f"{PAGES}/lesson_editor.py", title=t("page.lesson_editor"), icon=":material/article:", url_path="lesson_editor"),
        st.Page(
            f"{PAGES}/competition_builder.py",
            title=t("page.competition_builder"),
            icon=":material/emoji_events:",
            url_path="competition_builder",
        ),
        st.Page(f"{PAGES}/preview.py", title=t("page.preview"), url_path="preview", visibility="hidden"),
    ]


WIDE = {"participation", "assessment", "items", "host"}  # report tables, and the host console (question beside the buttons)


def layout_of(page) -> str:
    """``st.set_page_config`` layout of the page about to run: wide for the report pages and the host
    console (``WIDE``), centered for the rest."""
    return "wide" if getattr(page, "url_path", "") in WIDE else "centered"


# The few main pages of each role, one tap away at the bottom of a phone's screen (issue 13).
TABS = {
    "employee": ("home", "learn", "quizzes", "results"),
    "leader": ("participation", "assessment", "items", "home"),
    "organizer": ("overview", "content", "participation", "host"),
    "admin": ("overview", "participation", "assessment"),
}
TITLE_KEYS = {
    name: f"page.{name}"
    for name in ("home", "learn", "quizzes", "results", "participation", "assessment", "items", "overview", "content", "host")
}
ICONS = {
    "home": ":material/home:",
    "learn": ":material/menu_book:",
    "quizzes": ":material/edit_note:",
    "results": ":material/bar_chart:",
    "participation": ":material/groups:",
    "assessment": ":material/fact_check:",
    "items": ":material/analytics:",
    "overview": ":material/folder_open:",
    "content": ":material/upload_file:",
    "host": ":material/mic:",
}
_PHONE_CSS = """<style>
@media (max-width: 640px) {
  .st-key-mingde-tabs {position: fixed; left: 0; right: 0; bottom: 0; z-index: 999990; background: #fbfaf7;
    border-top: 1px solid #d8d3c4; padding: .2rem .2rem calc(.2rem + env(safe-area-inset-bottom));
    box-shadow: 0 -2px 6px rgba(0,0,0,.06); flex-wrap: nowrap !important; justify-content: space-around}
  .st-key-mingde-tabs > div {flex: 1 1 0; min-width: 0}
  .st-key-mingde-tabs a {flex-direction: column; gap: 0; padding: .2rem 0; justify-content: center; width: 100%}
  .st-key-mingde-tabs a p {font-size: .78rem}
  [data-testid="stMainBlockContainer"] {padding-bottom: 5.5rem}
  [data-testid="stExpandSidebarButton"]::after {content: "MENU_LABEL"; font-size: .9rem; margin-left: .15rem}
}
@media (min-width: 641px) { .st-key-mingde-tabs, [class*="st-key-narrow-"] {display: none !important} }
@media (max-width: 640px) { [class*="st-key-wide-"] {display: none !important} }
</style>
<script>
// On a phone the sidebar covers the page: close it once a page is chosen in it.
if (!window.__mingdeNav) {
  window.__mingdeNav = true;
  document.addEventListener("click", function (e) {
    if (window.innerWidth > 640 || !e.target.closest('[data-testid="stSidebarNav"] a')) return;
    setTimeout(function () {
      const b = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (b) b.click();
    }, 60);
  }, true);
  // Streamlit's own button is labelled in English ("Expand sidebar"): give it the menu's name.
  setInterval(function () {
    const b = document.querySelector('[data-testid="stExpandSidebarButton"]');
    if (b && b.getAttribute("aria-label") !== "MENU_LABEL") { b.setAttribute("aria-label", "MENU_LABEL"); b.title = "MENU_LABEL"; }
  }, 500);
}
</script>"""


def phone_tabs(account: Account | None, current) -> None:
    """A tab bar with the account's main pages, shown on narrow screens only (CSS); none while taking
    a quiz (a tap must not leave it by mistake) or for the signed-out page."""
    if account is None:
        return
    # The labelled menu (菜单) and the closing sidebar on every signed-in page, the take page too.
    st.html(_PHONE_CSS.replace("MENU_LABEL", t("nav.menu").replace('"', "")), unsafe_allow_javascript=True)
    if getattr(account, "must_change", False) or getattr(current, "url_path", "") == "take":
        return
    names = [n for n in TABS.get(account.role, ()) if n != "home" or account.employee_id]
    if account.role != "employee" and not account.employee_id and "home" in names:
        names.remove("home")
    with st.container(key="mingde-tabs", horizontal=True, gap=None):
        for name in names:
            st.page_link(f"{PAGES}/{name}.py", label=t(TITLE_KEYS[name]), icon=ICONS[name])
