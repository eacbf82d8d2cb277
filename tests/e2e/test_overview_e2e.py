"""An organizer's content overview in a real browser; and nothing is fetched from outside."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def test_organizer_sees_the_content_overview_and_no_request_leaves_the_intranet(server, page):
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((server, "data:", "blob:")) else None)
    # the demo organizer is also an employee: lessons first, the overview in the 管理 section
    sign_in(page, server, "organizer")
    page.goto(f"{server}/overview")
    expect(page.get_by_role("heading", name="内容概览")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("所有内容文件均有效。")).to_be_visible()
    assert outside == [], f"requests left the intranet: {outside}"
