"""Existing database files readable by others are tightened when opened (issue 15, item 10): the
database, its -wal and -shm (and a backup opened as a database) lose their group and other bits if
this process owns them; the change is logged naming the file. Files it does not own are named with
the fix. New files are created 0600 (tests/test_accounts_admin.py)."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from tracker import Tracker
from tracker.store import core

# The files of an SQLite database (on PostgreSQL the server owns its files).
pytestmark = pytest.mark.sqlite_only


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def sidecars(path):
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (0o644, 0o600),
        (0o640, 0o600),
        (0o604, 0o600),
        (0o666, 0o600),
        (0o660, 0o600),
        (0o600, 0o600),
        (0o444, 0o400),  # a read-only file stays read-only for its owner
        (0o400, 0o400),
        (0o700, 0o700),
    ],
)
def test_an_open_database_and_its_wal_and_shm_are_tightened(tmp_path, caplog, before, after):
    path = tmp_path / "mingde.db"
    first = Tracker(path)  # keeps the -wal and -shm files in place
    first.add_employee("E001", "张三", "办公室")
    files = sidecars(path)
    assert all(p.exists() for p in files)
    for p in files:
        os.chmod(p, before)
    with caplog.at_level(logging.WARNING, logger="mingde"):
        if before & 0o200:
            Tracker(path).close()  # opening tightens
        else:
            core.tighten_mode(path)  # what opening does first (a read-only store is tested in tests/faults/)
    assert [mode(p) for p in files] == [after] * 3
    changed = [r.getMessage() for r in caplog.records if "tightened" in r.getMessage()]
    if before == after:
        assert changed == []
    else:
        assert changed == [f"tightened the mode of {p}: {before:04o} -> {after:04o} (it holds password hashes)" for p in files]
    for p in files:
        os.chmod(p, 0o600)
    first.close()


def test_opening_a_readable_database_tightens_it_before_any_connection(tmp_path, caplog):
    path = tmp_path / "old.db"
    Tracker(path).close()
    os.chmod(path, 0o644)
    with caplog.at_level(logging.WARNING, logger="mingde"):
        t = Tracker(path)
    assert mode(path) == 0o600
    assert f"{path}: 0644 -> 0600" in caplog.text
    assert all(mode(p) == 0o600 for p in sidecars(path) if p.exists())  # SQLite copies the database's mode
    t.close()


def test_a_backup_opened_as_a_database_is_tightened(tmp_path):
    t = Tracker(tmp_path / "m.db")
    copy = t.backup(tmp_path / "backups" / "m.db")
    t.close()
    assert mode(copy) == 0o600
    os.chmod(copy, 0o644)  # e.g. copied around with cp
    Tracker(copy).close()
    assert mode(copy) == 0o600


def test_a_file_owned_by_someone_else_is_left_and_named_with_the_fix(tmp_path, caplog, monkeypatch):
    path = tmp_path / "theirs.db"
    Tracker(path).close()
    os.chmod(path, 0o644)
    monkeypatch.setattr(core.os, "geteuid", lambda: os.getuid() + 1)
    with caplog.at_level(logging.WARNING, logger="mingde"):
        assert core.tighten_mode(path) == []
    assert mode(path) == 0o644
    assert f"{path} has mode 0644 (readable by others) and is not this process's to change: chmod 600 {path}" in caplog.text
