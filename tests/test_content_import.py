"""The content page's import: readable ids for Chinese file names, id and title set before publishing,
every question previewed with its key (paged, counts by type), reports in the user's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzes import load_catalog
from tests.conftest import ROOT
from tests.test_app import app, env  # noqa: F401 - env is the fixture that site uses


@pytest.fixture
def site(env):  # noqa: F811
    """The content folder and store of tests/test_app.py (one lesson, one quiz, an account per role)."""
    return env


SAMPLE = (ROOT / "tests" / "data" / "import" / "question-bank-template-magicodes.xlsx").read_bytes()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def content_page(site):
    return app(site, "org", "ui/pages/content.py")


def upload(at, name: str, data: bytes, mime: str = XLSX):
    at.file_uploader[0].set_value((name, data, mime)).run()
    assert not at.exception, at.exception
    return at


def texts(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def banks_folder(site) -> Path:
    return site.path.parent / "content" / "banks"


def test_a_chinese_named_workbook_gets_a_readable_id_and_every_question_is_previewed(site):
    at = upload(content_page(site), "题库导入模板.xlsx", SAMPLE)
    assert at.text_input(key=at.text_input[0].key).value == "ti-ku-dao-ru-mu-ban"
    assert at.text_input[1].value == "题库导入模板"
    assert "将保存为 ti-ku-dao-ru-mu-ban.yaml" in at.success[0].value
    assert "共 404 题：单选题 404" in [c.value for c in at.caption]
    assert "共 21 页，每页 20 题" in [c.value for c in at.caption]
    shown = texts(at)
    assert "**1.** `单选题`" in shown and "**20.** `单选题`" in shown and "**21.**" not in shown
    assert "正确答案: :green[**" in shown  # the key is shown to the organizer
    page = next(n for n in at.number_input if n.label == "第几页")
    page.set_value(21).run()
    shown = texts(at)
    assert "**404.** `单选题`" in shown and "**1.** `单选题`" not in shown  # not only the first 30
    assert any(c.value.startswith("解析：") for c in at.caption)


def test_the_organizer_sets_id_and_title_before_publishing(site):
    at = upload(content_page(site), "题库导入模板.xlsx", SAMPLE)
    at.text_input[0].set_value("drawing").run()
    at.text_input[1].set_value("机械制图题库").run()
    assert "将保存为 drawing.yaml" in at.success[0].value
    at.button(key="publish").click().run()
    assert "已发布 drawing.yaml。" in [s.value for s in at.success]
    bank = load_catalog(site.path.parent / "content").banks["drawing"]
    assert (bank.title, len(bank.questions), bank.questions[0].id) == ("机械制图题库", 404, "drawing-001")


def test_an_invalid_id_is_said_in_chinese(site):
    at = upload(content_page(site), "题库导入模板.xlsx", SAMPLE)
    at.text_input[0].set_value("Bad Id").run()
    assert at.error[0].value.startswith("题库编号“Bad Id”无效")
    assert not [b for b in at.button if b.key == "publish"]


def test_a_second_chinese_named_file_does_not_replace_the_first(site):
    at = upload(content_page(site), "题库导入模板.xlsx", SAMPLE)
    at.button(key="publish").click().run()
    csv = "题型,题干,选项A,选项B,正确答案\n单选题,诚信是基本要求吗？,是,否,A\n".encode()
    at = upload(content_page(site), "安全题库.csv", csv, "text/csv")
    at.button(key="publish").click().run()
    at = upload(content_page(site), "题库导入模板.xlsx", SAMPLE)  # the same name again: a new id by default
    assert at.text_input[0].value == "ti-ku-dao-ru-mu-ban-2"
    assert not at.warning  # nothing would be replaced
    at.button(key="publish").click().run()
    assert sorted(p.name for p in banks_folder(site).iterdir()) == [
        "an-quan-ti-ku.yaml",
        "ti-ku-dao-ru-mu-ban-2.yaml",
        "ti-ku-dao-ru-mu-ban.yaml",
    ]


def test_gift_partial_credit_and_warnings_in_chinese(site):
    gift = "::t::Where was Jesus raised?{~Jerusalem ~%25%Bethlehem ~%50%Galilee =Nazareth}\n\n论述 {}\n".encode()
    at = upload(content_page(site), "圣经.gift", gift, "text/plain")
    assert at.info[0].value == "导入 1 题，跳过 1 项，提示 1 条。"
    report = "\n".join(c.value for c in at.code)
    assert "第 3 行：问答题 {}（自由作答）：无法自动评分" in report
    assert "第 1 行：单选题带部分得分（~%25%Bethlehem, ~%50%Galilee, =Nazareth），已按情境题导入" in report
    shown = texts(at)
    assert "- B. Bethlehem (得分系数 0.25)\n" in shown and "\n- D. Nazareth (得分系数 1) :green[:material/check:]" in shown


def test_type_filter_and_counts(site):
    csv = (
        "题型,题干,选项A,选项B,正确答案,解析,知识点,标签\n"
        "单选题,问一,甲,乙,A,因为甲,诚信,廉洁\n"
        "判断题,问二,,,对,,,\n"
        "多选题,问三,甲,乙,甲；乙,,,\n"
    ).encode()
    at = upload(content_page(site), "混合.csv", csv, "text/csv")
    assert "共 3 题：单选题 1，判断题 1，多选题 1" in [c.value for c in at.caption]
    assert "解析：因为甲  \n标签：诚信、廉洁" in [c.value for c in at.caption]
    next(s for s in at.selectbox if s.label == "题型").set_value("true_false").run()
    shown = texts(at)
    assert "**2.** `判断题`" in shown and "正确答案: :green[**正确**]" in shown and "**1.**" not in shown


def test_a_refused_file_names_the_upload_not_a_temporary_path(site):
    at = upload(content_page(site), "空的.csv", b"", "text/csv")
    assert at.error[0].value == "空的.csv：文件是空的"


def test_import_report_in_english(site, monkeypatch):
    monkeypatch.setenv("MINGDE_LANG", "en")
    at = content_page(site)
    at.session_state["lang"] = "en"
    at = upload(at, "bank.gift", "问？{=甲 ~%50%乙 ~丙}\n".encode(), "text/plain")
    assert "line 1: a single answer with partial credit" in "\n".join(c.value for c in at.code)
