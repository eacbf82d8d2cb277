"""Option shuffling holds for multiple choice (issue 15, defect 8): in Chromium, neither the page's DOM
nor any websocket frame carries a checkbox key with the author's letter; the keys are display
positions, and the answer saved on the server is still the author's letter."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from playwright.sync_api import expect

from quizzes import load_catalog
from tests.conftest import ROOT
from tests.dbcopy import copy_database
from tests.e2e.conftest import SCREENSHOTS, sign_in
from tracker import Tracker
from ui.serve import free_port, start_server, stop, wait_healthy

MULTI = """
id: e2e-multi
title: 多选题测验
shuffle_options: true
questions:
  - id: mm
    type: multiple
    prompt: 下列哪些属于职业道德的基本规范？
    options: [爱岗敬业, 诚实守信, 办事公道, 投机取巧, 奉献社会]
    answer: [A, B, C, E]
"""


@pytest.fixture
def multi_server(tmp_path, demo_db):
    db = tmp_path / "mingde.db"
    copy_database(demo_db, db)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "quizzes" / "e2e-multi.yaml").write_text(MULTI, encoding="utf-8")
    port = free_port()
    env = {**os.environ, "MINGDE_DB": str(db), "MINGDE_CONTENT": str(content), "MINGDE_LANG": "zh"}
    log = open(tmp_path / "streamlit.log", "w")  # noqa: SIM115
    proc = start_server(port, env, log=log)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        yield f"http://127.0.0.1:{port}", db, content
    finally:
        stop(proc)
        log.close()


def test_no_authored_letter_reaches_the_browser(multi_server, browser):
    server, db, content = multi_server
    t = Tracker(db)
    try:
        attempt = t.start_attempt("E011", load_catalog(content).quizzes["e2e-multi"])
        order = t.paper(attempt).questions[0].order
    finally:
        t.close()
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f if isinstance(f, bytes) else f.encode())))
    try:
        sign_in(page, server, "employee")
        page.goto(f"{server}/take?attempt={attempt}")
        first_text = ["爱岗敬业", "诚实守信", "办事公道", "投机取巧", "奉献社会"][order[0]]
        box = page.get_by_role("checkbox", name=re.compile(first_text))
        expect(box).to_be_attached(timeout=30_000)
        box.check(force=True)
        expect(page.get_by_text("已作答").first).to_be_attached(timeout=30_000)
        page.screenshot(path=str(SCREENSHOTS / "multiple-choice-keys.png"))
        dom = page.content()
        everything = [dom.encode(), *frames]
        base = f"{attempt}:mm:".encode()
        for letter in "ABCDE":
            assert not any(base + letter.encode() in chunk for chunk in everything), f"the key with {letter} reached the browser"
        assert any(base + b"0" in chunk for chunk in everything)  # the keys are there, by position
    finally:
        context.close()
    t = Tracker(db)
    try:
        assert t.saved_responses(attempt)["mm"] == "ABCDE"[order[0]]
    finally:
        t.close()
