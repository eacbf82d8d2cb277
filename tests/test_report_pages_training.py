"""AppTest for the report pages issue 17 changed or added: 参与情况 shows 活动出勤, 考核指标 shows the
attendance and 学时 parts with their weights, 学习型班组 shows and downloads a 班组's pack."""

from __future__ import annotations

import io

import openpyxl
import pytest

from quizzes import load_catalog
from tests.conftest import ROOT, signed_in_page, write_files
from tests.test_reports_training import EVENTS, build
from tracker import Tracker

PASSWORD = "password-1"


@pytest.fixture
def env(tmp_path, monkeypatch):
    content = write_files(tmp_path / "content", EVENTS)
    db = tmp_path / "reports.db"
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MINGDE_DB", str(db))
    monkeypatch.setenv("MINGDE_CONTENT", str(content))
    monkeypatch.setenv("MINGDE_LANG", "zh")
    tracker = Tracker(db)
    build(tracker, load_catalog(content))
    tracker.add_user("boss", PASSWORD, "leader")
    tracker.add_user("org", PASSWORD, "organizer")
    tracker.add_user("a1", PASSWORD, "employee", "A1")
    yield tracker
    tracker.close()


def page(tracker, user, path):
    return signed_in_page(tracker, user, path, password=PASSWORD)


def in_q1(at, key):
    at.selectbox(key=f"{key}:kind").set_value("quarter").run()
    at.selectbox(key=f"{key}:year").set_value(2026).run()
    at.selectbox(key=f"{key}:q").set_value(1).run()
    assert not at.exception, at.exception
    return at


def test_participation_page_shows_event_attendance(env):
    at = in_q1(page(env, "boss", "ui/pages/participation.py"), "period")
    main = at.dataframe[0].value
    assert list(main["event_attendees"]) == [2, 1, 3]
    events = next(d.value for d in at.dataframe if "kind" in d.value.columns)
    assert list(events["kind"][:3]) == ["培训班", "专题讲座", "交流会"]
    assert list(events["attended"])[-1] == 6 and events["attendance_rate"].iloc[-1] == "60.0%"
    assert events["attendance_rate"].iloc[4] == "—"  # a rate nobody was expected for
    assert any("活动出勤" in s.value for s in at.subheader)


def test_assessment_page_shows_attendance_and_hours(env):
    at = in_q1(page(env, "boss", "ui/pages/assessment.py"), "assess")
    table = at.dataframe[0].value.set_index("employee_id")
    assert (table.loc["A1", "attendance_score"], table.loc["A1", "hours"], table.loc["A1", "indicator"]) == ("87.50", 11.0, 93.75)
    assert table.loc["X", "attendance_score"] == "—"
    captions = " ".join(c.value for c in at.caption)
    assert "活动出勤得分 20%" in captions and "学时得分 20%" in captions
    assert "迟到计 0.5 场" in captions and "请假的场次不计入" in captions
    # no lessons, quizzes or competitions here: the weights applied differ (those of someone with attendance)
    assert "实际权重" in captions and "活动出勤得分 50.0%，学时得分 50.0%" in captions


@pytest.mark.parametrize("user", ["boss", "org"])
def test_team_pack_page_shows_and_downloads(env, user):
    at = in_q1(page(env, user, "ui/pages/team_pack.py"), "pack")
    assert at.title[0].value == "学习型班组创建材料"
    assert at.selectbox(key="team").options == ["D1 · T1（2 人）"]
    assert [m.value for m in at.metric] == ["2", "71%", "7.5", "64.2"]
    members = at.dataframe[0].value
    assert list(members["name"]) == ["甲一", "甲二"] and list(members["hours"]) == [11.0, 4.0]
    assert len(at.dataframe[1].value) == 4  # four sessions
    [button] = at.get("download_button")
    assert button.proto.label == "下载材料包（Excel）"


def test_team_pack_workbook_matches_the_page(env):
    """The button's file is the library's workbook: the same sheets and cells."""
    from tracker import Account
    from tracker.access import Access
    from tracker.export import to_xlsx_bytes

    cat = load_catalog(env.path.parent / "content")
    out = Access(env, Account("boss", "leader")).learning_team_pack("D1", "T1", "2026Q1", cat)
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(out.tables, out.notes)))
    assert wb["成员"]["A1"].value == "工号" and wb["成员"]["B2"].value == "甲一"
    assert wb["活动"]["D2"].value == "职业道德培训班"


def test_employees_get_no_team_pack(env):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        page(env, "a1", "ui/pages/team_pack.py")


def test_my_results_show_attendance_and_hours_beside_the_indicator(env, monkeypatch):
    """An employee's 我的成绩: the indicator's parts, now with attendance and 学时 (the quarter is
    pinned to 2026Q1, where the events are)."""
    import tracker.access as access_module
    from tracker.reports import quarter_period

    monkeypatch.setattr(access_module.Access, "current_period", staticmethod(lambda catalog: quarter_period(2026, 1)))
    at = page(env, "a1", "ui/pages/results.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["活动出勤得分"] == "87.5 / 100" and metrics["本期学时"] == "11.0 / 9.0"  # one name, 学时 one decimal
    assert metrics["学习得分"].endswith(" / 100") and "满分 100" in " ".join(c.value for c in at.caption)
