"""The ``mingde`` command line through click's CliRunner: every command, good and bad input."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from tests.conftest import SMALL_QUIZ, at, write_files
from tracker import Tracker
from ui.cli import cli

LESSON = """
id: intro
title: 职业道德入门
min_read_time: 5m
sections:
  - title: 为什么要讲职业道德
    body: 职业道德是从业人员在职业活动中应当遵循的行为准则。
quiz: small
"""
BROKEN = {
    "quizzes/no-title.yaml": """
        id: no-title
        questions:
          - id: q1
            type: single
            prompt: 哪一个？
            options: [甲, 乙]
            answer: C
    """,
    "lessons/typo.yaml": """
        id: typo
        title: 错字
        sectoins:
          - title: 一
            body: 正文
    """,
    "banks/syntax.yaml": "id: syntax\ntitle: [unclosed\n",
}
ROSTER = "工号,姓名,部门,班组\nE001,张三,办公室,综合组\nE002,李四,办公室,财务组\nE003,王五,执法大队,\n"
PROBLEM_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<message>.+)$")


@pytest.fixture(autouse=True)
def no_environment(monkeypatch):
    """Every test passes --db and --content itself."""
    monkeypatch.delenv("MINGDE_DB", raising=False)
    monkeypatch.delenv("MINGDE_CONTENT", raising=False)


def run(args: list[str], input: str | None = None, **kwargs) -> Result:
    """Invoke the CLI; a library error must never escape as a traceback."""
    result = CliRunner().invoke(cli, [str(a) for a in args], input=input, **kwargs)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def content(tmp_path) -> Path:
    return write_files(tmp_path / "content", {"quizzes/small.yaml": SMALL_QUIZ, "lessons/intro.yaml": LESSON})


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "data" / "mingde.db"


@pytest.fixture
def roster_file(tmp_path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


def open_db(path: Path) -> Tracker:
    return Tracker(path)


def count(db: Path, table: str) -> int:
    t = Tracker(db)
    try:
        return t.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        t.close()


# -- validate -----------------------------------------------------------------------------------


def test_validate_a_good_folder(content):
    result = run(["validate", content])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "ok: 2 files: 1 lessons, 0 banks (0 questions), 1 quizzes, 0 live competitions; 0 problems"
    ]


def test_validate_uses_the_content_option(content):
    result = run(["validate", "--content", content])
    assert result.exit_code == 0
    assert result.stdout.startswith("ok:")


def test_validate_a_broken_folder_lists_path_line_message(tmp_path):
    folder = write_files(tmp_path / "broken", BROKEN)
    result = run(["validate", folder])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) >= 3
    for line in lines:
        match = PROBLEM_LINE.match(line)
        assert match, line
        assert Path(match["path"]).is_file()
        assert int(match["line"]) >= 1
    files = {Path(PROBLEM_LINE.match(line)["path"]).name for line in lines}
    assert files == {"no-title.yaml", "typo.yaml", "syntax.yaml"}
    assert any(line.endswith("missing required key 'title'") and ":1:" in line for line in lines)
    assert result.stderr.strip().endswith(f"; {len(lines)} problems")


def test_validate_points_at_the_bad_line(tmp_path):
    folder = write_files(tmp_path / "broken", {"quizzes/no-title.yaml": BROKEN["quizzes/no-title.yaml"]})
    result = run(["validate", folder])
    assert f"{folder / 'quizzes' / 'no-title.yaml'}:7: questions[0].answer: 'C' is not one of the options A–B" in result.stdout


def test_validate_a_missing_folder(tmp_path):
    result = run(["validate", tmp_path / "nope"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"{tmp_path / 'nope'}:1: content folder not found"]


# -- schema -------------------------------------------------------------------------------------


def test_schema_of_one_kind(tmp_path):
    result = run(["schema", "--kind", "quiz"])
    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert body["title"] == "Mingde quiz file"
    assert "questions" in body["properties"]


def test_schema_of_all_kinds(tmp_path):
    body = json.loads(run(["schema"]).stdout)
    assert set(body) == {"lesson", "bank", "quiz", "competition", "assessment", "event", "daily"}
    assert all("title" in s for s in body.values())


def test_schema_out_writes_one_file_per_kind(tmp_path):
    out = tmp_path / "schemas"
    result = run(["schema", "--out", out])
    assert result.exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{k}.schema.json" for k in ("lesson", "bank", "quiz", "competition", "assessment", "event", "daily"))
    assert json.loads((out / "lesson.schema.json").read_text(encoding="utf-8"))["title"] == "Mingde lesson file"
    assert result.stdout.splitlines() == [
        str(out / n)
        for n in (
            "lesson.schema.json",
            "bank.schema.json",
            "quiz.schema.json",
            "competition.schema.json",
            "assessment.schema.json",
            "event.schema.json",
            "daily.schema.json",
        )
    ]


def test_schema_out_with_a_kind_writes_one_file(tmp_path):
    out = tmp_path / "schemas"
    run(["schema", "--kind", "bank", "--out", out])
    assert [p.name for p in out.iterdir()] == ["bank.schema.json"]


def test_schema_unknown_kind_is_a_usage_error():
    result = run(["schema", "--kind", "poem"])
    assert result.exit_code == 2
    assert "Invalid value for '--kind'" in result.output


# -- roster -------------------------------------------------------------------------------------


def test_roster_import(db, roster_file, monkeypatch):
    monkeypatch.setenv("MINGDE_LANG", "zh")
    result = run(["roster", "import", roster_file, "--db", db])
    assert result.exit_code == 0
    assert result.stdout == f"已从 {roster_file} 导入 3 名职工。\n"
    assert count(db, "employees") == 3
    monkeypatch.setenv("MINGDE_LANG", "en")
    result = run(["roster", "import", roster_file, "--db", db])
    assert result.stdout == f"imported 3 employees from {roster_file}\n"


def test_roster_import_bad_file_reports_rows_and_imports_nothing(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("工号,姓名,部门\nE001,张三,办公室\n,李四,办公室\nE001,王五,办公室\n", encoding="utf-8")
    result = run(["roster", "import", bad, "--db", db])
    assert result.exit_code == 1
    assert f"{bad}:3: empty id" in result.output
    assert f"{bad}:4: 工号 E001 repeats row 2" in result.output
    assert result.output.startswith("Error: ")
    assert count(db, "employees") == 0


def test_roster_import_missing_file(db, tmp_path):
    result = run(["roster", "import", tmp_path / "nope.csv", "--db", db])
    assert result.exit_code == 1
    assert "file not found" in result.output


def test_roster_import_deactivate_missing(db, roster_file, tmp_path):
    run(["roster", "import", roster_file, "--db", db])
    smaller = tmp_path / "smaller.csv"
    smaller.write_text("工号,姓名,部门\nE001,张三,办公室\n", encoding="utf-8")
    assert run(["roster", "import", smaller, "--deactivate-missing", "--db", db]).exit_code == 0
    t = open_db(db)
    try:
        assert [e["id"] for e in t.employees(active_only=True)] == ["E001"]
    finally:
        t.close()


def test_roster_list(db, roster_file):
    run(["roster", "import", roster_file, "--db", db])
    t = open_db(db)
    t.add_employee("E004", "赵六", "办公室", "综合组", active=False)
    t.close()
    result = run(["roster", "list", "--db", db])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "E001\t张三\t办公室\t综合组\t",
        "E004\t赵六\t办公室\t综合组\tinactive",
        "E002\t李四\t办公室\t财务组\t",
        "E003\t王五\t执法大队\t\t",
    ]


def test_roster_list_of_an_empty_database(db):
    result = run(["roster", "list", "--db", db])
    assert (result.exit_code, result.stdout) == (0, "")


def test_db_option_before_the_command(db, roster_file):
    run(["--db", db, "roster", "import", roster_file])
    assert run(["--db", db, "roster", "list"]).stdout.count("\n") == 3


def test_db_from_the_environment(db, roster_file):
    run(["roster", "import", roster_file], env={"MINGDE_DB": str(db)})
    assert count(db, "employees") == 3


# -- users --------------------------------------------------------------------------------------


def test_user_add_with_password_stdin(db):
    result = run(["user", "add", "boss", "--role", "admin", "--password-stdin", "--db", db], input="secretpass\n")
    assert result.exit_code == 0
    assert result.stdout == "added admin boss\n"
    t = open_db(db)
    try:
        assert t.authenticate("boss", "secretpass") is not None
        assert [r["action"] for r in t.db.query("SELECT action FROM audit_log")] == ["user.add"]
    finally:
        t.close()


def test_user_add_prompts_for_the_password_twice(db):
    result = run(["user", "add", "boss", "--role", "leader", "--db", db], input="secretpass\nsecretpass\n")
    assert result.exit_code == 0
    assert "secretpass" not in result.output
    t = open_db(db)
    try:
        assert t.authenticate("boss", "secretpass").role == "leader"
    finally:
        t.close()


def test_user_add_employee_account(db, roster_file):
    run(["roster", "import", roster_file, "--db", db])
    result = run(
        ["user", "add", "zhangsan", "--role", "employee", "--employee", "E001", "--password-stdin", "--db", db],
        input="secretpass\n",
    )
    assert result.exit_code == 0
    assert "zhangsan\temployee\tE001" in run(["user", "list", "--db", db]).stdout


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--role", "admin"], "short\n", "Error: user boss: the password needs at least 8 characters\n"),
        (["--role", "employee"], "secretpass\n", "Error: user boss: an employee account needs --employee (工号)\n"),
        (["--role", "employee", "--employee", "E404"], "secretpass\n", "Error: employee E404 not found\n"),
    ],
)
def test_user_add_refused_with_a_clean_message(db, args, password, message):
    result = run(["user", "add", "boss", *args, "--password-stdin", "--db", db], input=password)
    assert result.exit_code == 1
    assert result.output == message
    assert count(db, "accounts") == 0


def test_user_add_bad_role_is_a_usage_error(db):
    result = run(["user", "add", "boss", "--role", "king", "--password-stdin", "--db", db], input="secretpass\n")
    assert result.exit_code == 2  # click's exit code for a bad option value
    assert result.output.splitlines()[-1].startswith("Error: Invalid value for '--role': 'king' is not one of")
    assert not db.exists() or count(db, "accounts") == 0


def test_user_add_twice_is_refused(db):
    run(["user", "add", "boss", "--role", "admin", "--password-stdin", "--db", db], input="secretpass\n")
    result = run(["user", "add", "boss", "--role", "admin", "--password-stdin", "--db", db], input="secretpass\n")
    assert (result.exit_code, result.output) == (1, "Error: user boss already exists\n")


def test_user_list_never_prints_the_hash(db):
    for name, role in (("boss", "admin"), ("amy", "leader")):
        run(["user", "add", name, "--role", role, "--password-stdin", "--db", db], input="secretpass\n")
    result = run(["user", "list", "--db", db])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["boss\tadmin", "amy\tleader"]
    assert "scrypt" not in result.output
    assert "secretpass" not in result.output


def test_user_passwd(db):
    run(["user", "add", "boss", "--role", "admin", "--password-stdin", "--db", db], input="secretpass\n")
    result = run(["user", "passwd", "boss", "--password-stdin", "--db", db], input="another-pass\n")
    assert (result.exit_code, result.stdout) == (0, "password changed for boss\n")
    t = open_db(db)
    try:
        assert t.authenticate("boss", "secretpass") is None
        assert t.authenticate("boss", "another-pass") is not None
    finally:
        t.close()


@pytest.mark.parametrize(
    ("user", "password", "message"),
    [
        ("boss", "short\n", "Error: user boss: the password needs at least 8 characters\n"),
        ("nobody", "another-pass\n", "Error: user nobody not found\n"),
    ],
)
def test_user_passwd_refused(db, user, password, message):
    run(["user", "add", "boss", "--role", "admin", "--password-stdin", "--db", db], input="secretpass\n")
    result = run(["user", "passwd", user, "--password-stdin", "--db", db], input=password)
    assert (result.exit_code, result.output) == (1, message)


# -- report participation -----------------------------------------------------------------------


@pytest.fixture
def report_db(db, content):
    """Three employees in two departments; one took the small quiz in March 2026."""
    from quizzes import load_catalog

    quiz = load_catalog(content).quizzes["small"]
    t = open_db(db)
    try:
        t.add_employee("E001", "张三", "办公室", "综合组")
        t.add_employee("E002", "李四", "办公室", "财务组")
        t.add_employee("E003", "王五", "执法大队")
        attempt_id = t.start_attempt("E001", quiz, now=at("2026-03-10T02:00"))
        t.submit_attempt(attempt_id, {"s1": "A"}, now=at("2026-03-10T02:10"))
    finally:
        t.close()
    return db


PERIOD = ["--from", "2026-03-01", "--to", "2026-03-31"]


def test_report_participation_table(report_db):
    """The same columns and Chinese headers as the 参与情况 page and its Excel file."""
    result = run(["report", "participation", *PERIOD, "--db", report_db])
    assert result.exit_code == 0
    lines = [line.split() for line in result.stdout.splitlines()]
    assert [line[:4] for line in lines] == [
        ["部门", "在岗人数", "参与人数", "参与率"],
        ["办公室", "2", "1", "50.0%"],
        ["执法大队", "1", "0", "0.0%"],
        ["合计", "3", "1", "33.3%"],
    ]
    assert lines[0][4:10] == ["答题次数", "平均得分率（%）", "及格率", "完成课程数", "课程完成率", "低于目标"]
    assert lines[0][10:] == [
        "参加活动人数",
        "参加培训班人数",
        "参加专题讲座人数",
        "参加交流会人数",
        "参与任一学习活动人数",
        "学习活动参与率",
        "人均学时",
    ]


def test_report_participation_csv_to_stdout(report_db):
    result = run(["report", "participation", *PERIOD, "--format", "csv", "--db", report_db])
    assert [line.split(",")[:4] for line in result.stdout.splitlines()] == [
        ["部门", "在岗人数", "参与人数", "参与率"],
        ["办公室", "2", "1", "0.5"],
        ["执法大队", "1", "0", "0.0"],
        ["合计", "3", "1", "0.3333"],
    ]


def test_report_participation_csv_file_has_a_bom(report_db, tmp_path):
    out = tmp_path / "report.csv"
    result = run(["report", "participation", *PERIOD, "--format", "csv", "-o", out, "--db", report_db])
    assert result.exit_code == 0
    assert result.stdout == ""
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[-1].split(",")[:4] == ["合计", "3", "1", "0.3333"]


def test_report_participation_by_team(report_db):
    result = run(["report", "participation", *PERIOD, "--by", "team", "--format", "csv", "--db", report_db])
    assert [line.split(",")[:5] for line in result.stdout.splitlines()] == [
        ["部门", "班组", "在岗人数", "参与人数", "参与率"],
        ["办公室", "综合组", "1", "1", "1.0"],
        ["办公室", "财务组", "1", "0", "0.0"],
        ["执法大队", "", "1", "0", "0.0"],
        ["合计", "", "3", "1", "0.3333"],
    ]


def test_report_participation_quiz_filter(report_db):
    result = run(["report", "participation", *PERIOD, "--quiz", "other", "--format", "csv", "--db", report_db])
    assert result.stdout.splitlines()[-1].split(",")[:4] == ["合计", "3", "0", "0.0"]


def test_report_participation_xlsx(report_db, tmp_path):
    """The workbook of the page's Excel download: the report, who has not taken part, and 说明."""
    out = tmp_path / "report.xlsx"
    result = run(["report", "participation", *PERIOD, "--format", "xlsx", "-o", out, "--db", report_db])
    assert result.exit_code == 0
    assert f"已写入 {out}" in result.stderr
    wb = openpyxl.load_workbook(out)
    try:
        assert wb.sheetnames == ["参与情况", "活动出勤", "未参与人员", "说明"]
        rows = list(wb["参与情况"].iter_rows(values_only=True))
        missing = list(wb["未参与人员"].iter_rows(values_only=True))
        filters = dict(list(wb["说明"].iter_rows(values_only=True))[1:])
    finally:
        wb.close()
    assert rows[0][:4] == ("部门", "在岗人数", "参与人数", "参与率")
    assert rows[-1][:4] == ("合计", 3, 1, 0.3333)
    assert rows[1][:4] == ("办公室", 2, 1, 0.5)
    assert [r[:3] for r in missing] == [("部门", "班组", "工号"), ("办公室", "财务组", "E002"), ("执法大队", None, "E003")]
    assert filters == {
        "统计周期": "2026-03-01..2026-03-31",
        "起": "2026-03-01",
        "止": "2026-03-31",
        "测验": "全部",
        "课程": "全部",
        "统计口径": "按部门",
    }


