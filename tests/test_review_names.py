"""Review #11: office staff see titles, not internal ids or file paths (a path only in a details
expander; ids stay where an author types them)."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import CONTENT, app_store, signed_in_page


@pytest.fixture
def env(tmp_path, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    tracker = app_store(monkeypatch, tmp_path / "app.db", content, users=(("org", "organizer"),))
    yield tracker
    tracker.close()


def test_overview_tables_have_no_id_column(env):
    at = signed_in_page(env, "org", "ui/pages/overview.py")
    for table in at.dataframe:
        assert "编号" not in [str(c) for c in table.value.columns]
        assert "ethics-basics" not in table.value.to_string()
    assert "职业道德基本规范" in at.dataframe[0].value.to_string()


def test_content_status_lists_titles_and_keeps_paths_in_details(env):
    at = signed_in_page(env, "org", "ui/pages/content.py")
    status = [m.value for m in at.markdown if ":material/check_circle:" in m.value]
    assert any("职业道德基本规范 · 课程" in s for s in status)
    assert not [s for s in status if ".yaml" in s or "lessons/" in s]
    details = next(e for e in at.expander if e.label == "文件位置（供维护人员查看）")
    assert "lessons/ethics-basics.yaml" in details.code[0].value
