"""Content may show only files served by the app: an external image in any text of any content file
(lessons, question prompts, options and explanations, quizzes, banks, competitions, daily, events) is
refused at validation with ``path:line`` naming the exact line of the file (issue 15, defect 6)."""

from __future__ import annotations

import shutil

import pytest

from lessons.loading import load_lesson
from lessons.model import external_images
from quizzes import load_catalog
from quizzes.errors import ContentError
from quizzes.loading import load_bank
from tests.conftest import ROOT

LESSON = """id: pic
title: 图片
sections:
  - title: 一
    body: |
      第一行
      {body}
"""


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("![图](http://evil.example/a.png)", [(1, "http://evil.example/a.png")]),
        ('![图](HTTPS://evil.example/a.png "标题")', [(1, "HTTPS://evil.example/a.png")]),
        ("![图]( <//cdn.example/a.png> )", [(1, "//cdn.example/a.png")]),
        ("第一行\n![图](file:///etc/passwd)", [(2, "file:///etc/passwd")]),
        ("![图](data:image/png;base64,AAAA)", [(1, "data:image/png;base64,AAAA")]),
        ("![logo]\n\n[logo]: http://evil.example/l.png", [(1, "http://evil.example/l.png")]),
        ("![图][Ref]\n\n[ref]: <//evil.example/l.png>", [(1, "//evil.example/l.png")]),
        ("![图](/app/static/a.png)", []),
        ("![图](static/a.png)", []),
        ("[官网](http://example.org) 是链接，不是图片", []),
        ("[ref]: http://example.org\n\n[文字][ref]", []),
        ("<img src='http://evil.example/x.png'>", []),  # raw HTML is shown as text, never fetched
    ],
)
def test_external_images_are_found(text, found):
    assert external_images(text) == found


