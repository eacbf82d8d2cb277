"""AppTest: the 每日一练 page and the home-page card; 我的积分, 积分排行 and the 德 entries."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT, app_store, signed_in_page, write_files
from tests.test_daily import BANK

PASSWORD = "password-1"
DAILY = """
sets:
  - id: everyone
    banks: [b]
    count: 3
"""


@pytest.fixture
def env(tmp_path, monkeypatch):
    content = write_files(tmp_path / "content", {"banks/b.yaml": BANK, "daily.yaml": DAILY})
    tracker = app_store(
        monkeypatch,
        tmp_path / "app.db",
        content,
        employees=(("E001", "张三", "办公室", "综合组"), ("E002", "李四", "农技站", "一组")),
        users=(("zhang", "employee", "E001"), ("li", "employee", "E002"), ("boss", "leader"), ("root", "admin")),
        password=PASSWORD,
    )
    yield tracker
    tracker.close()


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.success]
    parts += [w.value for w in at.warning] + [i.value for i in at.info] + [str(m.value) for m in at.metric]
    return "\n".join(parts)


def test_daily_page_one_question_at_a_time_with_the_answer_at_once(env):
    at = signed_in_page(env, "zhang", "ui/pages/daily.py")
    assert at.title[0].value == "每日一练"
    assert not re.search(r"解析\d", texts(at))  # no explanation before an answer
    assert len(at.button) == 1  # one open question at a time
    for n in range(3):
        at.radio[0].set_value(at.radio[0].options[0]).run()
        at.button(key=at.button[0].key).click().run()
        assert not at.exception, at.exception
        assert len(re.findall(r"解析\d", texts(at))) == n + 1  # the explanation shows at once
    assert "今日每日一练已完成" in texts(at)
    assert len(at.button) == 0
    assert [m.value for m in at.metric][:2] == ["1 天", "3/3"]
    row = env.daily_days("E001")
    assert len(row) == 1 and next(iter(row.values()))["total"] == 3


def test_daily_page_asks_for_an_answer_before_submitting(env):
    at = signed_in_page(env, "zhang", "ui/pages/daily.py")
    at.button[0].click().run()
    assert "请先作答再提交。" in texts(at)
    assert env.daily_days("E001") == {}


def test_daily_page_without_a_set(env, tmp_path, monkeypatch):
    (tmp_path / "content" / "daily.yaml").write_text(
        "sets:\n  - id: x\n    audience: {departments: [别的部门]}\n    banks: [b]\n", encoding="utf-8"
    )
    at = signed_in_page(env, "zhang", "ui/pages/daily.py")
    assert "您所在的部门还没有安排每日一练。" in texts(at)


CARD_APP = ROOT / "tests" / "apps" / "daily_card.py"


def test_daily_card_widget(env):
    """The card the employee home page shows: progress, streak and a link; it draws nothing."""
    from streamlit.testing.v1 import AppTest

    from tracker.auth import sign_in

    at = AppTest.from_file(str(CARD_APP), default_timeout=30)
    at.session_state["session_token"] = sign_in(env, "zhang", PASSWORD).token
    at.run()
    assert not at.exception, at.exception
    assert "今日每日一练：已答 0/3 题" in texts(at) and "已连续 0 天" in texts(at)
    assert env.db["daily_sets"].count == 0
    signed_in_page(env, "zhang", "ui/pages/daily.py")  # draws today's set
    at.run()
    assert "今日每日一练：已答 0/3 题" in texts(at)


def do_daily(env, user="zhang"):
    at = signed_in_page(env, user, "ui/pages/daily.py")
    for _ in range(3):
        at.radio[0].set_value(at.radio[0].options[0]).run()
        at.button[0].click().run()
    return at


def test_my_points_page_shows_totals_rank_and_history(env, monkeypatch):
    monkeypatch.setattr("tracker.store.daily.too_fast", lambda *a: False)
    do_daily(env)
    at = signed_in_page(env, "zhang", "ui/pages/my_points.py")
    assert at.title[0].value == "我的积分"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["本期积分"] == "5" and metrics["个人排名"] == "第 1 名 / 2 人"
    assert "| 每日一练 | 5 |" in texts(at)
    table = at.dataframe[0].value
    assert list(table.columns) == ["日期", "积分", "活动", "来源", "说明"]  # 积分 next to the date: seen on a phone
    assert table.iloc[0]["活动"] == "每日一练" and table.iloc[0]["积分"] == 5
    assert "积分规则" in texts(at)


def test_a_too_fast_daily_set_is_shown_flagged(env):
    do_daily(env)  # AppTest clicks through in well under 3 s a question
    at = signed_in_page(env, "zhang", "ui/pages/daily.py")
    assert "作答时间过短" in texts(at)
    at = signed_in_page(env, "zhang", "ui/pages/my_points.py")
    assert {m.label: m.value for m in at.metric}["本期积分"] == "0"
    assert at.dataframe[0].value.iloc[0]["说明"] == "作答过快，未计分"


@pytest.mark.parametrize("by, first", [("个人", "张三"), ("班组", "综合组"), ("部门", "办公室")])
def test_ranking_page_for_employees_and_leaders(env, monkeypatch, by, first):
    monkeypatch.setattr("tracker.store.daily.too_fast", lambda *a: False)
    do_daily(env)
    for user in ("li", "boss"):
        at = signed_in_page(env, user, "ui/pages/points_ranking.py")
        at.radio[0].set_value({"个人": "employee", "班组": "team", "部门": "department"}[by]).run()
        df = at.dataframe[0].value
        assert first in df.iloc[0].tolist() and df.iloc[0]["rank"] == 1
        lock_buttons = [b for b in at.button if b.key == "lock_points"]
        assert bool(lock_buttons) is (user == "boss")


def test_leader_archives_the_points(env):
    at = signed_in_page(env, "boss", "ui/pages/points_ranking.py")
    at.button(key="lock_points").click().run()
    assert not at.exception
    assert "归档" in at.info[0].value
    assert env.db["report_locks"].count == 1
    at.button(key="unlock_points").click().run()
    assert env.db["report_locks"].count == 0


def de_row(at, emp="E001"):
    df = at.dataframe[0].value
    return df.set_index("employee_id").loc[emp]


def test_leader_enters_a_score_and_a_veto_and_sees_the_grade_change(env):
    at = signed_in_page(env, "boss", "ui/pages/moral.py")
    assert at.title[0].value == "德的考核（职业道德）"
    before = de_row(at)
    assert before["grade"] == "不合格" and before["democratic_score"] == "—"  # nothing done yet: indicator 0
    at.selectbox(key="de_who").set_value("E001")
    at.number_input(key="de_value").set_value(100.0)
    at.button[0].click().run()  # the score form's submit button
    assert not at.exception, at.exception
    row = de_row(at)
    assert row["democratic_score"] == "100" and row["de_score"] == 30 and row["democratic_weight"] == 0.3
    at.selectbox(key="veto_who").set_value("E002")
    at.text_input(key="veto_reason").input("违反廉洁纪律")
    at.text_input(key="veto_reference").input("纪发〔2026〕3号")
    next(b for b in at.button if "登记一票否决" in b.label).click().run()
    assert not at.exception, at.exception
    row = de_row(at, "E002")
    assert row["veto"] and row["veto_reference"] == "纪发〔2026〕3号" and row["grade"] == "不合格"
    assert {r["action"] for r in env.db.query("SELECT action FROM audit_log")} >= {"de.score", "de.veto"}


def test_veto_needs_reason_and_reference(env):
    at = signed_in_page(env, "boss", "ui/pages/moral.py")
    next(b for b in at.button if "登记一票否决" in b.label).click().run()
    assert "请填写否决原因和依据。" in [e.value for e in at.error]
    assert env.db["vetoes"].count == 0


def test_organizers_read_and_employees_do_not_see_the_page(env):
    env.add_user("org", PASSWORD, "organizer")
    at = signed_in_page(env, "org", "ui/pages/moral.py")
    assert len(at.dataframe) >= 1 and not [b for b in at.button if "保存测评得分" in b.label]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        signed_in_page(env, "zhang", "ui/pages/moral.py")


def test_quota_warning_is_shown_not_applied(env, tmp_path):
    (tmp_path / "content" / "assessment.yaml").write_text("de: {democratic_weight: 1, excellent_quota: 0.2}\n", encoding="utf-8")
    from tracker import moral
    from tracker.reports import current_period

    boss = next(u for u in env.users() if u.username == "boss")
    key = current_period("quarter").key
    env.add_employee("E003", "王五", "办公室", "综合组")
    env.add_employee("E004", "赵六", "办公室", "综合组")
    for e in ("E001", "E003"):
        moral.set_democratic_score(env, boss, key, e, 95)
    at = signed_in_page(env, "boss", "ui/pages/moral.py")
    warnings = [w.value for w in at.warning]
    assert any("办公室：优秀 2 人，占在岗 3 人的 67%" in w and "最多 1 人" in w for w in warnings), warnings
    assert de_row(at)["grade"] == "优秀" and de_row(at, "E003")["grade"] == "优秀"  # never applied silently