def test_report_participation_by_period(report_db):
    by_period = run(["report", "participation", "--period", "2026-03", "--format", "csv", "--db", report_db])
    by_dates = run(["report", "participation", *PERIOD, "--format", "csv", "--db", report_db])
    assert by_period.exit_code == 0 and by_period.stdout == by_dates.stdout


def test_report_participation_xlsx_needs_an_output_file(report_db):
    result = run(["report", "participation", *PERIOD, "--format", "xlsx", "--db", report_db])
    assert result.exit_code == 2
    assert "--format xlsx 需要 -o 文件名" in result.output


@pytest.mark.parametrize("bad", ["2026-13-01", "March", "2026/03/01"])
def test_report_participation_bad_date(report_db, bad):
    result = run(["report", "participation", "--from", bad, "--db", report_db])
    assert result.exit_code == 2
    assert "dates are YYYY-MM-DD" in result.output


# -- demo ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """``mingde demo`` once on an empty database with a small content folder of our own."""
    root = tmp_path_factory.mktemp("demo")
    content = write_files(root / "content", {"quizzes/small.yaml": SMALL_QUIZ, "lessons/intro.yaml": LESSON})
    db = root / "demo.db"
    result = CliRunner().invoke(cli, ["demo", "--db", str(db), "--content", str(content)])
    return result, db


