"""Time 学习积分 (points and rankings) for 5,000 employees over a year of generated activity against a
naive pandas computation (load every record, then cap and group) in the same run; also the
积分排行 and 我的积分 pages through AppTest. Run by hand (about two minutes, the data included):

    .venv/bin/python bench/bench_points.py bench/out/points.db --write docs/benchmarks.md

The database is generated first when it does not exist (``bench/gen_history.py``: 52 weeks, no
answers, 每日一练 by 60 % of the employees every day).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_reports import machine, timed  # noqa: E402
from bench.gen_history import generate  # noqa: E402
from quizzes import load_catalog  # noqa: E402
from tracker import (  # noqa: E402
    Account,
    Tracker,
    points,  # noqa: E402
)
from tracker.points import rules_of  # noqa: E402
from tracker.reports import parse_period  # noqa: E402

ADMIN = Account("bench", "admin")
SECTION = "## Learning points (学习积分)"


def naive_totals(path: Path, catalog, p) -> pd.Series:
    """Every record into pandas, then the same rules: occurrence → points, cap per employee/day/activity."""
    con = sqlite3.connect(path)
    shanghai = pd.Timedelta(hours=8)

    def frame(sql: str, cols: list[str]) -> pd.DataFrame:
        return pd.DataFrame(con.execute(sql).fetchall(), columns=cols)

    lessons = frame("SELECT employee_id, lesson_id, completed_at FROM lesson_progress", ["employee_id", "source", "at"])
    attempts = frame(
        "SELECT employee_id, quiz_id, submitted_at, passed, quiz_kind FROM attempts",
        ["employee_id", "source", "at", "passed", "kind"],
    )
    daily = frame(
        "SELECT employee_id, day, flagged, counts_for_points, finished_at FROM daily_sets",
        ["employee_id", "day", "flagged", "cfp", "at"],
    )
    comps = frame(
        "SELECT m.employee_id, r.id, r.finished_at FROM competition_members m JOIN competition_runs r ON r.id = m.run_id "
        "WHERE r.status = 'finished'",
        ["employee_id", "source", "at"],
    )
    con.close()
    lo, hi = pd.Timestamp(p.lo), pd.Timestamp(p.hi)
    parts = []
    lessons = lessons[lessons["at"].notna() & lessons["source"].isin(list(catalog.lessons))]
    t = pd.to_datetime(lessons["at"], format="ISO8601")
    lessons = lessons[(t >= lo) & (t < hi)].assign(day=(t + shanghai).dt.strftime("%Y-%m-%d"), flagged=0)
    parts += [lessons.assign(activity="lesson_read"), lessons.assign(activity="lesson_finished")]  # no lesson has a quiz
    passed = attempts[(attempts["passed"] == 1) & (attempts["kind"] != "practice")]
    first = passed.groupby(["employee_id", "source"])["at"].min().reset_index()
    t = pd.to_datetime(first["at"], format="ISO8601")
    first = first[(t >= lo) & (t < hi)].assign(day=(t + shanghai).dt.strftime("%Y-%m-%d"), flagged=0, activity="quiz_passed")
    parts.append(first)
    d = daily[
        daily["at"].notna() & (daily["cfp"] == 1) & (daily["day"] >= p.start.isoformat()) & (daily["day"] <= p.end.isoformat())
    ]
    parts.append(d.assign(activity="daily", source=d["day"]))
    t = pd.to_datetime(comps["at"], format="ISO8601")
    comps = comps[(t >= lo) & (t < hi)].assign(day=(t + shanghai).dt.strftime("%Y-%m-%d"), flagged=0, activity="competition")
    parts.append(comps)
    ev = pd.concat([x[["employee_id", "day", "activity", "flagged"]] for x in parts], ignore_index=True)
    rules = rules_of(catalog)
    ev["earn"] = np.where(ev["flagged"].astype(bool), 0.0, ev["activity"].map(lambda a: rules.rule(a).points))
    per_day = ev.groupby(["employee_id", "day", "activity"])["earn"].sum().reset_index()
    per_day["cap"] = per_day["activity"].map(lambda a: rules.rule(a).daily_cap or points.BIG)
    per_day["points"] = per_day[["earn", "cap"]].min(axis=1)
    return per_day.groupby("employee_id")["points"].sum()


def page_seconds(db: Path, content: Path, page: str, runs: int, setup, cold: bool = False) -> float:
    """Median seconds of reruns of a page through AppTest, signed in as a leader."""
    from streamlit.testing.v1 import AppTest

    from tracker.auth import sign_in

    os.environ.update({"MINGDE_DB": str(db), "MINGDE_CONTENT": str(content), "MINGDE_LANG": "zh"})
    t = Tracker(db)
    if not any(u.username == "bench-leader" for u in t.users()):
        t.add_user("bench-leader", "bench-password-1", "leader")
    token = sign_in(t, "bench-leader", "bench-password-1").token
    t.close()
    root = Path(__file__).resolve().parent.parent
    at = AppTest.from_file(str(root / "app.py"), default_timeout=120)
    at.session_state["session_token"] = token
    at.run()
    at.switch_page(page).run()
    setup(at)
    assert not at.exception, at.exception
    times = []
    for _ in range(runs):
        if cold:
            points._CACHE.clear()  # as after any write: the totals are computed again
        s = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - s)
    assert not at.exception, at.exception
    return sorted(times)[len(times) // 2]


def main() -> None:
    ap = argparse.ArgumentParser(description="benchmark 学习积分")
    ap.add_argument("db", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--write", type=Path)
    args = ap.parse_args()
    os.chdir(Path(__file__).resolve().parent.parent)
    if not args.db.exists():
        stats = generate(args.db, 5000, 52, 1, 0.88, 2026, 0.6)
        print("generated:", stats)
    content = Path(f"{args.db}.content")
    catalog = load_catalog(content)
    tracker = Tracker(args.db)
    con = tracker.db.conn
    size = {
        t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("employees", "attempts", "lesson_progress", "daily_sets")
    }
    first_day = con.execute("SELECT MIN(day) FROM daily_sets").fetchone()[0]
    year = parse_period(first_day[:4])
    month = parse_period(first_day[:7])
    results: list[tuple[str, float]] = []

    def cold(fn):
        def run():
            points._CACHE.clear()  # no cached totals: computed from the records
            t = Tracker(args.db)
            try:
                return fn(t)
            finally:
                t.close()

        return run

    for p in (month, year):
        sec, tot = timed(cold(lambda t, p=p: points.totals(t, catalog, p)), args.runs)
        results.append((f"points of every employee, {p.key} (SQL, fresh tracker)", sec))
        for by in ("employee", "team", "department"):
            sec, _ = timed(lambda by=by, tot=tot: points.ranking(tot, by), args.runs)
            results.append((f"ranking by {by}, {p.key} (from the totals)", sec))
        sec, naive = timed(lambda p=p: naive_totals(args.db, catalog, p), 3)
        results.append((f"naive baseline: every record into pandas, then cap and group, {p.key}", sec))
        mine = tot.set_index("employee_id")["points"]
        diff = mine.sub(naive.reindex(mine.index).fillna(0)).abs().max()
        assert diff < 1e-6, f"SQL and pandas disagree by {diff}"
    sec, _ = timed(lambda: points.totals(tracker, catalog, year), args.runs)
    results.append((f"points of every employee, {year.key}, same tracker again (cache)", sec))
    someone = con.execute("SELECT employee_id FROM daily_sets LIMIT 1").fetchone()[0]
    sec, hist = timed(cold(lambda t: points.history(t, ADMIN, catalog, year, someone)), args.runs)
    results.append((f"one person's history, {year.key} ({len(hist)} entries)", sec))
    tracker.close()
    y, m = int(year.key), int(month.key[5:7])

    def month_people(at):
        at.selectbox(key="ranking:kind").set_value("month").run()
        at.selectbox(key="ranking:year").set_value(y).run()
        at.selectbox(key="ranking:m").set_value(m).run()

    def year_departments(at):
        at.selectbox(key="ranking:kind").set_value("year").run()
        at.selectbox(key="ranking:year").set_value(y).run()
        at.radio[0].set_value("department").run()

    def year_people(at):
        at.selectbox(key="ranking:kind").set_value("year").run()
        at.selectbox(key="ranking:year").set_value(y).run()

    pages = [
        (
            f"积分排行 page, {year.key}, people, after a write (totals computed)",
            page_seconds(args.db, content, "ui/pages/points_ranking.py", args.runs, year_people, cold=True),
        ),
        (
            f"积分排行 page, {month.key}, people",
            page_seconds(args.db, content, "ui/pages/points_ranking.py", args.runs, month_people),
        ),
        (
            f"积分排行 page, {year.key}, people",
            page_seconds(args.db, content, "ui/pages/points_ranking.py", args.runs, year_people),
        ),
        (
            f"积分排行 page, {year.key}, departments",
            page_seconds(args.db, content, "ui/pages/points_ranking.py", args.runs, year_departments),
        ),
    ]
    results += pages

    info = machine()
    lines = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {info['commit']}, {info['nproc']} CPUs ({info['cpu']}), "
        "shared with other work.",
        f"Data: {size['employees']:,} employees, {size['attempts']:,} attempts, {size['lesson_progress']:,} lesson "
        f"completions, {size['daily_sets']:,} daily sets over a year (`bench/gen_history.py --weeks 52 --answers 1 "
        f"--daily-rate 0.6`); median of {args.runs} runs (3 for the baselines). The SQL and pandas totals agree.",
        "",
        "| what | median seconds |",
        "|---|---:|",
        *(f"| {name} | {sec:.3f} |" for name, sec in results),
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        old = args.write.read_text(encoding="utf-8")
        load = f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs."
        args.write.write_text(
            old.rstrip("\n") + f"\n\n{SECTION} — {dt.date.today().isoformat()}\n\n{text}\n\n{load}\n", encoding="utf-8"
        )


if __name__ == "__main__":
    main()
