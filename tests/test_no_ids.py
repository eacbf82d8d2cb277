"""Review #11, #12, #20: office staff see titles, numbers and prompts, never internal ids or file
paths (except the 编号 field they type, labelled in Chinese, and the ``path:line`` of content errors);
the newest quiz comes first for employees; an event without sign-up says so."""

from __future__ import annotations

import datetime as dt

import pytest

from quizzes import load_catalog
from quizzes.publishing import newest_first
from tests.conftest import CONTENT
from tests.test_authoring_pages import env, page  # noqa: F401  (env is a fixture)

IDS = ("ethics-bank", "union-bank", "eth-s-001", "ethics-basics-check", "ethics-exam-2026", "ethics-contest-2026")


def shown(at) -> str:
    """Every text a person reads on the page: messages, captions, choices offered and chosen, headings
    of expanders (not the 编号 text inputs, which are typed)."""
    parts = [str(e.value) for kind in ("markdown", "caption", "warning", "error", "success", "info") for e in at.get(kind)]
    for box in [*at.selectbox, *at.multiselect]:
        parts += [str(o) for o in box.options]
    parts += [str(e.label) for e in at.expander]
    return "\n".join(parts)


def ids_in(text: str) -> list[str]:
    return [i for i in IDS if i in text] + [p for p in ("content/", ".yaml") if p in text]


def test_question_editor_names_banks_and_questions_without_ids(env):  # noqa: F811
    at = page(env, "ui/pages/question_editor.py")
    at.selectbox(key="qe:bank").set_value("ethics-bank").run()
    assert "职业道德与服务作风题库" in at.selectbox(key="qe:bank").options
    picks = at.selectbox(key="qe:pick:ethics-bank").options
    assert picks[1].startswith("第 1 题 · ") and "eth-" not in " ".join(picks)
    assert "第 1 题" in " ".join(m.value for m in at.markdown)
    first = load_catalog(env.content).banks["ethics-bank"].questions[0]
    at.selectbox(key="qe:pick:ethics-bank").set_value(first.id).run()
    at.button(key="qe:copy").click().run()
    assert "已复制为第 2 题" in shown(at)
    at.selectbox(key="qe:pick:ethics-bank").set_value(f"{first.id}-copy").run()
    at.checkbox(key=f"qe:del_ok:{first.id}-copy").check().run()
    at.button(key="qe:delete").click().run()
    assert "已删除第 2 题“" in shown(at)
    assert ids_in(shown(at)) == [], shown(at)


def test_quiz_builder_names_quizzes_banks_and_questions_without_ids(env):  # noqa: F811
    at = page(env, "ui/pages/quiz_builder.py")
    assert "2026年度职业道德教育考试" in at.selectbox(key="qb:pick").options
    at.selectbox(key="qb:pick").set_value("monthly").run()
    picks = at.multiselect(key="qb:monthly:picks").options
    assert picks and all(" · 第 " in p and "/" not in p.split(" · ")[0] for p in picks[:5]), picks[:5]
    assert any(p.startswith("职业道德与服务作风题库 · 第 1 题 · ") for p in picks)
    first = load_catalog(env.content).banks["ethics-bank"].questions[0].id
    at.multiselect(key="qb:monthly:picks").set_value([("ethics-bank", first)]).run()
    at.text_input(key="qb:monthly:title").set_value("十二月自测").run()
    at.button(key="qb:draft").click().run()
    assert "已保存草稿“十二月自测”" in at.success[-1].value
    assert ids_in(shown(at)) == [] and "monthly-" not in shown(at), shown(at)


@pytest.mark.parametrize(
    ("path", "pick"), [("ui/pages/lesson_editor.py", "le:pick"), ("ui/pages/competition_builder.py", "cb:pick")]
)
def test_lesson_and_competition_editors_offer_titles(env, path, pick):  # noqa: F811
    at = page(env, path)
    options = at.selectbox(key=pick).options
    assert len(options) > 1 and ids_in(shown(at)) == [], shown(at)


def test_content_page_lists_titles_and_keeps_files_for_maintainers(env):  # noqa: F811
    at = page(env, "ui/pages/content.py")
    status = [m.value for m in at.markdown if ":material/check_circle:" in m.value]
    assert any("公务员职业道德 · 课程" in s for s in status), status
    assert not [s for s in status if "content/" in s or ".yaml" in s]
    quiz_lines = " ".join(m.value for m in at.markdown if m.value.startswith("**"))
    assert "2026年度职业道德教育考试" in quiz_lines and ids_in(quiz_lines) == []


# -- labels that tell alike titles apart ----------------------------------------------------------


