"""Generate a large synthetic history for the report benchmark (run by hand, not in the tests).

    .venv/bin/python bench/gen_history.py bench/out/history.db --employees 5000 --weeks 104 --answers 20
    .venv/bin/python bench/gen_history.py bench/out/points.db --weeks 52 --answers 1 --daily-rate 0.6   # 每日一练 too

Writes the database (schema from the Tracker's migrations) and, beside it, a content folder
(``<db>.content/``) with one weekly quiz per week (open for that week), six lessons and
assessment.yaml, so that bench_reports.py can load a matching catalogue. Rows are made with numpy
and written with ``executemany`` in one transaction; there is no per-row Python grading (scores,
``correct`` flags and responses are drawn at random, consistently with each other). Papers are
stored as a small placeholder, not the drawn questions: the report queries never read them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker import Tracker  # noqa: E402

UTC = dt.UTC
START = dt.datetime(2025, 1, 6, tzinfo=UTC)  # a Monday; weeks run from here
DEPARTMENTS = [f"部门{i:02d}" for i in range(1, 21)]
LESSONS = [f"lesson-{i}" for i in range(1, 7)]
DROP_INDEXES = ["attempts_employee_quiz", "attempts_submitted", "attempts_quiz", "attempts_period", "answers_question"]


def ts(seconds: np.ndarray) -> list[str]:
    """Seconds after START as the store's ISO text (UTC, milliseconds)."""
    base = np.datetime64(START.replace(tzinfo=None), "ms")
    stamps = np.datetime_as_string(base + (seconds * 1000).astype("timedelta64[ms]"), unit="ms")
    return [s + "+00:00" for s in stamps]


def write_content(root: Path, weeks: int) -> None:
    (root / "quizzes").mkdir(parents=True, exist_ok=True)
    (root / "lessons").mkdir(parents=True, exist_ok=True)
    for w in range(weeks):
        opens = START + dt.timedelta(weeks=w)
        closes = opens + dt.timedelta(weeks=1)
        policy = ["highest", "last", "first", "average"][w % 4]
        (root / "quizzes" / f"week-{w + 1:03d}.yaml").write_text(
            f"id: week-{w + 1:03d}\ntitle: 第{w + 1}周测验\ngrade_policy: {policy}\n"
            f"opens: {opens:%Y-%m-%d %H:%M}Z\ncloses: {closes:%Y-%m-%d %H:%M}Z\n"
            "questions:\n  - id: q1\n    type: single\n    prompt: 哪一个？\n    options: [甲, 乙]\n    answer: A\n",
            encoding="utf-8",
        )
    for lesson in LESSONS:
        (root / "lessons" / f"{lesson}.yaml").write_text(
            f"id: {lesson}\ntitle: {lesson}\nsections:\n  - title: 一\n    body: 正文。\n", encoding="utf-8"
        )
    (root / "assessment.yaml").write_text(
        "period: quarter\nparticipation_target: 0.9\nweights: {lessons: 0.3, quizzes: 0.5, competitions: 0.2}\n", encoding="utf-8"
    )


def add_daily(conn: sqlite3.Connection, emp_ids: list[str], weeks: int, rate: float, rng: np.random.Generator) -> int:
    """每日一练: on each day each employee finishes the set of 5 with probability ``rate`` (2 % of
    the sets flagged as answered too fast). Only ``daily_sets`` rows: the points read no answers."""
    n = 0
    for day in range(weeks * 7):
        date = (START + dt.timedelta(days=day)).date().isoformat()
        who = np.flatnonzero(rng.random(len(emp_ids)) < rate)
        secs = day * 86400 + rng.integers(0, 12 * 3600, len(who))
        started, finished = ts(secs), ts(secs + 90)
        flagged = rng.random(len(who)) < 0.02
        conn.executemany(
            "INSERT INTO daily_sets (employee_id, day, set_id, paper, counts_for_points, min_seconds, started_at, "
            "finished_at, correct, total, flagged) VALUES (?, ?, 'all', '{}', 1, 15, ?, ?, 4, 5, ?)",
            [(emp_ids[e], date, started[i], finished[i], int(flagged[i])) for i, e in enumerate(who)],
        )
        n += len(who)
    return n


