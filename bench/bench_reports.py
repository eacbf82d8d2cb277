"""Time the participation and assessment reports for one quarter against a naive pandas baseline
(load every row, then filter and group), in the same run; median of several runs. Run by hand:

    .venv/bin/python bench/gen_history.py bench/out/history.db
    .venv/bin/python bench/bench_reports.py bench/out/history.db --period 2026Q1 --write docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizzes import load_catalog  # noqa: E402
from tracker import Account, Tracker  # noqa: E402
from tracker import reports as r  # noqa: E402

ADMIN = Account("bench", "admin")
NOTES = "How it was run:"


def timed(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def naive_participation(path: Path, p: r.Period) -> pd.DataFrame:
    """Baseline: every attempt, employee and lesson row into pandas, then filter and group."""
    con = sqlite3.connect(path)
    try:
        att = pd.read_sql("SELECT employee_id, quiz_id, quiz_kind, submitted_at, percent, passed FROM attempts", con)
        emp = pd.read_sql("SELECT id, department, active FROM employees", con)
        les = pd.read_sql("SELECT employee_id, lesson_id, completed_at FROM lesson_progress", con)
    finally:
        con.close()
    emp = emp[emp["active"] == 1]
    att = att[(att["submitted_at"] >= p.lo) & (att["submitted_at"] < p.hi) & (att["quiz_kind"] != "practice")]
    les = les[(les["completed_at"] >= p.lo) & (les["completed_at"] < p.hi)]
    a = att.merge(emp, left_on="employee_id", right_on="id")
    g = a.groupby("department").agg(
        participants=("employee_id", "nunique"),
        attempts=("percent", "size"),
        avg_percent=("percent", "mean"),
        pass_rate=("passed", "mean"),
    )
    head = emp.groupby("department").size().rename("headcount")
    done = les.merge(emp, left_on="employee_id", right_on="id").groupby("department").size().rename("lessons_completed")
    return pd.concat([head, g, done], axis=1).fillna(0).assign(participation_rate=lambda d: d.participants / d.headcount)


def naive_assessment(path: Path, p: r.Period, catalog) -> pd.DataFrame:
    """Baseline: every row into pandas; grade policies and parts computed with pandas."""
    con = sqlite3.connect(path)
    try:
        att = pd.read_sql("SELECT id, employee_id, quiz_id, quiz_kind, submitted_at, percent FROM attempts", con)
        emp = pd.read_sql("SELECT id AS employee_id, department, active FROM employees", con)
        les = pd.read_sql("SELECT employee_id, lesson_id, completed_at FROM lesson_progress", con)
        runs = pd.read_sql("SELECT id AS run_id, status, finished_at FROM competition_runs", con)
        res = pd.read_sql("SELECT * FROM competition_results", con)
        mem = pd.read_sql("SELECT * FROM competition_members", con)
    finally:
        con.close()
    quizzes = r.period_quizzes(Tracker(path), catalog, p)
    policy = {q: catalog.quizzes[q].grade_policy for q in quizzes}
    att = att[
        (att["submitted_at"] >= p.lo)
        & (att["submitted_at"] < p.hi)
        & (att["quiz_kind"] != "practice")
        & att["quiz_id"].isin(quizzes)
    ].sort_values(["submitted_at", "id"])
    g = att.groupby(["employee_id", "quiz_id"])["percent"]
    per = pd.DataFrame({"highest": g.max(), "average": g.mean(), "first": g.first(), "last": g.last()}).reset_index()
    per["counted"] = [row[policy[row["quiz_id"]]] for _, row in per.iterrows()]
    quiz = (per.groupby("employee_id")["counted"].sum() / len(quizzes)).rename("quiz_score")
    les = les[(les["completed_at"] < p.hi) & les["lesson_id"].isin(list(catalog.lessons))]
    lesson = (100 * les.groupby("employee_id").size() / len(catalog.lessons)).rename("lesson_score")
    runs = runs[(runs["status"] == "finished") & (runs["finished_at"] >= p.lo) & (runs["finished_at"] < p.hi)]
    m = mem.merge(runs, on="run_id").merge(res, on=["run_id", "team"])
    m["n_teams"] = m.groupby("run_id")["team"].transform("nunique")
    m["score"] = 60 + 40 * (m["n_teams"] - m["rank"]) / (m["n_teams"] - 1)
    comp = m.groupby("employee_id")["score"].mean().rename("competition_score")
    out = emp.set_index("employee_id").join([lesson, quiz, comp]).fillna(0)
    out["indicator"] = 0.3 * out["lesson_score"] + 0.5 * out["quiz_score"] + 0.2 * out["competition_score"]
    return out


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        text = Path("/proc/cpuinfo").read_text()
        if m := re.search(r"^model name\s*:\s*(.+)$", text, re.M):
            cpu = m.group(1).strip()
    except OSError:
        pass
    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                cwd=Path(__file__).resolve().parent.parent,
            ).stdout.strip()
            or "unknown"
        )
    except OSError:
        commit = "unknown"
    return {"nproc": str(os.cpu_count()), "cpu": cpu, "commit": commit}


def main() -> None:
    ap = argparse.ArgumentParser(description="benchmark the report queries")
    ap.add_argument("db", type=Path)
    ap.add_argument("--content", type=Path, help="default: <db>.content written by gen_history.py")
    ap.add_argument("--period", default="2026Q1")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--baseline-runs", type=int, default=3)
    ap.add_argument("--write", type=Path, help="write the results into this Markdown file's Reports section")
    args = ap.parse_args()
    catalog = load_catalog(args.content or Path(f"{args.db}.content"))
    p = r.parse_period(args.period)
    tracker = Tracker(args.db)
    con = tracker.db.conn
    size = {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("employees", "attempts", "answers")}
    results: list[tuple[str, float]] = []

    def cold(fn):
        # a fresh tracker each run: no report cache, but the OS page cache is warm (as in a server)
        def run():
            t = Tracker(args.db)
            try:
                return fn(t)
            finally:
                t.close()

        return run

    part_first, part = timed(cold(lambda t: r.participation_report(t, ADMIN, p, catalog=catalog)), args.runs)
    results.append(("participation_report (SQL, by department)", part_first))
    t_team, _ = timed(cold(lambda t: r.participation_report(t, ADMIN, p, by="team", catalog=catalog)), args.runs)
    results.append(("participation_report (SQL, by team)", t_team))
    t_ass, ass = timed(cold(lambda t: r.assessment_indicators(t, ADMIN, p, catalog)), args.runs)
    results.append(("assessment_indicators (SQL, per employee)", t_ass))
    t_dept, _ = timed(cold(lambda t: r.assessment_indicators(t, ADMIN, p, catalog, by="department")), args.runs)
    results.append(("assessment_indicators (SQL, per department)", t_dept))
    t_cached, _ = timed(lambda: r.assessment_indicators(tracker, ADMIN, p, catalog), args.runs)
    results.append(("assessment_indicators, same tracker again (per-period cache)", t_cached))
    t_naive_p, naive_p = timed(lambda: naive_participation(args.db, p), args.baseline_runs)
    results.append(("naive baseline: participation (load all rows into pandas, then group)", t_naive_p))
    t_naive_a, naive_a = timed(lambda: naive_assessment(args.db, p, catalog), args.baseline_runs)
    results.append(("naive baseline: assessment (load all rows into pandas, then group)", t_naive_a))
    # the two ways must agree
    mine = part.set_index("department").drop(index=r.TOTAL)
    assert (mine["participants"] == naive_p.loc[mine.index, "participants"]).all()
    both = ass.set_index("employee_id")["indicator"].sub(naive_a["indicator"].round(2)).abs()
    assert both.max() < 0.02, both.max()
    tracker.close()

    info = machine()
    lines = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {info['commit']}, {info['nproc']} CPUs ({info['cpu']}).",
        f"Data: {size['employees']:,} employees, {size['attempts']:,} attempts, {size['answers']:,} answers "
        f"(`bench/gen_history.py`); period {p.key}; median of {args.runs} runs ({args.baseline_runs} for the baselines).",
        "",
        "| what | median seconds |",
        "|---|---:|",
        *(f"| {name} | {sec:.3f} |" for name, sec in results),
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(args.write, text)


def write_section(path: Path, body: str) -> None:
    """Replace (or add) the '## Reports' section of a Markdown file."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    section = "## Reports\n\n" + body + "\n"
    if "## Reports" in old:
        head, _, rest = old.partition("## Reports")
        tail = rest[rest.find("\n## ") :] if "\n## " in rest else ""
        body_old = rest[: len(rest) - len(tail)]
        if NOTES in body_old:  # hand-written notes below the figures are kept
            section += "\n" + NOTES + body_old.split(NOTES, 1)[1].rstrip("\n") + "\n"
        new = head + section + tail
    else:
        new = old.rstrip("\n") + "\n\n" + section
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
