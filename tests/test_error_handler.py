"""The app's one error handler (``ui.errors``): each kind of library error becomes a message in the
user's language — never Streamlit's error box with a traceback, never the library's English."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

CASES = [
    ("NotFound('competition run x not found')", "找不到要打开的内容", "Not found"),
    ("AccessDenied('this needs the role leader')", "没有进行这项操作的权限", "may not do this"),
    ("AttemptClosed('attempt a was already submitted')", "已经交卷或已到时间", "can no longer be changed"),
    ("QuizUnavailable('quiz q closed at …')", "现在不能参加", "cannot be taken now"),
    ("TooEarly('lesson l: 30 s more', 30)", "请再认真阅读", "Please read for"),
    ("RosterError(['roster.csv:3: bad'])", "没有导入任何人员", "nobody was imported"),
    ("AccountError('user x already exists')", "账号操作没有完成", "was not made"),
    ("StorageUnavailable('not saved: disk full', 'full', '/srv/mingde.db')", "磁盘已满（mingde.db）", "mingde.db"),
    ("MingdeError('something else')", "操作没有完成", "did not work"),
]


def script(raised: str, lang: str) -> None:
    import streamlit as st

    from quizzes.errors import MingdeError  # noqa: F401
    from tracker.errors import (  # noqa: F401
        AccessDenied,
        AccountError,
        AttemptClosed,
        NotFound,
        QuizUnavailable,
        RosterError,
        StorageUnavailable,
        TooEarly,
    )
    from ui.errors import handled

    st.session_state["lang"] = lang
    with handled():
        st.write("before")
        raise eval(raised)  # noqa: S307 — the test's own table
    st.write("after")  # the page goes on below the failed block


@pytest.mark.parametrize(("raised", "zh", "en"), CASES, ids=[c[0].split("(")[0] for c in CASES])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_library_error_is_a_message_in_the_users_language(monkeypatch, raised, zh, en, lang):
    monkeypatch.chdir(ROOT)
    at = AppTest.from_function(script, args=(raised, lang), default_timeout=30).run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and (zh if lang == "zh" else en) in errors[0]
    assert "Traceback" not in errors[0]
    if lang == "zh":
        library_words = raised.split("'")[1]
        assert library_words not in errors[0], "the library's English message leaked into the Chinese page"
    assert [m.value for m in at.markdown][-1] == "after"


@pytest.mark.parametrize("path", ["ui/pages/host.py", "ui/pages/scoreboard.py"])
def test_an_unknown_run_in_the_address_is_a_message_not_an_error_page(tmp_path, monkeypatch, path):
    """/host?run=<unknown> and /scoreboard?run=<unknown> say the record was not found, once: the big
    screen's twice-a-second refresh never starts (it wrote two tracebacks a second to the log)."""
    from tests.conftest import app_store, signed_in_page

    tracker = app_store(
        monkeypatch, tmp_path / "app.db", ROOT / "content", users=(("org", "organizer"),), password="a-long-passphrase-9"
    )
    try:
        at = signed_in_page(tracker, "org", path, password="a-long-passphrase-9", run="no-such-run")
        assert not at.exception, at.exception
        assert [e.value for e in at.error] == ["找不到要打开的内容：链接可能已失效，或记录已被删除。请从菜单重新进入。"]
    finally:
        tracker.close()
