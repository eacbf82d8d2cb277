"""A leader downloads, from a real browser at phone and PC sizes, the participation workbook (its 活动出勤
sheet), the assessment workbook (attendance and 学时 beside the indicator) and a 班组's 学习型班组 pack,
and each file's cells are checked against the database."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import ROOT
from tests.dbcopy import copy_database, query
from tests.e2e.conftest import SCREENSHOTS, sign_in
from ui.serve import free_port, start_server, stop, wait_healthy

TIMEOUT = 30_000
DEPT, TEAM = "农村经营管理站", "农经组"
FILES: dict[str, Path] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_db):
    """A server of this module's own on the demo data: the counts below are exact, and another module's
    lecture (the events journey publishes one for everyone) must not change them."""
    base = tmp_path_factory.mktemp("reports-training")
    FILES["db"], FILES["content"] = base / "mingde.db", base / "content"
    copy_database(demo_db, FILES["db"])
    shutil.copytree(ROOT / "content", FILES["content"])
    env = {**os.environ, "MINGDE_DB": str(FILES["db"]), "MINGDE_CONTENT": str(FILES["content"]), "MINGDE_LANG": "zh"}
    port = free_port()
    log = open(base / "streamlit.log", "w")  # noqa: SIM115 (open for the server's life)
    proc = start_server(port, env, log=log)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, proc)
    yield url
    stop(proc)
    log.close()


def record_attendance() -> None:
    """The lecture of 2026-12-10 (this quarter): 农经组's first four 出席, the fifth 迟到, closed (the
    rest of the audience 缺席); the training class's day 1: two of 农经组 signed up, one 出席, closed."""
    from quizzes import load_catalog
    from tracker import Tracker

    catalog = load_catalog(FILES["content"])
    tracker = Tracker(FILES["db"])
    try:
        team = [e["id"] for e in tracker.employees(active_only=True) if e["department"] == DEPT and e["team"] == TEAM]
        lecture, training = catalog.events["integrity-lecture-2026"], catalog.events["ethics-training-2026"]
        starts = lecture.sessions[0].starts
        if tracker.session_state(lecture.id, "s1") is None:
            for emp in team[:4]:
                tracker.mark(lecture, "s1", emp, "present", "e2e", now=starts)
            tracker.mark(lecture, "s1", team[4], "late", "e2e", now=starts)
            tracker.close_checkin(lecture, "s1", "e2e", now=lecture.sessions[0].ends)
        if tracker.session_state(training.id, "day1") is None:
            for emp in team[:2]:
                tracker.sign_up(training, emp, now=starts)
            tracker.mark(training, "day1", team[0], "present", "e2e", now=training.sessions[0].starts)
            tracker.close_checkin(training, "day1", "e2e", now=training.sessions[0].ends)
    finally:
        tracker.close()


def db_rows(sql: str, params: tuple = ()) -> list[tuple]:
    return query(FILES["db"], sql, params)


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"reports-training-{name}-{page.viewport_name}.png"), full_page=True)


def download(page: Page, button: str, tmp_path) -> openpyxl.Workbook:
    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("button", name=button).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return openpyxl.load_workbook(path)


