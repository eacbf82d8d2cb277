"""Benchmark: how long ``mingde --help`` takes to start (run by hand: ``python bench/bench_cli.py``).

The CLI imports only click at start-up; the library (pydantic, pandas, openpyxl) is imported inside
the command that needs it. Measured as wall time of a fresh interpreter, median of N runs, beside
the floor of the same interpreter doing nothing (``python -c pass``) and, for contrast, importing
pandas, in the same run. Target: under 0.5 s.

Prints a Markdown section to stdout; ``--out FILE`` appends it to that file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_submit import machine  # noqa: E402

CASES = {
    "`python -c pass` (floor)": [sys.executable, "-c", "pass"],
    "`mingde --help`": [sys.executable, "-m", "ui.cli", "--help"],
    "`mingde validate --help`": [sys.executable, "-m", "ui.cli", "validate", "--help"],
    "`python -c 'import pandas'` (contrast)": [sys.executable, "-c", "import pandas"],
}


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    rows = []
    for name, cmd in CASES.items():
        wall(cmd)  # warm the file cache
        times = sorted(wall(cmd) for _ in range(args.runs))
        rows.append((name, statistics.median(times), times[-1]))
    floor = rows[0][1]
    lines = [
        f"## CLI start-up — {dt.date.today().isoformat()}",
        f"{machine()}; median and worst of {args.runs} runs each, in one run.",
        "",
        "| command | median | worst | median − floor |",
        "|---|---|---|---|",
        *(
            f"| {name} | {med * 1000:.0f} ms | {worst * 1000:.0f} ms | {(med - floor) * 1000:.0f} ms |"
            for name, med, worst in rows
        ),
        "",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with args.out.open("a", encoding="utf-8") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
