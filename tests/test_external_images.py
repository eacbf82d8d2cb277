"""Lessons may show only files served by the app: an external image is refused at validation with
``path:line`` (issue 15, defect 6)."""

from __future__ import annotations

import pytest

from lessons.loading import load_lesson
from lessons.model import external_images
from quizzes.errors import ContentError

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


def test_a_lesson_with_an_external_image_is_refused_with_file_and_line(tmp_path):
    path = tmp_path / "pic.yaml"
    path.write_text(LESSON.format(body="![图](http://evil.example/a.png)"), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_lesson(path)
    text = str(caught.value)
    assert f"{path}:5:" in text and "sections[0].body" in text
    assert "line 2 of the text" in text and "http://evil.example/a.png" in text


def test_a_lesson_with_a_local_image_loads(tmp_path):
    path = tmp_path / "pic.yaml"
    path.write_text(LESSON.format(body="![图](/app/static/a.png)"), encoding="utf-8")
    assert load_lesson(path).id == "pic"