def sheet_rows(wb, name: str) -> list[dict]:
    rows = list(wb[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_leader_downloads_the_training_reports_and_the_team_pack(server, page, tmp_path):
    record_attendance()
    team = {
        r[0]: r[1]
        for r in db_rows("SELECT id, name FROM employees WHERE active = 1 AND department = ? AND team = ?", (DEPT, TEAM))
    }
    lecture = dict(
        db_rows(
            "SELECT a.status, COUNT(*) FROM attendance a JOIN employees e ON e.id = a.employee_id AND e.active = 1 "
            "WHERE a.event_id = 'integrity-lecture-2026' AND e.department = ? GROUP BY a.status",
            (DEPT,),
        )
    )
    sign_in(page, server, "leader")

    # 参与情况: the 活动出勤 sheet against the attendance table
    page.goto(f"{server}/participation")
    expect(page.get_by_role("heading", name="活动出勤（培训班、专题讲座、交流会）")).to_be_visible(timeout=TIMEOUT)
    shot(page, "participation")
    page.get_by_role("heading", name="活动出勤（培训班、专题讲座、交流会）").scroll_into_view_if_needed()
    shot(page, "participation-events")
    wb = download(page, "下载 Excel", tmp_path)
    assert wb.sheetnames == ["参与情况", "活动出勤", "未参与人员", "说明"]
    rows = {(r["部门"], r["类型"]): r for r in sheet_rows(wb, "活动出勤")}
    mine = rows[(DEPT, "专题讲座")]
    assert (mine["场次"], mine["出席"], mine["迟到"], mine["缺席"]) == (1, lecture["present"], lecture["late"], lecture["absent"])
    assert mine["应到人次"] == sum(lecture.values()) and mine["实到人次"] == lecture["present"] + lecture["late"]
    assert rows[(DEPT, "培训班")]["应到人次"] == 2 and rows[(DEPT, "培训班")]["出席"] == 1
    main = {r["部门"]: r for r in sheet_rows(wb, "参与情况")}
    assert main[DEPT]["参加专题讲座人数"] == 5 and main[DEPT]["参加培训班人数"] == 1
    assert wb["活动出勤"]["A1"].value == "部门" and wb["活动出勤"]["K1"].value == "出勤率"

    # 考核指标: attendance and 学时 beside the indicator
    page.goto(f"{server}/assessment")
    expect(page.get_by_role("heading", name="考核指标", exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("活动出勤得分 15%").first).to_be_visible(timeout=TIMEOUT)
    shot(page, "assessment")
    page.get_by_text("出勤得分 = 出勤率").scroll_into_view_if_needed()
    shot(page, "assessment-how")
    wb = download(page, "下载 Excel", tmp_path)
    people = {r["工号"]: r for r in sheet_rows(wb, "考核指标")}
    first, fifth = sorted(team)[0], sorted(team)[4]
    assert (people[first]["应出勤场次"], people[first]["出勤场次"], people[first]["出勤率"]) == (2, 2, 1)
    assert people[fifth]["出勤率"] == 0.5  # 迟到 counts 0.5 in the starter assessment.yaml
    assert people[first]["学时"] >= 6  # the lecture's 2 and day 1's 4, besides what the demo has
    assert people[first]["出勤权重"] > 0 and people[first]["学时权重"] > 0

    # 学习型班组: pick the team, check the page and the pack
    page.goto(f"{server}/team_pack")
    expect(page.get_by_role("heading", name="学习型班组创建材料")).to_be_visible(timeout=TIMEOUT)
    box = page.get_by_label("班组", exact=True).first
    box.click()
    page.get_by_role("option", name=f"{DEPT} · {TEAM}").first.click()
    expect(page.get_by_text(f"{TEAM}（{DEPT}）").first).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("button", name="下载材料包（Excel）")).to_be_visible(timeout=TIMEOUT)
    shot(page, "team-pack")
    page.get_by_role("heading", name="参加的活动").scroll_into_view_if_needed()
    shot(page, "team-pack-activities")
    wb = download(page, "下载材料包（Excel）", tmp_path)
    assert wb.sheetnames == ["概况", "成员", "活动", "出勤明细", "学时明细", "测验成绩", "竞赛成绩", "考核指标", "说明"]
    members = sheet_rows(wb, "成员")
    assert {r["工号"]: r["姓名"] for r in members} == team
    assert {r["工号"]: r["学时"] for r in members} == {r["工号"]: r["学时"] for r in people.values() if r["工号"] in team}
    activities = sheet_rows(wb, "活动")
    assert [(a["日期"], a["类型"], a["应到人次"], a["出席"], a["迟到"]) for a in activities] == [
        ("2026-12-10", "专题讲座", len(team), 4, 1),
        ("2026-12-15", "培训班", 2, 1, 0),
    ]
    detail = sheet_rows(wb, "出勤明细")
    stored = db_rows(
        "SELECT a.employee_id, a.status FROM attendance a JOIN employees e ON e.id = a.employee_id "
        "WHERE e.department = ? AND e.team = ? AND e.active = 1",
        (DEPT, TEAM),
    )
    names = {"present": "出席", "late": "迟到", "absent": "缺席", "leave": "请假"}
    assert sorted((r["工号"], r["出勤情况"]) for r in detail) == sorted((e, names[s]) for e, s in stored)
    summary = {r["项目"]: r["内容"] for r in sheet_rows(wb, "概况")}
    assert summary["班组"] == TEAM and summary["在岗人数"] == len(team) and summary["参加的活动场次"] == 2


def test_employee_sees_attendance_and_hours_beside_the_indicator(server, page):
    sign_in(page, server, "employee")
    page.goto(f"{server}/results")
    expect(page.get_by_text("本期学时", exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("活动出勤得分", exact=True)).to_be_visible(timeout=TIMEOUT)
    page.get_by_text("本期学时", exact=True).scroll_into_view_if_needed()
    shot(page, "my-results")
