"""One language at a time: signed in as each role, every page in Chinese shows no English word and no
internal id — in titles, text, captions, messages, buttons, options, tables and chart axes.

The demo (starter content and months of history) is seeded once; each page runs in AppTest.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import signed_in_page

# Words that may appear in the Chinese interface: file formats and abbreviations people use as such,
# the language menu's "English" (each language is named in itself), PDCA and AB岗 in the starter content.
ALLOWED = {"Excel", "CSV", "XLSX", "ID", "PDF", "YAML", "Markdown", "English", "PDCA", "AB"}
WORD = re.compile(r"[A-Za-z][A-Za-z_]+(?:-[A-Za-z0-9_]+)*|\b\d+[hms](?:\d+[ms])*(?![A-Za-z])")  # words; 10m, 1h30m
MARKUP = re.compile(r":material/[a-z_]+:|:[a-z]+(?:-badge)?\[|<[^>]*>|&[a-z]+;|https?://\S+|\*\*|`")

PAGES = {
    "employee": [
        ("ui/pages/home.py", {}),
        ("ui/pages/learn.py", {}),
        ("ui/pages/learn.py", {"lesson": "ethics-basics"}),
        ("ui/pages/quizzes.py", {}),
        ("ui/pages/results.py", {}),
        ("take", {}),
    ],
    "leader": [
        ("ui/pages/participation.py", {}),
        ("ui/pages/assessment.py", {}),
        ("ui/pages/items.py", {}),
        ("ui/pages/overview.py", {}),
        ("ui/pages/team_pack.py", {}),
    ],
    "organizer": [
        ("ui/pages/overview.py", {}),
        ("ui/pages/participation.py", {}),
        ("ui/pages/items.py", {}),
        ("ui/pages/team_pack.py", {}),
    ],
}
OTHERS = {
    "employee": [
        "ui/pages/leaderboard.py",
        "ui/pages/team.py",
        "ui/pages/daily.py",
        "ui/pages/my_points.py",
        "ui/pages/points_ranking.py",
        "ui/pages/my_events.py",
        "ui/pages/my_hours.py",
        "ui/pages/password.py",
    ],
    "organizer": [
        "ui/pages/content.py",
        "ui/pages/host.py",
        "ui/pages/scoreboard.py",
        "ui/pages/quiz_builder.py",
        "ui/pages/question_editor.py",
        "ui/pages/lesson_editor.py",
        "ui/pages/competition_builder.py",
        "ui/pages/event_admin.py",
    ],
    "leader": ["ui/pages/moral.py"],
    "admin": ["ui/pages/roster.py", "ui/pages/users.py", "ui/pages/audit.py"],
}


@pytest.fixture
def env(demo_app):
    return demo_app


def shown_texts(at) -> list[str]:
    """Every text an AppTest run shows: elements, widget labels and options, table headers and cells,
    chart axis titles, the visible text of HTML blocks."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success", "text"):
        out += [str(e.value) for e in at.get(kind)]
    for e in at.get("button") + at.get("download_button"):
        out.append(str(e.proto.label))
    for e in at.get("page_link"):
        out.append(str(e.proto.label))
    for e in at.get("metric"):
        out += [str(e.label), str(e.value)]
    for kind in ("selectbox", "radio", "multiselect"):
        for e in at.get(kind):
            out.append(str(e.label))
            out += [str(o) for o in e.options]
    for kind in ("text_input", "checkbox", "toggle", "date_input", "number_input", "text_area"):
        out += [str(e.label) for e in at.get(kind)]
    for e in at.get("expander") + at.get("tab"):
        out.append(str(getattr(e, "label", "")))
    for e in at.get("dataframe"):
        df = e.value
        config = json.loads(e.proto.columns or "{}")  # headers as shown: a column_config label, else the name
        order = list(e.proto.column_order) or [str(c) for c in df.columns]
        out += [str((config.get(c) or {}).get("label") or c) for c in order]
        out += [str(v) for c in df.columns if str(c) in order and df[c].dtype == object for v in df[c].head(30)]
    for e in at.get("vega_lite_chart"):
        spec = json.loads(e.proto.spec)
        out += [str(v) for v in _titles(spec)]
        out += [
            str(v) for data in spec.get("datasets", {}).values() for row in data[:50] for v in row.values() if isinstance(v, str)
        ]
    for e in at.get("html"):
        body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", e.proto.body, flags=re.S)
        out.append(body)
    return out


