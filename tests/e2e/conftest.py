"""End-to-end fixtures: a real ``streamlit run`` server and Debian's headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.dbcopy import copy_database
from ui.serve import free_port, start_server, stop, wait_healthy

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1366, "height": 768}}  # issue 13: a common office PC


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def wait_until(condition, timeout: float = 30, what: str = "condition"):
    """Poll ``condition`` until it is truthy (no fixed sleeps); fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """A database seeded once with the demo, copied per server."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "ui.cli_main", "demo", "--db", str(path), "--content", str(ROOT / "content")],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    return path


HOSTILE_LESSON = """
id: e2e-hostile
title: 端到端安全测试课
sections:
  - title: 注入尝试
    body: |
      正文开始。<script>window.__pwned = 1</script>
      <img src="x" onerror="window.__pwned = 2">
      [链接](javascript:window.__pwned=3)
"""
SERVER_FILES: dict[str, Path] = {}  # the running server's database and content folder
MARKER = "MARKER-EXPLAIN-7f3a"
ANSWER_MARKER = "MARKERANSWERQ9"
MARKER_QUIZ = f"""
id: e2e-marker
title: 端到端测验
shuffle_questions: false
shuffle_options: false
questions:
  - id: m1
    type: single
    prompt: 端到端第一题：职业道德的首要要求是？
    options: [爱岗敬业, 投机取巧, 只对领导负责]
    answer: A
    explanation: {MARKER} 爱岗敬业是首要要求。
  - id: m2
    type: fill_blank
    prompt: 端到端第二题：安全生产方针是安全第一、___、综合治理。
    answer: [[{ANSWER_MARKER}, 预防为主]]
    explanation: {MARKER}
  - id: m3
    type: true_false
    prompt: 端到端第三题：职工代表大会是职工行使民主管理权力的机构。
    answer: true
    explanation: {MARKER}
"""

# Five questions, one of each type, timed, in authored order (the journeys of tests/e2e/test_journeys_e2e.py).
FIVE_QUIZ = """
id: e2e-five
title: 五种题型测验
time_limit: 10m
pass_percent: 60
shuffle_questions: false
shuffle_options: false
questions:
  - {id: q1, type: single, prompt: 五题之一：职业道德的首要要求是？, options: [爱岗敬业, 投机取巧], answer: A}
  - {id: q2, type: multiple, prompt: 五题之二：属于职业道德规范的有？, options: [诚实守信, 办事公道, 弄虚作假], answer: AB}
  - {id: q3, type: true_false, prompt: 五题之三：安全生产方针包括安全第一。, answer: true}
  - {id: q4, type: scenario, prompt: 五题之四：服务对象送来土特产，你应当？,
     options: [{text: 婉言谢绝, credit: 1}, {text: 收下自用, credit: 0}]}
  - {id: q5, type: fill_blank, prompt: 五题之五：安全第一、___、综合治理。, answer: [预防为主]}
"""


@pytest.fixture(scope="session")
def server(tmp_path_factory, demo_db):
    """``streamlit run app.py`` on a free port with the demo data and the starter content plus a
    quiz whose explanations and accepted answers carry markers; yields the base URL."""
    db = tmp_path_factory.mktemp("server") / "mingde.db"
    copy_database(demo_db, db)
    content = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "quizzes" / "e2e-marker.yaml").write_text(MARKER_QUIZ, encoding="utf-8")
    (content / "lessons" / "e2e-hostile.yaml").write_text(HOSTILE_LESSON, encoding="utf-8")
    (content / "quizzes" / "e2e-five.yaml").write_text(FIVE_QUIZ, encoding="utf-8")
    port = free_port()
    env = {**os.environ, "MINGDE_DB": str(db), "MINGDE_CONTENT": str(content), "MINGDE_LANG": "zh"}
    log = open(tmp_path_factory.mktemp("log") / "streamlit.log", "w")  # noqa: SIM115 (open for the server's life)
    proc = start_server(port, env, log=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
    except (RuntimeError, TimeoutError) as e:
        raise RuntimeError(f"{e}; see {log.name}") from None
    SERVER_FILES["db"], SERVER_FILES["content"], SERVER_FILES["log"] = db, content, Path(log.name)
    yield url
    stop(proc)
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser):
    """A fresh browser context per test, at phone and desktop sizes."""
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="zh-CN")
    pg = context.new_page()
    pg.viewport_name = request.param
    yield pg
    SCREENSHOTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def sign_in(page, server: str, username: str = "employee", password: str = "mingde-demo", landing: str | None = None) -> None:
    """Sign in through the real form; wait until the landing page's heading shows (``landing``), or else
    until the page of a signed-in account shows (each role lands on a page of its own)."""
    from playwright.sync_api import expect

    page.goto(server)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    if landing:
        expect(page.get_by_role("heading", name=landing, exact=True)).to_be_visible(timeout=30_000)
    else:
        expect(page.get_by_text("退出登录")).to_be_attached(timeout=30_000)
        expect(page.get_by_role("heading").first).to_be_visible(timeout=30_000)


def sign_in_to(page, server: str, username: str, path: str) -> None:
    """Sign in as ``username`` (the demo password) through the form, then open ``path``."""
    sign_in(page, server, username)
    page.goto(f"{server}/{path}")


def signed_in(browser, server: str, username: str, path: str):
    """A new desktop browser context signed in as ``username``, on ``path``: (context, page)."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(server)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("mingde-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("退出登录")).to_be_attached(timeout=30_000)
    page.goto(f"{server}/{path}")
    return context, page
