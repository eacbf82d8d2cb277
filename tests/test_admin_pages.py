"""AppTest for the admin pages (人员名册, 账号管理, 审计日志), 修改密码 and the forced change after a
one-time password, 忘记密码 on the sign-in page, and multiple-choice widgets keyed by position."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, signed_in_page, write_files
from tracker import Account, Tracker
from tracker.auth import session_account, sign_in

PASSWORD = "password-1"
ADMIN = Account("root", "admin")


@pytest.fixture
def env(tmp_path, monkeypatch):
    db = tmp_path / "admin.db"
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MINGDE_DB", str(db))
    monkeypatch.setenv("MINGDE_CONTENT", str(ROOT / "content"))
    monkeypatch.setenv("MINGDE_LANG", "zh")
    tracker = Tracker(db)
    for eid, name, dept, team in (
        ("E001", "张三", "办公室", "综合组"),
        ("E002", "李四", "办公室", "综合组"),
        ("E003", "王五", "执法大队", "一中队"),
    ):
        tracker.add_employee(eid, name, dept, team)
    tracker.add_user("root", PASSWORD, "admin")
    tracker.add_user("zhang", PASSWORD, "employee", "E001")
    yield tracker
    tracker.close()


def page(tracker, user, path, **params) -> AppTest:
    return signed_in_page(tracker, user, path, password=PASSWORD, **params)


def ok(at: AppTest) -> AppTest:
    assert not at.exception, at.exception
    return at


def frames(at: AppTest) -> list[str]:
    """The cell values of every dataframe on the page, as text."""
    out = []
    for df in at.dataframe:
        out.append(df.value.to_csv(index=False))
    return out


# -- 人员名册 --------------------------------------------------------------------------------------------


def test_roster_lists_and_filters(env):
    at = page(env, "root", "ui/pages/roster.py")
    assert at.title[0].value == "人员名册"
    assert "共 3 人" in at.caption[0].value
    at.selectbox(key="roster_department").select("办公室").run()
    assert "共 2 人" in ok(at).caption[0].value
    at.selectbox(key="roster_team").select("综合组").run()
    at.text_input(key="roster_text").input("李").run()
    assert "共 1 人" in ok(at).caption[0].value and "E002" in frames(at)[0]
    at.selectbox(key="roster_status").select("left").run()
    assert "共 0 人" in ok(at).caption[0].value


def test_roster_adds_edits_and_marks_someone_as_left(env):
    at = page(env, "root", "ui/pages/roster.py")
    for key, value in (("edit_id", "E009"), ("edit_name", "赵六"), ("edit_department", "办公室"), ("edit_team", "")):
        at.text_input(key=key).input(value)
    at.button(key="edit_submit").click().run()
    assert env.employee("E009")["name"] == "赵六"
    assert "已保存 E009 赵六" in ok(at).success[0].value
    token = sign_in(env, "zhang", PASSWORD).token
    at.selectbox(key="leave_who").select("E001").run()
    at.button(key="leave_submit").click().run()
    assert "E001 已标记为离职；停用了账号：zhang" in ok(at).success[0].value
    assert env.employee("E001")["active"] == 0
    assert session_account(env, token) is None


def test_roster_edit_fills_in_an_existing_person_and_keeps_the_input(env):
    at = page(env, "root", "ui/pages/roster.py")
    at.text_input(key="edit_id").input("E003").run()
    # the current 姓名/部门/班组 are filled in for the existing 工号
    assert [at.text_input(key=k).value for k in ("edit_name", "edit_department", "edit_team")] == ["王五", "执法大队", "一中队"]
    assert "E003 已在名册中" in " ".join(c.value for c in ok(at).caption)
    at.text_input(key="edit_name").input("王五改").run()
    at.button(key="edit_submit").click().run()
    assert env.employee("E003")["name"] == "王五改" and env.employee("E003")["team"] == "一中队"
    assert [s.value for s in ok(at).success] == ["已保存 E003 王五改。"]  # in the expander, under the button
    assert at.expander[0].proto.expanded  # still open
    assert at.text_input(key="edit_id").value == "E003" and at.text_input(key="edit_name").value == "王五改"
    # an error keeps everything typed
    at.text_input(key="edit_department").input("").run()
    at.button(key="edit_submit").click().run()
    assert "工号、姓名和部门都必须填写" in ok(at).error[0].value
    assert [at.text_input(key=k).value for k in ("edit_id", "edit_name", "edit_department", "edit_team")] == [
        "E003",
        "王五改",
        "",
        "一中队",
    ]
    assert env.employee("E003")["department"] == "执法大队"


def test_roster_import_previews_then_applies(env):
    token = sign_in(env, "zhang", PASSWORD).token
    at = page(env, "root", "ui/pages/roster.py")
    csv = "工号,姓名,部门,班组\nE002,李四,办公室,综合组\nE003,王五,执法大队,二中队\nE004,赵六,办公室,\n".encode()
    at.file_uploader[0].set_value(("roster.csv", csv, "text/csv"))
    at.checkbox(key="roster_missing").check().run()
    info = " ".join(i.value for i in ok(at).info)
    assert "新增 1 人，修改 1 人，离职 1 人，无变化 1 人" in info
    assert "E004" in frames(at)[-3] and "二中队" in frames(at)[-2] and "E001" in frames(at)[-1]
    assert env.employee("E003")["team"] == "一中队"  # nothing written by the preview
    at.button(key="roster_apply").click().run()
    assert ok(at).success[0].value == "名册已导入：文件共 3 行；新增 1 人，修改 1 人，离职 1 人，无变化 1 人。"
    assert env.employee("E004")["name"] == "赵六" and env.employee("E001")["active"] == 0
    assert session_account(env, token) is None


def test_roster_import_of_a_bad_file_writes_nothing(env):
    at = page(env, "root", "ui/pages/roster.py")
    at.file_uploader[0].set_value(("bad.csv", "工号,姓名\nE1,\n".encode(), "text/csv"))
    at.run()
    assert "文件有问题，未导入任何内容" in ok(at).error[0].value
    assert "bad.csv" in at.code[0].value
    assert not [b for b in at.button if b.key == "roster_apply"]


def test_roster_export_is_importable(env):
    at = page(env, "root", "ui/pages/roster.py")
    [download] = at.get("download_button")
    assert download.proto.label == "导出名册（CSV，可再次导入）"


# -- 账号管理 ---------------------------------------------------------------------------------------------


def test_accounts_create_shows_the_one_time_password_once(env):
    at = page(env, "root", "ui/pages/users.py")
    assert at.title[0].value == "账号管理"
    at.text_input(key="create_username").input("E003")
    at.selectbox(key="create_role").select("employee")
    at.selectbox(key="create_employee").select("E003")
    [create] = [b for b in at.button if b.label == "创建"]
    create.click().run()
    assert "账号 E003 的一次性密码" in ok(at).success[0].value
    password = at.code[0].value
    assert sign_in(env, "E003", password).account.must_change
    at.run()  # shown once: gone at the next run
    assert not [s for s in at.success if "一次性密码" in s.value] and not at.code


def test_accounts_weak_or_taken_names_are_refused_in_chinese(env):
    at = page(env, "root", "ui/pages/users.py")
    at.text_input(key="create_username").input("zhang")
    at.selectbox(key="create_role").select("leader")
    [create] = [b for b in at.button if b.label == "创建"]
    create.click().run()
    assert ok(at).error[0].value == "该用户名已存在。"


def test_bulk_accounts_without_a_department_asks_for_one(env):
    """The department and the click travel together (a form); without a department the page asks for one."""
    at = page(env, "root", "ui/pages/users.py")
    before = len(env.users())
    at.button(key="users_bulk_submit").click().run()
    assert [w.value for w in ok(at).warning] == ["请先选择部门。"]
    assert len(env.users()) == before


def test_accounts_for_a_department_with_a_downloadable_list(env):
    at = page(env, "root", "ui/pages/users.py")
    at.selectbox(key="users_bulk_department").select("办公室")  # a form: the choice goes with the click
    at.button(key="users_bulk_submit").click().run()
    assert "已创建 1 个账号" in ok(at).success[0].value  # E001 has one already
    assert "E002" in frames(at)[-1]
    assert [d.proto.label for d in at.get("download_button")] == ["下载一次性密码清单（CSV）"]
    assert sign_in(env, "E002", frames(at)[-1].splitlines()[1].split(",")[2]).account.must_change
    at.button(key="users_bulk_close").click().run()
    assert not at.get("download_button")


def test_accounts_reset_disable_enable_and_role(env):
    token = sign_in(env, "zhang", PASSWORD).token
    at = page(env, "root", "ui/pages/users.py")
    at.selectbox(key="users_pick").select("zhang").run()
    at.button(key="users_toggle").click().run()
    assert "账号 zhang 已停用" in ok(at).success[0].value
    assert session_account(env, token) is None
    at.selectbox(key="users_pick").select("zhang").run()
    at.button(key="users_toggle").click().run()
    assert "账号 zhang 已启用" in ok(at).success[0].value
    at.selectbox(key="users_pick").select("zhang").run()
    at.button(key="users_reset").click().run()
    assert "确定重置 zhang 的密码吗" in ok(at).warning[0].value and not at.code  # asked first, nothing done
    assert sign_in(env, "zhang", PASSWORD).account.username == "zhang"
    at.button(key="users_reset_no").click().run()
    assert not ok(at).warning and sign_in(env, "zhang", PASSWORD).account.username == "zhang"
    at.button(key="users_reset").click().run()
    at.button(key="users_reset_yes").click().run()
    password = ok(at).code[0].value
    assert sign_in(env, "zhang", password).account.must_change
    at.selectbox(key="users_pick").select("root").run()
    at.selectbox(key="users_role").select("leader").run()
    at.button(key="users_set_role").click().run()
    assert ok(at).error[0].value == "这是最后一个管理员账号，不能改为其他角色。"
    csv = frames(at)[0]
    assert "最近登录" in csv and "从未登录" not in csv.split("\n")[1]  # root signed in just now


def test_admin_pages_refuse_other_roles(env):
    at = page(env, "zhang", "ui/pages/password.py")
    for path in ("ui/pages/roster.py", "ui/pages/users.py", "ui/pages/audit.py"):
        with pytest.raises(ValueError):
            at.switch_page(path)


# -- 审计日志 ---------------------------------------------------------------------------------------------


def test_audit_log_filters_and_exports(env):
    env.set_disabled(ADMIN, "zhang", True)
    env.set_disabled(ADMIN, "zhang", False)
    at = page(env, "root", "ui/pages/audit.py")
    assert at.title[0].value == "审计日志"
    assert "停用账号" in frames(at)[0] and "登录" in frames(at)[0]
    at.text_input(key="audit_person").input("zhang").run()
    table = frames(ok(at))[0]
    assert "停用账号" in table and "启用账号" in table and "root" in table
    at.selectbox(key="audit_action").select("user.disable").run()
    assert "共 1 条" in ok(at).caption[0].value
    assert [d.proto.label for d in at.get("download_button")] == ["导出（CSV）"]
    at.text_input(key="audit_person").input("nobody-at-all").run()
    assert ok(at).info[0].value == "没有符合条件的记录。"


def test_audit_log_speaks_chinese(env):
    env.audit("org", "content.save", {"kind": "bank", "id": "ethics-bank", "change": "question q1 added"})
    env.audit("org", "competition.start", {"run": 3})  # a code without a text yet
    table = frames(ok(page(env, "root", "ui/pages/audit.py")))[0]
    assert "保存内容" in table
    assert "新增题目 q1" in table and "ethics-bank" in table and "其他操作" in table
    assert "content.save" not in table and "competition.start" not in table and "added" not in table


# -- 修改密码, forced change, 忘记密码 --------------------------------------------------------------------------


def change(at: AppTest, current: str, new: str, repeat: str | None = None) -> AppTest:
    at.text_input(key="pw_current").input(current)
    at.text_input(key="pw_new").input(new)
    at.text_input(key="pw_repeat").input(new if repeat is None else repeat)
    [submit] = [b for b in at.button if b.label == "修改密码"]
    submit.click().run()
    return ok(at)


@pytest.mark.parametrize(
    ("new", "repeat", "message"),
    [
        ("a-new-secret-9", "a-new-secret-8", "两次输入的新密码不一致。"),
        ("12345678", None, "这是常见密码，很容易被猜中，请换一个。"),
        ("zhang-2026-x", None, "密码不能包含用户名或工号。"),
        ("        ", None, "密码不能是同一个字符重复。"),
        ("short", None, "密码太短：至少需要 8 个字符。"),
    ],
)
def test_change_password_says_which_rule_failed(env, new, repeat, message):
    at = change(page(env, "zhang", "ui/pages/password.py"), PASSWORD, new, repeat)
    assert at.error[0].value == message
    assert sign_in(env, "zhang", PASSWORD).account.username == "zhang"  # unchanged


def test_change_password_with_a_wrong_current_one(env):
    at = change(page(env, "zhang", "ui/pages/password.py"), "not-it-at-all", "a-new-secret-9")
    assert at.error[0].value == "当前密码不正确。"


def test_change_password_signs_out_everywhere_else(env):
    other = sign_in(env, "zhang", PASSWORD).token
    at = change(page(env, "zhang", "ui/pages/password.py"), PASSWORD, "a-new-secret-9")
    assert "密码已修改" in at.success[0].value
    assert session_account(env, other) is None
    assert session_account(env, at.session_state["session_token"]).username == "zhang"  # this one goes on
    assert sign_in(env, "zhang", "a-new-secret-9").account.username == "zhang"


def test_a_one_time_password_forces_the_change_first(env):
    made = env.reset_password(ADMIN, "zhang")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["session_token"] = sign_in(env, "zhang", made.password).token
    at.run()
    assert [t.value for t in ok(at).title] == ["修改密码"]
    assert "一次性密码登录" in at.warning[0].value
    with pytest.raises(ValueError):
        at.switch_page("ui/pages/learn.py")
    at = change(at, made.password, "a-new-secret-9")
    assert "密码已修改" in at.success[0].value
    assert not sign_in(env, "zhang", "a-new-secret-9").account.must_change
    at.button(key="pw_continue").click().run()
    assert [t.value for t in ok(at).title][:1] == ["首页"]  # 进入系统 opens the start page, not 修改密码 again
    assert not any(t.value == "修改密码" for t in at.title)
    at.switch_page("ui/pages/learn.py").run()  # the rest of the app is open now
    assert [t.value for t in ok(at).title] == ["学习"]


@pytest.mark.parametrize(("contact", "text"), [("", "工会办公室"), ("王老师，分机 8012", "王老师，分机 8012")])
def test_forgot_password_says_whom_to_ask(env, monkeypatch, contact, text):
    monkeypatch.setenv("MINGDE_ADMIN_CONTACT", contact)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert ok(at).expander[0].label == "忘记密码？"
    assert text in " ".join(m.value for m in at.markdown)


def test_sign_in_form_offers_remember_me(env):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    form = " ".join(h.proto.body for h in ok(at).get("html"))
    assert 'name="remember"' in form and "记住我" in form


# -- multiple choice keyed by display position (defect 8) ---------------------------------------------------

MULTI = """
id: multi
title: 多选测验
shuffle_options: true
questions:
  - id: m1
    type: multiple
    prompt: 哪些是职业道德规范？
    options: [爱岗敬业, 诚实守信, 办事公道, 投机取巧, 奉献社会]
    answer: [A, B, C, E]
"""


def test_multiple_choice_widgets_are_keyed_by_position_not_letter(env, tmp_path, monkeypatch):
    content = write_files(tmp_path / "content", {"quizzes/multi.yaml": MULTI})
    monkeypatch.setenv("MINGDE_CONTENT", str(content))
    from quizzes import load_catalog

    attempt = env.start_attempt("E001", load_catalog(content).quizzes["multi"])
    at = page(env, "zhang", "ui/pages/take.py", attempt=attempt)
    keys = [c.key for c in at.checkbox]
    assert keys == [f"{attempt}:m1:{i}" for i in range(5)]
    order = env.paper(attempt).questions[0].order
    first_letter = "ABCDE"[order[0]]
    at.checkbox(key=f"{attempt}:m1:0").check().run()
    assert env.saved_responses(attempt)["m1"] == first_letter  # the author's letter, kept on the server
