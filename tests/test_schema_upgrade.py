"""Every older database upgrades to exactly the schema of a fresh one, keeping its rows; the
migration files are numbered without a gap."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import DATA
from tracker import Tracker
from tracker.errors import SchemaError
from tracker.schema import SCHEMA_VERSION, migration_files

FIXTURES = sorted((DATA / "schema").glob("v*.db"), key=lambda p: int(p.stem[1:]))


def schema_of(tracker: Tracker) -> list[tuple]:
    """Tables, indexes, triggers and views with their normalised SQL."""
    rows = tracker.db.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall()
    return [(kind, name, table, " ".join((sql or "").split())) for kind, name, table, sql in rows]


def test_there_is_a_fixture_for_every_older_version():
    assert [int(p.stem[1:]) for p in FIXTURES] == list(range(1, SCHEMA_VERSION)), (
        "run tests/data/schema/make_fixtures.py after adding a migration"
    )


@pytest.mark.sqlite_only  # SQLite fixture files, sqlite_master
@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_an_older_database_upgrades_to_the_fresh_schema_and_keeps_its_rows(tmp_path, fixture):
    old = tmp_path / fixture.name
    shutil.copy(fixture, old)
    upgraded, fresh = Tracker(old), Tracker(tmp_path / "fresh.db")
    try:
        assert upgraded.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert schema_of(upgraded) == schema_of(fresh)
        assert upgraded.employee("E001")["name"] == "张三"
        assert [a.username for a in upgraded.users()] == ["zhang"]
        assert upgraded.attempt("a1")["percent"] == 80.0
        assert upgraded.db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert upgraded.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        upgraded.close()
        fresh.close()


@pytest.mark.parametrize(
    ("names", "problem"),
    [
        (["001_a.sql", "002_b.sql", "004_d.sql"], "004_d.sql: migration number 4, expected 3"),
        (["001_a.sql", "001_b.sql"], "001_b.sql: migration number 1, expected 2"),
        (["002_b.sql"], "002_b.sql: migration number 2, expected 1"),
    ],
)
def test_a_gap_or_a_repeat_in_the_numbering_is_refused_by_name(tmp_path, names, problem):
    for name in names:
        (tmp_path / name).write_text("SELECT 1;\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=problem):
        migration_files(tmp_path)


def test_the_shipped_migrations_run_one_to_n():
    assert [int(p.name[:3]) for p in migration_files()] == list(range(1, SCHEMA_VERSION + 1))


@pytest.mark.sqlite_only  # SQLite fixture files, sqlite_master
def test_a_newer_database_is_refused(tmp_path):
    path = tmp_path / "newer.db"
    Tracker(path).close()
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaError, match="newer than this Mingde"):
        Tracker(path)
