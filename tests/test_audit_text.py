"""The audit log in the user's language: every action code has a text, unknown codes get a generic
label, the object is filled from the details, details and authoring change notes are translated,
the export is dated in Asia/Shanghai, the roster import names the uploaded file."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tracker.store.audit import ACTIONS
from ui.audit_text import export_name, say_action, say_change, say_detail, say_object
from ui.i18n import admin
from ui.state import t as translate


def zh(key, **kw):
    return admin.ZH[key].format(**kw) if key in admin.ZH else translate(key, **kw)


def test_every_action_written_anywhere_has_a_text_in_both_languages():
    written = set()
    for path in [*ROOT.glob("tracker/**/*.py"), *ROOT.glob("ui/**/*.py")]:
        written |= set(re.findall(r"\baudit\(\s*[^,()]+,\s*\"([a-z_.]+)\"", path.read_text(encoding="utf-8")))
        written |= set()
    assert {"content.save", "content.publish", "roster.import", "de.score"} <= written
    assert written <= set(ACTIONS) | {"sign_in.failed"}, sorted(written - set(ACTIONS))
    for code in ACTIONS:
        assert f"audit.action.{code}" in admin.ZH and f"audit.action.{code}" in admin.EN


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("content.save", "保存内容"),
        ("roster.import", "导入名册"),
        ("competition.adjust", "裁判加减分"),
        ("event.checkin_open", "开启签到"),
        ("competition.start", "其他操作"),
        ("x", "其他操作"),
    ],
)
def test_actions_are_named_never_shown_as_codes(code, text):
    assert say_action(code, zh, ACTIONS) == text


@pytest.mark.parametrize(
    ("entry", "obj", "detail"),
    [
        (
            {"action": "content.save", "subject": None, "detail": json.dumps(
                {"kind": "bank", "id": "ethics-bank", "path": "/c/banks/ethics-bank.yaml", "previous": None,
                 "change": "question q1 added"})},
            "ethics-bank",
            "类型：题库；编号：ethics-bank；文件：ethics-bank.yaml；新增题目 q1",
        ),
        (
            {"action": "content.save", "subject": None, "detail": json.dumps(
                {"kind": "quiz", "id": "monthly-2026-12", "change": "quiz monthly-2026-12 saved as published"})},
            "monthly-2026-12",
            "类型：测验；编号：monthly-2026-12；测验 monthly-2026-12 保存为已发布",
        ),
        (
            {"action": "roster.import", "subject": None, "detail": json.dumps(
                {"file": "roster-import.csv", "rows": 2, "added": ["E081"], "changed": ["E002"], "deactivated": []})},
            "roster-import.csv",
            "文件：roster-import.csv；行数：2；新增：E081；修改：E002",
        ),
        ({"action": "user.role", "subject": "zhang", "detail": json.dumps({"from": "employee", "to": "leader"})},
         "zhang", "原为：职工；改为：领导"),
        ({"action": "period.lock", "subject": "2026Q4", "detail": "季度结束"}, "2026Q4", "原因：季度结束"),
        ({"action": "sign_in", "subject": "zhang", "detail": None}, "zhang", ""),
        ({"action": "content.save", "subject": None, "detail": json.dumps({"kind": "quiz", "id": "m1", "status": "published"})},
         "m1", "类型：测验；编号：m1；状态：已发布"),
        ({"action": "event.checkin_code_wrong", "subject": "E001", "detail": json.dumps(
            {"event": "talk", "session": "s1", "failures": 3})}, "E001", "活动：talk；场次：s1；错误次数：3"),
    ],
)  # fmt: skip
def test_entries_in_chinese(entry, obj, detail):
    assert say_object(entry) == obj
    assert say_detail(entry, zh) == detail
    assert not re.search(r"\b(added|saved|question|quiz|file|rows)\b", say_detail(entry, zh))


@pytest.mark.parametrize(
    ("note", "text"),
    [
        ("question q1 added", "新增题目 q1"),
        ("question q1 edited", "修改题目 q1"),
        ("question q1 deleted", "删除题目 q1"),
        ("question q9 copied from q1", "由 q1 复制题目 q9"),
        ("lesson ethics saved", "保存课程 ethics"),
        ("competition c1 saved", "保存竞赛 c1"),
        ("quiz m1 saved as draft", "测验 m1 保存为草稿"),
    ],
)
def test_change_notes_in_chinese(note, text):
    assert say_change(note, zh) == text


def test_the_export_is_dated_by_the_shanghai_day():
    late = dt.datetime(2026, 12, 1, 17, 30, tzinfo=dt.UTC)  # 01:30 on 2 December in Shanghai
    assert export_name(late, zh) == "审计日志-2026-12-02.csv"


def test_the_roster_import_logs_the_uploaded_files_name(tmp_path):
    from tracker import Account, Tracker

    tracker = Tracker(tmp_path / "a.db")
    path = tmp_path / "roster.csv"
    path.write_text("工号,姓名,部门,班组\nE001,张三,办公室,\n", encoding="utf-8")
    tracker.import_roster(path, actor=Account("root", "admin"), name="roster-import.csv")
    [entry] = tracker.audit_entries(Account("root", "admin"), action="roster.import")
    assert json.loads(entry["detail"])["file"] == "roster-import.csv"
    assert say_object(entry) == "roster-import.csv"
    tracker.close()
    assert Path(path).exists()
