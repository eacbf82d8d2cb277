"""An employee who types another employee's attempt id into the URL sees nothing of it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import SERVER_FILES, sign_in
from tracker import Tracker


def test_someone_elses_attempt_by_url(server, page):
    tracker = Tracker(SERVER_FILES["db"])
    try:
        row = next(tracker.db.query("SELECT id FROM attempts WHERE employee_id != 'E003' AND submitted_at IS NOT NULL LIMIT 1"))
        other = tracker.attempt(row["id"])
    finally:
        tracker.close()
    sign_in(page, server, "e003")
    page.goto(f"{server}/take?attempt={other['id']}")
    expect(page.get_by_text("找不到这次作答。")).to_be_visible(timeout=30_000)
    body = page.content()
    assert f"{other['score']:g} / {other['max_score']:g}" not in body
    expect(page.get_by_role("radio")).to_have_count(0)
