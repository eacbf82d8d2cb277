"""``mingde backup`` on PostgreSQL: ``pg_dump --format=custom``, restored as docs/deployment.md says
(``createdb``, ``pg_restore --no-owner``) into a new database that the app then opens and reads."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SMALL_QUIZ, write_files
from tracker import Tracker
from tracker.store.backup import BackupError, BackupStore, without_password


@pytest.mark.parametrize(
    "dsn, clean, password",
    [
        ("postgresql://mingde:s3cret@db1:5432/mingde", "postgresql://mingde@db1:5432/mingde", "s3cret"),
        ("postgresql://mingde@db1/mingde", "postgresql://mingde@db1/mingde", None),
        ("postgresql://mingde@/mingde?host=/run/pg", "postgresql://mingde@/mingde?host=/run/pg", None),
        ("postgresql://u:p%40ss@h/d?sslmode=require", "postgresql://u@h/d?sslmode=require", "p%40ss"),
    ],
)
def test_the_password_never_reaches_the_command_line(dsn, clean, password):
    assert without_password(dsn) == (clean, password)


class Unreachable(BackupStore):
    """A PostgreSQL store that is never connected (only its backup runs)."""

    def __init__(self, url: str):
        self.postgres, self.url = True, url


def test_without_pg_dump_the_backup_says_so_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    store = Unreachable("postgresql://mingde@db1/mingde")
    dest = tmp_path / "b" / "mingde.dump"
    with pytest.raises(BackupError, match="pg_dump is not installed"):
        store.backup(dest)
    assert list(dest.parent.iterdir()) == []


def test_a_failing_pg_dump_is_reported_with_its_reason(tmp_path):
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump not installed")
    store = Unreachable("postgresql://nobody:pw@/nowhere?host=/nonexistent-socket-dir")
    dest = tmp_path / "mingde.dump"
    with pytest.raises(BackupError, match="pg_dump of postgresql://nobody@/nowhere") as e:
        store.backup(dest)
    assert "pw" not in str(e.value).replace("nowhere", "")
    assert not dest.exists() and not (tmp_path / "mingde.dump.partial").exists()


def psql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def test_backup_with_pg_dump_restored_into_a_new_database(tracker, tmp_path):
    if not getattr(tracker, "postgres", False):
        pytest.skip("PostgreSQL only (MINGDE_TEST_BACKEND=postgresql)")
    if not shutil.which("pg_restore"):
        pytest.fail("pg_restore is missing (postgresql-client)")
    content = write_files(tmp_path / "content", {"quizzes/small.yaml": SMALL_QUIZ})
    from quizzes import load_catalog

    quiz = load_catalog(content).quizzes["small"]
    for n in range(5):
        tracker.add_employee(f"E{n:03d}", f"职工{n}", "办公室")
    attempt = tracker.start_attempt("E001", quiz)
    tracker.submit_attempt(attempt, {"s1": "A", "m1": "ABD"})
    tracker.add_user("boss", "password-1", "leader")

    dest = tmp_path / "backups" / "mingde.dump"
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli_main", "backup", str(dest), "--db", str(tracker.path or tracker.url)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"已备份到 {dest}",
        f"恢复：createdb 新库名，再 pg_restore --no-owner --dbname 新库 {dest}（见 docs/deployment.md）",
    ]
    assert oct(dest.stat().st_mode & 0o777) == "0o600"

    # The restore of docs/deployment.md: a new, empty database, pg_restore, then the app opens it.
    base = tracker.url.split("?")[0].rsplit("/", 1)[0]
    query = "?" + tracker.url.split("?", 1)[1] if "?" in tracker.url else ""
    name = f"restored_{os.getpid()}_{tmp_path.name[-12:].replace('-', '_')}".lower()
    psql(f"{base}/postgres{query}", f'CREATE DATABASE "{name}"')
    restored = f"{base}/{name}{query}"
    try:
        run = subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored, str(dest)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        if tracker.pg_schema:  # tests keep each database in a schema of its own: make it the public one
            psql(restored, f'DROP SCHEMA public CASCADE; ALTER SCHEMA "{tracker.pg_schema}" RENAME TO public')
        copy = Tracker.__new__(Tracker)
        env = os.environ.pop("MINGDE_TEST_PG", None)  # open the URL itself, not a test schema
        try:
            Tracker.__init__(copy, restored)
        finally:
            if env is not None:
                os.environ["MINGDE_TEST_PG"] = env
        try:
            assert [e["id"] for e in copy.employees()] == [f"E{n:03d}" for n in range(5)]
            row = copy.attempt(attempt)
            assert (row["employee_id"], row["score"], row["max_score"]) == ("E001", 5.0, 8.0)
            assert {a.username: a.role for a in copy.users()}["boss"] == "leader"
        finally:
            copy.close()
    finally:
        psql(f"{base}/postgres{query}", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
