"""SIGKILL in the middle of a burst of submissions: nothing acknowledged is lost, nothing is doubled or
half-written, and the database passes its integrity check."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.conftest import ROOT, SMALL_QUIZ, write_files
from tracker import Tracker

THREADS, PER_THREAD = 20, 50


def test_sigkill_mid_burst_loses_nothing_acknowledged(tmp_path):
    content = write_files(
        tmp_path / "content",
        {"quizzes/small.yaml": SMALL_QUIZ.replace("pass_percent: 60", "pass_percent: 60\nmax_attempts: 1000")},
    )
    db = tmp_path / "burst.db"
    setup = Tracker(db)
    for n in range(THREADS):
        setup.add_employee(f"E{n:03d}", f"员工{n}", "办公室")
    setup.close()

    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.burst_worker", str(db), str(content), str(THREADS), str(PER_THREAD)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    acknowledged: list[str] = []
    deadline = time.monotonic() + 120
    for line in proc.stdout:  # read until enough submissions were acknowledged, then kill
        if line.startswith("ACK "):
            acknowledged.append(line.split()[1])
        if len(acknowledged) >= 150 or time.monotonic() > deadline:
            break
    proc.send_signal(signal.SIGKILL)
    rest, _ = proc.communicate(timeout=30)
    acknowledged += [line.split()[1] for line in rest.splitlines() if line.startswith("ACK ")]
    assert proc.returncode == -signal.SIGKILL
    assert 150 <= len(acknowledged) < THREADS * PER_THREAD, "the kill must land in the middle of the burst"

    tracker = Tracker(db)  # reopening runs recovery of the WAL
    try:
        conn = tracker.db.conn
        if not tracker.postgres:  # PostgreSQL has no such check; its WAL replay is the server's
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        submitted = {r[0]: r[1] for r in conn.execute("SELECT id, score FROM attempts WHERE submitted_at IS NOT NULL")}
        missing = [a for a in acknowledged if a not in submitted]
        assert missing == []
        assert all(submitted[a] == 6 for a in acknowledged)  # s1 2 + m1 3 + t1 1
        assert len(set(acknowledged)) == len(acknowledged)
        # every submitted attempt has exactly one graded row per question; no graded rows elsewhere
        per_attempt = dict(
            conn.execute(
                "SELECT a.id, COUNT(x.question_id) FROM attempts a LEFT JOIN answers x ON x.attempt_id = a.id "
                "AND x.points IS NOT NULL WHERE a.submitted_at IS NOT NULL GROUP BY a.id"
            ).fetchall()
        )
        assert set(per_attempt.values()) == {5}
        graded_in_progress = conn.execute(
            "SELECT COUNT(*) FROM answers x JOIN attempts a ON a.id = x.attempt_id "
            "WHERE a.submitted_at IS NULL AND x.points IS NOT NULL"
        ).fetchone()[0]
        assert graded_in_progress == 0
        orphans = conn.execute("SELECT COUNT(*) FROM answers WHERE attempt_id NOT IN (SELECT id FROM attempts)").fetchone()[0]
        assert orphans == 0
    finally:
        tracker.close()
