"""``make run-cluster`` on PostgreSQL: two nodes behind nginx that share nothing but the database, each
a process with a folder of its own and (as root, with ``ip netns``) a network namespace of its own
from which the other node cannot be reached; sessions stick to a node and spread over both."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.e2e.conftest import SCREENSHOTS, sign_in
from ui.serve import free_port

sys.path.insert(0, str(ROOT / "deploy"))
import cluster  # noqa: E402

SYNC_QUIZ = """id: cluster-sync-quiz
title: 多节点同步测验
kind: quiz
questions:
  - {id: q1, type: true_false, prompt: 诚实守信是职业道德的基本规范。, answer: 对}
"""


def can_netns() -> bool:
    if os.geteuid() != 0 or not shutil.which("ip"):
        return False
    probe = f"mgdprobe{os.getpid()}"
    ok = subprocess.run(["ip", "netns", "add", probe], capture_output=True).returncode == 0
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return ok


@pytest.fixture
def pg_cluster(pg_url, tmp_path, monkeypatch):
    from bench import pgcopy

    demo = tmp_path / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "ui.cli_main", "demo", "--db", str(demo), "--content", str(ROOT / "content")],
        check=True,
        cwd=ROOT,
        capture_output=True,
        timeout=600,
        env={k: v for k, v in os.environ.items() if k != "MINGDE_TEST_PG"},
    )
    pgcopy.copy(demo, pg_url)  # the demo's people and accounts, in the nodes' database
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: .ci/run installs nginx-light")
        pytest.skip("nginx not installed")
    monkeypatch.setenv("MINGDE_DB", pg_url)
    monkeypatch.setenv("MINGDE_CONTENT", str(ROOT / "content"))
    netns = can_netns()
    port, nodes = free_port(), []
    procs = cluster.start(2, port, "127.0.0.1", "127.0.0.1", [], tmp_path, netns=netns, nodes_out=nodes)
    yield f"http://127.0.0.1:{port}", tmp_path, nodes, netns, procs
    cluster.stop(procs, nodes)


def test_two_postgresql_nodes_share_nothing_but_the_database(pg_cluster, browser):
    url, run, nodes, netns, procs = pg_cluster
    assert [n.folder for n in nodes] == [run / "node-1", run / "node-2"]
    for node in nodes:
        assert (node.folder / "content" / "quizzes").is_dir()  # its own copy, as deployed on its machine
        assert (node.folder / "streamlit.log").exists() and (node.folder / "tmp").is_dir()
    conf = (run / "nginx.conf").read_text()
    assert "hash $cookie_mingde_session consistent" in conf
    assert all(f"server {n.host}:{n.port};" in conf for n in nodes)

    def node_of(cookie: str) -> str:
        request = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": f"mingde_session={cookie}"})
        with urllib.request.urlopen(request, timeout=10) as r:
            assert r.status == 200
            return r.headers["X-Mingde-Worker"]

    # people sign in through nginx and work on whichever node they landed on; the sessions are rows
    # of the one database
    for user in ("employee", "e003", "e004"):
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        page = context.new_page()
        page.goto(url)  # a node's first page imports the app: give a cold node on a busy machine time
        try:
            expect(page.get_by_label("用户名")).to_be_visible(timeout=120_000)
        except AssertionError as e:
            logs = "\n".join(f"--- {n.folder.name}:\n{(n.folder / 'streamlit.log').read_text()[-3000:]}" for n in nodes)
            raise AssertionError(f"no sign-in form through nginx; page: {page.inner_text('body')[:500]!r}\n{logs}") from e
        sign_in(page, url, user)
        page.goto(f"{url}/results")
        expect(page.get_by_role("heading", name="我的成绩")).to_be_visible(timeout=30_000)
        context.close()
    with psycopg.connect(os.environ["MINGDE_DB"]) as conn:
        signed = {r[0] for r in conn.execute("SELECT username FROM sessions")}
    assert {"employee", "e003", "e004"} <= signed

    # an organizer publishes a quiz on node A (its own folder); an employee on node B sees it, and the
    # file is in B's folder too: content written in the browser follows every node (content_files)
    a, b = nodes
    quiz = run / "cluster-sync-quiz.yaml"
    quiz.write_text(SYNC_QUIZ, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, f"http://{a.host}:{a.port}", "organizer")
    page.goto(f"http://{a.host}:{a.port}/content")
    page.locator("input[type=file]").set_input_files(str(quiz))
    page.get_by_role("button", name="发布", exact=True).click(timeout=60_000)
    expect(page.get_by_text("已发布 cluster-sync-quiz.yaml")).to_be_visible(timeout=60_000)
    context.close()
    assert (a.folder / "content" / "quizzes" / "cluster-sync-quiz.yaml").is_file()
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, f"http://{b.host}:{b.port}", "employee")
    page.goto(f"http://{b.host}:{b.port}/quizzes")
    expect(page.get_by_text("多节点同步测验").first).to_be_visible(timeout=60_000)
    page.screenshot(path=str(SCREENSHOTS / "cluster-pg-synced-quiz-375.png"), full_page=True)
    context.close()
    synced = b.folder / "content" / "quizzes" / "cluster-sync-quiz.yaml"
    assert synced.read_bytes() == (a.folder / "content" / "quizzes" / "cluster-sync-quiz.yaml").read_bytes()

    seen = {f"token-{i}": node_of(f"token-{i}") for i in range(16)}
    assert set(seen.values()) == {f"{n.host}:{n.port}" for n in nodes}  # spread over both
    assert all(node_of(cookie) == addr for cookie, addr in list(seen.items())[:4])  # and sticky

    if not netns:
        pytest.skip("no network namespaces here (needs root and ip netns): own process and folder only")
    assert len({a.host, b.host}) == 2 and all(n.host.startswith("10.231.") for n in nodes)
    for node, proc in zip(nodes, procs, strict=False):
        pids = subprocess.run(["ip", "netns", "pids", node.netns], capture_output=True, text=True).stdout.split()
        assert str(proc.pid) in pids  # the node's process lives in its namespace
    reach = "import socket,sys; s=socket.socket(); s.settimeout(2); sys.exit(s.connect_ex((sys.argv[1], int(sys.argv[2]))))"
    own = subprocess.run(["ip", "netns", "exec", a.netns, sys.executable, "-c", reach, a.host, str(a.port)], timeout=30)
    other = subprocess.run(["ip", "netns", "exec", a.netns, sys.executable, "-c", reach, b.host, str(b.port)], timeout=30)
    assert own.returncode == 0 and other.returncode != 0  # node A reaches itself, never node B


def test_stopping_removes_the_namespaces(pg_url, tmp_path, monkeypatch):
    if not can_netns() or not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.skip("needs root, ip netns and nginx")
    monkeypatch.setenv("MINGDE_DB", pg_url)
    nodes: list = []
    procs = cluster.start(1, free_port(), "127.0.0.1", "127.0.0.1", [], tmp_path, netns=True, nodes_out=nodes)
    name = nodes[0].netns
    assert name in subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    cluster.stop(procs, nodes)
    assert name not in subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
