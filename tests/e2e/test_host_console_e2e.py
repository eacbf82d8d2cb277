"""The host console refreshes itself every second; what a host types or picks in the corrections must
survive it. Before the fix the corrections lived inside the refreshing fragment: a captain's buzz put
new lines above them, the refresh drew them anew at their new place, the expander closed and what the
host had typed and picked was gone (the whole-competition journey then timed out on a loaded machine)."""

from __future__ import annotations

import shutil

from playwright.sync_api import expect

from quizzes import load_catalog
from tests.conftest import ROOT
from tests.dbcopy import copy_database
from tests.e2e.conftest import SCREENSHOTS, wait_until
from tests.e2e.test_competition_e2e import COMPETITION, FARM, OFFICE, choose, new_page
from tracker import Tracker
from tracker import competitions as comp
from ui.serve import RestartableServer

TIMEOUT = 30_000


def options(page, box) -> list[str]:
    """The options of a selectbox's dropdown (opened and closed again), or [] while it is being redrawn."""
    box.click()
    try:
        page.get_by_role("option").first.wait_for(timeout=2000)
        return page.get_by_role("option").all_inner_texts()
    except Exception:
        return []
    finally:
        page.keyboard.press("Escape")


def test_the_console_refresh_never_takes_what_the_host_is_typing(browser, demo_db, tmp_path):
    db = tmp_path / "mingde.db"
    copy_database(demo_db, db)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "quizzes" / "e2e-final.yaml").write_text(COMPETITION, encoding="utf-8")
    catalog = load_catalog(content)
    tracker = Tracker(db)
    users = {u.username: u for u in tracker.users()}
    host_account = users["organizer"]
    run = comp.create_run(
        tracker, host_account, catalog.competitions["e2e-final"], mode="devices", captains={OFFICE: "e003", FARM: "e012"}
    )

    def send(account, **command):
        comp.append(tracker, account, run, command)

    send(host_account, kind="start")
    for _ in range(2):  # 必答: both right
        team = comp.state(tracker, run).answering_team
        for command in (
            {"kind": "reveal"},
            {"kind": "open"},
            {"kind": "judge", "team": team, "result": "right"},
            {"kind": "next"},
        ):
            send(host_account, **command)
    send(host_account, kind="reveal")  # 抢答 1: OFFICE buzzes and is judged wrong (the mistake)
    send(host_account, kind="open")
    send(users["e003"], kind="buzz", team=OFFICE)
    send(host_account, kind="judge", team=OFFICE, result="wrong")
    mistaken = comp.state(tracker, run).history[-1].seq
    send(host_account, kind="next")
    send(host_account, kind="reveal")  # 抢答 2 is open: nobody has buzzed yet
    send(host_account, kind="open")

    server = RestartableServer(db, content, tmp_path)
    server.start()
    ctx = None
    try:
        ctx, host = new_page(browser, server.url, "organizer", f"host?run={run}", {"width": 1366, "height": 768})
        # the host starts a correction: opens the section, picks the judgment, the new result, types the reason
        host.get_by_text("更正：撤销、更正判分、裁判加减分").click()
        which = host.get_by_role("combobox", name="要更正的判分")
        choose(host, which, f"抢答题 第 1 题 · {OFFICE} · 答错")  # (a dropdown opened while the page still loads closes)
        host.get_by_role("radiogroup", name="改判为").get_by_text("答对", exact=True).click()
        reason = host.get_by_label("更正原因（必填）")
        reason.fill("录像回看")
        undo = host.get_by_label("撤销原因（必填）")
        undo.fill("还没想好")
        # meanwhile a captain buzzes: the console draws new lines above the corrections by itself
        send(users["e012"], kind="buzz", team=FARM)
        expect(host.get_by_text(f"{FARM} 作答")).to_be_visible(timeout=TIMEOUT)
        expect(host.get_by_role("button", name="答对")).to_be_visible(timeout=TIMEOUT)
        # … and the host judges it: a new judgment to correct, so the corrections are drawn again (a full run)
        host.get_by_role("button", name="答对").click()
        wait_until(lambda: comp.state(tracker, run).status == "judged", what="FARM judged")
        expect(host.get_by_role("button", name="答对")).to_have_count(0, timeout=TIMEOUT)
        # the new judgment is in the list without a reload (the list is drawn again right after the
        # console: a dropdown opened in between closes when the list changes, so look until it is there)
        new = f"抢答题 第 2 题 · {FARM} · 答对"
        try:
            wait_until(lambda: new in options(host, which), what="the list with the new judgment")
        except Exception:
            host.screenshot(path=str(SCREENSHOTS / "host-console-correction-fail.png"), full_page=True)
            raise
        # … and nothing the host had picked or typed was lost: the section is open, the values are there
        expect(which).to_have_value(f"抢答题 第 1 题 · {OFFICE} · 答错")
        expect(host.get_by_role("radiogroup", name="改判为").get_by_role("radio", name="答对")).to_be_checked()
        expect(reason).to_have_value("录像回看")
        expect(undo).to_have_value("还没想好")
        host.screenshot(path=str(SCREENSHOTS / "host-console-correction-kept.png"), full_page=True)
        host.get_by_role("button", name="更正判分").click()
        wait_until(lambda: comp.state(tracker, run).history[-1].reason == "correction", what="the correction")
        fix = comp.events(tracker, run)[-1]
        assert fix.kind == "correct" and fix.data["target"] == mistaken and fix.data["result"] == "right"
        assert fix.data["reason"] == "录像回看"
        expect(reason).to_have_value("", timeout=TIMEOUT)  # sent once: the reason box is empty again
        assert comp.state(tracker, run).scores[OFFICE] == 110 - 10 + 20
    except Exception:
        if ctx is not None:
            for page in ctx.pages:
                page.screenshot(path=str(SCREENSHOTS / "host-console-fail.png"), full_page=True)
        raise
    finally:
        if ctx is not None:
            ctx.close()
        tracker.close()
        server.close()
