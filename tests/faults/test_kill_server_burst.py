"""SIGKILL of the Streamlit server in the middle of a burst of quiz takers (bench/load.py's websocket client).

Every attempt whose result page a client saw is submitted with exactly the answers sent, nothing is
doubled or half-written, the database passes its integrity check, and a server restarted on the same
database serves again: an interrupted taker signs in, resumes the attempt and submits it.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import shutil
import signal
import sqlite3
import sys
import threading
import time

from tests.conftest import ROOT
from ui.serve import RestartableServer

sys.path.insert(0, str(ROOT / "bench"))
import load  # noqa: E402

SESSIONS = 24
KILL_AFTER = 16  # results seen by clients before the server is killed
QUESTIONS = 10  # bench-load draws 4 + 2 + 2 + 1 + 1
TIMEOUT = 30  # one interaction (s)
BOUND = 90  # the whole burst (s)


class Burst:
    """The shared state of the sessions: the load client's Stats and the kill after KILL_AFTER results."""

    def __init__(self, server: RestartableServer):
        self.server, self.stats, self.killed_at = server, load.Stats(), None

    def acknowledged(self) -> dict[str, dict]:
        return {aid: rec for aid, rec in self.stats.attempts.items() if rec.get("result")}

    def on_result(self) -> None:
        # runs on the event loop, between two awaits: no other session moves while the server dies
        if self.killed_at is None and len(self.acknowledged()) >= KILL_AFTER:
            self.server.kill()
            self.killed_at = time.monotonic()


class KillingSession(load.Session):
    """A load-client session that reports every result it saw to the Burst."""

    burst: Burst

    async def take_quiz(self) -> bool:
        done = await super().take_quiz()
        self.burst.on_result()
        return done


def run_in_thread(coro_factory, bound: float):
    """Run an asyncio coroutine in a thread of its own (Playwright's sync API may hold the main thread's loop)."""
    out: list = []

    def go() -> None:
        try:
            out.append(asyncio.run(asyncio.wait_for(coro_factory(), bound)))
        except BaseException as e:  # handed to the test
            out.append(e)

    worker = threading.Thread(target=go, daemon=True)
    worker.start()
    worker.join(bound + 10)
    assert out, f"the load client did not finish in {bound + 10:g} s"
    if isinstance(out[0], BaseException):
        raise out[0]
    return out[0]


def burst(server: RestartableServer, users: list[str]) -> Burst:
    b = Burst(server)
    rng = random.Random(7)

    async def go() -> None:
        until = time.monotonic() + BOUND  # keep starting attempts until the kill ends every session
        sessions = []
        for i, user in enumerate(users):
            s = KillingSession(i, server.url, user, load.BENCH_QUIZ, 0, TIMEOUT, b.stats, random.Random(rng.random()))
            s.burst = b
            sessions.append(s.main(until))
        await asyncio.gather(*sessions)

    run_in_thread(go, BOUND)
    return b


