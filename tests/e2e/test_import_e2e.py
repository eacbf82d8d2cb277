"""An organizer imports the real Chinese Excel template in Chromium: a readable id from the Chinese
file name, the title set before publishing, the keys checked in the paged preview (question 404
too), published into the content folder and the audit log; a second upload of the same name gets a
new id and replaces nothing."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.dbcopy import query
from tests.e2e.conftest import SCREENSHOTS, SERVER_FILES

TIMEOUT = 30_000
SAMPLE = ROOT / "tests" / "data" / "import" / "question-bank-template-magicodes.xlsx"
SIZES = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1366, "height": 768}}


@pytest.fixture(params=list(SIZES))
def organizer(request, browser, server):
    context = browser.new_context(viewport=SIZES[request.param], locale="zh-CN")
    page = context.new_page()
    page.goto(server)
    page.get_by_label("用户名").fill("organizer")
    page.get_by_label("密码").fill("mingde-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("退出登录")).to_be_attached(timeout=TIMEOUT)
    page.goto(f"{server}/content")
    expect(page.get_by_role("heading", name="内容管理")).to_be_visible(timeout=TIMEOUT)
    page.size_name = request.param
    yield page
    context.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"import-{name}-{page.size_name}.png"), full_page=True)


def upload(page, tmp_path, name: str):
    path = tmp_path / name
    path.write_bytes(SAMPLE.read_bytes())
    inputs = page.locator("input[type=file]")
    expect(inputs).to_have_count(1, timeout=TIMEOUT)  # an uploader left from the last run is gone
    inputs.set_input_files(str(path))
    expect(page.get_by_text("导入 404 题，跳过 0 项")).to_be_visible(timeout=60_000)


def test_organizer_imports_checks_the_keys_and_publishes(organizer, tmp_path):
    page = organizer
    banks = SERVER_FILES["content"] / "banks"
    suffix = page.size_name  # one upload per screen size: distinct file names
    name = f"题库导入模板{'甲' if suffix == 'phone' else '乙'}.xlsx"
    bank_id = f"ti-ku-dao-ru-mu-ban-{'jia' if suffix == 'phone' else 'yi'}"
    upload(page, tmp_path, name)
    id_box = page.get_by_role("textbox", name="题库编号")
    expect(id_box).to_have_value(bank_id, timeout=TIMEOUT)
    expect(page.get_by_text(f"将保存为 {bank_id}.yaml")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("共 404 题：单选题 404")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("共 21 页，每页 20 题")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("正确答案:").first).to_be_visible(timeout=TIMEOUT)
    page.get_by_text("共 21 页，每页 20 题").scroll_into_view_if_needed()
    shot(page, "preview")

    title = page.get_by_role("textbox", name="题库名称")
    title.fill("机械制图题库")
    title.press("Enter")
    expect(page.get_by_text(f"将保存为 {bank_id}.yaml")).to_be_visible(timeout=TIMEOUT)

    page_box = page.get_by_label("第几页")
    page_box.fill("21")
    page_box.press("Enter")
    cards = page.get_by_test_id("stMarkdownContainer")
    expect(cards.filter(has_text=re.compile(r"^404\. 单选题"))).to_be_visible(timeout=TIMEOUT)
    expect(cards.filter(has_text=re.compile(r"^1\. 单选题"))).to_have_count(0, timeout=TIMEOUT)
    cards.filter(has_text=re.compile(r"^404\. 单选题")).scroll_into_view_if_needed()
    shot(page, "last-page")

    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text(f"已发布 {bank_id}.yaml。")).to_be_visible(timeout=TIMEOUT)
    shot(page, "published")

    data = yaml.safe_load((banks / f"{bank_id}.yaml").read_text(encoding="utf-8"))
    assert (data["id"], data["title"], len(data["questions"])) == (bank_id, "机械制图题库", 404)
    assert data["questions"][-1]["id"] == f"{bank_id}-404"
    rows = query(SERVER_FILES["db"], "SELECT actor, detail FROM audit_log WHERE action = 'content.publish'")
    assert any(actor == "organizer" and json.loads(detail)["path"].endswith(f"{bank_id}.yaml") for actor, detail in rows)

    # the same Chinese name again: a new id, nothing replaced
    page.get_by_role("button", name="放弃").click()
    expect(page.get_by_role("textbox", name="题库编号")).to_have_count(0, timeout=TIMEOUT)  # the uploader is empty again
    upload(page, tmp_path, name)
    expect(page.get_by_role("textbox", name="题库编号")).to_have_value(f"{bank_id}-2", timeout=TIMEOUT)
    expect(page.get_by_text(f"将保存为 {bank_id}-2.yaml")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("发布将替换原文件")).to_have_count(0, timeout=TIMEOUT)
    shot(page, "second-upload")
