"""A backup taken with ``mingde backup`` while submissions keep coming, restored into a brand-new folder
as docs/deployment.md ("Backup and restore") says: every row committed before the backup started is
there with identical content, the copy is consistent, it opens without a migration, and the app reads it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from quizzes import load_catalog
from tests.conftest import ROOT, SMALL_LESSON, SMALL_QUIZ, signed_in_page, write_files
from tracker import SCHEMA_VERSION, Tracker
from tracker.access import Access
from tracker.reports import item_analysis, participation_report
from tracker.store import Account

QUIZ = SMALL_QUIZ.replace("pass_percent: 60", "pass_percent: 60\nmax_attempts: 100000")
PASSWORD = "password-1"
EMPLOYEES, WRITERS = 40, 4
RIGHT = {"s1": "A", "m1": "ABD", "t1": True, "f1": ["预防为主"], "c1": "A"}
# What stays as it was once committed: these rows must be in the backup exactly as they were.
FINAL = {
    "employees": "SELECT * FROM employees",
    "accounts": "SELECT * FROM accounts",
    "attempts": "SELECT * FROM attempts WHERE submitted_at IS NOT NULL",
    "answers": "SELECT x.* FROM answers x JOIN attempts a ON a.id = x.attempt_id WHERE a.submitted_at IS NOT NULL",
    "lesson_progress": "SELECT * FROM lesson_progress WHERE completed_at IS NOT NULL",
    "content_versions": "SELECT * FROM content_versions",
    "audit_log": "SELECT * FROM audit_log",
}


def committed(conn: sqlite3.Connection) -> dict[str, set[tuple]]:
    """The final rows of each table, read in one transaction (one consistent moment)."""
    conn.execute("BEGIN")
    try:
        return {name: set(conn.execute(sql).fetchall()) for name, sql in FINAL.items()}
    finally:
        conn.execute("COMMIT")


def schema(path: Path) -> tuple:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0], conn.execute(
            "SELECT * FROM sqlite_master ORDER BY name"
        ).fetchall()
    finally:
        conn.close()


def cli(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "ui.cli_main", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_backup_during_submissions_restored_into_a_new_folder_has_every_committed_row(tmp_path, monkeypatch):
    content = write_files(tmp_path / "content", {"quizzes/small.yaml": QUIZ, "lessons/basics.yaml": SMALL_LESSON})
    catalog = load_catalog(content)
    quiz, lesson = catalog.quizzes["small"], catalog.lessons["basics"]
    live = tmp_path / "live" / "mingde.db"
    tracker = Tracker(live)
    ids = [f"E{n:02d}" for n in range(EMPLOYEES)]
    for n, emp in enumerate(ids):
        tracker.add_employee(emp, f"员工{n}", f"部门{n % 3}", f"班组{n % 2}")
        if n % 2:
            tracker.complete_lesson(emp, lesson)
        else:
            tracker.open_lesson(emp, "basics")
    tracker.add_user("boss", PASSWORD, "leader")
    tracker.add_user("e00", PASSWORD, "employee", "E00")

    acknowledged: list[str] = []
    stop, errors = threading.Event(), []

    def writer(mine: list[str]) -> None:
        n = 0
        try:
            while not stop.is_set():
                emp = mine[n % len(mine)]
                attempt = tracker.start_attempt(emp, quiz)
                tracker.save_answer(attempt, "s1", "A")
                tracker.submit_attempt(attempt, RIGHT if n % 3 else {"t1": True})
                acknowledged.append(attempt)
                tracker.audit("writer", "tick", {"n": n})
                n += 1
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(ids[w::WRITERS],)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    try:
        while len(acknowledged) < 40 and not errors:
            threading.Event().wait(0.02)
        acked_before = list(acknowledged)
        before = committed(tracker.db.conn)  # everything committed up to here, read at one moment
        backup = tmp_path / "backups" / "mingde-2026-09-30.db"
        assert cli("backup", str(backup), "--db", str(live)).strip() == f"已备份到 {backup}"
        during = len(acknowledged)
        threading.Event().wait(0.2)  # writes go on after the backup
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    assert len(acknowledged) > during > len(acked_before) >= 40

    # -- restore into a brand-new folder, following docs/deployment.md ------------------------------
    restored = tmp_path / "new-server" / "data" / "mingde.db"
    restored.parent.mkdir(parents=True)
    assert list(restored.parent.iterdir()) == []  # nothing there, so no old -wal/-shm either (step 2)
    shutil.copyfile(backup, restored)  # step 3 (install -m 0640)
    restored.chmod(0o640)
    sqlite_utils = Path(sys.executable).with_name("sqlite-utils")  # step 4
    check = subprocess.run(
        [sqlite_utils, "query", restored, "PRAGMA integrity_check"], capture_output=True, text=True, check=True
    )
    assert json.loads(check.stdout) == [{"integrity_check": "ok"}]
    version, tables = schema(restored)
    assert version == SCHEMA_VERSION

    copy = Tracker(restored)  # step 5: the app opens it
    try:
        assert schema(restored) == (version, tables)  # no migration ran, nothing in the schema changed
        conn = copy.db.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        after = committed(conn)
        for name in FINAL:  # table by table: every row committed before the backup, identical
            assert before[name] <= after[name], f"{name}: {len(before[name] - after[name])} rows missing or changed"
        submitted = {r[0] for r in conn.execute("SELECT id FROM attempts WHERE submitted_at IS NOT NULL")}
        assert set(acked_before) <= submitted
        # a consistent copy: no half-written submission, no orphan, every foreign key holds
        graded = dict(
            conn.execute(
                "SELECT a.id, COUNT(x.question_id) FROM attempts a LEFT JOIN answers x ON x.attempt_id = a.id "
                "AND x.points IS NOT NULL WHERE a.submitted_at IS NOT NULL GROUP BY a.id"
            ).fetchall()
        )
        assert set(graded.values()) == {5}
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT COUNT(*) FROM answers WHERE attempt_id NOT IN (SELECT id FROM attempts)").fetchone()[0] == 0

        # the app's reads on the restored store: library, then the pages
        boss = Account("boss", "leader")
        report = participation_report(copy, boss, "2000-01-01..2100-12-31").set_index("department")
        assert report.loc["合计", "headcount"] == EMPLOYEES
        assert report.loc["合计", "participants"] == len(
            # people who took part: a submitted attempt (one still in progress at the backup is not counted)
            {r[0] for r in conn.execute("SELECT DISTINCT employee_id FROM attempts WHERE submitted_at IS NOT NULL")}
        )
        assert len(item_analysis(copy, boss, quiz_id="small")) == 5
        mine = Access(copy, Account("e00", "employee", "E00"))
        assert {a["id"] for a in mine.my_attempts() if a["submitted_at"]} >= {
            a for a in acked_before if copy.attempt(a)["employee_id"] == "E00"
        }
        assert len(mine.lesson_progress()) == 1

        monkeypatch.chdir(ROOT)
        monkeypatch.setenv("MINGDE_DB", str(restored))
        monkeypatch.setenv("MINGDE_CONTENT", str(content))
        monkeypatch.setenv("MINGDE_LANG", "zh")
        for user, path, title in (("e00", "ui/pages/results.py", "我的成绩"), ("boss", "ui/pages/participation.py", None)):
            at = signed_in_page(copy, user, path, password=PASSWORD)
            assert not at.error
            if title:
                assert at.title[0].value == title
        assert copy.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        copy.close()
        tracker.close()


def test_restoring_in_place_after_a_crash_needs_the_old_wal_moved_aside(tmp_path):
    """Step 2 of the procedure: with the crashed app's mingde.db-wal left beside it, the "restored"
    file silently takes in rows written after the backup; moved aside, the restore is exact."""
    db = tmp_path / "data" / "mingde.db"
    tracker = Tracker(db)
    tracker.add_employee("E1", "张三", "办公室")
    backup = tracker.backup(tmp_path / "backups" / "b.db")
    tracker.close()
    code = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "c.execute(\"INSERT INTO employees (id, name, department) VALUES ('LATE', '后来', '办公室')\"); c.commit()\n"
        "os._exit(9)\n"  # killed: the row is committed in mingde.db-wal only
    )
    subprocess.run([sys.executable, "-c", code, str(db)], timeout=60)
    assert {p.name for p in db.parent.iterdir()} == {"mingde.db", "mingde.db-wal", "mingde.db-shm"}

    def employees_after_copying_over(move_aside: bool) -> list[str]:
        folder = tmp_path / ("right" if move_aside else "wrong")
        shutil.copytree(db.parent, folder)
        if move_aside:
            (folder / "old").mkdir()
            for name in ("mingde.db", "mingde.db-wal", "mingde.db-shm"):
                (folder / name).rename(folder / "old" / name)
        shutil.copyfile(backup, folder / "mingde.db")
        store = Tracker(folder / "mingde.db")
        try:
            assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            return [e["id"] for e in store.employees()]
        finally:
            store.close()

    assert employees_after_copying_over(move_aside=False) == ["E1", "LATE"]  # not the backup
    assert employees_after_copying_over(move_aside=True) == ["E1"]  # exactly the backup
    assert not os.path.exists(db.parent / "old")