def check_database(db, burst: Burst) -> None:
    acknowledged = burst.acknowledged()
    with contextlib.closing(sqlite3.connect(db)) as conn:  # opening recovers the WAL
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute(
            "SELECT a.id, a.submitted_at IS NOT NULL, acc.username FROM attempts a "
            "JOIN accounts acc ON acc.employee_id = a.employee_id WHERE a.quiz_id = ? AND acc.username LIKE 'load%'",
            (load.BENCH_QUIZ,),
        ).fetchall()
        submitted = {aid: user for aid, done, user in rows if done}
        # nothing acknowledged is lost ...
        assert sorted(set(acknowledged) - set(submitted)) == []
        # ... and nothing is doubled: every submitted attempt was started by a client, and beyond the
        # acknowledged ones only the submission in flight at the kill (at most one per session)
        assert set(submitted) <= set(burst.stats.attempts)
        unseen = [burst.stats.attempts[aid]["session"] for aid in set(submitted) - set(acknowledged)]
        assert len(unseen) == len(set(unseen)), unseen
        # no attempt half-written: a submitted attempt has one graded row per question, an open one none
        graded = dict(
            conn.execute(
                "SELECT a.id, COUNT(x.question_id) FROM attempts a LEFT JOIN answers x ON x.attempt_id = a.id "
                "AND x.points IS NOT NULL WHERE a.submitted_at IS NOT NULL AND a.quiz_id = ? "
                "AND a.employee_id IN (SELECT employee_id FROM accounts WHERE username LIKE 'load%') GROUP BY a.id",
                (load.BENCH_QUIZ,),
            ).fetchall()
        )
        assert set(graded) == set(submitted) and set(graded.values()) == {QUESTIONS}, graded
        assert (
            conn.execute(
                "SELECT COUNT(*) FROM answers x JOIN attempts a ON a.id = x.attempt_id "
                "WHERE a.submitted_at IS NULL AND x.points IS NOT NULL"
            ).fetchone()[0]
            == 0
        )
        assert conn.execute("SELECT COUNT(*) FROM answers WHERE attempt_id NOT IN (SELECT id FROM attempts)").fetchone()[0] == 0
    # exactly the answers sent, for every attempt whose result a client saw
    checked, mismatches = load.verify(db, acknowledged)
    assert mismatches == [] and checked == QUESTIONS * len(acknowledged)
    # an attempt cut off by the kill holds what was sent, less at most the answer in flight
    for aid, rec in burst.stats.attempts.items():
        if aid in acknowledged:
            continue
        sent = list(rec["sent"].items())
        full = load.verify(db, {aid: rec})[1]
        less = load.verify(db, {aid: {**rec, "sent": dict(sent[:-1])}})[1] if sent else full
        assert not full or not less, (aid, full, less)


def test_sigkill_of_the_server_mid_burst(tmp_path):
    files = load.LocalServer([], SESSIONS)
    server = RestartableServer(files.db, files.tmp / "content", files.tmp)  # seed() fills tmp/content
    try:
        files.seed()
        server.start()
        users = [f"load{i:04d}" for i in range(1, SESSIONS + 1)]
        b = burst(server, users)
        assert b.killed_at is not None, f"fewer than {KILL_AFTER} results before the end: {b.stats.errors[:3]}"
        assert server.proc.wait(10) == -signal.SIGKILL
        assert load.find_server_pid(server.port) is None  # nothing else of the server survived
        assert len(b.acknowledged()) >= KILL_AFTER
        assert len(b.stats.attempts) > len(b.acknowledged()), "the kill must land in the middle of attempts"
        # the sessions ended on the kill, not on a failure before it
        assert all(("closed" in e or "Connect" in e or "Errno" in e) for e in b.stats.errors), b.stats.errors[:3]

        server.start()  # on the same database and port
        check_database(files.db, b)

        # the restarted server serves: an interrupted taker signs in, resumes the attempt and submits it
        with contextlib.closing(sqlite3.connect(files.db)) as conn:
            open_attempts = {r[0] for r in conn.execute("SELECT id FROM attempts WHERE submitted_at IS NULL")}
        last = {}
        for aid, rec in b.stats.attempts.items():  # in start order
            last[rec["user"]] = aid
        interrupted = next((aid for user, aid in last.items() if aid in open_attempts), None)
        assert interrupted is not None, "no session was cut off mid-attempt"
        user = b.stats.attempts[interrupted]["user"]
        after = load.Stats()

        async def resume() -> None:
            s = load.Session(0, server.url, user, load.BENCH_QUIZ, 0, TIMEOUT, after, random.Random(1))
            await s.main(time.monotonic())  # one attempt

        run_in_thread(resume, 4 * QUESTIONS * TIMEOUT)
        assert after.errors == [] and after.submitted == 1
        assert list(after.attempts) == [interrupted]
        checked, mismatches = load.verify(files.db, after.attempts)
        assert mismatches == [] and checked == QUESTIONS
    finally:
        server.close()
        shutil.rmtree(files.tmp, ignore_errors=True)
