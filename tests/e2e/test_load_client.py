"""Smoke test of the load client (bench/load.py): 3 sessions speak Streamlit's websocket protocol to the
e2e server, each signs in, starts the marker quiz, answers it, submits; the database must hold exactly
the answers the clients sent."""

from __future__ import annotations

import os
import sys
import urllib.parse
from pathlib import Path

import pytest

from tests.conftest import ROOT, in_own_thread

sys.path.insert(0, str(ROOT / "bench"))
import load  # noqa: E402

USERS = ["e077", "e078", "e079"]  # not used by the other e2e tests
QUIZ = "e2e-marker"  # added by the server fixture: 3 questions, no time limit


def server_db(url: str) -> Path:
    """The database of the server behind ``url``: conftest's SERVER_FILES, else the process's MINGDE_DB."""
    from tests.e2e import conftest

    files = getattr(conftest, "SERVER_FILES", None) or {}
    if files.get("db"):
        return Path(files["db"])
    pid = load.find_server_pid(urllib.parse.urlsplit(url).port)
    if pid is None:
        pytest.fail(f"no process listens on {url}")
    env = dict(item.split("=", 1) for item in Path(f"/proc/{pid}/environ").read_text().split("\0") if "=" in item)
    return Path(env.get("MINGDE_DB", os.environ.get("MINGDE_DB", "")))


def test_three_sessions_answer_and_submit(server):
    db = server_db(server)
    assert db.exists(), db
    # The client runs its own asyncio loop (Playwright's keeps one running in the main thread).
    result = in_own_thread(
        lambda: load.run_once(server, 3, USERS, QUIZ, think=0.1, duration=0, ramp=0.3, timeout=20, db=db), timeout=120
    )
    assert result["errors"] == 0, result["error_messages"]
    assert result["attempts_submitted"] >= 3
    assert result["answers_checked"] >= 9  # 3 questions per attempt
    assert result["answer_mismatches"] == 0, result["mismatches"]
    assert result["p95_ms"] > 0 and result["server_cpu_s"] >= 0

    # The check has teeth: one answer the clients did not send is reported.
    attempts = result["attempts"]
    aid, record = next(iter(attempts.items()))
    qkey, (kind, value) = next((k, v) for k, v in record["sent"].items() if v[0] == "text")
    record["sent"][qkey] = (kind, [v + "x" for v in value])
    checked, mismatches = load.verify(db, {aid: record})
    assert checked == len(record["sent"]) and len(mismatches) == 1, mismatches