@pytest.mark.parametrize(
    ("banks", "expected"),
    [
        ({"a": ("题库", 3), "b": ("另一个", 3)}, {"a": "题库", "b": "另一个"}),
        ({"a": ("题库", 3), "b": ("题库", 5)}, {"a": "题库（共 3 题）", "b": "题库（共 5 题）"}),
        ({"a": ("题库", 3), "b": ("题库", 3)}, {"a": "题库（共 3 题）（第 1 个）", "b": "题库（共 3 题）（第 2 个）"}),
        ({"a": ("", 1)}, {"a": "a"}),  # no title at all: the id is all there is (a file error says so)
    ],
)
def test_bank_labels_tell_banks_of_one_title_apart_by_size(monkeypatch, banks, expected):
    monkeypatch.setenv("MINGDE_LANG", "zh")
    from ui.author_widgets import bank_labels

    data = {b: {"title": title, "questions": [{"id": str(i)} for i in range(n)]} for b, (title, n) in banks.items()}
    assert bank_labels(data) == expected


def test_sign_in_sheets_are_named_by_title_and_session(monkeypatch):
    monkeypatch.setenv("MINGDE_LANG", "zh")
    from ui.event_widgets import signin_file_name

    event = load_catalog(CONTENT).events["integrity-lecture-2026"]
    name = signin_file_name(event, event.session_ids[0], ".xlsx")
    assert name.startswith("签到表-廉洁自律专题讲座-2026-") and name.endswith(".xlsx") and "integrity" not in name


# -- the newest quiz first -------------------------------------------------------------------------

T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("opens", "published", "expected"),
    [
        ({}, {}, ["a", "b", "c"]),  # nothing dated: the catalogue's order
        ({"a": 0, "b": 2, "c": 1}, {}, ["b", "c", "a"]),
        ({}, {"c": 5}, ["c", "a", "b"]),  # just published from 组卷: on top, the undated after
        ({"a": 10}, {"b": 5, "c": 20}, ["c", "a", "b"]),
        ({"a": 30}, {"a": 1, "b": 20}, ["a", "b", "c"]),  # the later of opening and publication
    ],
)
def test_newest_first(opens, published, expected):
    from quizzes.model import Quiz

    day = dt.timedelta(days=1)
    quizzes = [
        Quiz.model_validate(
            {"id": q, "title": q, "questions": [{"id": "x", "type": "true_false", "prompt": "对吗", "answer": True}]}
        )
        for q in "abc"
    ]
    quizzes = [q.model_copy(update={"opens": T0 + opens[q.id] * day}) if q.id in opens else q for q in quizzes]
    order = newest_first(quizzes, {q: T0 + n * day for q, n in published.items()})
    assert [q.id for q in order] == expected


def test_a_quiz_published_from_the_builder_comes_first_for_employees(env):  # noqa: F811
    at = page(env, "ui/pages/quiz_builder.py")
    at.selectbox(key="qb:pick").set_value("monthly").run()
    at.text_input(key="qb:monthly:title").set_value("十二月自测").run()
    at.button(key="qb:monthly:d_add").click().run()  # five questions drawn from the first bank
    at.button(key="qb:draft").click().run()
    assert "已保存草稿“十二月自测”" in at.success[-1].value
    published = env.quiz_publications()
    assert not [q for q in published if q.startswith("monthly-")]  # a draft is not published
    at.button(key="qb:publish").click().run()
    assert "已发布“十二月自测”" in at.success[-1].value
    assert [q for q in env.quiz_publications() if q.startswith("monthly-")]
    reads = []
    original = env._publications_from_audit
    env._publications_from_audit = lambda: reads.append(1) or original()
    env.audit("org", "sign_in")  # another action: the content saves are not read again
    assert [q for q in env.quiz_publications() if q.startswith("monthly-")] and reads == []
    employee = page(env, "ui/pages/quizzes.py", "zhang")
    cards = [m.value for m in employee.markdown if m.value.startswith("#### ")]
    assert cards[0] == "#### 十二月自测", cards[:3]


def test_every_download_is_named_in_the_users_language_without_ids():
    """Every ``file_name=`` of a page goes through a helper that names it from the catalogue (titles and
    dates): no literal English names like ``attendance-<event id>.xlsx``."""
    import re

    from tests.conftest import ROOT

    helpers = ("file_name(", "download_name(", "export_name(", "signin_file_name(")
    literal = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in (ROOT / "ui").rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bfile_name=", line) and not any(h in line for h in helpers)
    ]
    assert literal == []


@pytest.mark.parametrize(
    ("key", "values", "name"),
    [
        ("file.attendance", {"title": "廉洁 从业/专题:讲座"}, "出勤表-廉洁_从业_专题_讲座.xlsx"),
        ("file.completion", {"title": "新职工岗前培训班"}, "结业证明-新职工岗前培训班.xlsx"),
        ("file.training_record", {"year": 2026}, "培训档案-2026.xlsx"),
    ],
)
def test_download_names_are_safe_for_any_file_system(monkeypatch, key, values, name):
    from ui import widgets
    from ui.i18n import translate

    monkeypatch.setattr(widgets, "t", lambda k, **kw: translate("zh", k, **kw))
    assert widgets.file_name(key, ".xlsx", **values) == name
