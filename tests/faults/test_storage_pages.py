"""The pages when the database is full or read-only: a clear message (never a traceback) where a
write fails, the rest of the page still renders, and nothing saved before is lost.

Faults are injected as in test_storage_faults.py (tests/faults/inject.py): they reach the app's own
store, whose connections are opened in AppTest's script threads.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import pytest
from starlette.requests import Request
from streamlit.testing.v1 import AppTest

from quizzes import load_catalog
from tests.conftest import ROOT, SMALL_QUIZ, in_own_thread, signed_in_page, write_files
from tests.faults.inject import small_pages_db
from tracker import Tracker
from tracker.auth import sign_in

PASSWORD = "password-1"
LESSON = """
id: basics
title: 职业道德基础
sections:
  - title: 什么是职业道德
    body: 职业道德是从业人员在职业活动中应当遵循的行为准则。
quiz: small
"""
FULL = "保存失败：服务器磁盘已满（app.db）"
READ_ONLY = "保存失败：数据库现在是只读的（app.db）"


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A store on 1 KiB pages (so that a submission needs a new page), one employee with a quiz attempt
    in progress (one answer saved) and one submitted attempt."""
    quiz_text = SMALL_QUIZ.replace("pass_percent: 60", "pass_percent: 60\nmax_attempts: 5")
    content = write_files(tmp_path / "content", {"quizzes/small.yaml": quiz_text, "lessons/basics.yaml": LESSON})
    db = small_pages_db(tmp_path / "app.db")
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MINGDE_DB", str(db))
    monkeypatch.setenv("MINGDE_CONTENT", str(content))
    monkeypatch.setenv("MINGDE_LANG", "zh")
    tracker = Tracker(db)
    tracker.add_employee("E001", "张三", "办公室")
    tracker.add_user("zhang", PASSWORD, "employee", "E001")
    quiz = load_catalog(content).quizzes["small"]
    done = tracker.start_attempt("E001", quiz)
    tracker.submit_attempt(done, {"s1": "A", "t1": True})
    attempt = tracker.start_attempt("E001", quiz)
    tracker.save_answer(attempt, "s1", "A")
    yield tracker, attempt, done
    tracker.close()


def page(tracker: Tracker, path: str, token: str | None = None, **params) -> AppTest:
    """``path`` opened by the employee (signed in with ``token``, or now)."""
    return signed_in_page(tracker, "zhang", path, password=PASSWORD, token=token, timeout=30, **params)


def errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


@pytest.mark.parametrize(("kind", "message"), [("full", FULL), ("readonly", READ_ONLY)])
def test_submitting_when_the_database_cannot_be_written_says_so_and_the_page_stays(env, fault, kind, message):
    tracker, attempt, _ = env
    at = page(tracker, "ui/pages/take.py", attempt=attempt)
    f = fault(kind, tracker)
    at.button(key="submit").click().run()
    at.button(key="submit_anyway").click().run()
    assert not at.exception, at.exception
    assert message in errors(at)
    assert "之前保存的内容都还在" in errors(at)
    # the page still renders: title, every question with the saved answer, the submit button
    assert at.title[0].value == "小测验"
    assert at.radio(key=f"{attempt}:s1").value == "A"
    assert at.button(key="submit_anyway")
    # nothing half-written: still in progress, the saved answer kept
    assert tracker.attempt(attempt)["submitted_at"] is None
    assert tracker.saved_responses(attempt) == {"s1": "A"}

    f.clear()  # the admin freed space / fixed the permissions: submitting again works
    at.button(key="submit_anyway").click().run()
    assert not at.exception and not at.error
    assert tracker.attempt(attempt)["score"] == 2
    assert [m.value for m in at.metric][:2] == ["2 / 8", "25%"]


def test_an_answer_that_cannot_be_saved_says_so(env, fault):
    tracker, attempt, _ = env
    at = page(tracker, "ui/pages/take.py", attempt=attempt)
    fault("readonly", tracker)
    at.radio(key=f"{attempt}:t1").set_value(True).run()
    assert not at.exception, at.exception
    assert READ_ONLY in errors(at)
    assert at.title[0].value == "小测验"
    assert tracker.saved_responses(attempt) == {"s1": "A"}


def test_reading_pages_work_on_a_read_only_database(env, fault):
    tracker, attempt, done = env
    token = sign_in(tracker, "zhang", PASSWORD).token  # signed in before: a new sign-in needs a write
    fault("readonly", tracker)
    results = page(tracker, "ui/pages/results.py", token)
    assert results.title[0].value == "我的成绩" and not results.error
    assert "小测验" in " ".join(str(e.value) for e in results.markdown)
    quizzes = page(tracker, "ui/pages/quizzes.py", token)
    assert not quizzes.error
    lessons = page(tracker, "ui/pages/learn.py", token)
    assert lessons.title[0].value == "学习" and not lessons.error
    # a lesson opened for the first time: its opening cannot be recorded, the lesson is shown anyway
    lesson = page(tracker, "ui/pages/learn.py", token, lesson="basics")
    assert READ_ONLY in errors(lesson)
    assert lesson.title[0].value == "职业道德基础"
    assert "行为准则" in " ".join(m.value for m in lesson.markdown)
    # the submitted attempt's result page needs no write
    result = page(tracker, "ui/pages/take.py", token, attempt=done)
    assert not result.error and [m.value for m in result.metric][:1] == ["3 / 8"]


def test_starting_a_quiz_on_a_full_database_says_so(env, fault):
    tracker, attempt, _ = env
    tracker.submit_attempt(attempt)
    at = page(tracker, "ui/pages/quizzes.py")
    fault("full", tracker)
    at.button(key="start:small").click().run()
    assert not at.exception, at.exception
    assert FULL in errors(at)
    assert at.title[0].value == "测验"
    assert len(tracker.attempts("E001")) == 2


def test_signing_in_on_a_read_only_database_says_why(env, fault):
    tracker, _, _ = env
    from ui import server

    server._tracker.cache_clear()
    route_store = server.tracker()
    fault("readonly", tracker, route_store)
    body = urlencode({"username": "zhang", "password": PASSWORD}).encode()

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/auth/login",
        "headers": [(b"content-type", b"application/x-www-form-urlencoded"), (b"host", b"testserver")],
        "query_string": b"",
        "scheme": "http",
        "server": ("testserver", 80),
    }
    response = in_own_thread(asyncio.run, server.login(Request(scope, receive)))
    assert response.status_code == 303
    assert response.headers["location"] == "/?login=storage"
    assert "set-cookie" not in response.headers
    server._tracker.cache_clear()
    route_store.close()

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params["login"] = "storage"
    at.run()
    assert "暂时无法登录" in errors(at)
