"""Two nodes on one database: the host console on node A, the big screen on node B. Every click of the
host reaches the screen on the other node (the screen's 0.5 s refresh reads the event log's last seq
from the database: no per-process state is trusted), and the database holds what both show.

The time from the host's click on node A to the screen on node B showing it is recorded in
``tests/e2e/screenshots/nodes-latency.json`` (the benchmark is bench/bench_nodes.py; no timed test)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import expect

from quizzes import load_catalog
from tests.conftest import ROOT
from tests.dbcopy import copy_database
from tests.e2e.conftest import SCREENSHOTS, signed_in
from tests.e2e.test_live_restart_e2e import board_scores
from tracker import Tracker
from tracker import competitions as comp
from ui.serve import RestartableServer

TIMEOUT = 30_000
QUESTIONS = 3


def seen_after(page, click, check: str, arg) -> float:
    """Click (on the host's page), then wait until ``check(arg)`` holds on the screen's page; seconds."""
    t0 = time.monotonic()
    click()
    page.wait_for_function(check, arg=arg, timeout=TIMEOUT, polling=20)
    return time.monotonic() - t0


def drive(browser, db: str | Path, folder: Path, questions: int = QUESTIONS, screenshots: bool = False) -> dict[str, list[float]]:
    """Two nodes on ``db`` (a file or a URL), each with a folder of its own under ``folder``; the host
    console on node A plays ``questions`` questions of the 必答 round while the big screen is open on
    node B. Checks that the screen shows every click and what the database holds; returns the seconds
    from each click to the screen showing it, by kind (reveal, judge, next)."""
    secret = secrets.token_hex(16)
    nodes = []
    for name in ("a", "b"):  # a folder, a content copy and a process each: nothing shared but the database
        (folder / name).mkdir(parents=True)
        content = shutil.copytree(ROOT / "content", folder / name / "content")
        node = RestartableServer(db, content, folder / name)
        node.env["STREAMLIT_SERVER_COOKIE_SECRET"] = secret
        nodes.append(node)
    tracker = Tracker(db)
    contexts = []
    try:
        catalog = load_catalog(ROOT / "content")
        competition = next(iter(catalog.competitions.values()))
        organizer = next(u for u in tracker.users() if u.username == "organizer")
        run = comp.create_run(tracker, organizer, competition, teams="departments", mode="host", banks=catalog.banks, seed=5)
        comp.append(tracker, organizer, run, {"kind": "start"})
        for node in nodes:
            node.start()
        a, b = nodes
        host_ctx, host = signed_in(browser, a.url, "organizer", f"host?run={run}")
        board_ctx, board = signed_in(browser, b.url, "leader", f"scoreboard?run={run}&kiosk=1")
        contexts += [host_ctx, board_ctx]
        expect(board.locator(".mb-card").first).to_be_visible(timeout=TIMEOUT)

        latency: dict[str, list[float]] = {"reveal": [], "judge": [], "next": []}
        for i in range(questions):
            state = comp.state(tracker, run)
            assert state.round_type != "buzzer" and state.status == "pending", state.status
            prompt, team = state.question.question.prompt, state.answering_team
            before = board_scores(board)[team]
            latency["reveal"].append(
                seen_after(
                    board,
                    host.get_by_role("button", name="出示题目").click,
                    "p => document.body.innerText.includes(p)",
                    prompt,
                )
            )
            host.get_by_role("button", name="开始作答 / 抢答").click()
            expect(host.get_by_role("timer")).to_be_visible(timeout=TIMEOUT)
            latency["judge"].append(
                seen_after(
                    board,
                    host.get_by_role("button", name="答对").first.click,
                    """([team, before]) => [...document.querySelectorAll('.mb-card')].some(c =>
                        c.querySelector('.mb-name')?.innerText.trim() === team &&
                        c.querySelector('.mb-score')?.innerText.trim() !== before)""",
                    [team, before],
                )
            )
            latency["next"].append(
                seen_after(
                    board,
                    host.get_by_role("button", name="下一题").click,
                    "h => document.body.innerText.includes(h)",
                    f"第 {i + 2} / ",
                )
            )
        if screenshots:
            SCREENSHOTS.mkdir(exist_ok=True)
            board.screenshot(path=str(SCREENSHOTS / "nodes-board-on-b.png"))
            host.screenshot(path=str(SCREENSHOTS / "nodes-host-on-a.png"))

        # what both nodes showed is what the database holds
        final = comp.state(tracker, run)
        assert final.question_index == questions
        kinds = [e.kind for e in comp.events(tracker, run)]
        assert kinds.count("judge") == questions and kinds.count("reveal") == questions
        assert [e.seq for e in comp.events(tracker, run)] == list(range(1, len(kinds) + 1))  # gap-free
        assert board_scores(board) == {t: f"{s:g}" for t, s in final.scores.items()}
        return latency
    finally:
        for c in contexts:
            c.close()
        tracker.close()
        for node in nodes:
            node.close()


def test_a_host_on_node_a_drives_the_screen_on_node_b(browser, demo_db, tmp_path):
    db = tmp_path / "mingde.db"
    copy_database(demo_db, db)
    latency = drive(browser, db, tmp_path, screenshots=True)
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "nodes-latency.json").write_text(
        json.dumps({k: [round(v, 3) for v in vs] for k, vs in latency.items()}, indent=1), encoding="utf-8"
    )
    assert all(len(v) == QUESTIONS for v in latency.values())


def test_on_postgresql_a_host_on_node_a_drives_the_screen_on_node_b(browser, pg_url, tmp_path):
    from bench import pgcopy

    demo = tmp_path / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "ui.cli_main", "demo", "--db", str(demo), "--content", str(ROOT / "content")],
        check=True,
        cwd=ROOT,
        capture_output=True,
        timeout=600,
        env={k: v for k, v in os.environ.items() if k != "MINGDE_TEST_PG"},  # a real SQLite file, copied below
    )
    pgcopy.copy(demo, pg_url)
    latency = drive(browser, pg_url, tmp_path / "nodes", questions=2)
    assert all(len(v) == 2 for v in latency.values())
