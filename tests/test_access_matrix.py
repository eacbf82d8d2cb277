"""The role × page matrix of docs/security.md: each role reaches exactly its pages."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, SMALL_QUIZ, write_files
from tracker import Account, Tracker
from tracker.auth import sign_in

PASSWORD = "password-1"
EMPLOYEE_PAGES = {"learn", "quizzes", "results", "take", "leaderboard"}
LIVE = {"team", "scoreboard"}
REPORTS = {"overview", "participation", "assessment", "items"}
AUTHORING = {"quiz_builder", "question_editor", "lesson_editor", "competition_builder", "preview"}
ACCOUNT = {"password"}  # 修改密码, for everyone signed in
ADMIN = {"roster", "users", "audit"}
# role (linked to an employee record?) → pages
MATRIX = {
    "employee": EMPLOYEE_PAGES | LIVE | ACCOUNT,
    "organizer": EMPLOYEE_PAGES | LIVE | REPORTS | AUTHORING | ACCOUNT | {"content", "host"},
    "leader": EMPLOYEE_PAGES | LIVE | REPORTS | ACCOUNT,
    "admin": LIVE | REPORTS | AUTHORING | ACCOUNT | ADMIN | {"content", "host"},
}
ALL_PAGES = set().union(*MATRIX.values())


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("matrix")
    content = write_files(tmp / "content", {"quizzes/small.yaml": SMALL_QUIZ})
    tracker = Tracker(tmp / "m.db")
    tracker.add_employee("E1", "甲", "办公室")
    tracker.add_employee("E2", "乙", "办公室")
    tracker.add_employee("E3", "丙", "办公室")
    tracker.add_user("employee", PASSWORD, "employee", "E1")
    tracker.add_user("organizer", PASSWORD, "organizer", "E2")
    tracker.add_user("leader", PASSWORD, "leader", "E3")
    tracker.add_user("admin", PASSWORD, "admin")
    yield tracker, tmp / "m.db", content
    tracker.close()


def reachable(env, monkeypatch, role: str | None) -> set[str]:
    tracker, db, content = env
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MINGDE_DB", str(db))
    monkeypatch.setenv("MINGDE_CONTENT", str(content))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if role:
        at.session_state["session_token"] = sign_in(tracker, role, PASSWORD).token
    at.run()
    pages = set()
    for name in sorted(ALL_PAGES | {"login"}):
        try:
            at.switch_page(f"ui/pages/{name}.py")
        except ValueError:
            continue
        pages.add(name)
    return pages


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_each_role_reaches_exactly_its_pages(env, monkeypatch, role):
    assert reachable(env, monkeypatch, role) == MATRIX[role]


def test_anonymous_reaches_only_the_sign_in_page(env, monkeypatch):
    assert reachable(env, monkeypatch, None) == {"login"}


def test_a_one_time_password_reaches_only_the_password_page(env, monkeypatch):
    tracker = env[0]
    password = tracker.reset_password(Account("admin", "admin"), "leader").password
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MINGDE_DB", str(env[1]))
    monkeypatch.setenv("MINGDE_CONTENT", str(env[2]))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["session_token"] = sign_in(tracker, "leader", password).token
    at.run()
    assert [t.value for t in at.title] == ["修改密码"]
    for name in sorted(ALL_PAGES - {"password"}):
        with pytest.raises(ValueError):
            at.switch_page(f"ui/pages/{name}.py")
    tracker.set_password("leader", PASSWORD)
