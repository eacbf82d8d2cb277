"""Benchmark: the submission path and a burst of concurrent submissions (run by hand: ``make bench``).

1. Grade and record one 50-question attempt through ``Tracker.submit_attempt`` against the floor of a
   raw ``sqlite3`` transaction inserting the same rows with the same settings (WAL,
   synchronous=FULL). Reports median and p99 of each and the ratio of the medians.
2. Burst: 1,000 submissions from 100 threads at once through one shared Tracker: wall time,
   errors, rows recorded (must be exactly 1,000 attempts and 0 "database is locked").

Prints a Markdown section to stdout; ``--out FILE`` appends it to that file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from quizzes import load_catalog
from quizzes.model import LETTERS
from tracker import Tracker

ROOT = Path(__file__).resolve().parent.parent
BANK = "id: bench\ntitle: 基准题库\nquestions:\n" + "".join(
    f"  - {{id: q{i:03d}, type: single, prompt: 第{i}题, options: [甲, 乙, 丙, 丁], answer: {LETTERS[i % 4]}}}\n"
    for i in range(60)
)
QUIZ = "id: bench-quiz\ntitle: 基准测验\nmax_attempts: 100000\ndraw: [{bank: bench, count: 50}]\n"


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def setup(tmp: Path) -> tuple[Tracker, object]:
    (tmp / "content" / "banks").mkdir(parents=True)
    (tmp / "content" / "quizzes").mkdir()
    (tmp / "content" / "banks" / "bench.yaml").write_text(BANK, encoding="utf-8")
    (tmp / "content" / "quizzes" / "bench-quiz.yaml").write_text(QUIZ, encoding="utf-8")
    quiz = load_catalog(tmp / "content").quizzes["bench-quiz"]
    tracker = Tracker(tmp / "bench.db")
    with tracker.write() as db:
        db["employees"].insert_all(
            [
                {"id": f"E{i:04d}", "name": f"员工{i}", "department": f"部门{i % 6}", "team": None, "active": 1}
                for i in range(2000)
            ]
        )
    return tracker, quiz


def submission_path(tracker: Tracker, quiz, runs: int) -> tuple[list[float], list[float]]:
    ours: list[float] = []
    floor: list[float] = []
    raw = sqlite3.connect(tracker.path, isolation_level=None)
    raw.execute("PRAGMA synchronous = FULL")
    raw.execute("PRAGMA busy_timeout = 30000")
    for i in range(runs):
        attempt_id = tracker.start_attempt(f"E{i % 2000:04d}", quiz)
        paper = tracker.paper(attempt_id)
        responses = {pq.key: LETTERS[(i + n) % 4] for n, pq in enumerate(paper.questions)}
        t0 = time.perf_counter()
        tracker.submit_attempt(attempt_id, responses)
        ours.append(time.perf_counter() - t0)
        # the floor: the same rows written by hand in one transaction, no grading
        raw_id = f"raw-{attempt_id}"
        rows = [(raw_id, pq.key, n, json.dumps(responses[pq.key]), 1.0, 1) for n, pq in enumerate(paper.questions)]
        t0 = time.perf_counter()
        raw.execute("BEGIN IMMEDIATE")
        raw.execute(
            "INSERT INTO attempts (id, employee_id, quiz_id, seed, paper, started_at) VALUES (?, 'E0000', 'raw', 0, '{}', '')",
            (raw_id,),
        )
        raw.executemany(
            "INSERT INTO answers (attempt_id, question_id, position, response, points, correct) VALUES (?, ?, ?, ?, ?, ?)", rows
        )
        raw.execute(
            "UPDATE attempts SET submitted_at = 'x', score = 50, max_score = 50, percent = 100, passed = 1 WHERE id = ?",
            (raw_id,),
        )
        raw.execute("COMMIT")
        floor.append(time.perf_counter() - t0)
    raw.close()
    return ours, floor


def burst(tracker: Tracker, quiz, submissions: int = 1000, threads: int = 100) -> dict:
    ids = [tracker.start_attempt(f"E{1000 + i % 1000:04d}", quiz) if i < 1000 else None for i in range(submissions)]
    barrier = threading.Barrier(threads)
    errors: list[str] = []
    per_thread = submissions // threads

    def work(n: int) -> None:
        barrier.wait()
        for attempt_id in ids[n * per_thread : (n + 1) * per_thread]:
            try:
                tracker.submit_attempt(attempt_id, {})
            except Exception as e:  # noqa: BLE001 - counted and reported
                errors.append(f"{type(e).__name__}: {e}")

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    t0 = time.perf_counter()
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    wall = time.perf_counter() - t0
    recorded = tracker.db.execute(
        "SELECT COUNT(*) FROM attempts WHERE quiz_id = 'bench-quiz' AND submitted_at IS NOT NULL AND employee_id >= 'E1000'"
    ).fetchone()[0]
    locked = sum("locked" in e for e in errors)
    return {"wall": wall, "errors": len(errors), "locked": locked, "recorded": recorded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tracker, quiz = setup(Path(tmp))
        submission_path(tracker, quiz, 20)  # warm-up
        ours, floor = submission_path(tracker, quiz, args.runs)
        result = burst(tracker, quiz)
        tracker.close()
    med_o, med_f = statistics.median(ours) * 1000, statistics.median(floor) * 1000
    text = f"""
## Submission path and burst — {dt.date.today()} (commit {commit()})
Machine: {machine()}. Store settings: WAL, synchronous=FULL, busy_timeout 30 s.

| measure | median | p99 |
|---|---|---|
| `Tracker.submit_attempt`, 50 questions (grade + write) | {med_o:.2f} ms | {percentile(ours, 99) * 1000:.2f} ms |
| floor: raw `sqlite3` transaction, same rows | {med_f:.2f} ms | {percentile(floor, 99) * 1000:.2f} ms |
| ratio (median) | {med_o / med_f:.2f} | |

{args.runs} runs each, measured in the same run. Burst: 1,000 submissions from 100 threads at once through
one Tracker: {result["wall"]:.2f} s wall, {result["errors"]} errors ({result["locked"]} "database is locked"),
{result["recorded"]} attempts recorded.
"""
    print(text)
    if args.out:
        with args.out.open("a", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
