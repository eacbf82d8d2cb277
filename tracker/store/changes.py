"""Has anything changed? A cheap version check of the whole database, right with several nodes.

The in-memory caches (report indicators, learning points, frozen leaderboards) hold an entry only
while ``change_stamp()`` returns the value it returned when the entry was computed. The stamp moves
whenever any connection commits, in this process or in another one on another machine:

SQLite
    ``PRAGMA data_version`` on one connection per store that never writes: it moves whenever any
    *other* connection commits, which for this connection is every connection (each thread's, and
    every other process's on the same file). The counter is the connection's own, so the stamp
    pairs it with a token of that connection: two stores in one process never mix their counters.
PostgreSQL
    ``pg_current_snapshot()`` as text (``xmin:xmax:in-progress xids``): a new write transaction moves
    ``xmax``, a commit or rollback leaves the in-progress list, so an equal text means the same
    committed data. It counts the whole cluster (another database's writes only cost a recompute),
    needs no table, no trigger and no privilege, and no write ever waits for it.

Inside a write transaction of this thread, the thread sees its own uncommitted rows: the stamp is
``None`` then, and the caches neither use nor keep an entry.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections.abc import Callable, Hashable
from typing import Any

from tracker.store.core import Store

_TOKENS = itertools.count(1)  # one per stamp connection (SQLite's data_version is per connection)


def is_postgres(store: Store) -> bool:
    """Whether ``store`` runs on PostgreSQL (``MINGDE_DB=postgresql://…``)."""
    return bool(getattr(store, "postgres", False))


class ChangeStamps(Store):
    """``change_stamp()`` (has the database changed since?) and ``cache_id`` (which database)."""

    @property
    def cache_id(self) -> str:
        """Which database this store reads, as a cache key: the resolved file, or the store's name
        (the URL, password redacted), database and schema."""
        known = self.__dict__.get("_cache_id")
        if known is None:
            if is_postgres(self):
                # the server as the store names it (password redacted), and the schema (tests give
                # every database file a schema of its own in one test cluster)
                row = self._one("SELECT current_database() AS d, current_schema() AS s")
                known = f"{getattr(self, 'name', '')}|{row['d']}|{row['s']}"
            else:
                known = str(self.path.resolve())
            self._cache_id = known
        return known

    def change_stamp(self) -> Hashable | None:
        """A value that changes whenever anyone commits to this database; ``None`` inside this
        thread's own write transaction or when it cannot be read (then: do not cache)."""
        if self._in_transaction():
            return None
        if is_postgres(self):
            row = self._one("SELECT pg_current_snapshot()::text AS s")
            return row["s"] if row else None
        with self._stamp_guard():
            conn = getattr(self, "_stamp_conn", None)
            try:
                if conn is None:
                    conn = self._stamp_conn = sqlite3.connect(self.path, check_same_thread=False)
                    self._stamp_token = next(_TOKENS)
                # data_version is a counter of this connection: only comparable with itself
                return (self._stamp_token, conn.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error:
                return None

    def _stamp_guard(self) -> threading.Lock:
        lock = getattr(self, "_stamp_lock", None)
        if lock is None:
            lock = self.__dict__.setdefault("_stamp_lock", threading.Lock())
        return lock

    def close(self) -> None:
        """Close the stamp connection too."""
        with self._stamp_guard():
            conn = getattr(self, "_stamp_conn", None)
            self._stamp_conn = None
            if conn is not None:
                conn.close()
        super().close()


class StampCache:
    """Values computed from the database, each kept while ``change_stamp()`` is what it was when the
    value was computed (the report indicators, 学时 per period, learning points, frozen leaderboards).

    ``get(tracker, key, compute)``: the kept value, or ``compute()``; a value is kept only when the
    stamp is known (not inside this thread's write) and did not move while it was computed (a value
    computed while someone committed may be older than the stamp it would be kept under). ``copy``
    returns each value copied (a DataFrame, a dict), so callers may change what they get. The oldest
    entries go beyond ``size``."""

    def __init__(self, size: int = 32, copy: Callable[[Any], Any] | None = None):
        self.size = size
        self.copy = copy or (lambda v: v)
        self._entries: dict[Hashable, tuple[Hashable, Any]] = {}
        self._lock = threading.Lock()

    def get(self, tracker: ChangeStamps, key: Hashable, compute: Callable[[], Any]) -> Any:
        stamp = tracker.change_stamp()
        if stamp is not None:
            with self._lock:
                hit = self._entries.get(key)
            if hit is not None and hit[0] == stamp:
                return self.copy(hit[1])
        value = compute()
        if stamp is not None and tracker.change_stamp() == stamp:  # nothing was committed meanwhile
            with self._lock:
                self._entries.pop(key, None)
                self._entries[key] = (stamp, self.copy(value))
                while len(self._entries) > self.size:
                    self._entries.pop(next(iter(self._entries)))
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