def test_demo_seeds_an_empty_database(demo_run):
    result, db = demo_run
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("seeded 80 employees, ")
    assert "demo accounts (username / password / role):" in result.stdout
    assert count(db, "employees") == 80


def test_demo_accounts_can_sign_in(demo_run):
    _, db = demo_run
    t = open_db(db)
    try:
        for username, role in (("admin", "admin"), ("organizer", "organizer"), ("leader", "leader"), ("employee", "employee")):
            account = t.authenticate(username, "mingde-demo")
            assert account is not None and account.role == role
    finally:
        t.close()


def test_demo_history_is_complete_and_in_the_past(demo_run):
    result, db = demo_run
    attempts = int(re.search(r"(\d+) attempts", result.stdout)[1])
    assert attempts > 0
    assert count(db, "attempts") == attempts
    assert count(db, "answers") == attempts * 5
    t = Tracker(db)
    try:
        assert t.db.execute("SELECT COUNT(*) FROM attempts WHERE submitted_at IS NULL").fetchone()[0] == 0
        assert t.db.execute("SELECT COUNT(*) FROM lesson_progress WHERE completed_at IS NOT NULL").fetchone()[0] > 0
    finally:
        t.close()


def test_demo_if_empty_on_a_database_with_data(db, content):
    t = open_db(db)
    t.add_employee("E001", "张三", "办公室")
    t.close()
    result = run(["demo", "--if-empty", "--db", db, "--content", content])
    assert result.exit_code == 0
    assert result.stdout == f"{db} already has data; demo not seeded\n"
    assert count(db, "employees") == 1


