"""Reports on training (issue 17): participation counts events by kind against who was expected, the
assessment indicator gains attendance and 学时 with their weights, and locks keep working — all
against figures computed by hand from the store's own records (mark, close, open)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from quizzes import load_catalog
from quizzes.model import AttendanceRule
from tests.conftest import write_files
from tracker import AccessDenied, Account
from tracker import reports as r
from tracker.reports.assessment import attendance_rate, hours_score, required_hours

LEADER = Account("boss", "leader")
ORGANIZER = Account("org", "organizer")

EVENTS = {
    # a training class of two sessions (4 学时 each), for everyone
    "events/tr.yaml": """
id: tr
title: 职业道德培训班
kind: training
organizer: 局办公室
audience: everyone
credit_hours: 8
sessions:
  - {date: 2026-02-10, start: "09:00", end: "12:00", place: 三楼会议室}
  - {date: 2026-02-11, start: "09:00", end: "12:00", place: 三楼会议室}
""",
    "events/lec.yaml": """
id: lec
title: 廉洁专题讲座
kind: lecture
organizer: 局办公室
audience: {departments: [D1]}
credit_hours: 2
sessions:
  - {date: 2026-03-05, start: "14:30", end: "16:30", place: 报告厅}
""",
    "events/ex.yaml": """
id: ex
title: 班组经验交流会
kind: exchange
organizer: 局工会
audience: {teams: [T1]}
credit_hours: 1
sessions:
  - {date: 2026-03-20, start: "15:00", end: "16:00", place: 活动室}
""",
    "events/later.yaml": """
id: later
title: 二季度讲座
kind: lecture
organizer: 局办公室
audience: everyone
credit_hours: 2
sessions:
  - {date: 2026-05-06, start: "09:00", end: "11:00", place: 报告厅}
""",
    "assessment.yaml": """
period: quarter
participation_target: 0.9
weights: {lessons: 0.2, quizzes: 0.3, competitions: 0.1, attendance: 0.2, hours: 0.2}
hours:
  required: 36.5
