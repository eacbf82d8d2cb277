"""The database file, its folder, or both made read-only with ``chmod`` (as an admin's mistake or a
restored backup with the wrong owner would): the store still opens and serves reads, a write fails
with ``StorageUnavailable`` ("read-only"), nothing is lost, and once the permissions are fixed the
same store writes again.

With the folder read-only and no ``-wal``/``-shm`` files (the app had stopped cleanly) SQLite cannot
read a WAL database at all; the store then opens it read-only and immutable (``Tracker._connect``).

``chmod`` does not stop root, so as root the checks run in a child process that keeps uid 0 but
drops every capability (``setpriv --bounding-set=-all``): without CAP_DAC_OVERRIDE root obeys file
modes like any owner. (Switching to ``nobody`` would fail wherever the clone and its virtual
environment sit in a private folder, mode 700, as a clone in root's home folder does.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from quizzes import load_catalog
from tests.conftest import ROOT, SMALL_QUIZ, write_files
from tests.faults.readonly_worker import digest
from tracker import Tracker

UNPRIVILEGED = ["--bounding-set=-all", "--inh-caps=-all", "--ambient-caps=-all", "--no-new-privs"]


def unprivileged(command: list[str]) -> list[str]:
    """``command`` run so that file modes bind it: as root, with every capability dropped."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")  # util-linux
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot drop the capabilities that override file modes")
    return [setpriv, *UNPRIVILEGED, *command]


@pytest.fixture
def database():
    """A store with submitted attempts and lesson progress, closed cleanly, in a folder the worker owns."""
    folder = Path(tempfile.mkdtemp(prefix="mingde-ro-"))
    try:
        quiz = load_catalog(write_files(folder / "content", {"quizzes/small.yaml": SMALL_QUIZ})).quizzes["small"]
        data = folder / "data"
        tracker = Tracker(data / "mingde.db")
        for n in range(1, 4):
            tracker.add_employee(f"E{n}", f"员工{n}", "办公室")
            attempt = tracker.start_attempt(f"E{n}", quiz)
            tracker.submit_attempt(attempt, {"s1": "A", "t1": True})
        tracker.open_lesson("E1", "basics")
        expected = digest(tracker)
        tracker.close()
        yield data / "mingde.db", expected
    finally:
        for path in (folder, *folder.rglob("*")):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(folder)


def run_worker(db: Path, case: str) -> dict:
    command = unprivileged([sys.executable, "-m", "tests.faults.readonly_worker", str(db), case])
    done = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(db.parent), "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("case", ["file", "folder", "both"])
def test_a_read_only_file_or_folder_keeps_serving_reads(database, case):
    db, expected = database
    out = run_worker(db, case)
    assert out["files_before"] == ["mingde.db"]  # stopped cleanly: no -wal, no -shm
    assert out["open"] == "opened"
    assert out["digest"] == expected
    assert out["submitted"] == 3
    assert out["participants"] == 3
    assert out["lessons"] == 1
    assert out["write"] == "readonly"
    assert "read-only" in out["message"] and "mingde.db" in out["message"]
    named = out["message"].split("not writable: ")[1].split(")")[0]
    assert ("mingde.db," in named or named.startswith("mingde.db")) == (case != "folder")
    assert ("the folder" in named) == (case != "file")
    assert out["integrity"] == "ok"
    assert out["after_fix"] == ["NEW2"]


def test_a_folder_made_read_only_while_the_app_runs_still_takes_writes(database):
    """The -wal and -shm files exist and stay writable: SQLite needs nothing new in the folder."""
    db, expected = database
    out = run_worker(db, "folder-live")
    assert out["digest"] == expected
    assert out["write"] == "written"
    assert out["after_fix"] == ["NEW1", "NEW2"]


def test_a_read_only_folder_with_unmerged_writes_in_the_wal_is_not_read_around(database):
    """Reading the file immutable would skip the rows still in the -wal: the store refuses instead,
    and once the folder is writable they are all there."""
    db, _ = database
    crash_leaving_a_wal(db)
    (db.parent / "mingde.db-shm").unlink()
    out = run_worker(db, "folder-wal")
    assert out["files_before"] == ["mingde.db", "mingde.db-wal"]
    assert out["open"] == "readonly"
    assert "unmerged writes" in out["message"] and "make the folder writable" in out["message"]
    assert out["after_fix"] == ["NEW2", "WAL1"]


def crash_leaving_a_wal(db: Path) -> None:
    """A writer that commits (without checkpointing) and dies: its rows are only in mingde.db-wal."""
    code = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "c.execute(\"INSERT INTO employees (id, name, department) VALUES ('WAL1', '某', '办公室')\"); c.commit()\n"
        "os._exit(0)\n"
    )
    subprocess.run(unprivileged([sys.executable, "-c", code, str(db)]), check=True, timeout=60)
    assert (db.parent / "mingde.db-wal").stat().st_size > 0
