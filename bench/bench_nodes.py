"""Benchmark: SQLite beside PostgreSQL, one node beside two (run by hand; each part under ~2 minutes).

``submit``  The submission path (one 50-question ``Tracker.submit_attempt``, median and p99) and the
            burst (1,000 submissions from 100 threads at once, split over two ``Tracker`` objects =
            two nodes) on SQLite (WAL, synchronous=FULL) and on PostgreSQL 15 (a throwaway cluster
            with durable settings: fsync on, synchronous_commit on), in one run, with the ratios.
``live``    A live competition with the host console on node A and the big screen on node B (two
            ``streamlit run`` servers on one database, headless Chromium): the time from the host's
            click to the screen on the other node showing it, per kind of click, on both databases.

The PostgreSQL cluster is started for the run (tests/pgcluster.py: initdb in a temp folder, a unix
socket, no TCP) unless ``--pg URL`` names one. Prints a Markdown section; ``--out FILE`` appends it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_submit import commit, machine, percentile, setup  # noqa: E402
from quizzes.model import LETTERS  # noqa: E402
from tracker import Tracker  # noqa: E402

# A benchmark cluster keeps what a production server keeps: every commit on disk before it returns.
DURABLE = "-c listen_addresses='' -c max_connections=300 -c shared_buffers=128MB -c fsync=on -c synchronous_commit=on"


class Databases:
    """The SQLite file and the PostgreSQL database of one run (a fresh database per ``fresh()``)."""

    def __init__(self, tmp: Path, pg_url: str | None):
        self.tmp, self.cluster, self.n = tmp, None, 0
        if pg_url is None:
            from tests import pgcluster

            pgcluster.SERVER_OPTIONS = DURABLE
            self.cluster = pgcluster.Cluster.start()  # a folder of its own (root: given to nobody)
            pg_url = self.cluster.url
        self.pg_url = pg_url

    def fresh(self, backend: str) -> str:
        self.n += 1
        if backend == "sqlite":
            return str(self.tmp / f"bench-{self.n}.db")
        import psycopg

        base, _, query = self.pg_url.partition("?")
        name = f"bench_{os.getpid()}_{self.n}"
        admin = base.rsplit("/", 1)[0] + "/postgres" + (f"?{query}" if query else "")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else "")

    def close(self) -> None:
        if self.cluster is not None:
            self.cluster.remove()


def no_test_schema():
    """The benchmark opens URLs as they are (never the test suite's one-schema-per-file mapping)."""
    os.environ.pop("MINGDE_TEST_PG", None)


def submit_part(dbs: Databases, runs: int) -> dict:
    out = {}
    for backend in ("sqlite", "postgresql"):
        work = dbs.tmp / backend
        work.mkdir()
        target = dbs.fresh(backend)
        tracker, quiz = setup_on(work, target)
        times = []
        for i in range(runs + 20):
            attempt_id = tracker.start_attempt(f"E{i % 2000:04d}", quiz)
            paper = tracker.paper(attempt_id)
            responses = {pq.key: LETTERS[(i + n) % 4] for n, pq in enumerate(paper.questions)}
            t0 = time.perf_counter()
            tracker.submit_attempt(attempt_id, responses)
            if i >= 20:  # the first 20 warm up
                times.append(time.perf_counter() - t0)
        node_b = Tracker(target)
        out[backend] = {"path": times, "burst": burst([tracker, node_b], quiz)}
        node_b.close()
        tracker.close()
    return out


def setup_on(work: Path, target: str):
    """bench_submit's content and 2,000 employees, on ``target`` (a file or a URL)."""
    tracker, quiz = setup(work)  # a SQLite file in work/: only its content folder is used when target is a URL
    if target != str(tracker.path):
        tracker.close()
        tracker = Tracker(target)
        with tracker.write() as db:
            db["employees"].insert_all(
                [
                    {"id": f"E{i:04d}", "name": f"员工{i}", "department": f"部门{i % 6}", "team": None, "active": 1}
                    for i in range(2000)
                ]
            )
    return tracker, quiz


def burst(nodes: list[Tracker], quiz, submissions: int = 1000, threads: int = 100) -> dict:
    ids = [nodes[0].start_attempt(f"E{1000 + i % 1000:04d}", quiz) for i in range(submissions)]
    barrier = threading.Barrier(threads)
    errors: list[str] = []
    per_thread = submissions // threads

    def work(n: int) -> None:
        node = nodes[n % len(nodes)]
        barrier.wait()
        for attempt_id in ids[n * per_thread : (n + 1) * per_thread]:
            try:
                node.submit_attempt(attempt_id, {})
            except Exception as e:  # noqa: BLE001 - counted and reported
                errors.append(f"{type(e).__name__}: {e}")

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    t0 = time.perf_counter()
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    wall = time.perf_counter() - t0
    recorded = next(
        iter(
            nodes[0].db.query(
                "SELECT COUNT(*) AS n FROM attempts WHERE quiz_id = 'bench-quiz' AND submitted_at IS NOT NULL "
                "AND employee_id >= 'E1000'"
            )
        )
    )["n"]
    return {"wall": wall, "errors": len(errors), "first_error": errors[:1], "recorded": recorded}


def live_part(dbs: Databases, questions: int) -> dict:
    """Host on node A, screen on node B, per backend: seconds from click to the other node's screen."""
    from playwright.sync_api import sync_playwright

    from bench import pgcopy
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.e2e.test_nodes_e2e import drive

    demo = dbs.tmp / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "ui.cli_main", "demo", "--db", str(demo), "--content", str(ROOT / "content")],
        check=True,
        cwd=ROOT,
        capture_output=True,
        timeout=600,
    )
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for backend in ("sqlite", "postgresql"):
                target = dbs.fresh(backend)
                if backend == "sqlite":
                    shutil.copy(demo, target)
                else:
                    pgcopy.copy(demo, target)
                folder = dbs.tmp / f"live-{backend}"
                folder.mkdir()
                out[backend] = drive(browser, target, folder, questions)
        finally:
            browser.close()
    return out


