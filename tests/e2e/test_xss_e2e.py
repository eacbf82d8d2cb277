"""Content Markdown cannot inject HTML or script: a <script> and an <img onerror> render as text."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

TIMEOUT = 30_000


def test_lesson_html_is_not_executed(server, page):
    sign_in(page, server, "employee")
    page.goto(f"{server}/learn?lesson=e2e-hostile")
    expect(page.get_by_role("heading", name="端到端安全测试课")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("正文开始。")).to_be_visible()
    main = page.get_by_test_id("stMain")
    text = main.inner_text()
    assert "<script>window.__pwned = 1</script>" in text  # shown as text …
    assert '<img src="x" onerror="window.__pwned = 2">' in text
    assert all("__pwned" not in (el.text_content() or "") for el in main.locator("script").all())  # … never as markup
    assert main.locator("img[onerror]").count() == 0
    links = main.locator("a[href^='javascript:']")
    assert links.count() == 0
    assert page.evaluate("window.__pwned") is None
