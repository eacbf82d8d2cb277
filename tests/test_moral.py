"""The 德 indicator: score, veto and band rules and quota warnings as tables; 民主测评 and veto
entries (leaders only, audited, refused in a locked period, xlsx import all or nothing)."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import Workbook

from quizzes.model import Moral
from tracker import AccessDenied
from tracker import moral as m
from tracker.reports import PeriodLocked, lock_period

FAIL = Moral()  # weight 0.3, veto fail, bands 90/75/60, quota 20 % per department
CAP = Moral(veto="cap", veto_cap=59)


@pytest.mark.parametrize(
    "indicator, democratic, rule, vetoed, score, grade",
    [
        (95, None, FAIL, False, 95, "优秀"),  # no 民主测评: the indicator alone
        (95, 50, FAIL, False, 81.5, "合格"),  # 0.7 × 95 + 0.3 × 50
        (80, 100, FAIL, False, 86, "合格"),
        (90, 90, FAIL, False, 90, "优秀"),  # a band's lower bound is inside it
        (75, 75, FAIL, False, 75, "合格"),
        (74.99, None, FAIL, False, 74.99, "基本合格"),
        (60, None, FAIL, False, 60, "基本合格"),
        (59.99, None, FAIL, False, 59.99, "不合格"),
        (98, 98, FAIL, True, 98, "不合格"),  # veto fail: the grade, the score stays shown
        (98, 98, CAP, True, 59, "不合格"),  # veto cap 59: capped, graded by the cap
        (98, 98, Moral(veto="cap", veto_cap=80), True, 80, "合格"),
        (50, None, CAP, True, 50, "不合格"),  # a cap above the score changes nothing
        (100, 0, Moral(democratic_weight=1), False, 0, "不合格"),
        (100, 0, Moral(democratic_weight=0), False, 100, "优秀"),
        (95, None, Moral(bands={"excellent": 96, "qualified": 80, "basic": 50}), False, 95, "合格"),
    ],
)
def test_score_veto_and_bands(indicator, democratic, rule, vetoed, score, grade):
    s = m.de_score(indicator, democratic, rule, vetoed)
    assert s == score
    assert m.grade_of(s, rule, vetoed) == grade


def frame(grades_by_dept: dict[str, list[str]], inactive: int = 0) -> pd.DataFrame:
    rows = [(dept, g, True) for dept, gs in grades_by_dept.items() for g in gs]
    rows += [("甲", "优秀", False)] * inactive
    return pd.DataFrame(rows, columns=["department", "grade", "active"])


@pytest.mark.parametrize(
    "grades, rule, warned",
    [
        ({"甲": ["优秀"] * 2 + ["合格"] * 8}, FAIL, []),  # 2 of 10 = 20 %: allowed
        ({"甲": ["优秀"] * 3 + ["合格"] * 7}, FAIL, [("甲", 10, 3, 2)]),
        ({"甲": ["优秀"] * 3 + ["合格"] * 7}, Moral(excellent_quota=0.3), []),
        ({"甲": ["优秀"] + ["合格"] * 2}, FAIL, []),  # a small unit may have one
        ({"甲": ["优秀"] * 2 + ["合格"] * 2}, FAIL, [("甲", 4, 2, 1)]),
        ({"甲": ["优秀"] * 2 + ["合格"] * 8, "乙": ["优秀"] * 3 + ["合格"] * 2}, FAIL, [("乙", 5, 3, 1)]),
        # the whole roster as the unit: 5 of 15 > 3
        ({"甲": ["优秀"] * 2 + ["合格"] * 8, "乙": ["优秀"] * 3 + ["合格"] * 2}, Moral(quota_unit="all"), [("全单位", 15, 5, 3)]),
    ],
)
def test_quota_warnings(grades, rule, warned):
    got = [(w.unit, w.headcount, w.excellent, w.allowed) for w in m.quota_warnings(frame(grades), rule)]
    assert got == warned


def test_inactive_employees_are_not_in_the_quota():
    assert m.quota_warnings(frame({"甲": ["优秀"] * 2 + ["合格"] * 8}, inactive=5), FAIL) == []


def test_with_de_puts_every_input_beside_the_result():
    df = pd.DataFrame({"employee_id": ["E1", "E2", "E3"], "indicator": [95.0, 95.0, 70.0]})
    out = m.with_de(df, {"E1": 100.0, "E2": 90.0}, {"E2": {"reason": "违纪", "reference": "纪发〔2026〕3号"}}, FAIL)
    assert out["de_score"].tolist() == [96.5, 93.5, 70.0]
    assert out["grade"].tolist() == ["优秀", "不合格", "基本合格"]
    assert out["veto"].tolist() == [False, True, False] and out["veto_reference"].tolist()[1] == "纪发〔2026〕3号"
    assert out["democratic_weight"].tolist() == [0.3, 0.3, 0.0] and pd.isna(out["democratic_score"].iloc[2])


# -- entries ------------------------------------------------------------------------------------
@pytest.fixture
def people(tracker):
    tracker.add_employee("E001", "张三", "办公室")
    tracker.add_employee("E002", "李四", "办公室")
    tracker.add_user("boss", "password-1", "leader")
    tracker.add_user("zhang", "password-1", "employee", "E001")
    users = {u.username: u for u in tracker.users()}
    return tracker, users["boss"], users["zhang"]


def test_scores_and_vetoes_are_entered_by_leaders_and_audited(people):
    tracker, boss, zhang = people
    with pytest.raises(AccessDenied):
        m.set_democratic_score(tracker, zhang, "2026Q1", "E001", 90)
    assert m.set_democratic_score(tracker, boss, "2026Q1", "E001", "88.5") == 88.5
    m.set_democratic_score(tracker, boss, "2026Q1", "E001", 91)
    assert m.democratic_scores(tracker, "2026Q1") == {"E001": 91}
    vid = m.add_veto(tracker, boss, "2026Q1", "E002", "违反廉洁纪律", "纪发〔2026〕3号")
    assert set(m.vetoes(tracker, "2026Q1")) == {"E002"}
    m.withdraw_veto(tracker, boss, vid, "复议撤销")
    assert m.vetoes(tracker, "2026Q1") == {}
    log = m.veto_log(tracker, boss, "2026Q1")
    assert log.iloc[0]["withdrawn_by"] == "boss" and log.iloc[0]["withdraw_reason"] == "复议撤销"
    actions = [r["action"] for r in tracker.db.query("SELECT action FROM audit_log WHERE action LIKE 'de.%' ORDER BY id")]
    assert actions == ["de.score", "de.score", "de.veto", "de.veto_withdrawn"]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda t, b: m.set_democratic_score(t, b, "2026Q1", "E001", 101), "not between 0 and 100"),
        (lambda t, b: m.set_democratic_score(t, b, "2026Q1", "E001", "好"), "is not a number"),
        (lambda t, b: m.set_democratic_score(t, b, "2026Q1", "E999", 80), "E999 not found"),
        (lambda t, b: m.add_veto(t, b, "2026Q1", "E001", "", "文号"), "reason is required"),
        (lambda t, b: m.add_veto(t, b, "2026Q1", "E001", "原因", " "), "reference is required"),
        (lambda t, b: m.withdraw_veto(t, b, 42, "原因"), "no veto 42"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_written(people, call, message):
    tracker, boss, _ = people
    with pytest.raises(Exception, match=message):
        call(tracker, boss)
    assert tracker.db["democratic_scores"].count == 0 and tracker.db["vetoes"].count == 0


def test_a_locked_period_refuses_changes(people):
    tracker, boss, _ = people
    lock_period(tracker, boss, "2026Q1", pd.DataFrame({"employee_id": ["E001"]}))
    with pytest.raises(PeriodLocked):
        m.set_democratic_score(tracker, boss, "2026Q1", "E001", 90)
    with pytest.raises(PeriodLocked):
        m.add_veto(tracker, boss, "2026Q1", "E001", "原因", "文号")
    m.set_democratic_score(tracker, boss, "2026Q2", "E001", 90)  # other periods are open


def workbook(path, rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_xlsx_import_all_or_nothing(people, tmp_path):
    tracker, boss, _ = people
    good = workbook(
        tmp_path / "测评.xlsx", [["工号", "姓名", "民主测评"], ["E001", "张三", 92], ["E002", "李四", 85.5], [None, None, None]]
    )
    assert m.import_democratic_scores(tracker, boss, "2026Q1", good) == 2
    assert m.democratic_scores(tracker, "2026Q1") == {"E001": 92, "E002": 85.5}
    bad = workbook(tmp_path / "bad.xlsx", [["工号", "得分"], ["E001", 70], ["E002", 120], ["", 80], ["E001", "优"]])
    with pytest.raises(m.MoralEntryError) as e:
        m.import_democratic_scores(tracker, boss, "2026Q1", bad)
    assert e.value.problems == [
        "bad.xlsx: row 3: the 民主测评 score 120 is not between 0 and 100",
        "bad.xlsx: row 4: no 工号",
        "bad.xlsx: row 5: the 民主测评 score '优' is not a number",
    ]
    unknown = workbook(tmp_path / "u.xlsx", [["工号", "得分"], ["E001", 70], ["E404", 80]])
    with pytest.raises(m.MoralEntryError, match="unknown 工号 E404"):
        m.import_democratic_scores(tracker, boss, "2026Q1", unknown)
    no_head = workbook(tmp_path / "h.xlsx", [["编号", "分"], ["E001", 70]])
    with pytest.raises(m.MoralEntryError, match="row 1: the header needs 工号"):
        m.import_democratic_scores(tracker, boss, "2026Q1", no_head)
    assert m.democratic_scores(tracker, "2026Q1") == {"E001": 92, "E002": 85.5}  # nothing of the bad files
    (tmp_path / "x.xlsx").write_text("not a workbook")
    with pytest.raises(m.MoralEntryError, match="x.xlsx: not an Excel workbook"):
        m.read_scores(tmp_path / "x.xlsx")


def test_the_indicators_carry_the_de_columns_and_a_lock_keeps_them(people, starter_catalog):
    from tracker.reports import EMPLOYEE_COLUMNS, assessment_indicators

    tracker, boss, _ = people
    m.set_democratic_score(tracker, boss, "2026Q1", "E001", 100)
    m.add_veto(tracker, boss, "2026Q1", "E002", "违纪", "纪发〔2026〕1号")
    df = assessment_indicators(tracker, boss, "2026Q1", starter_catalog).set_index("employee_id")
    assert set(m.DE_COLUMNS) <= set(EMPLOYEE_COLUMNS)
    assert df.loc["E001", "democratic_score"] == 100 and df.loc["E001", "de_score"] == round(
        0.7 * df.loc["E001", "indicator"] + 30, 2
    )
    assert df.loc["E002", "veto"] and df.loc["E002", "grade"] == "不合格"
    lock_period(tracker, boss, "2026Q1", assessment_indicators(tracker, boss, "2026Q1", starter_catalog))
    stored = assessment_indicators(tracker, boss, "2026Q1", starter_catalog).set_index("employee_id")
    assert stored.loc["E002", "veto_reference"] == "纪发〔2026〕1号" and stored.loc["E001", "democratic_score"] == 100
    table = m.moral_table(tracker, boss, "2026Q1", starter_catalog)
    assert table.attrs["locked"]["locked_by"] == "boss" and "grade" in table.columns