def ms(values: list[float], p: float | None = None) -> str:
    if not values:
        return "–"
    v = statistics.median(values) if p is None else percentile(values, p)
    return f"{v * 1000:,.0f}"


def report(result: dict, args) -> str:
    load = os.getloadavg()
    lines = [
        f"\n## SQLite beside PostgreSQL, one node beside two — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC (commit {commit()})",
        f"Machine: {machine()}, PostgreSQL {result.get('pg_version', '?')} (throwaway cluster, fsync on, "
        f"synchronous_commit on, unix socket). **Shared**: 6 engineers worked on this 2-core machine during the "
        f"run (load average {load[0]:.1f} at the end): the ratios, measured in one run, mean more than the absolute figures.",
        "",
    ]
    if "submit" in result:
        s, pg = result["submit"]["sqlite"], result["submit"]["postgresql"]
        med = {k: statistics.median(v["path"]) for k, v in result["submit"].items()}
        lines += [
            "| measure | SQLite | PostgreSQL | PostgreSQL / SQLite |",
            "|---|---:|---:|---:|",
            f"| `submit_attempt`, 50 questions, median ms | {med['sqlite'] * 1000:.2f} | {med['postgresql'] * 1000:.2f} | "
            f"{med['postgresql'] / med['sqlite']:.2f} |",
            f"| `submit_attempt`, p99 ms | {ms(s['path'], 99)} | {ms(pg['path'], 99)} | "
            f"{percentile(pg['path'], 99) / percentile(s['path'], 99):.2f} |",
            f"| burst: 1,000 submissions, 100 threads on 2 nodes, wall s | {s['burst']['wall']:.2f} | "
            f"{pg['burst']['wall']:.2f} | {pg['burst']['wall'] / s['burst']['wall']:.2f} |",
            f"| burst: submissions per second | {1000 / s['burst']['wall']:.0f} | {1000 / pg['burst']['wall']:.0f} | |",
            f"| burst: errors / attempts recorded | {s['burst']['errors']} / {s['burst']['recorded']} | "
            f"{pg['burst']['errors']} / {pg['burst']['recorded']} | |",
            "",
            f"{args.runs} submissions per database on the submission path (after 20 to warm up).",
        ]
        if s["burst"]["first_error"] or pg["burst"]["first_error"]:
            lines.append(f"First errors: {s['burst']['first_error']} {pg['burst']['first_error']}")
    if "live" in result:
        lv = result["live"]
        lines += [
            "",
            f"Live competition, host console on node A, big screen on node B ({args.questions} questions of the 必答 round, "
            "headless Chromium; click on A → the screen on B shows it; ms):",
            "",
            "| click | SQLite median / max | PostgreSQL median / max |",
            "|---|---:|---:|",
        ]
        for kind in ("reveal", "judge", "next"):
            a, b = lv["sqlite"][kind], lv["postgresql"][kind]
            lines.append(f"| {kind} | {ms(a)} / {ms(a, 100)} | {ms(b)} / {ms(b, 100)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", default=["submit", "live"], choices=["submit", "live"])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--questions", type=int, default=8)
    parser.add_argument(
        "--pg", help="a PostgreSQL server URL to create the benchmark's databases on (default: a throwaway cluster)"
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    no_test_schema()
    tmp = Path(tempfile.mkdtemp(prefix="mingde-bench-nodes-"))
    dbs = Databases(tmp, args.pg)
    result: dict = {}
    try:
        import psycopg

        with psycopg.connect(dbs.pg_url) as conn:
            result["pg_version"] = conn.execute("SHOW server_version").fetchone()[0]
        if "submit" in args.parts:
            result["submit"] = submit_part(dbs, args.runs)
        if "live" in args.parts:
            result["live"] = live_part(dbs, args.questions)
    finally:
        dbs.close()
        shutil.rmtree(tmp, ignore_errors=True)
    text = report(result, args)
    print(text)
    if args.out:
        with args.out.open("a", encoding="utf-8") as f:
            f.write(text)
    slim = {k: v for k, v in result.items() if k != "submit"}
    print(json.dumps(slim, indent=1))
    return result


if __name__ == "__main__":
    main()
