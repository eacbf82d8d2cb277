"""The landing page in a real browser: renders in Chinese, no external requests."""

from __future__ import annotations

from playwright.sync_api import expect


def test_overview_renders_in_chromium(server, page):
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((server, "data:", "blob:")) else None)
    page.goto(server)
    expect(page.get_by_role("heading", name="明德 · 职业道德教育")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("课程列表")).to_be_visible()
    assert outside == [], f"requests left the intranet: {outside}"
