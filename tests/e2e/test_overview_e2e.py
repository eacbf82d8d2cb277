"""An organizer's content overview in a real browser; and nothing is fetched from outside."""

from __future__ import annotations

from playwright.sync_api import expect


def test_organizer_sees_the_content_overview_and_no_request_leaves_the_intranet(server, page):
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((server, "data:", "blob:")) else None)
    page.goto(server)
    page.get_by_label("用户名").fill("organizer")
    page.get_by_label("密码").fill("mingde-demo")
    page.get_by_role("button", name="登录").click()
    # the demo organizer is also an employee: lessons first, the overview in the 管理 section
    expect(page.get_by_role("heading", name="学习", exact=True)).to_be_visible(timeout=30_000)
    page.goto(f"{server}/overview")
    expect(page.get_by_role("heading", name="内容概览")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("所有内容文件均有效。")).to_be_visible()
    assert outside == [], f"requests left the intranet: {outside}"
