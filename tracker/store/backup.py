"""Maintenance: the online backup (SQLite's backup API, or ``pg_dump`` for PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tracker.errors import TrackerError
from tracker.store.changes import is_postgres
from tracker.store.core import Store, create_private

PG_DUMP_TIMEOUT = 6 * 3600  # a provincial database dumps in minutes; never hang forever


class BackupError(TrackerError):
    """A backup could not be made (``pg_dump`` missing or failing); nothing was left at the destination."""


def without_password(dsn: str) -> tuple[str, str | None]:
    """``postgresql://user:secret@host/db`` → (``postgresql://user@host/db``, ``secret``): the
    password goes to ``pg_dump`` through ``PGPASSWORD``, never on its command line (``ps`` shows it)."""
    parts = urlsplit(dsn)
    if parts.password is None:
        return dsn, None
    netloc = parts.hostname or ""
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc)), parts.password


class BackupStore(Store):
    """Backups: SQLite's online backup API, or ``pg_dump`` on PostgreSQL."""

    def backup(self, dest: str | Path) -> Path:
        """Copy the database while others write, mode 0600 (it holds password hashes): SQLite's
        online backup API (the copy is a database file), or on PostgreSQL ``pg_dump
        --format=custom`` (one consistent snapshot; restore with ``pg_restore``, see
        docs/deployment.md). The copy appears at ``dest`` only once it is complete."""
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".partial")
        tmp.unlink(missing_ok=True)
        create_private(tmp)  # a backup holds password hashes too: 0600
        if is_postgres(self):
            try:
                self._pg_dump(tmp)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
        else:
            target = sqlite3.connect(tmp)
            try:
                self.db.conn.backup(target)
            finally:
                target.close()
        tmp.replace(dest)
        return dest

    def _pg_dump(self, out: Path) -> None:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise BackupError(
                f"cannot back up to {out.name.removesuffix('.partial')}: pg_dump is not installed (apt-get install postgresql-client)"
            )
        dsn, password = without_password(str(self.url))
        env = {**os.environ, **({"PGPASSWORD": password} if password else {})}
        only = ["--schema", schema] if (schema := getattr(self, "pg_schema", None)) else []  # tests: one schema per file
        done = subprocess.run(
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges", *only, "--file", str(out), "--dbname", dsn],
            env=env,
            capture_output=True,
            text=True,
            timeout=PG_DUMP_TIMEOUT,
        )
        if done.returncode != 0:
            why = (done.stderr or done.stdout).strip().splitlines()
            raise BackupError(f"pg_dump of {without_password(dsn)[0]} failed: {why[-1] if why else done.returncode}")
