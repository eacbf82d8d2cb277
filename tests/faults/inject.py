"""Storage faults injected into SQLite itself, so that they also bite when the tests run as root
(``chmod`` does not stop root from writing).

- ``full``: ``PRAGMA max_page_count`` = the current size, on every connection: SQLite answers
  SQLITE_FULL "database or disk is full" as soon as a write needs one more page, exactly as when
  the disk holding the file has no room left. With 1 KiB pages (``small_pages_db``) every new
  attempt and every submission needs a fresh page (the paper overflows one), so they fail every time.
- ``readonly``: ``PRAGMA query_only = ON`` on every connection: every write is refused with
  SQLITE_READONLY "attempt to write a readonly database", as for a file or file system that became
  read-only while the app runs.

``Fault`` applies its pragma to the connections the stores hold now and (through ``Tracker._connect``)
to every connection opened while it is on; ``clear()`` removes the fault again. The ``fault``
fixture (tests/faults/conftest.py) clears every fault it made at the end of a test.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tracker import Tracker
from tracker.store import Store

PAGE_SIZE = 1024


def small_pages_db(path: Path) -> Path:
    """An empty WAL database with 1 KiB pages, for ``Tracker(path)`` to create its tables in."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    return path


class Fault:
    def __init__(self, kind: str, *trackers: Tracker):
        if kind not in ("full", "readonly"):
            raise ValueError(kind)
        self.kind = kind
        self.touched: list[sqlite3.Connection] = []
        self.original = original = Store.__dict__["_connect"]

        def connect(tracker: Tracker) -> sqlite3.Connection:
            return self._apply(original(tracker))

        Store._connect = connect
        for tracker in trackers:
            for conn in list(tracker._conns.values()):
                self._apply(conn)

    def _apply(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        if self.kind == "full":
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages}")
        else:
            conn.execute("PRAGMA query_only = ON")
        self.touched.append(conn)
        return conn

    def clear(self) -> None:
        """The admin freed space / made the database writable again."""
        if Store.__dict__["_connect"] is not self.original:
            Store._connect = self.original
        for conn in self.touched:
            try:
                if self.kind == "full":
                    conn.execute("PRAGMA max_page_count = 1073741823")
                else:
                    conn.execute("PRAGMA query_only = OFF")
            except sqlite3.ProgrammingError:  # closed meanwhile (its thread ended)
                pass
