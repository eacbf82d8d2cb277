"""The admin's journey in Chromium (issue 15), at 375x812 and 1366x768: a bad roster file is refused
naming each row and column in Chinese, a good one is imported (preview, then apply), create the accounts of a department and download their one-time passwords, an employee
signs in with one and is made to change it, the admin disables that employee whose open page then
signs out at the next click, and the audit log shows all of it. Checked in the database too."""

from __future__ import annotations

import csv
import io
import os
import shutil

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import ROOT
from tests.dbcopy import copy_database, query_dicts
from tests.e2e.conftest import SCREENSHOTS, wait_until
from ui.serve import free_port, start_server, stop, wait_healthy

pytestmark = pytest.mark.pg_journey  # also run on PostgreSQL in CI (.ci/run)

TIMEOUT = 30_000
VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1366, "height": 768}}
ROSTER = "工号,姓名,部门,班组\nS901,安全员甲,安全科,一组\nS902,安全员乙,安全科,二组\n"
NEW_PASSWORD = "river-stone-42x"


@pytest.fixture
def own_server(tmp_path, demo_db):
    """A server on a fresh copy of the demo database (this journey changes the roster)."""
    db = tmp_path / "mingde.db"
    copy_database(demo_db, db)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    port = free_port()
    env = {**os.environ, "MINGDE_DB": str(db), "MINGDE_CONTENT": str(content), "MINGDE_LANG": "zh"}
    log = open(tmp_path / "streamlit.log", "w")  # noqa: SIM115
    proc = start_server(port, env, log=log)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        yield f"http://127.0.0.1:{port}", db
    finally:
        stop(proc)
        log.close()


def query(db, sql, params=()):
    return query_dicts(db, sql, params)


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"admin-{name}-{page.viewport_name}.png"), full_page=True)


def sign_in(page: Page, server: str, username: str, password: str) -> None:
    page.goto(server)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("退出登录")).to_be_attached(timeout=TIMEOUT)


def choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label`` by clicking it, as a person does.
    Typed text shows in the box too, so the pick is checked after leaving the box: only a chosen
    option stays (Enter on typed text had left the box empty at 1366 px: the page said 请先选择部门)."""
    box = page.get_by_label(label, exact=True).first
    expect(box).to_be_editable(timeout=TIMEOUT)

    def chosen() -> bool:
        box.click()
        try:
            page.get_by_role("option", name=option, exact=True).first.click(timeout=3_000)
        except Exception:
            page.keyboard.press("Escape")
            return False
        box.blur()
        return box.input_value() == option

    wait_until(chosen, timeout=TIMEOUT / 1000, what=f"{option!r} chosen in {label!r}")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_admin_journey(own_server, browser, tmp_path, viewport):
    server, db = own_server
    admin_ctx = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN", accept_downloads=True)
    staff_ctx = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
    admin, staff = admin_ctx.new_page(), staff_ctx.new_page()
    admin.viewport_name = staff.viewport_name = viewport
    try:
        # 1. the admin imports a roster file: preview first, nothing written, then apply
        sign_in(admin, server, "admin", "mingde-demo")
        admin.goto(f"{server}/roster")
        expect(admin.get_by_role("heading", name="人员名册")).to_be_visible(timeout=TIMEOUT)
        bad = tmp_path / "坏名册.csv"  # first a file with bad rows: each named by row and column, in Chinese
        bad.write_text("工号,姓名,部门\nS901,安全员甲,\n,安全员乙,安全科\n", encoding="utf-8")
        admin.locator("input[type=file]").set_input_files(str(bad))
        expect(admin.get_by_text("文件有问题，未导入任何内容")).to_be_visible(timeout=TIMEOUT)
        expect(admin.get_by_text("坏名册.csv：第 2 行「部门」列：为空")).to_be_visible()
        expect(admin.get_by_text("坏名册.csv：第 3 行「工号」列：为空")).to_be_visible()
        expect(admin.get_by_role("button", name="确认导入")).to_have_count(0)
        admin.get_by_text("坏名册.csv：第 3 行「工号」列：为空").scroll_into_view_if_needed()
        shot(admin, "0-roster-bad-file")
        assert query(db, "SELECT id FROM employees WHERE department = '安全科'") == []
        file = tmp_path / "安全科.csv"
        file.write_text(ROSTER, encoding="utf-8")
        admin.locator("input[type=file]").set_input_files(str(file))
        expect(admin.get_by_text("新增 2 人，修改 0 人，离职 0 人")).to_be_visible(timeout=TIMEOUT)
        assert query(db, "SELECT id FROM employees WHERE department = '安全科'") == []
        admin.get_by_role("button", name="确认导入").scroll_into_view_if_needed()
        shot(admin, "1-roster-preview")
        admin.get_by_role("button", name="确认导入").click()
        expect(admin.get_by_text("名册已导入：文件共 2 行；新增 2 人，修改 0 人，离职 0 人，无变化 0 人。")).to_be_visible(
            timeout=TIMEOUT
        )
        assert [r["id"] for r in query(db, "SELECT id FROM employees WHERE department = '安全科' ORDER BY id")] == [
            "S901",
            "S902",
        ]
        # 2. accounts for the department, with a downloadable list of one-time passwords
        admin.goto(f"{server}/users")
        expect(admin.get_by_role("heading", name="账号管理")).to_be_visible(timeout=TIMEOUT)
        admin.get_by_text("按部门批量创建职工账号").click()
        choose(admin, "部门", "安全科")
        admin.get_by_role("button", name="批量创建").click()
        expect(admin.get_by_text("已创建 2 个账号")).to_be_visible(timeout=TIMEOUT)
        shot(admin, "2-bulk-accounts")
        with admin.expect_download() as download:
            admin.get_by_role("button", name="下载一次性密码清单（CSV）").click()
        rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
        assert [r["用户名"] for r in rows] == ["S901", "S902"]
        one_time = rows[0]["一次性密码"]
        accounts = query(db, "SELECT username, must_change_password FROM accounts WHERE employee_id LIKE 'S9%'")
        assert {(a["username"], a["must_change_password"]) for a in accounts} == {("S901", 1), ("S902", 1)}

        # 3. the employee signs in with the one-time password and must change it first
        sign_in(staff, server, "S901", one_time)
        expect(staff.get_by_role("heading", name="修改密码")).to_be_visible(timeout=TIMEOUT)
        expect(staff.get_by_text("您正在使用一次性密码登录")).to_be_visible()
        expect(staff.get_by_label("当前密码")).to_be_visible()
        staff.goto(f"{server}/learn")  # nothing else opens before the change
        expect(staff.get_by_role("heading", name="修改密码")).to_be_visible(timeout=TIMEOUT)
        expect(staff.get_by_label("再次输入新密码")).to_be_visible()
        shot(staff, "3-forced-change")
        staff.get_by_label("当前密码").fill(one_time)
        staff.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
        staff.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
        staff.get_by_role("button", name="修改密码").click()
        expect(staff.get_by_text("密码已修改")).to_be_visible(timeout=TIMEOUT)
        shot(staff, "4-changed")
        staff.get_by_role("button", name="进入系统").click()
        expect(staff.get_by_role("heading", name="首页", exact=True)).to_be_visible(timeout=TIMEOUT)  # not 修改密码 again
        staff.wait_for_url("**/home", timeout=TIMEOUT)
        expect(staff.get_by_label("当前密码")).to_have_count(0)
        shot(staff, "4b-first-home")
        assert query(db, "SELECT must_change_password FROM accounts WHERE username = 'S901'") == [{"must_change_password": 0}]
        # the browser that signed in is trusted for S901 from now on (exempt from an account-wide lockout)
        [trusted] = [c for c in staff_ctx.cookies() if c["name"] == "mingde_trusted"]
        assert trusted["httpOnly"] and trusted["expires"] > 0 and trusted["value"].count(".") == 2
        staff.goto(f"{server}/learn")
        expect(staff.get_by_role("heading", name="学习", exact=True)).to_be_visible(timeout=TIMEOUT)
        shot(staff, "5-signed-in")
        staff.goto(f"{server}/password")  # an open page, signed in
        expect(staff.get_by_role("heading", name="修改密码")).to_be_visible(timeout=TIMEOUT)

        # 4. the admin disables S901; the open page signs out at its next click
        admin.goto(f"{server}/users")
        expect(admin.get_by_role("heading", name="账号管理")).to_be_visible(timeout=TIMEOUT)
        choose(admin, "选择账号", "S901 · 职工 · 安全员甲")
        admin.get_by_role("button", name="停用账号").click()
        expect(admin.get_by_text("账号 S901 已停用")).to_be_visible(timeout=TIMEOUT)
        shot(admin, "6-disabled")
        assert query(db, "SELECT count(*) AS n FROM sessions WHERE username = 'S901'") == [{"n": 0}]
        staff.get_by_role("button", name="修改密码").click()  # the next click of the open page
        expect(staff.get_by_text("登录已失效，请重新登录。")).to_be_visible(timeout=TIMEOUT)
        expect(staff.get_by_role("button", name="登录")).to_be_visible()
        shot(staff, "7-signed-out")
        staff.get_by_label("用户名").fill("S901")
        staff.get_by_label("密码", exact=True).fill(NEW_PASSWORD)
        staff.get_by_role("button", name="登录").click()
        expect(staff.get_by_text("用户名或密码不正确。")).to_be_visible(timeout=TIMEOUT)

        # 5. the audit log shows all of it
        admin.goto(f"{server}/audit")
        expect(admin.get_by_role("heading", name="审计日志")).to_be_visible(timeout=TIMEOUT)
        admin.get_by_label("人员（用户名或工号）").fill("S901")
        admin.get_by_label("人员（用户名或工号）").press("Enter")
        expect(admin.get_by_text("共 4 条")).to_be_visible(timeout=TIMEOUT)
        shot(admin, "8-audit")
        [imported] = query(db, "SELECT detail FROM audit_log WHERE action = 'roster.import' ORDER BY id DESC LIMIT 1")
        assert '"file": "安全科.csv"' in imported["detail"]  # the uploaded file's own name
        actions = [r["action"] for r in query(db, "SELECT action FROM audit_log ORDER BY id")]
        for expected in ("roster.import", "user.bulk_add", "sign_in", "password.change", "user.disable", "sign_in.failed"):
            assert expected in actions
        s901 = [r["action"] for r in query(db, "SELECT action FROM audit_log WHERE subject = 'S901' ORDER BY id")]
        assert s901 == ["sign_in", "password.change", "user.disable", "sign_in.failed"]

        admin.goto(f"{server}/roster")
        expect(admin.get_by_role("heading", name="人员名册")).to_be_visible(timeout=TIMEOUT)
        # 6. the admin edits S902 on 人员名册: its 工号 fills in the current fields; the message is under the button; the expander stays open
        admin.get_by_text("添加或修改人员").click()
        edit = admin.get_by_test_id("stExpander").filter(has_text="添加或修改人员")
        edit.get_by_label("工号", exact=True).fill("S902")
        edit.get_by_label("工号", exact=True).press("Tab")
        expect(edit.get_by_label("姓名", exact=True)).to_have_value("安全员乙", timeout=TIMEOUT)
        expect(edit.get_by_label("班组", exact=True)).to_have_value("二组")
        edit.get_by_label("班组", exact=True).fill("三组")
        edit.get_by_role("button", name="保存", exact=True).click()
        expect(admin.get_by_text("已保存 S902 安全员乙。")).to_be_visible(timeout=TIMEOUT)
        expect(edit.get_by_label("部门", exact=True)).to_have_value("安全科")  # still open, nothing lost
        admin.get_by_text("已保存 S902 安全员乙。").scroll_into_view_if_needed()
        shot(admin, "9-roster-edited")
        assert query(db, "SELECT name, team FROM employees WHERE id = 'S902'") == [{"name": "安全员乙", "team": "三组"}]
    except BaseException:
        shot(admin, "failed-admin")
        shot(staff, "failed-staff")
        raise
    finally:
        admin_ctx.close()
        staff_ctx.close()
