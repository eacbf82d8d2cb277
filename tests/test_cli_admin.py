"""The admin's commands (``mingde user disable/enable/role/reset/add-department``, ``roster leave``):
the same library calls as the browser's pages, messages in Chinese when the language is Chinese."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tracker import Tracker
from tracker.auth import session_account, sign_in
from tracker.errors import SignInFailed
from ui.cli import cli

PASSWORD = "tq7-mountain-ink"


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("MINGDE_LANG", "zh")
    path = tmp_path / "m.db"
    t = Tracker(path)
    t.add_employee("E001", "张三", "办公室")
    t.add_employee("E002", "李四", "办公室")
    t.add_user("zhang", PASSWORD, "employee", "E001")
    t.add_user("root", PASSWORD, "admin")
    t.close()
    return path


def run(*args, lang=None):
    env = {"MINGDE_LANG": lang} if lang else None
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def tracker(db):
    return Tracker(db)


def test_disable_ends_sessions_and_enable_restores(db):
    t = tracker(db)
    token = sign_in(t, "zhang", PASSWORD).token
    result = run("user", "disable", "zhang", "--db", db)
    assert (result.exit_code, result.output) == (0, "已停用账号 zhang，其登录已全部结束。\n")
    assert session_account(t, token) is None
    result = run("user", "enable", "zhang", "--db", db)
    assert (result.exit_code, result.output) == (0, "已启用账号 zhang。\n")
    assert sign_in(t, "zhang", PASSWORD).account.username == "zhang"
    actions = [r["action"] for r in t.db.query("SELECT action FROM audit_log WHERE actor = 'cli' ORDER BY id")]
    assert actions == ["user.disable", "user.enable"]
    t.close()


def test_messages_are_english_when_the_language_is(db):
    result = run("user", "disable", "zhang", "--db", db, lang="en")
    assert (result.exit_code, result.output) == (0, "disabled zhang; their sessions have ended\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["user", "role", "root", "leader"], "Error: 这是最后一个管理员账号，不能改为其他角色。\n"),
        (["user", "role", "root", "employee"], "Error: 职工账号必须关联人员名册中的一名人员（工号）。\n"),
        (["user", "disable", "ghost"], "Error: 找不到：user ghost not found\n"),
        (["roster", "leave", "E404"], "Error: 找不到：employee E404 not found\n"),
    ],
)
def test_refusals_are_one_line_in_chinese(db, args, message):
    result = run(*args, "--db", db)
    assert (result.exit_code, result.output) == (1, message)


def test_role_change(db):
    assert run("user", "role", "zhang", "organizer", "--db", db).output == "账号 zhang 的角色已改为 organizer。\n"
    t = tracker(db)
    assert {a.username: a.role for a in t.users()}["zhang"] == "organizer"
    t.close()


def test_reset_prints_a_one_time_password(db):
    result = run("user", "reset", "zhang", "--db", db)
    assert result.exit_code == 0
    password = result.output.splitlines()[-1]
    t = tracker(db)
    assert sign_in(t, "zhang", password).account.must_change
    t.close()


def test_accounts_for_a_department_to_a_private_file(db, tmp_path):
    out = tmp_path / "otp.csv"
    result = run("user", "add-department", "办公室", "-o", out, "--db", db)
    assert result.exit_code == 0 and "创建了 1 个账号" in result.output
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "用户名,姓名,一次性密码" and lines[1].startswith("E002,李四,")
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    t = tracker(db)
    assert sign_in(t, "E002", lines[1].split(",")[2]).account.must_change
    t.close()


def test_roster_leave_disables_the_account(db):
    t = tracker(db)
    token = sign_in(t, "zhang", PASSWORD).token
    result = run("roster", "leave", "E001", "--on", "2026-03-01", "--db", db)
    assert (result.exit_code, result.output) == (0, "E001 已标记为离职；停用的账号：zhang。\n")
    assert session_account(t, token) is None
    assert t.employee("E001")["left_on"] == "2026-03-01"
    t.close()


def test_roster_import_deactivate_missing_disables_accounts(db, tmp_path):
    t = tracker(db)
    token = sign_in(t, "zhang", PASSWORD).token
    roster = tmp_path / "r.csv"
    roster.write_text("工号,姓名,部门\nE002,李四,办公室\n", encoding="utf-8")
    assert run("roster", "import", roster, "--deactivate-missing", "--db", db).exit_code == 0
    assert session_account(t, token) is None
    with pytest.raises(SignInFailed):  # zhang can no longer sign in
        sign_in(t, "zhang", PASSWORD)
    t.close()
