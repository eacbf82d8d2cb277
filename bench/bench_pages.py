"""Benchmark: the cost of one rerun of each page with the demo data (AppTest), and the server's cold start.

Run by hand (``python bench/bench_pages.py [--out docs/benchmarks.md]``). Seeds the demo into a
temporary database, signs in as the role that sees each page, and times reruns (median of
``--runs``); then times ``streamlit run app.py`` from start to a healthy server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PAGES = [
    ("employee", "learn"),
    ("employee", "quizzes"),
    ("employee", "results"),
    ("employee", "leaderboard"),
    ("organizer", "overview"),
    ("organizer", "content"),
    ("organizer", "host"),
    ("leader", "participation"),
    ("leader", "assessment"),
    ("leader", "items"),
]


def page_costs(db: Path, runs: int) -> list[tuple[str, float, float]]:
    from streamlit.testing.v1 import AppTest

    from tracker import Tracker
    from tracker.auth import sign_in

    tracker = Tracker(db)
    out = []
    for user, name in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["session_token"] = sign_in(tracker, user, "mingde-demo").token
        at.run()
        at.switch_page(f"ui/pages/{name}.py").run()
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t0)
        assert not at.exception, (name, at.exception)
        out.append((name, statistics.median(times) * 1000, max(times) * 1000))
    tracker.close()
    return out


def cold_start(db: Path, runs: int) -> float:
    from ui.serve import free_port, start_server, stop, wait_healthy

    times = []
    for _ in range(runs):
        port = free_port()
        t0 = time.perf_counter()
        proc = start_server(port, {**os.environ, "MINGDE_DB": str(db)})
        try:
            wait_healthy(f"http://127.0.0.1:{port}", proc)
            times.append(time.perf_counter() - t0)
        finally:
            stop(proc)
    return statistics.median(times)


def main() -> None:
    from bench_submit import commit, machine

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        subprocess.run(
            [sys.executable, "-m", "ui.cli_main", "demo", "--db", str(db), "--content", str(ROOT / "content")],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        os.environ["MINGDE_DB"] = str(db)
        os.environ["MINGDE_CONTENT"] = str(ROOT / "content")
        os.chdir(ROOT)
        costs = page_costs(db, args.runs)
        start = cold_start(db, 3)
    rows = "\n".join(f"| {name} | {med:.0f} ms | {worst:.0f} ms |" for name, med, worst in costs)
    text = f"""
## Page cost — {dt.date.today()} (commit {commit()})
Machine: {machine()}. One rerun of each page with the demo data (80 employees, ~430 attempts), through
AppTest in one process, median of {args.runs} reruns (the first run is not counted):

| page | median | worst |
|---|---|---|
{rows}

Server cold start (`streamlit run app.py` to a healthy `/_stcore/health`), median of 3: {start:.2f} s.
"""
    print(text)
    if args.out:
        with args.out.open("a", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
