"""Fill-in prompts with two ``___`` blanks show two visible blanks on every page that renders a prompt
(review #1): a pair of ``___`` must not be read as Markdown emphasis."""

from __future__ import annotations

import pytest

from tests.conftest import app_store, signed_in_page, write_files
from ui.widgets import SHOWN_BLANK, prompt_markdown

QUIZ = """
id: blanks
title: 填空测验
pass_percent: 60
shuffle_questions: false
shuffle_options: false
questions:
  - id: f2
    type: fill_blank
    prompt: 职业道德的主要内容是爱岗敬业、___、办事公道、热情服务、___。
    answer: [[诚实守信], [奉献社会]]
    explanation: 见纲要。
"""


@pytest.mark.parametrize(
    ("prompt", "shown"),
    [
        ("爱岗敬业、___、办事公道、___。", f"爱岗敬业、{SHOWN_BLANK}、办事公道、{SHOWN_BLANK}。"),
        ("从_____中来，到___中去", f"从{SHOWN_BLANK}中来，到{SHOWN_BLANK}中去"),
        ("国家秘密分为绝密、（ ）、秘密", "国家秘密分为绝密、（ ）、秘密"),  # already visible
        ("**重点** 不变 __", "**重点** 不变 __"),  # Markdown stays; two underscores are no blank
    ],
)
def test_prompt_markdown_shows_blanks(prompt, shown):
    assert prompt_markdown(prompt) == shown


@pytest.fixture
def env(tmp_path, monkeypatch):
    content = write_files(tmp_path / "content", {"quizzes/blanks.yaml": QUIZ})
    tracker = app_store(
        monkeypatch, tmp_path / "app.db", content, employees=(("E001", "张三", "办公室"),), users=(("zhang", "employee", "E001"),)
    )
    yield tracker
    tracker.close()


def _markdown(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_take_page_and_review_show_both_blanks(env):
    at = signed_in_page(env, "zhang", "ui/pages/quizzes.py")
    at.button(key="start:blanks").click().run()
    attempt_id = at.query_params["attempt"]
    attempt_id = attempt_id[0] if isinstance(attempt_id, list) else attempt_id
    take = signed_in_page(env, "zhang", "ui/pages/take.py", attempt=attempt_id)
    shown = _markdown(take)
    assert f"爱岗敬业、{SHOWN_BLANK}、办事公道、热情服务、{SHOWN_BLANK}。" in shown
    assert "___" not in shown
    take.text_input(key=f"{attempt_id}:f2:0").input("诚实守信").run()
    take.text_input(key=f"{attempt_id}:f2:1").input("奉献社会").run()
    take.button(key="submit").click().run()
    assert not take.exception
    review = _markdown(take)
    assert f"爱岗敬业、{SHOWN_BLANK}、办事公道、热情服务、{SHOWN_BLANK}。" in review
    assert "___" not in review


def test_no_page_renders_a_prompt_but_through_show_prompt():
    """The one place prompts are rendered: ``st.markdown(...prompt...)`` appears nowhere else."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "ui"
    offenders = [
        f"{p.relative_to(root)}:{n}"
        for p in root.rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"st\.markdown\([^)]*prompt\b[^)]*\)", line) and "prompt_markdown" not in line
    ]
    assert offenders == []
