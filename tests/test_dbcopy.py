"""tests/dbcopy.py: a copied database is the source's rows, accepted by the store, on either engine."""

from __future__ import annotations

import pytest

from tests.dbcopy import copy_database, dump, execute, query, query_dicts, tables_and_columns
from tracker import Tracker
from tracker.schema import SCHEMA_VERSION, schema_version


@pytest.fixture
def source(tmp_path):
    t = Tracker(tmp_path / "src.db")
    t.add_employee("E001", "张三", "办公室")
    t.add_user("zhang", "secret-password-1", "employee", "E001")
    t.audit("admin", "test.one", {"n": 1})
    t.close()
    return tmp_path / "src.db"


def test_a_copy_holds_the_rows_and_takes_new_ones_after_them(source, tmp_path):
    dst = copy_database(source, tmp_path / "dst.db")
    copy = Tracker(dst)
    try:
        assert schema_version(copy.db) == SCHEMA_VERSION
        assert [e["id"] for e in copy.employees()] == ["E001"]
        assert [u.username for u in copy.users()] == ["zhang"]
        before = query(source, "SELECT id FROM audit_log ORDER BY id")
        copy.audit("admin", "test.two")  # an identity column continues after the copied ids
        ids = [r[0] for r in query(dst, "SELECT id FROM audit_log ORDER BY id")]
        assert ids[: len(before)] == [r[0] for r in before] and ids[-1] > max(r[0] for r in before)
        copy.add_employee("E002", "李四", "办公室")
    finally:
        copy.close()
    # the source is untouched by writes to the copy
    assert query(source, "SELECT id FROM employees ORDER BY id") == [("E001",)]
    assert query(dst, "SELECT COUNT(*) FROM employees") == [(2,)]


def test_a_copy_replaces_what_the_target_held(source, tmp_path):
    other = Tracker(tmp_path / "dst.db")
    other.add_employee("X999", "王五", "车间")
    other.close()
    copy_database(source, tmp_path / "dst.db")
    assert query(tmp_path / "dst.db", "SELECT id FROM employees") == [("E001",)]


def test_reads_and_writes_through_the_store(source):
    assert query_dicts(source, "SELECT id, name FROM employees WHERE id = ?", ("E001",)) == [{"id": "E001", "name": "张三"}]
    assert execute(source, "UPDATE employees SET name = ? WHERE id = ?", ("张三丰", "E001")) == 1
    assert query(source, "SELECT name FROM employees") == [("张三丰",)]
    assert "张三丰".encode() in dump(source)
    tables = tables_and_columns(source)
    assert "department" in tables["employees"] and "audit_log" in tables


def test_a_missing_source_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        copy_database(tmp_path / "none.db", tmp_path / "dst.db")
