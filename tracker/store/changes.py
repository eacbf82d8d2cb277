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
from collections.abc import Hashable

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

    def _in_transaction(self) -> bool:
        """Whether this thread's connection is inside a transaction (sqlite3's and the PostgreSQL
        facade's ``in_transaction``)."""
        db = getattr(self._local, "db", None)
        return bool(db is not None and db.conn.in_transaction)

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
