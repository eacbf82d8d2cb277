"""Two Streamlit workers behind nginx share one database: users on different workers see each other's writes."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.dbcopy import copy_database
from tests.e2e.conftest import SERVER_FILES, sign_in
from ui.serve import free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy"))
import cluster  # noqa: E402

TIMEOUT = 30_000


@pytest.fixture
def cluster_url(server, tmp_path, monkeypatch):
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: .ci/run installs nginx-light")
        pytest.skip("nginx not installed")
    db = tmp_path / "cluster.db"
    copy_database(SERVER_FILES["db"], db)
    monkeypatch.setenv("MINGDE_DB", str(db))
    monkeypatch.setenv("MINGDE_CONTENT", str(SERVER_FILES["content"]))
    port = free_port()
    procs = cluster.start(2, port, "127.0.0.1", "127.0.0.1", [], tmp_path)
    yield f"http://127.0.0.1:{port}", tmp_path
    cluster.stop(procs)


def test_two_workers_behind_nginx(cluster_url, browser):
    url, run = cluster_url
    assert "hash $cookie_mingde_session consistent" in (run / "nginx.conf").read_text()
    seen = []
    for user in ("employee", "e003", "e004", "e005"):
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        page = context.new_page()
        sign_in(page, url, user)
        page.goto(f"{url}/results")
        expect(page.get_by_role("heading", name="我的成绩")).to_be_visible(timeout=TIMEOUT)
        seen.append(user)
        context.close()
    assert len(seen) == 4
    # stickiness: the same session cookie always reaches the same worker; different ones spread out
    import urllib.request

    def worker(cookie: str) -> str:
        request = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": f"mingde_session={cookie}"})
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.headers["X-Mingde-Worker"]

    workers = {f"token-{i}": worker(f"token-{i}") for i in range(16)}
    assert len(set(workers.values())) == 2
    assert all(worker(cookie) == addr for cookie, addr in list(workers.items())[:4])
