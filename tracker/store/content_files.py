"""Content files shared by the nodes of a cluster.

Lessons, banks, quizzes, events, their images and materials are files in the content folder, read by
each node from its own disk. What organizers change in the browser is also written here, in the
database (``share_content_files``), and every node brings its folder up to date before it reads the
catalogue (``sync_content``): a file written on node A is on node B's disk at B's next page, a file
taken back on A is removed on B. Files deployed with the folder (the starter content) are never in
the table, so an upgrade that ships new files is not undone by older rows. On one machine with one
folder the rows only repeat what is on disk, and a sync finds nothing to write.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import time
from pathlib import Path, PurePosixPath

from quizzes.authoring import write_atomic
from quizzes.fields import utcnow
from tracker.errors import MingdeError
from tracker.store.core import Store, iso

log = logging.getLogger(__name__)

SYNC_EVERY = 1.0  # seconds: how often one process asks the database whether anything changed


class ContentPathError(MingdeError):
    """A content file's path that is not inside the content folder."""


def relative(root: Path, path: str | Path) -> str:
    """``path`` (absolute or relative to ``root``) as a POSIX path inside the content folder."""
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.resolve().relative_to(root.resolve())
        except ValueError:
            raise ContentPathError(f"{path}: not inside the content folder {root}") from None
    rel = PurePosixPath(p.as_posix())
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise ContentPathError(f"{path}: not inside the content folder {root}")
    return str(rel)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ContentFiles(Store):
    """The browser's content changes, in the database, for every node's content folder."""

    def share_content_files(self, root: str | Path, paths: list[str | Path], actor: str | None) -> None:
        """Record the files at ``paths`` (under ``root``) as they are on disk now: their bytes, or that
        they are gone. One transaction; each change gets the next ``version``."""
        root = Path(root)
        rels = sorted({relative(root, p) for p in paths})
        if not rels:
            return
        now = iso(utcnow())
        with self.write(lock=("content files",)) as db:
            version = int(self._one("SELECT COALESCE(MAX(version), 0) AS v FROM content_files")["v"])
            for rel in rels:
                version += 1
                file = root / rel
                if file.is_file():
                    data = file.read_bytes()
                    row = {"body": base64.b64encode(data).decode("ascii"), "sha256": _digest(data), "deleted": 0}
                else:
                    row = {"body": None, "sha256": None, "deleted": 1}
                db["content_files"].upsert(
                    {"path": rel, **row, "version": version, "updated_at": now, "updated_by": actor}, pk="path"
                )
        self._synced[str(root)] = None  # this node's folder is right; the next sync compares anyway

    def sync_content(self, root: str | Path, *, force: bool = False) -> list[str]:
        """Bring ``root`` up to date with the files changed in the browser on any node; returns the
        paths written or removed. Asks the database at most once a second per folder (``force``: now),
        and reads bodies only of files whose digest differs from the disk's."""
        root = Path(root)
        key = str(root)
        checked = self._sync_checked.get(key, 0.0)
        if not force and time.monotonic() - checked < SYNC_EVERY:
            return []
        self._sync_checked[key] = time.monotonic()
        row = self._one("SELECT COALESCE(MAX(version), 0) AS v, COUNT(*) AS n FROM content_files")
        stamp = (int(row["v"]), int(row["n"]))
        if self._synced.get(key) == stamp:
            return []
        changed, failed = [], False
        for r in self.db.query("SELECT path, sha256, deleted FROM content_files ORDER BY path"):
            try:
                rel = relative(root, r["path"])
                target = root / rel
                if r["deleted"]:
                    if target.is_file():
                        target.unlink(missing_ok=True)
                        changed.append(rel)
                elif not target.is_file() or _digest(target.read_bytes()) != r["sha256"]:
                    body = self._one("SELECT body FROM content_files WHERE path = ?", (r["path"],))
                    if body is None or body["body"] is None:
                        continue  # taken back meanwhile: the next sync removes it
                    write_atomic(target, base64.b64decode(body["body"]))
                    changed.append(rel)
            except (OSError, ContentPathError) as e:  # a read-only folder, a full disk, a forged path
                failed = True
                log.warning("content sync: %s: %s", r["path"], e)
        if not failed:  # else try again at the next sync (and log again: the administrator must see it)
            self._synced[key] = stamp
        return changed

    @property
    def _synced(self) -> dict[str, tuple | None]:
        return self.__dict__.setdefault("_content_synced", {})

    @property
    def _sync_checked(self) -> dict[str, float]:
        return self.__dict__.setdefault("_content_sync_checked", {})
