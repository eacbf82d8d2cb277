"""AppTest for the leaders' pages: participation, assessment indicators (lock/unlock), item analysis."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from quizzes import load_catalog
from tests.conftest import ROOT, SMALL_QUIZ, signed_in_page, write_files
from tracker import Tracker

PASSWORD = "password-1"


@pytest.fixture
def env(tmp_path, monkeypatch):
    content = write_files(
        tmp_path / "content",
        {
            "quizzes/small.yaml": SMALL_QUIZ,
            "assessment.yaml": "period: year\nparticipation_target: 0.9\n"
            "weights: {lessons: 0.3, quizzes: 0.5, competitions: 0.2}\n",
        },
    )
    db = tmp_path / "reports.db"
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MINGDE_DB", str(db))
    monkeypatch.setenv("MINGDE_CONTENT", str(content))
    monkeypatch.setenv("MINGDE_LANG", "zh")
    tracker = Tracker(db)
    for i, (emp, dept) in enumerate((("E001", "办公室"), ("E002", "办公室"), ("E003", "执法大队"))):
        tracker.add_employee(emp, f"员工{i}", dept, "一组")
    quiz = load_catalog(content).quizzes["small"]
    attempt = tracker.start_attempt("E001", quiz)
    tracker.submit_attempt(attempt, {"s1": "A", "m1": "ABD"})
    tracker.add_user("boss", PASSWORD, "leader")
    tracker.add_user("org", PASSWORD, "organizer")
    tracker.add_user("zhang", PASSWORD, "employee", "E001")
    yield tracker
    tracker.close()


def page(tracker: Tracker, user: str, path: str) -> AppTest:
    return signed_in_page(tracker, user, path, password=PASSWORD)


def use_year(at: AppTest, key: str = "period") -> AppTest:
    at.selectbox(key=f"{key}:kind").set_value("year").run()
    return at


@pytest.mark.parametrize(
    ("path", "title"),
    [("ui/pages/participation.py", "参与情况"), ("ui/pages/assessment.py", "考核指标"), ("ui/pages/items.py", "试题分析")],
)
@pytest.mark.parametrize("user", ["boss", "org"])
def test_report_pages_smoke(env, user, path, title):
    assert page(env, user, path).title[0].value == title


@pytest.mark.parametrize("path", ["ui/pages/participation.py", "ui/pages/assessment.py", "ui/pages/items.py"])
def test_employees_get_no_report_pages(env, path):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        page(env, "zhang", path)


def test_participation_table_drill_down_and_downloads(env):
    at = use_year(page(env, "boss", "ui/pages/participation.py"))
    table = at.dataframe[0].value
    assert list(table.columns[:4]) == ["department", "headcount", "participants", "participation_rate"]
    rows = {r["department"]: r for r in table.to_dict("records")}
    assert rows["办公室"]["participants"] == 1 and rows["执法大队"]["participants"] == 0 and rows["合计"]["headcount"] == 3
    assert bool(rows["执法大队"]["below_target"]) and bool(rows["办公室"]["below_target"])  # 1 of 2 is below 90 %
    drill = at.selectbox(key="missing_dept")
    assert drill.options == ["办公室：1 人未参与", "执法大队：1 人未参与"]
    drill.set_value("执法大队").run()
    assert list(at.dataframe[1].value.columns) == ["department", "participation_rate", "avg_percent"]  # phones
    assert list(at.dataframe[2].value["姓名"]) == ["员工2"]
    assert {b.proto.label for b in at.get("download_button")} == {"下载 Excel", "下载 CSV"}


def test_assessment_lock_and_unlock_by_a_leader(env):
    at = use_year(page(env, "boss", "ui/pages/assessment.py"), "assess")
    assert at.dataframe[0].value.shape[0] >= 3
    at.text_input(key="reason").input("年度考核").run()
    at.button(key="lock").click().run()
    assert not at.exception
    assert at.info[0].value.startswith("本周期已由 boss 于")
    log = at.dataframe[-1].value
    assert list(log["操作"]) == ["lock"]
    at.button(key="unlock").click().run()
    assert not at.info or not at.info[0].value.startswith("本周期已由")


def test_organizers_cannot_lock(env):
    at = use_year(page(env, "org", "ui/pages/assessment.py"), "assess")
    assert not [b for b in at.button if b.key in ("lock", "unlock")]


def test_item_analysis_lists_each_question(env):
    at = page(env, "boss", "ui/pages/items.py")
    table = at.dataframe[0].value
    assert table.shape[0] == 5
    assert "区分度算法" in at.caption[0].value
