"""Maintenance: the online backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tracker.store.core import Store, create_private


class BackupStore(Store):
    """Backups with SQLite's online backup API."""

    def backup(self, dest: str | Path) -> Path:
        """Copy the database with SQLite's online backup API (safe while others write), mode 0600."""
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".partial")
        tmp.unlink(missing_ok=True)
        create_private(tmp)  # a backup holds password hashes too: 0600
        target = sqlite3.connect(tmp)
        try:
            self.db.conn.backup(target)
        finally:
            target.close()
        tmp.replace(dest)
        return dest