def test_a_lesson_with_an_external_image_is_refused_at_the_line_that_holds_it(tmp_path):
    path = tmp_path / "pic.yaml"
    path.write_text(LESSON.format(body="![图](http://evil.example/a.png)"), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_lesson(path)
    assert [(p.line, p.field) for p in caught.value.problems] == [(7, "sections[0].body")]
    text = str(caught.value)
    assert text.startswith(f"{path}:7: sections[0].body: the image 'http://evil.example/a.png'") and "line 2 of" not in text


def test_a_lesson_with_a_local_image_loads(tmp_path):
    path = tmp_path / "pic.yaml"
    path.write_text(LESSON.format(body="![图](/app/static/a.png)"), encoding="utf-8")
    assert load_lesson(path).id == "pic"


# (file in the starter content, its text to replace, the replacement with an image, how many lines
# below the replaced text's first line the image is, the field named)
CASES = [
    (
        "banks/safety-bank.yaml",
        "prompt: 依据《中华人民共和国安全生产法》，我国安全生产工作的方针是什么？",
        "prompt: 依据 ![图](http://evil.example/a.png) 的方针是什么？",
        0,
        "questions[0].prompt",
    ),
    (
        "banks/safety-bank.yaml",
        "      - 安全第一、预防为主、综合治理",
        '      - "安全第一 ![x](https://cdn.example/x.png)"',
        0,
        "questions[0].options[1]",
    ),
    (
        "banks/safety-bank.yaml",
        "    explanation: 安全生产工作坚持安全第一、预防为主、综合治理的方针。",
        "    explanation: |\n      第一行\n\n      第三行 ![图](//cdn.example/b.png)",
        3,
        "questions[0].explanation",
    ),
    (
        "banks/safety-bank.yaml",
        "    explanation: 安全生产工作坚持安全第一、预防为主、综合治理的方针。",
        "    explanation: |\n      ![标志]\n\n      [标志]: http://evil.example/l.png",
        1,
        "questions[0].explanation",
    ),
    (
        "quizzes/work-safety-check.yaml",
        "description: 检验《安全生产》一课的学习效果。",
        "description: >\n  第一行\n  第二行\n  ![图](http://x.example/c.png)\n  检验《安全生产》一课的学习效果。",
        3,
        "description",
    ),
    (
        "quizzes/ethics-contest-2026.yaml",
        "        prompt: 职业道德规范中，要求坚持原则、对服务对象一视同仁的是哪一项？",
        "        prompt: '职业道德规范中 ![x](HTTP://evil.example/x.png)'",
        0,
        "rounds[1].questions[0].prompt",
    ),
    ("daily.yaml", "    title: 每日一练", "    title: '每日 ![a](data:image/png;base64,AAAA)'", 0, "sets[0].title"),
    (
        "events/ethics-training-2026.yaml",
        "  围绕职业道德基本规范、廉洁自律和为民服务开展集中培训，每个半天一个专题。",
        "  围绕职业道德基本规范。\n  ![会场](http://evil.example/hall.jpg)",
        1,
        "description",
    ),
    (
        "lessons/work-safety.yaml",
        "  - 安全第一、预防为主、综合治理",
        "  - 方针 ![x](file:///etc/passwd)",
        0,
        "key_points[0]",
    ),
    (
        "lessons/work-safety.yaml",
        "      **两组必记口诀：**",
        "      **两组必记口诀：**\n\n      ![口诀](http://evil.example/k.png)",
        2,
        "sections[0].body",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "below", "field"), CASES, ids=[f"{c[0]}:{c[4]}" for c in CASES])
def test_an_external_image_anywhere_in_content_is_refused_at_its_own_line(tmp_path, name, old, new, below, field):
    root = tmp_path / "content"
    shutil.copytree(ROOT / "content", root)
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    line = text.count("\n", 0, at) + 1 + below
    catalog = load_catalog(root)
    problems = [p for p in catalog.errors if "external images are refused" in p.message]
    assert [(p.path, p.line, p.field) for p in problems] == [(str(path), line, field)]
    assert str(problems[0]).startswith(f"{path}:{line}: {field}: the image ")
    assert path.read_text(encoding="utf-8").splitlines()[line - 1].count("](") + ("[标志]:" in new) >= 1


def test_every_image_of_a_text_is_reported_at_its_line_and_other_problems_too(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text(
        "id: b\ntitle: 题库\nquestions:\n  - id: q1\n    type: single\n    prompt: |\n"
        "      ![a](http://a.example/1.png)\n      中间\n      ![a](http://a.example/1.png)\n"
        "    options: [甲, 乙]\n    answer: C\n",
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as caught:
        load_bank(path)
    lines = [(p.line, "image" in p.message) for p in caught.value.problems]
    assert lines[:2] == [(7, True), (9, True)] and len(lines) == 3 and not lines[2][1]


def test_the_starter_content_has_no_external_image():
    assert not [p for p in load_catalog(ROOT / "content").errors if "external images" in p.message]


QUESTION = {"id": "q1", "type": "single", "prompt": "题干", "options": ["甲", "乙"], "answer": "A"}


@pytest.mark.parametrize(
    ("change", "hints"),
    [
        ({}, []),
        ({"prompt": "看图 ![](http://evil.example/a.png)"}, [("prompt", "http://evil.example/a.png")]),
        ({"options": ["甲", "![乙](//cdn.example/b.png)"]}, [("options[1]", "//cdn.example/b.png")]),
        (
            {
                "type": "scenario",
                "options": [{"text": "![x](data:image/png;base64,AA)", "credit": 1}, {"text": "乙", "credit": 0}],
            },
            [("options[0].text", "data:image/png;base64,AA")],
        ),
        ({"explanation": "解析\n\n![图][r]\n\n[r]: https://evil.example/r.png"}, [("explanation", "https://evil.example/r.png")]),
        ({"prompt": "本地图片 ![](images/a.png)"}, []),
    ],
    ids=["none", "prompt", "option", "scenario-option", "explanation-by-reference", "local"],
)
def test_the_question_editor_hints_at_external_images_before_any_preview(change, hints):
    from quizzes.authoring import question_hints

    found = [h for h in question_hints({**QUESTION, **change}) if h.code == "external_image"]
    assert [(h.field, h.values["url"]) for h in found] == hints


def test_the_question_editor_shows_no_preview_of_an_external_image(tmp_path, monkeypatch):
    from tests.conftest import signed_in_page
    from tracker import Tracker

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MINGDE_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("MINGDE_CONTENT", str(content))
    monkeypatch.setenv("MINGDE_LANG", "zh")
    tracker = Tracker(tmp_path / "app.db")
    tracker.add_user("org", "password-1", "organizer")
    at = signed_in_page(tracker, "org", "ui/pages/question_editor.py", password="password-1")
    at.selectbox(key="qe:bank").set_value("ethics-bank").run()
    k = "qe:ethics-bank:+:"
    at.text_input(key=k + "id").set_value("pic-q").run()
    at.text_area(key=k + "prompt").set_value("看图 ![](http://evil.example/a.png) 选择").run()
    for i, text in enumerate(["甲", "乙"]):
        at.text_input(key=k + f"o{i}").set_value(text)
    at.run()
    at.radio(key=k + "a").set_value("A").run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert warnings == ["图片“http://evil.example/a.png”不是本系统的文件，不能使用外部图片（请把图片放进内容文件夹）"]
    assert at.button(key="qe:save").disabled
    assert not any("evil.example" in str(m.value) for m in at.markdown)  # no preview renders it
    tracker.close()