def generate(path: Path, employees: int, weeks: int, answers: int, take_rate: float, seed: int, daily_rate: float = 0.0) -> dict:
    if not 0 <= answers <= 57:
        raise SystemExit("--answers is 0 to 57 (distinct questions from a bank of 400 with stride 7)")
    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    Tracker(path).close()  # the schema, by the migrations
    write_content(Path(f"{path}.content"), weeks)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    conn.execute("BEGIN")
    for name in DROP_INDEXES:
        conn.execute(f"DROP INDEX IF EXISTS {name}")
    emp_ids = [f"E{i:05d}" for i in range(employees)]
    dept = rng.integers(0, len(DEPARTMENTS), employees)
    team = rng.integers(0, 5, employees)
    active = (rng.random(employees) > 0.03).astype(int)
    conn.executemany(
        "INSERT INTO employees (id, name, department, team, active) VALUES (?, ?, ?, ?, ?)",
        [
            (e, f"员工{i}", DEPARTMENTS[d], f"班组{t + 1}", int(a))
            for i, (e, d, t, a) in enumerate(zip(emp_ids, dept, team, active, strict=True))
        ],
    )
    # attempts: each week, each employee takes that week's quiz with probability take_rate (some twice)
    n_attempts = 0
    paper = '{"bench": true}'
    bank_q = 400
    t0 = time.perf_counter()
    for w in range(weeks):
        takers = np.flatnonzero(rng.random(employees) < take_rate)
        twice = takers[rng.random(len(takers)) < 0.1]
        who = np.concatenate([takers, twice])
        n = len(who)
        offset = w * 7 * 86400 + rng.integers(3600, 6 * 86400, n)
        started = ts(offset - 600)
        submitted = ts(offset)
        correct = rng.random((n, answers)) < rng.uniform(0.5, 0.95, (n, 1))
        pct = np.round(100.0 * correct.mean(axis=1), 2)
        ids = [f"{n_attempts + i:032x}" for i in range(n)]
        quiz_id = f"week-{w + 1:03d}"
        conn.executemany(
            "INSERT INTO attempts (id, employee_id, quiz_id, quiz_kind, seed, paper, started_at, deadline, submitted_at, "
            "score, max_score, percent, passed) VALUES (?, ?, ?, 'quiz', 0, ?, ?, NULL, ?, ?, ?, ?, ?)",
            [
                (
                    ids[i],
                    emp_ids[who[i]],
                    quiz_id,
                    paper,
                    started[i],
                    submitted[i],
                    float(correct[i].sum()),
                    float(answers),
                    float(pct[i]),
                    int(pct[i] >= 60),
                )
                for i in range(n)
            ],
        )
        if answers:
            # distinct questions per attempt: a random start and a stride coprime with the bank size
            qs = (rng.integers(0, bank_q, (n, 1)) + 7 * np.arange(answers)) % bank_q
            letters = np.array(['"A"', '"B"', '"C"', '"D"'])
            resp = np.where(correct, '"A"', letters[rng.integers(1, 4, (n, answers))])
            conn.executemany(
                "INSERT OR IGNORE INTO answers (attempt_id, question_id, position, response, points, correct, saved_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (ids[i], f"bench-bank/q{qs[i, j]:03d}", j, resp[i, j], float(correct[i, j]), int(correct[i, j]), submitted[i])
                    for i in range(n)
                    for j in range(answers)
                ),
            )
        n_attempts += n
    # lessons: each employee completes each lesson with probability 0.7 at a random time
    done = rng.random((employees, len(LESSONS))) < 0.7
    when = rng.integers(0, weeks * 7 * 86400, (employees, len(LESSONS)))
    pairs = np.argwhere(done)
    stamps = ts(when[done])
    conn.executemany(
        "INSERT INTO lesson_progress (employee_id, lesson_id, started_at, completed_at) VALUES (?, ?, ?, ?)",
        [(emp_ids[e], LESSONS[k], s, s) for (e, k), s in zip(pairs, stamps, strict=True)],
    )
    # competitions: two finished runs a month, 5 teams of 5
    runs = 0
    for m in range(weeks * 7 // 30):
        for k in range(2):
            run_id = f"run-{m:03d}-{k}"
            finished = ts(np.array([m * 30 * 86400 + (k + 1) * 10 * 86400]))[0]
            conn.execute(
                "INSERT INTO competition_runs (id, competition_id, title, mode, setup, status, created_at, finished_at) "
                "VALUES (?, 'contest', '知识竞赛', 'host', '{}', 'finished', ?, ?)",
                (run_id, finished, finished),
            )
            members = rng.choice(employees, 25, replace=False)
            for t in range(5):
                conn.execute("INSERT INTO competition_results VALUES (?, ?, ?, ?)", (run_id, f"队{t + 1}", t + 1, 100.0 - 10 * t))
                conn.executemany(
                    "INSERT INTO competition_members VALUES (?, ?, ?)",
                    [(run_id, f"队{t + 1}", emp_ids[e]) for e in members[5 * t : 5 * t + 5]],
                )
            runs += 1
    n_daily = add_daily(conn, emp_ids, weeks, daily_rate, rng) if daily_rate else 0
    load = time.perf_counter() - t0
    t1 = time.perf_counter()
    from tracker.schema import MIGRATIONS, statements

    for script in MIGRATIONS:
        for statement in statements(script):
            if any(f"INDEX {name} " in statement for name in DROP_INDEXES):
                conn.execute(statement)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    check = sqlite3.connect(path)
    n_answers = check.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    check.close()
    return {
        "employees": employees,
        "weeks": weeks,
        "attempts": n_attempts,
        "answers": n_answers,
        "runs": runs,
        "daily_sets": n_daily,
        "load_s": round(load, 1),
        "index_s": round(time.perf_counter() - t1, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--employees", type=int, default=5000)
    ap.add_argument("--weeks", type=int, default=104)
    ap.add_argument("--answers", type=int, default=20, help="answers per attempt, at most 57 (20 → ~10M rows)")
    ap.add_argument("--take-rate", type=float, default=0.88, help="share of employees taking each weekly quiz")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--daily-rate", type=float, default=0.0, help="share of employees finishing 每日一练 each day")
    args = ap.parse_args()
    t = time.perf_counter()
    stats = generate(args.db, args.employees, args.weeks, args.answers, args.take_rate, args.seed, args.daily_rate)
    stats["total_s"] = round(time.perf_counter() - t, 1)
    stats["size_mb"] = round(args.db.stat().st_size / 1e6)
    print(" ".join(f"{k}={v}" for k, v in stats.items()))


if __name__ == "__main__":
    main()