attendance: {late: 0.5, leave: excused}
""",
}


def shanghai(day: str, clock: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}+08:00")


@pytest.fixture
def catalog(tmp_path):
    catalog = load_catalog(write_files(tmp_path / "content", EVENTS))
    assert catalog.ok, catalog.errors
    return catalog


def build(tracker, catalog):
    """A1, A2 (D1, T1), A3 (D2) active, X (D1, T1) left. Q1 2026:
    tr s1: A1 出席, A2 迟到, A3 缺席 (closed) · tr s2: A1 出席, A2 请假, A3 出席 (closed) ·
    lec: A1 迟到, A2 缺席 (closed) · ex: open, A1 出席, A2 not recorded yet · later (Q2): nothing."""
    tracker.add_employee("A1", "甲一", "D1", "T1")
    tracker.add_employee("A2", "甲二", "D1", "T1")
    tracker.add_employee("A3", "乙三", "D2")
    tracker.add_employee("X", "离职", "D1", "T1", active=False)
    tr, lec, ex = catalog.events["tr"], catalog.events["lec"], catalog.events["ex"]
    s1, s2 = tr.sessions[0].starts, tr.sessions[1].starts
    tracker.mark(tr, "s1", "A1", "present", "org", now=s1)
    tracker.mark(tr, "s1", "A2", "late", "org", now=s1)
    tracker.close_checkin(tr, "s1", "org", now=s1 + dt.timedelta(hours=3))
    tracker.mark(tr, "s2", "A1", "present", "org", now=s2)
    tracker.mark(tr, "s2", "A2", "leave", "org", reason="下乡检查", now=s2)
    tracker.mark(tr, "s2", "A3", "present", "org", now=s2)
    tracker.close_checkin(tr, "s2", "org", now=s2 + dt.timedelta(hours=3))
    tracker.mark(lec, "s1", "A1", "late", "org", now=lec.sessions[0].starts)
    tracker.close_checkin(lec, "s1", "org", now=lec.sessions[0].ends)
    tracker.open_checkin(ex, "s1", "org", now=ex.sessions[0].starts)
    tracker.mark(ex, "s1", "A1", "present", "org", now=ex.sessions[0].starts)
    return tracker


@pytest.fixture
def bureau(tracker, catalog):
    return build(tracker, catalog)


def rows(df) -> list[tuple]:
    return [tuple(None if isinstance(v, float) and math.isnan(v) else v for v in row) for row in df.itertuples(index=False)]


# -- rules as tables --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("statuses", "rule", "expected"),
    [
        (["present", "present"], AttendanceRule(), (2, 2, 1.0)),
        (["present", "late", "absent", "absent"], AttendanceRule(), (4, 2, 0.5)),
        (["present", "late", "absent", "absent"], AttendanceRule(late=0.5), (4, 2, 0.375)),
        (["late"], AttendanceRule(late=0), (1, 1, 0.0)),
        (["present", "leave"], AttendanceRule(), (1, 1, 1.0)),  # 请假 excused: left out
        (["present", "leave"], AttendanceRule(leave="absent"), (2, 1, 0.5)),
        (["leave"], AttendanceRule(), (0, 0, None)),  # nothing counts: the part is left out
        (["present", None], AttendanceRule(), (1, 1, 1.0)),  # a session still open is left out
        ([], AttendanceRule(), (0, 0, None)),
    ],
)
def test_attendance_rate(statuses, rule, expected):
    assert attendance_rate(statuses, rule) == expected


@pytest.mark.parametrize(
    ("period", "required", "due"),
    [
        ("2026Q1", 36.5, 9.0),  # 90 of 365 days
        ("2026", 36.5, 36.5),
        ("2026-02", 36.5, 2.8),
        ("2025-12-01..2026-01-31", 36.5, 6.2),  # 31 days of each year
        ("2024", 36.6, 36.6),  # a leap year: 366 of 366
        ("2026Q1", 0, 0.0),
    ],
)
def test_required_hours_are_shared_by_days(period, required, due):
    assert required_hours(required, r.parse_period(period)) == due


@pytest.mark.parametrize(("hours", "required", "score"), [(4, 9, 44.44), (9, 9, 100.0), (11, 9, 100.0), (0, 9, 0.0), (5, 0, 0.0)])
def test_hours_score(hours, required, score):
    assert hours_score(hours, required) == score


# -- participation ----------------------------------------------------------------------------------
def test_participation_counts_people_at_events_by_kind(bureau, catalog):
    df = r.participation_report(bureau, LEADER, "2026Q1", catalog=catalog)
    extra = ["department", *r.participation.EXTRA_COLUMNS, "any_participation_rate"]
    assert rows(df[extra]) == [
        # D1: A1 and A2 at the training class (A2 late), A1 at the lecture and the exchange meeting
        ("D1", 2, 2, 1, 1, 2, 1.0),
        # D2: A3 at the training class's second session; no quiz, no lesson: an event counts as taking part
        ("D2", 1, 1, 0, 0, 1, 1.0),
        ("合计", 3, 3, 1, 1, 3, 1.0),
    ]
    assert rows(df[["department", "participants"]]) == [("D1", 0), ("D2", 0), ("合计", 0)]  # quizzes as before
    # 学时 of the quarter per head: D1 (11 + 4) / 2, D2 4, all 19 / 3
    assert list(df["hours_per_head"]) == [7.5, 4.0, 6.33]
    by_team = r.participation_report(bureau, ORGANIZER, "2026Q1", by="team", catalog=catalog)
    assert rows(by_team[["department", "team", "event_attendees", "exchange_attendees"]]) == [
        ("D1", "T1", 2, 1),
        ("D2", "", 1, 0),
        ("合计", "", 3, 1),
    ]
    q2 = r.participation_report(bureau, LEADER, "2026Q2", catalog=catalog)  # 'later' was never held
    assert list(q2["event_attendees"]) == [0, 0, 0]


def test_event_attendance_against_the_expected(bureau, catalog):
    df = r.event_attendance(bureau, LEADER, "2026Q1", catalog=catalog)
    assert list(df.columns) == ["department", *r.participation.ATTENDANCE_COLUMNS]
    assert rows(df) == [
        # department, kind, sessions, expected, present, late, leave, absent, not recorded, attended, rate, attendees
        ("D1", "培训班", 2, 4, 2, 1, 1, 0, 0, 3, 0.75, 2),
        ("D1", "专题讲座", 1, 2, 0, 1, 0, 1, 0, 1, 0.5, 1),
        ("D1", "交流会", 1, 2, 1, 0, 0, 0, 1, 1, 0.5, 1),  # still open: A2 not recorded yet
        ("D2", "培训班", 2, 2, 1, 0, 0, 1, 0, 1, 0.5, 1),
        ("D2", "专题讲座", 0, 0, 0, 0, 0, 0, 0, 0, None, 0),
        ("D2", "交流会", 0, 0, 0, 0, 0, 0, 0, 0, None, 0),
        ("合计", "培训班", 2, 6, 3, 1, 1, 1, 0, 4, 0.6667, 3),
        ("合计", "专题讲座", 1, 2, 0, 1, 0, 1, 0, 1, 0.5, 1),
        ("合计", "交流会", 1, 2, 1, 0, 0, 0, 1, 1, 0.5, 1),
        ("合计", "全部", 4, 10, 4, 2, 1, 2, 1, 6, 0.6, 3),
    ]
    # the same counts straight from the attendance table (closed sessions) and the open one's audience
    stored = list(bureau.db.query("SELECT status FROM attendance WHERE employee_id != 'X'"))
    assert len(stored) + 1 == 10  # + A2, expected at the open exchange meeting


def test_participation_output_has_the_event_sheet(bureau, catalog):
    out = r.participation_output(bureau, LEADER, "2026Q1", catalog=catalog, by="team")
    assert list(out.tables) == ["参与情况", "活动出勤", "未参与人员"]
    assert list(out.tables["活动出勤"].columns[:3]) == ["department", "team", "kind"]


def test_employees_get_no_event_attendance(bureau, catalog):
    with pytest.raises(AccessDenied):
        r.event_attendance(bureau, Account("a1", "employee", "A1"), "2026Q1", catalog=catalog)


# -- the assessment indicator -----------------------------------------------------------------------
def test_indicator_with_attendance_and_hours(bureau, catalog):
    df = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog)
    assert list(df.columns) == r.EMPLOYEE_COLUMNS
    cols = ["employee_id", "sessions_expected", "sessions_attended", "attendance_rate", "attendance_score"]
    cols += ["attendance_weight", "hours", "hours_required", "hours_score", "hours_weight", "indicator"]
    assert rows(df[cols]) == [
        # A1: 出席, 出席, 迟到 (½), 出席 of 4 → 0.875; 4 + 4 + 2 + 1 学时 of the 9 due → 100
        ("A1", 4, 4, 0.875, 87.5, 0.5, 11.0, 9.0, 100.0, 0.5, 93.75),
        # A2: 迟到 (½) and 缺席 count, 请假 is excused, the open session not yet → 0.25; 4 学时 → 44.44
        ("A2", 2, 1, 0.25, 25.0, 0.5, 4.0, 9.0, 44.44, 0.5, 34.72),
        # X left before any session: no attendance part, 学时 carry the weight
        ("X", 0, 0, None, None, 0.0, 0.0, 9.0, 0.0, 1.0, 0.0),
        ("A3", 2, 1, 0.5, 50.0, 0.5, 4.0, 9.0, 44.44, 0.5, 47.22),
    ]
    # no lessons, quizzes or competitions in this catalogue: those parts are left out (weights 0)
    assert set(df["lesson_weight"]) == set(df["quiz_weight"]) == set(df["competition_weight"]) == {0.0}
    dept = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog, by="department")
    assert list(dept.columns) == r.DEPARTMENT_COLUMNS
    d1 = dept.set_index("department").loc["D1"]
    assert (d1["headcount"], d1["attendance_rate"], d1["attendance_score"], d1["hours"]) == (2, 0.5625, 56.25, 7.5)
    assert d1["hours_score"] == pytest.approx(72.22) and d1["indicator"] == pytest.approx(64.235, abs=0.006)
    mine = r.my_indicator(bureau, Account("a2", "employee", "A2"), "2026Q1", catalog)
    assert rows(mine[cols]) == [("A2", 2, 1, 0.25, 25.0, 0.5, 4.0, 9.0, 44.44, 0.5, 34.72)]


def test_indicator_follows_the_rules_of_assessment_yaml(bureau, catalog):
    catalog.assessment.attendance = AttendanceRule(late=1.0, leave="absent")
    a2 = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog).set_index("employee_id").loc["A2"]
    assert (a2["sessions_expected"], a2["sessions_attended"], a2["attendance_rate"]) == (3, 1, 0.3333)
    catalog.assessment.weights.attendance, catalog.assessment.weights.hours = 0.0, 0.0
    catalog.assessment.weights.quizzes = 0.7
    a2 = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog).set_index("employee_id").loc["A2"]
    assert (a2["attendance_weight"], a2["hours_weight"], a2["indicator"]) == (0.0, 0.0, 0.0)  # nothing else applies


def test_a_locked_period_keeps_its_attendance_and_hours(bureau, catalog):
    figures = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog)
    r.lock_period(bureau, LEADER, "2026Q1", figures, reason="一季度定稿")
    ex = catalog.events["ex"]
    bureau.mark(ex, "s1", "A2", "present", "org", now=ex.sessions[0].starts)  # A2 after all
    stored = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog).set_index("employee_id")
    assert (stored.loc["A2", "sessions_expected"], stored.loc["A2", "indicator"]) == (2, 34.72)
    assert r.assessment_indicators(bureau, LEADER, "2026Q1", catalog, by="department").iloc[0]["department"] == "D1"
    r.unlock_period(bureau, LEADER, "2026Q1")
    fresh = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog).set_index("employee_id")
    assert (fresh.loc["A2", "sessions_expected"], fresh.loc["A2", "attendance_rate"]) == (3, 0.5)


def test_figures_locked_before_attendance_existed_still_read(bureau, catalog):
    """A period locked by an older version has no attendance or 学时 columns: both views still work."""
    figures = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog)
    new = ["sessions_expected", "sessions_attended", "attendance_rate", "attendance_score", "attendance_weight"]
    old = figures.drop(columns=[*new, "hours", "hours_required", "hours_score", "hours_weight"])
    r.lock_period(bureau, LEADER, "2026Q1", old)
    assert list(r.assessment_indicators(bureau, LEADER, "2026Q1", catalog).columns) == list(old.columns)
    dept = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog, by="department")
    assert "attendance_score" not in dept.columns and list(dept["department"]) == ["D1", "D2", "合计"]


# -- assessment.yaml: weights and the attendance rule, errors at their line ---------------------------
@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "weights: {lessons: 0.3, quizzes: 0.5, competitions: 0.2, attendance: 0.1}\n",
            1,
            "the weights must add up to 1, not 1.1",
        ),
        ("weights: {lessons: 0.3, quizzes: 0.3, competitions: 0.2, hours: 1.2}\n", 1, "less than or equal to 1"),
        ("period: quarter\nattendance:\n  late: 2\n", 3, "less than or equal to 1"),
        ("attendance:\n  leave: sometimes\n", 2, "'excused' or 'absent'"),
        ("attendance:\n  lates: 0.5\n", 2, "late"),
    ],
)
def test_assessment_yaml_errors_name_their_line(tmp_path, text, line, message):
    catalog = load_catalog(write_files(tmp_path / "c", {"assessment.yaml": text}))
    [problem] = catalog.errors
    assert str(problem).startswith(f"{tmp_path / 'c' / 'assessment.yaml'}:{line}: "), str(problem)
    assert message in str(problem)


def test_weights_default_to_no_attendance_and_hours(tmp_path):
    catalog = load_catalog(
        write_files(tmp_path / "c", {"assessment.yaml": "weights: {lessons: 0.3, quizzes: 0.5, competitions: 0.2}\n"})
    )
    assert catalog.ok
    assert catalog.assessment.weights.parts() == {
        "lessons": 0.3,
        "quizzes": 0.5,
        "competitions": 0.2,
        "attendance": 0.0,
        "hours": 0.0,
    }


# -- the 学习型班组 evidence pack -------------------------------------------------------------------
def test_learning_team_pack(bureau, catalog):
    import io

    import openpyxl

    from tests.test_reports import add_attempt, add_run
    from tracker.export import to_xlsx_bytes

    with bureau.write() as db:
        add_attempt(db, "A1", "qz", "2026-02-20T02:00", 80)
        add_attempt(db, "A3", "qz", "2026-02-20T02:00", 90)  # not of the team
        add_run(db, "R1", "2026-03-01T02:00", {"red": (1, ["A1"]), "blue": (2, ["A3"])})
    assert r.learning_teams(bureau, ORGANIZER) == [{"department": "D1", "team": "T1", "headcount": 2}]
    out = r.learning_team_pack(bureau, LEADER, "D1", "T1", "2026Q1", catalog, now=dt.datetime(2026, 4, 2, tzinfo=dt.UTC))
    assert list(out.tables) == ["概况", "成员", "活动", "出勤明细", "学时明细", "测验成绩", "竞赛成绩", "考核指标"]
    members = out.tables["成员"]
    assert rows(members) == [
        # 学时: 11 at events, 0.5 for the quiz passed, 2 for the competition
        ("A1", "甲一", 4, 4, 0.875, 13.5, 9.0, True, 1, 1, 1, members["indicator"][0]),
        ("A2", "甲二", 2, 1, 0.25, 4.0, 9.0, False, 0, 0, 0, members["indicator"][1]),
    ]
    indicators = r.assessment_indicators(bureau, LEADER, "2026Q1", catalog).set_index("employee_id")
    assert list(members["indicator"]) == [indicators.loc["A1", "indicator"], indicators.loc["A2", "indicator"]]
    assert rows(out.tables["活动"]) == [
        ("2026-02-10", "09:00", "培训班", "职业道德培训班", "三楼会议室", 4.0, 2, 1, 1, 0, 0, 0, 1.0),
        ("2026-02-11", "09:00", "培训班", "职业道德培训班", "三楼会议室", 4.0, 2, 1, 0, 1, 0, 0, 0.5),
        ("2026-03-05", "14:30", "专题讲座", "廉洁专题讲座", "报告厅", 2.0, 2, 0, 1, 0, 1, 0, 0.5),
        ("2026-03-20", "15:00", "交流会", "班组经验交流会", "活动室", 1.0, 2, 1, 0, 0, 0, 1, 0.5),
    ]
    detail = out.tables["出勤明细"]
    assert [(d, n, s, h) for d, _, _, _, n, s, _, h in rows(detail)] == [
        ("2026-02-10", "甲一", "出席", 4.0),
        ("2026-02-10", "甲二", "迟到", 4.0),
        ("2026-02-11", "甲一", "出席", 4.0),
        ("2026-02-11", "甲二", "请假", 0.0),
        ("2026-03-05", "甲一", "迟到", 2.0),
        ("2026-03-05", "甲二", "缺席", 0.0),
        ("2026-03-20", "甲一", "出席", 1.0),
        ("2026-03-20", "甲二", "未记录（签到未结束）", 0.0),
    ]
    # every attended minute is the store's
    stored = {(x["session_id"], x["employee_id"]): x["minutes"] for x in bureau.attendance("tr")}
    assert list(detail["minutes"][:2]) == [stored[("s1", "A1")], stored[("s1", "A2")]]
    assert sum(out.tables["学时明细"]["hours_counted"]) == 17.5  # A1 13.5 + A2 4
    assert rows(out.tables["测验成绩"]) == [("2026-02-20", "A1", "甲一", "qz", 80.0, True)]
    assert rows(out.tables["竞赛成绩"]) == [("2026-03-01", "竞赛", "A1", "甲一", "red", 1, 2)]
    assert list(out.tables["考核指标"]["employee_id"]) == ["A1", "A2"]
    summary = dict(rows(out.tables["概况"]))
    assert summary["班组"] == "T1" and summary["在岗人数"] == 2 and summary["参加的活动场次"] == 4
    assert summary["出勤率"] == "71.4%"  # 5 of the 7 recorded
    assert (summary["学时合计"], summary["人均学时"], summary["学时达标人数（本周期应修学时）"]) == (17.5, 8.75, "1 / 2（9）")
    assert out.notes["生成时间"] == "2026-04-02 08:00" and out.notes["生成人"] == "boss"
    # the workbook: the same cells, headers in Chinese
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(out.tables, out.notes)))
    assert wb.sheetnames == [*out.tables, "说明"]
    sheet = list(wb["成员"].iter_rows(values_only=True))
    assert sheet[0][:4] == ("工号", "姓名", "应出勤场次", "出勤场次") and sheet[1][:8] == (
        "A1",
        "甲一",
        4,
        4,
        0.875,
        13.5,
        9,
        "是",
    )
    assert wb["成员"]["E2"].number_format == "0.0%"


def test_learning_team_pack_roles_and_unknown_teams(bureau, catalog):
    from tracker import NotFound

    with pytest.raises(AccessDenied):
        r.learning_team_pack(bureau, Account("a1", "employee", "A1"), "D1", "T1", "2026Q1", catalog)
    with pytest.raises(AccessDenied):
        r.learning_teams(bureau, Account("a1", "employee", "A1"))
    with pytest.raises(NotFound):
        r.learning_team_pack(bureau, LEADER, "D2", "T1", "2026Q1", catalog)
    with pytest.raises(NotFound):
        r.learning_team_pack(bureau, LEADER, "D2", "", "2026Q1", catalog)


def test_cli_writes_the_team_pack(bureau, catalog, tmp_path):
    import openpyxl
    from click.testing import CliRunner

    from ui.cli import cli

    out = tmp_path / "pack.xlsx"
    args = ["report", "team", "--department", "D1", "--team", "T1", "--period", "2026Q1", "--format", "xlsx", "-o", out]
    common = ["--db", bureau.path, "--content", catalog.root]
    result = CliRunner().invoke(cli, [str(a) for a in [*args, *common]])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:3] == ["概况", "成员", "活动"] and wb["成员"]["B3"].value == "甲二"
    table = CliRunner().invoke(
        cli, [str(a) for a in ["report", "team", "--department", "D1", "--team", "T1", "--period", "2026Q1", *common]]
    )
    assert table.exit_code == 0 and "人均学时" in table.stdout
    bad = CliRunner().invoke(cli, [str(a) for a in ["report", "team", "--department", "D1", "--team", "T9", *common]])
    assert bad.exit_code == 2 and "T9" in bad.output


@pytest.mark.parametrize("seed", range(6))
def test_capped_table_is_the_ledgers_apply_caps(seed):
    """The reports cap a year's 学时 for everyone at once; it must agree with each person's ledger."""
    import random

    import pandas as pd

    from quizzes.model import CreditRule, HoursRules
    from tracker.hours import KINDS, Entry, apply_caps
    from tracker.reports.assessment import capped

    rng = random.Random(seed)
    rules = HoursRules(
        lessons=CreditRule(cap=rng.choice([None, 1, 2.5])),
        quizzes=CreditRule(cap=rng.choice([None, 0.5, 1])),
        events=CreditRule(cap=rng.choice([None, 4])),
        competitions=CreditRule(cap=rng.choice([None, 2])),
    )
    entries = {
        emp: [
            Entry(
                dt.date(2026, rng.randint(1, 12), rng.randint(1, 28)),
                rng.choice(KINDS),
                f"s{i}",
                "t",
                rng.choice([0.18, 0.5, 1.0, 2.0, 4.0]),
            )
            for i in range(rng.randint(0, 12))
        ]
        for emp in ("E1", "E2", "E3")
    }
    table = pd.DataFrame(
        [(emp, e.day, e.kind, e.source, e.hours) for emp, es in entries.items() for e in es],
        columns=["employee_id", "day", "kind", "source", "hours"],
    )
    got = table.assign(counted=capped(table, {k: getattr(rules, k).cap for k in KINDS}))
    for emp, es in entries.items():
        want = sorted((e.day, e.source, e.counted) for e in apply_caps(es, rules))
        mine = got[got["employee_id"] == emp]
        assert sorted(zip(mine["day"], mine["source"], mine["counted"], strict=True)) == want
