"""SIGKILL of the server in the middle of a live competition: after a restart on the same database the
host page and the scoreboard show the same round, question, answering team and scores, and the host
carries on from there."""

from __future__ import annotations

import shutil
import signal

from playwright.sync_api import expect

from quizzes import load_catalog
from quizzes.competition import public_view
from tests.conftest import ROOT
from tests.dbcopy import copy_database
from tests.e2e.conftest import SCREENSHOTS, signed_in, wait_until
from tracker import Tracker
from tracker import competitions as comp
from ui.serve import RestartableServer

TIMEOUT = 30_000
RESULTS = ("right", "wrong", "timeout")


def shown_scores(page) -> dict[str, str]:
    """Metric label ("rank. team") -> value, as the page shows them: read in one go, because the
    scoreboard re-renders its metrics every half second."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-testid="stMetric"]')].map(m => [
            m.querySelector('[data-testid="stMetricLabel"]')?.innerText.trim(),
            m.querySelector('[data-testid="stMetricValue"]')?.innerText.trim(),
        ]))"""
    )


def board_scores(page) -> dict[str, str]:
    """Team -> score as the big screen shows them (its score cards)."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.mb-card')].map(c => [
            c.querySelector('.mb-name')?.innerText.trim(), c.querySelector('.mb-score')?.innerText.trim(),
        ]))"""
    )


def expect_view(page, view: dict, heading_level: int | None) -> None:
    """The page shows the round and question number, the question, the answering team and every score of
    ``view`` (``heading_level`` None: the big screen, which is one block of HTML with score cards)."""
    heading = f"{view['round_name']} · 第 {view['question_index'] + 1} / {view['questions_in_round']} 题"
    if heading_level is None:
        expect(page.get_by_text(heading, exact=True)).to_be_visible(timeout=TIMEOUT)
    else:
        expect(page.get_by_role("heading", name=heading, level=heading_level)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text(view["question"]["prompt"], exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text(f"{view['answering_team']} 作答", exact=True)).to_be_visible(timeout=TIMEOUT)
    if heading_level is None:
        want = {row["team"]: f"{row['score']:g}" for row in view["standings"]}
        wait_until(lambda: board_scores(page) == want, what=f"the scores {want} (shown {board_scores(page)})")
    else:
        want = {f"{row['rank']}. {row['team']}": f"{row['score']:g}" for row in view["standings"]}
        wait_until(lambda: shown_scores(page) == want, what=f"the scores {want} (shown {shown_scores(page)})")


def test_a_restart_mid_competition_shows_the_same_state(browser, demo_db, tmp_path):
    db = tmp_path / "mingde.db"
    copy_database(demo_db, db)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    server = RestartableServer(db, content, tmp_path)
    tracker = Tracker(db)
    contexts = []
    try:
        catalog = load_catalog(content)
        competition = next(iter(catalog.competitions.values()))
        organizer = next(u for u in tracker.users() if u.username == "organizer")
        run = comp.create_run(tracker, organizer, competition, teams="departments", mode="host", banks=catalog.banks, seed=5)
        comp.append(tracker, organizer, run, {"kind": "start"})
        for i in range(100):  # the 必答 round, judged right, wrong or timeout in turn
            if comp.state(tracker, run).round_type == "buzzer":
                break
            for command in ({"kind": "reveal"}, {"kind": "open"}, {"kind": "judge", "result": RESULTS[i % 3]}, {"kind": "next"}):
                comp.append(tracker, organizer, run, command)
        teams = [t.name for t in comp.setup_of(tracker, run).teams]
        for team, result in ((teams[0], "right"), (teams[1], "wrong")):  # two buzzer questions through the library
            for command in ({"kind": "reveal"}, {"kind": "open"}, {"kind": "buzz", "team": team}):
                comp.append(tracker, organizer, run, command)
            comp.append(tracker, organizer, run, {"kind": "judge", "result": result})
            comp.append(tracker, organizer, run, {"kind": "next"})

        server.start()
        host_ctx, host = signed_in(browser, server.url, "organizer", f"host?run={run}")
        board_ctx, board = signed_in(browser, server.url, "leader", f"scoreboard?run={run}")
        contexts += [host_ctx, board_ctx]
        # the third buzzer question through the host page: shown, opened, the third team buzzes
        host.get_by_role("button", name="出示题目").click()
        host.get_by_role("button", name="开始作答 / 抢答").click()
        expect(host.get_by_role("timer")).to_be_visible(timeout=TIMEOUT)  # open now: a buzz is not an early one
        host.get_by_role("button", name=teams[2], exact=True).click()
        expect(host.get_by_text(f"{teams[2]} 作答", exact=True)).to_be_visible(timeout=TIMEOUT)

        before = public_view(comp.state(tracker, run))
        assert before["round_type"] == "buzzer" and before["question_index"] == 2 and before["status"] == "open"
        assert before["answering_team"] == teams[2] and before["buzz_order"] == [teams[2]]
        assert len(set(before["scores"].values())) > 2  # the scores differ: a mix-up would show
        expect_view(host, before, 3)
        expect_view(board, before, None)

        sockets, frames = [], []  # the host's page opens a new websocket when it reconnects by itself

        def opened(ws) -> None:
            sockets.append(ws)
            ws.on("framereceived", lambda payload: frames.append(len(sockets)))

        host.on("websocket", opened)
        server.kill()
        assert server.proc.wait(10) == -signal.SIGKILL
        server.start()  # same database, same port
        comp.clear_cache()  # this process too forgets what it knew: the state comes from the database
        after = public_view(comp.state(tracker, run))
        assert {k: v for k, v in after.items() if k != "seq"} == {k: v for k, v in before.items() if k != "seq"}
        assert after["seq"] == before["seq"]

        board_ctx2, board2 = signed_in(browser, server.url, "leader", f"scoreboard?run={run}")
        contexts.append(board_ctx2)
        expect_view(board2, before, None)

        # and the host carries on from the page left open through the kill (no reload): as soon as it has
        # reconnected by itself, its first click (答对) is not lost (issue 14) and appends exactly one event;
        # both scoreboards follow, the one left open through the kill too
        wait_until(lambda: host.evaluate("1") and sockets, what="the host page to reconnect")  # (evaluate lets events in)
        seq = comp.state(tracker, run).seq
        host.get_by_role("button", name="答对").click()
        wait_until(lambda: comp.state(tracker, run).seq >= seq + 1, what="the first click after the restart")
        assert comp.state(tracker, run).seq == seq + 1 and comp.events(tracker, run)[-1].kind == "judge"
        gained = before["scores"][teams[2]] + 10
        for page in (board, board2):
            wait_until(lambda p=page: board_scores(p).get(teams[2]) == f"{gained:g}")
        for page, name in ((host, "host"), (board2, "board")):
            page.screenshot(path=str(SCREENSHOTS / f"live-restart-{name}.png"))
    finally:
        for ctx in contexts:
            ctx.close()
        tracker.close()
        server.close()
