"""``mingde report assessment`` and ``mingde report items`` through click's CliRunner."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from click.testing import CliRunner

from tests.conftest import SMALL_QUIZ, at, write_files
from tests.test_reports import build_bureau, make_catalog
from tracker import Account, Tracker
from tracker import reports as r
from ui.cli import cli


def run(args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def env(tmp_path):
    content = tmp_path / "content"
    make_catalog(content)
    write_files(content, {"quizzes/small.yaml": SMALL_QUIZ})
    db = tmp_path / "mingde.db"
    t = Tracker(db)
    try:
        build_bureau(t)
        from quizzes import load_catalog

        small = load_catalog(content).quizzes["small"]
        for i, (emp, s1) in enumerate([("A1", "A"), ("A2", "B"), ("A3", "A")]):
            start = at("2026-03-10T02:00") + dt.timedelta(hours=i)
            attempt_id = t.start_attempt(emp, small, now=start)
            t.submit_attempt(attempt_id, {"s1": s1, "t1": True}, now=start + dt.timedelta(minutes=5))
    finally:
        t.close()
    return ["--db", db, "--content", content]


def test_assessment_table_by_department(env):
    result = run(["report", "assessment", "--period", "2026Q2", "--by", "department", *env])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()  # the notes (period, lock) go to stderr
    assert lines[0].split()[:3] == ["部门", "在岗人数", "学习得分"]  # the same headers as the page
    assert lines[-1].split()[0] == "合计"


def test_assessment_csv_to_stdout_and_file(env, tmp_path):
    result = run(["report", "assessment", "--period", "2026Q1", "--format", "csv", *env])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("工号,姓名,部门,班组,在岗")
    a1 = next(line for line in lines if line.startswith("A1,"))
    # five quizzes open in Q1 now (small too: 3 of 8 points = 37.5): (80+60+40+60+37.5)/5 = 55.5
    # then attendance (no event: empty, weight 0) and 学时 (6.5 of the 9.86 due in Q1, weight 0), the
    # indicator, and the 德 columns after it
    assert ",55.5,0.5,2,2,80.0,0.3,0,0,,,0.0,6.5,9.86,65.92,0.0,71.75," in a1
    out = tmp_path / "a.csv"
    result = run(["report", "assessment", "--period", "2026Q1", "--format", "csv", "-o", out, *env])
    assert result.exit_code == 0 and out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_assessment_xlsx_with_meta(env, tmp_path):
    out = tmp_path / "a.xlsx"
    result = run(["report", "assessment", "--period", "2026-03", "--format", "xlsx", "-o", out, *env])
    assert result.exit_code == 0, result.output
    assert f"已写入 {out}" in result.stderr
    wb = openpyxl.load_workbook(out)
    try:
        assert wb.sheetnames == ["考核指标", "说明"]
        ws = wb["考核指标"]
        assert ws["A1"].value == "工号" and ws.freeze_panes == "A2"
        meta = dict(list(wb["说明"].iter_rows(values_only=True))[1:])
        assert meta["考核周期"] == "2026-03" and meta["起"] == "2026-03-01" and meta["止"] == "2026-03-31"
        assert meta["归档"] == "未归档（实时计算）"
    finally:
        wb.close()


def test_assessment_of_a_locked_period_says_so(env, tmp_path):
    t = Tracker(env[1])
    try:
        from quizzes import load_catalog

        catalog = load_catalog(env[3])
        leader = Account("boss", "leader")
        r.lock_period(t, leader, "2026Q1", r.assessment_indicators(t, leader, "2026Q1", catalog))
    finally:
        t.close()
    out = tmp_path / "a.xlsx"
    assert run(["report", "assessment", "--period", "2026Q1", "--format", "xlsx", "-o", out, *env]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    try:
        assert dict(list(wb["说明"].iter_rows(values_only=True))[1:])["归档"].startswith("boss ")
    finally:
        wb.close()


@pytest.mark.parametrize("bad", ["2026Q5", "26-1", "next"])
def test_assessment_bad_period(env, bad):
    result = run(["report", "assessment", "--period", bad, *env])
    assert result.exit_code == 2 and "--period" in result.output


def test_assessment_xlsx_needs_an_output_file(env):
    result = run(["report", "assessment", "--period", "2026Q1", "--format", "xlsx", *env])
    assert result.exit_code == 2 and "--format xlsx 需要 -o 文件名" in result.output


def test_items_table_csv_and_xlsx(env, tmp_path):
    result = run(["report", "items", "--quiz", "small", *env])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split()[:3] == ["题目", "题型", "答案"]
    assert "27%" in result.output
    result = run(["report", "items", "--quiz", "small", "--format", "csv", *env])
    lines = result.output.splitlines()
    assert lines[0].startswith("题目,题型,题干,答案,作答人次")
    s1 = next(line for line in lines if line.startswith("s1,"))
    assert ",3,3,0.6667," in s1  # presented, answered, facility 2/3
    out = tmp_path / "i.xlsx"
    assert run(["report", "items", "--quiz", "small", "--format", "xlsx", "-o", out, *env]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    try:
        meta = dict(list(wb["说明"].iter_rows(values_only=True))[1:])
        assert meta["答卷数"] == 3 and "27%" in meta["区分度方法"] and meta["测验"] == "小测验"
        assert wb["试题分析"]["G2"].number_format == "0.0%"  # 难度(通过率)
    finally:
        wb.close()


def test_items_needs_a_quiz_or_a_bank(env):
    result = run(["report", "items", *env])
    assert result.exit_code == 2 and "--quiz" in result.output


def test_commands_are_listed():
    result = run(["report", "--help"])
    assert "assessment" in result.output and "items" in result.output and "participation" in result.output
