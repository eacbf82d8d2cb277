"""The live pages refresh themselves (st.fragment(run_every=…)) and each refresh re-checks the session:
a captain disabled while the buzzer is open goes back to the sign-in form at the next tick, without a
click; so does a host whose console is open, and a big screen whose account's password was reset. The
library refuses the stale account's buzz too."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from quizzes import load_catalog
from tests.conftest import ROOT
from tests.dbcopy import copy_database
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_competition_e2e import COMPETITION, FARM, OFFICE, new_page
from tracker import Tracker
from tracker import competitions as comp
from ui.serve import RestartableServer

TIMEOUT = 30_000


def test_a_disabled_captain_or_host_or_a_reset_screen_is_signed_out_by_the_next_refresh(browser, demo_db, tmp_path):
    db = tmp_path / "mingde.db"
    copy_database(demo_db, db)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "quizzes" / "e2e-final.yaml").write_text(COMPETITION, encoding="utf-8")
    catalog = load_catalog(content)
    tracker = Tracker(db)
    users = {u.username: u for u in tracker.users()}
    host_account, admin = users["organizer"], users["admin"]
    run = comp.create_run(
        tracker, host_account, catalog.competitions["e2e-final"], mode="devices", captains={OFFICE: "e003", FARM: "e012"}
    )
    comp.append(tracker, host_account, run, {"kind": "start"})
    for _ in range(2):  # 必答 through; 抢答 1 shown: the phones offer 抢答！
        for command in ({"kind": "reveal"}, {"kind": "open"}, {"kind": "judge", "result": "right"}, {"kind": "next"}):
            comp.append(tracker, host_account, run, command)
    comp.append(tracker, host_account, run, {"kind": "reveal"})

    server = RestartableServer(db, content, tmp_path)
    server.start()
    contexts = []
    try:
        for user, path, viewport in (
            ("e003", "team", {"width": 375, "height": 812}),
            ("organizer", f"host?run={run}", {"width": 1366, "height": 768}),
            ("leader", f"scoreboard?run={run}&kiosk=1", {"width": 1920, "height": 1080}),
        ):
            contexts.append(new_page(browser, server.url, user, path, viewport)[0])
        phone, host, board = (ctx.pages[0] for ctx in contexts)
        expect(phone.get_by_role("button", name="抢答！")).to_be_visible(timeout=TIMEOUT)
        expect(host.get_by_role("button", name="开始作答 / 抢答")).to_be_visible(timeout=TIMEOUT)
        expect(board.locator("#mingde-board")).to_be_visible(timeout=TIMEOUT)

        tracker.set_disabled(admin, "e003", True)  # the captain, while the buzzer is open
        expect(phone.get_by_label("用户名")).to_be_visible(timeout=TIMEOUT)  # the next tick: the sign-in form
        expect(phone.get_by_role("button", name="抢答！")).to_have_count(0)
        phone.screenshot(path=str(SCREENSHOTS / "live-session-captain-disabled.png"), full_page=True)
        with pytest.raises(comp.CommandRefused) as refused:  # the page's old copy of the account: refused
            comp.append(tracker, users["e003"], run, {"kind": "buzz", "team": OFFICE})
        assert refused.value.code == "sender_disabled"

        tracker.set_disabled(admin, "organizer", True)  # the host, console open
        expect(host.get_by_label("用户名")).to_be_visible(timeout=TIMEOUT)
        expect(host.get_by_role("button", name="开始作答 / 抢答")).to_have_count(0)

        tracker.set_password("leader", "one-time-pass-1", must_change=True)  # the big screen's password reset
        expect(board.get_by_label("用户名")).to_be_visible(timeout=TIMEOUT)  # a reset ends its sessions
        expect(board.locator("#mingde-board")).to_have_count(0)
        assert [e.kind for e in comp.events(tracker, run)].count("buzz") == 0  # nothing was sent meanwhile
    except Exception:
        for i, ctx in enumerate(contexts):
            for page in ctx.pages:
                page.screenshot(path=str(SCREENSHOTS / f"live-session-fail-{i}.png"), full_page=True)
        raise
    finally:
        for ctx in contexts:
            ctx.close()
        tracker.close()
        server.close()