def test_demo_without_if_empty_on_a_database_with_data(db, content):
    t = open_db(db)
    t.add_employee("E001", "张三", "办公室")
    t.close()
    result = run(["demo", "--db", db, "--content", content])
    assert result.exit_code == 1
    assert "already has employees" in result.output
    assert count(db, "employees") == 1


def test_demo_without_quizzes(db, tmp_path):
    empty = write_files(tmp_path / "empty", {"lessons/intro.yaml": LESSON.replace("quiz: small\n", "")})
    result = run(["demo", "--db", db, "--content", empty])
    assert result.exit_code == 1
    assert "no quizzes" in result.output
    assert count(db, "employees") == 0


# -- backup -------------------------------------------------------------------------------------


@pytest.mark.sqlite_only  # SQLite's backup API (pg_dump: issue 20, the multi-node part)
def test_backup(db, roster_file, tmp_path):
    run(["roster", "import", roster_file, "--db", db])
    dest = tmp_path / "backups" / "copy.db"
    result = run(["backup", dest, "--db", db])
    assert (result.exit_code, result.stdout) == (0, f"已备份到 {dest}\n")  # the CLI speaks MINGDE_LANG (zh)
    copy = sqlite3.connect(dest)
    try:
        assert copy.execute("SELECT id, name FROM employees ORDER BY id").fetchall() == [
            ("E001", "张三"),
            ("E002", "李四"),
            ("E003", "王五"),
        ]
    finally:
        copy.close()


def test_backup_to_a_folder_is_a_usage_error(db, tmp_path):
    result = run(["backup", tmp_path, "--db", db])
    assert result.exit_code == 2


def test_help_lists_every_command():
    result = run(["--help"])
    for command in ("validate", "schema", "roster", "user", "report", "demo", "backup"):
        assert command in result.stdout
