"""Content changed in the browser reaches every node's folder (issue 20): two nodes are two content
folders and two stores on one database; what one node writes, the other's next sync writes too."""

from __future__ import annotations

import base64
import logging
import shutil

import pytest

from tests.conftest import CONTENT
from tracker import Tracker
from tracker.access import Access
from tracker.store.content_files import ContentPathError, relative

BANK = """id: {name}
title: 同步题库
questions:
  - {{id: q1, type: true_false, prompt: 诚实守信是职业道德的基本规范。, answer: true}}
"""
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


pytestmark = pytest.mark.usefixtures("fast_hashing")


@pytest.fixture
def nodes(tmp_path):
    """Node A and node B: a content folder each (copies of the starter content), one database."""
    folders = []
    for name in ("a", "b"):
        shutil.copytree(CONTENT, tmp_path / name)
        folders.append(tmp_path / name)
    db = tmp_path / "mingde.db"
    first = Tracker(db)
    account = first.add_user("org", "pw-123456", "organizer")
    second = Tracker(db)
    yield [(Access(first, account), folders[0], first), (Access(second, account), folders[1], second)]
    first.close()
    second.close()


def test_an_upload_a_save_an_image_and_a_material_on_a_reach_b(nodes):
    (me_a, root_a, _), (_, root_b, store_b) = nodes
    path = me_a.publish(root_a, BANK.format(name="sync-bank"), "sync-bank.yaml", "bank")
    doc = next(d for d in me_a.content_documents(root_a, "bank") if d.data["id"] == "sync-bank")
    saved = me_a.save_content(root_a, "bank", {**doc.data, "title": "同步题库（改）"}, path=doc.path)
    image = me_a.save_image(root_a, "图.png", PNG)
    _, written = me_a.save_materials(root_a, [("讲义.pdf", b"%PDF-1.4 handout")])
    changed = store_b.sync_content(root_b, force=True)
    rel = path.relative_to(root_a).as_posix()
    assert rel in changed and image in changed and f"events/materials/{written[0]}" in changed
    assert (root_b / rel).read_text(encoding="utf-8") == (root_a / rel).read_text(encoding="utf-8")
    assert "同步题库（改）" in (root_b / rel).read_text(encoding="utf-8")
    assert (root_b / saved.previous.relative_to(root_a)).read_bytes() == saved.previous.read_bytes()  # the history too
    assert (root_b / image).read_bytes() == PNG
    assert store_b.sync_content(root_b, force=True) == []  # nothing new: nothing written


def test_a_material_taken_back_on_a_is_removed_on_b(nodes):
    (me_a, root_a, _), (_, root_b, store_b) = nodes
    _, written = me_a.save_materials(root_a, [("讲义.pdf", b"%PDF-1.4 handout")])
    store_b.sync_content(root_b, force=True)
    assert (root_b / "events/materials" / written[0]).is_file()
    me_a.discard_materials(root_a, written)
    assert store_b.sync_content(root_b, force=True) == [f"events/materials/{written[0]}"]
    assert not (root_b / "events/materials" / written[0]).exists()


def test_the_starter_files_and_an_unchanged_folder_are_left_alone(nodes):
    (me_a, root_a, store_a), (_, root_b, store_b) = nodes
    (root_b / "lessons" / "local-note.yaml").write_text("id: x\n", encoding="utf-8")  # deployed on B only
    me_a.publish(root_a, BANK.format(name="sync-bank"), "sync-bank.yaml", "bank")
    assert store_b.sync_content(root_b, force=True) == ["banks/sync-bank.yaml"]
    assert (root_b / "lessons" / "local-note.yaml").read_text(encoding="utf-8") == "id: x\n"
    assert store_a.sync_content(root_a, force=True) == []  # A's own folder is right already


def test_a_sync_asks_the_database_at_most_once_a_second(nodes, monkeypatch):
    (me_a, root_a, _), (_, root_b, store_b) = nodes
    clock = [1000.0]
    monkeypatch.setattr("tracker.store.content_files.time.monotonic", lambda: clock[0])
    assert store_b.sync_content(root_b) == []
    me_a.publish(root_a, BANK.format(name="sync-bank"), "sync-bank.yaml", "bank")
    clock[0] += 0.5
    assert store_b.sync_content(root_b) == []  # within the second: not asked
    clock[0] += 0.6
    assert store_b.sync_content(root_b) == ["banks/sync-bank.yaml"]


def test_a_forged_path_in_the_table_is_never_written_and_is_logged(nodes, caplog):
    (_, _, store_a), (_, root_b, store_b) = nodes
    with store_a.write() as db:
        db["content_files"].insert(
            {"path": "../outside.yaml", "body": base64.b64encode(b"x").decode(), "sha256": "0", "version": 1, "updated_at": "t"}
        )
    with caplog.at_level(logging.WARNING):
        assert store_b.sync_content(root_b, force=True) == []
    assert not (root_b.parent / "outside.yaml").exists() and "../outside.yaml" in caplog.text


def test_a_read_only_folder_is_logged_and_tried_again(nodes, caplog, monkeypatch):
    (me_a, root_a, _), (_, root_b, store_b) = nodes
    me_a.publish(root_a, BANK.format(name="sync-bank"), "sync-bank.yaml", "bank")

    def refuse(*_a, **_k):
        raise PermissionError("read-only file system")

    monkeypatch.setattr("tracker.store.content_files.write_atomic", refuse)
    with caplog.at_level(logging.WARNING):
        assert store_b.sync_content(root_b, force=True) == []
    assert "banks/sync-bank.yaml" in caplog.text and "read-only" in caplog.text
    monkeypatch.undo()
    assert store_b.sync_content(root_b, force=True) == ["banks/sync-bank.yaml"]  # tried again, not forgotten


@pytest.mark.parametrize("path", ["../x.yaml", "/etc/passwd", "", "a/../../x"])
def test_a_path_outside_the_folder_is_refused(tmp_path, path):
    with pytest.raises(ContentPathError):
        relative(tmp_path, path)


def test_a_quiz_uploaded_in_content_management_counts_as_published_now(nodes):
    """内容管理's upload of a quiz puts it first for employees, like a quiz published from 组卷."""
    (me_a, root_a, store_a), _ = nodes
    quiz = "id: uploaded-quiz\ntitle: 上传的测验\nkind: quiz\nquestions:\n  - {id: q1, type: true_false, prompt: 对吗？, answer: 对}\n"
    me_a.publish(root_a, quiz, "uploaded-quiz.yaml")
    assert "uploaded-quiz" in store_a.quiz_publications()
    draft = quiz.replace("uploaded-quiz", "draft-quiz").replace("kind: quiz", "kind: quiz\nstatus: draft")
    me_a.publish(root_a, draft, "draft-quiz.yaml")
    assert "draft-quiz" not in store_a.quiz_publications()
