"""A live competition in real browsers: a host page and two team devices in separate contexts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from quizzes import load_catalog
from tests.e2e.conftest import SCREENSHOTS, SERVER_FILES, signed_in
from tracker import Tracker
from tracker import competitions as comp

pytestmark = pytest.mark.pg_journey  # also run on PostgreSQL in CI (.ci/run)

TIMEOUT = 30_000
CAPTAINS = {"办公室": "e003", "农业技术推广中心": "e012"}


def test_host_and_two_team_devices(server, browser):
    tracker = Tracker(SERVER_FILES["db"])
    catalog = load_catalog(SERVER_FILES["content"])
    competition = next(iter(catalog.competitions.values()))
    organizer = next(u for u in tracker.users() if u.username == "organizer")
    run = comp.create_run(
        tracker, organizer, competition, teams="departments", mode="devices", captains=CAPTAINS, banks=catalog.banks, seed=11
    )
    comp.append(tracker, organizer, run, {"kind": "start"})
    while comp.state(tracker, run).round_type != "buzzer":  # the host plays the 必答 round through quickly
        for command in ({"kind": "reveal"}, {"kind": "open"}, {"kind": "judge", "result": "right"}, {"kind": "next"}):
            comp.append(tracker, organizer, run, command)

    host_ctx, host = signed_in(browser, server, "organizer", f"host?run={run}")
    a_ctx, team_a = signed_in(browser, server, CAPTAINS["办公室"], "team")
    b_ctx, team_b = signed_in(browser, server, CAPTAINS["农业技术推广中心"], "team")
    try:
        expect(team_a.get_by_text("办公室 · ")).to_be_visible(timeout=TIMEOUT)
        host.get_by_role("button", name="出示题目").click()
        host.get_by_role("button", name="开始作答 / 抢答").click()
        expect(team_a.get_by_role("button", name="抢答！")).to_be_visible(timeout=TIMEOUT)
        expect(team_b.get_by_role("button", name="抢答！")).to_be_visible(timeout=TIMEOUT)
        team_b.get_by_role("button", name="抢答！").click()
        expect(team_b.get_by_text("已抢答（第 1 位）")).to_be_visible(timeout=TIMEOUT)
        team_a.get_by_role("button", name="抢答！").click()
        expect(team_a.get_by_text("已抢答（第 2 位）")).to_be_visible(timeout=TIMEOUT)
        state = comp.state(tracker, run)
        assert [t for t, _ in state.buzz_order] == ["农业技术推广中心", "办公室"]
        host.reload()
        expect(host.get_by_text("农业技术推广中心 作答")).to_be_visible(timeout=TIMEOUT)
        before = comp.state(tracker, run).scores["农业技术推广中心"]
        host.get_by_role("button", name="答对").click()
        expect(team_b.get_by_text(f"{before + 10:g}")).to_be_visible(timeout=TIMEOUT)
        for page, name in ((host, "host"), (team_a, "team-a"), (team_b, "team-b")):
            page.screenshot(path=str(SCREENSHOTS / f"live-{name}.png"))
    finally:
        for ctx in (host_ctx, a_ctx, b_ctx):
            ctx.close()
        tracker.close()
