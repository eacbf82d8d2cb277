"""Run by test_readonly_files.py as the database's (non-root) owner: make the file, its folder or both
read-only with ``chmod``, open the store, read, try to write, make it writable again, write.

``python -m tests.faults.readonly_worker DB file|folder|both`` prints one JSON object.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from tracker import StorageUnavailable, Tracker
from tracker.reports import participation_report
from tracker.store import Account

TABLES = ("employees", "accounts", "attempts", "answers", "lesson_progress", "audit_log")


def digest(tracker: Tracker) -> str:
    """One hash of every row of the tables that hold what was acknowledged."""
    h = hashlib.sha256()
    for name in TABLES:
        h.update(repr(tracker.db.execute(f"SELECT * FROM {name} ORDER BY 1, 2").fetchall()).encode())
    return h.hexdigest()


def main(db: Path, case: str) -> dict:
    """``file``, ``folder``, ``both``: made read-only while the app is stopped (no -wal/-shm);
    ``folder-live``: the folder made read-only while the store is open; ``folder-wal``: the folder
    read-only with a -wal of unmerged writes and no -shm (see test_readonly_files.py)."""
    out: dict = {"case": case, "files_before": sorted(p.name for p in db.parent.iterdir())}
    tracker = Tracker(db) if case == "folder-live" else None
    if tracker is not None:
        tracker.employees()  # the -wal and -shm files exist now
    if case in ("file", "both"):
        db.chmod(0o444)
    if case.startswith("folder") or case == "both":
        db.parent.chmod(0o555)
    try:
        try:
            tracker = tracker or Tracker(db)
        except StorageUnavailable as e:
            out["open"], out["message"] = e.reason, str(e)
        else:
            out["open"] = "opened"
            check(tracker, out)
    finally:  # the fix docs/deployment.md gives: the folder and every mingde.db* file writable again
        db.parent.chmod(0o755)
        for path in db.parent.glob(db.name + "*"):
            path.chmod(0o644)
    tracker = tracker or Tracker(db)
    tracker.add_employee("NEW2", "新人", "办公室")  # the same store, once the admin fixed the permissions
    out["after_fix"] = sorted(e["id"] for e in tracker.employees() if e["id"].startswith(("NEW", "WAL")))
    tracker.close()
    return out


def check(tracker: Tracker, out: dict) -> None:
    """Reads, one write, the integrity check."""
    out["digest"] = digest(tracker)
    out["submitted"] = tracker.db.execute("SELECT COUNT(*) FROM attempts WHERE submitted_at IS NOT NULL").fetchone()[0]
    report = participation_report(tracker, Account("boss", "leader"), "2000-01-01..2100-12-31").set_index("department")
    out["participants"] = int(report.loc["合计", "participants"])
    out["lessons"] = len(tracker.lesson_progress("E1"))
    try:
        tracker.add_employee("NEW1", "新人", "办公室")
        out["write"] = "written"
    except StorageUnavailable as e:
        out["write"], out["message"] = e.reason, str(e)
    out["integrity"] = tracker.db.execute("PRAGMA integrity_check").fetchone()[0]


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), sys.argv[2]), ensure_ascii=False))
