"""AppTest smoke tests: each page runs without an exception, with the right title, in both languages."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DATA, ROOT


@pytest.fixture
def app(monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MINGDE_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("MINGDE_CONTENT", str(ROOT / "content"))

    def run(**env) -> AppTest:
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()

    return run


@pytest.mark.parametrize(("lang", "title"), [("zh", "明德 · 职业道德教育"), ("en", "Mingde · Professional ethics")])
def test_overview_page(app, lang, title):
    at = app(MINGDE_LANG=lang)
    assert not at.exception
    assert at.title[0].value == title
    assert len(at.metric) == 5


def test_overview_lists_content_problems_with_file_and_line(app):
    at = app(MINGDE_CONTENT=str(DATA / "broken"))
    assert not at.exception
    shown = at.code[0].value
    assert "lessons/unknown-quiz.yaml:6: quiz: unknown quiz 'no-such-quiz'" in shown


def test_switching_language(app):
    at = app()
    at.sidebar.selectbox[0].set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Mingde · Professional ethics"