def _titles(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "title" and isinstance(v, str):
                yield v
            else:
                yield from _titles(v)
    elif isinstance(node, list):
        for v in node:
            yield from _titles(v)


def foreign_words(texts: list[str]) -> set[str]:
    words = set()
    for text in texts:
        for word in WORD.findall(MARKUP.sub(" ", text)):
            if word not in ALLOWED:
                words.add(word)
    return words


def run_page(env, user: str, path: str, params: dict):
    if path == "take":  # an attempt in progress
        from quizzes import load_catalog

        employee_id = next(u for u in env.users() if u.username == user).employee_id
        quiz = load_catalog(env_content()).quizzes["ethics-basics-check"]
        rows = [r for r in env.attempts(employee_id, quiz.id) if not r["submitted_at"]]
        attempt = rows[0]["id"] if rows else env.start_attempt(employee_id, quiz)
        path, params = "ui/pages/take.py", {"attempt": attempt}
    return signed_in_page(env, user, path, password="mingde-demo", timeout=60, **params)


def env_content():
    import os

    return os.environ["MINGDE_CONTENT"]


CASES = [
    pytest.param(user, path, params, id=f"{user}-{path.split('/')[-1]}{'-' + '-'.join(params.values()) if params else ''}")
    for user, pages in PAGES.items()
    for path, params in pages
]


@pytest.mark.parametrize(("user", "path", "params"), CASES)
def test_a_page_in_chinese_shows_no_english(env, user, path, params):
    at = run_page(env, user, path, params)
    assert not (words := foreign_words(shown_texts(at))), f"{user} on {path}: {sorted(words)}"


# Pages where organizers work on content by its ids and file names (they choose them), and where an
# admin manages accounts by their user names: those are names, like people's names, not leaks.
AUTHORING_PAGES = {
    "ui/pages/content.py",
    "ui/pages/quiz_builder.py",
    "ui/pages/question_editor.py",
    "ui/pages/lesson_editor.py",
    "ui/pages/competition_builder.py",
    "ui/pages/event_admin.py",
}
ACCOUNT_PAGES = {
    "ui/pages/users.py",
    "ui/pages/audit.py",
    "ui/pages/roster.py",
    "ui/pages/content.py",
}  # content: who runs a quiz


def names_of(env, path: str) -> set[str]:
    """The ids, file-name parts and user names that ``path`` may show."""
    from quizzes import load_catalog

    names: set[str] = set()
    if path in AUTHORING_PAGES:
        cat = load_catalog(env_content())
        for kind in ("lessons", "banks", "quizzes", "competitions", "events"):
            names |= set(getattr(cat, kind, {}))
        for bank in cat.banks.values():
            names |= {q.id for q in bank.questions}
        for file in cat.paths:
            names |= set(WORD.findall(str(file)))
    if path in ACCOUNT_PAGES:
        names |= {u.username for u in env.users()}
    return names


@pytest.mark.parametrize(("user", "path"), [(u, p) for u, paths in OTHERS.items() for p in paths])
def test_pages_of_other_issues_in_chinese(env, user, path):
    at = run_page(env, user, path, {})
    words = foreign_words(shown_texts(at)) - names_of(env, path)
    assert not words, f"{user} on {path}: {sorted(words)}"


@pytest.mark.parametrize(
    ("texts", "found"),
    [
        (["参与率 participation_rate"], {"participation_rate"}),
        (["导出 Excel 或 CSV"], set()),
        ([":green[已作答] · :material/flag: 已标记"], set()),
        (["限时 10m"], {"10m"}),
        (["2026 年第 4 季度 · 2026-12-02 04:36 · Q4"], set()),
        (["课程 ethics-basics"], {"ethics-basics"}),
    ],
)
def test_the_check_itself(texts, found):
    assert foreign_words(texts) == found


# -- Streamlit's own English words (review #8) ------------------------------------------------------
# Each widget's own parameters set them: a multiselect's placeholder= (else "Choose options") and
# select_all=False (else "Select all"), a date input's value (else its format, "yyyy-mm-dd", as
# placeholder); the file uploader's "Upload" and "20MB per file • XLSX" are replaced by app.py's one
# <style> block (ui.widgets.streamlit_words_css). Pages of other areas that still show them are listed
# for the lead (strict: remove the entry once the page is fixed).
WIDGET_PAGES = [
    ("organizer", "ui/pages/content.py"),
    ("organizer", "ui/pages/quiz_builder.py"),
    ("organizer", "ui/pages/question_editor.py"),
    ("organizer", "ui/pages/lesson_editor.py"),
    ("organizer", "ui/pages/event_admin.py"),
    ("organizer", "ui/pages/host.py"),  # its 参赛部门 multiselect shows only after 从部门中挑选 (not seen here)
    ("leader", "ui/pages/moral.py"),
    ("admin", "ui/pages/roster.py"),
    ("admin", "ui/pages/audit.py"),
]
FOR_THE_LEAD = {}


def streamlit_defaults(at) -> list[str]:
    """The English words Streamlit would draw itself on this run's widgets."""
    found = [f"{e.label}: Choose options" for e in at.get("multiselect") if not e.proto.placeholder.strip()]
    found += [f"{e.label}: Select all" for e in at.get("multiselect") if e.proto.select_all != 0]
    found += [f"{e.label}: {e.proto.format.lower()}" for e in at.get("date_input") if not list(e.proto.default)]
    styled = any("stFileUploaderDropzoneInstructions" in h.proto.body for h in at.get("html"))
    found += [f"{e.proto.label}: Upload" for e in at.get("file_uploader") if not styled]
    return found


@pytest.mark.parametrize(
    ("user", "path"),
    [
        pytest.param(u, p, marks=[pytest.mark.xfail(strict=True, reason=FOR_THE_LEAD[p])] if p in FOR_THE_LEAD else [])
        for u, p in WIDGET_PAGES
    ],
)
def test_streamlit_widgets_speak_chinese(env, user, path):
    at = run_page(env, user, path, {})
    assert not streamlit_defaults(at), f"{user} on {path}: {streamlit_defaults(at)}"


def test_the_uploader_words_come_from_the_catalogue():
    from ui.i18n import EN, ZH
    from ui.widgets import streamlit_words_css

    css = streamlit_words_css(20)
    assert ZH["upload.button"] in css and ZH["upload.hint"].replace("{mb}", "20") in css
    assert EN["upload.button"] not in css and "<script" not in css
