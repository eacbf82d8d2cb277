"""AppTest for the event pages: 培训活动, 签到, 签到大屏, 活动管理, 点名, 我的学时."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from quizzes import load_catalog
from quizzes.fields import SHANGHAI
from tests.conftest import ROOT, signed_in_page, wrong_code
from tracker import Tracker
from tracker.attendance import make_code, slot_of, typed_code
from tracker.store.events import CODE_MAX_FAILURES

PASSWORD = "password-1"


def on_time_start() -> str:
    """A session start one minute ago, read when the test runs (not when the module is collected: in
    a 20-minute suite the check-in would otherwise be late)."""
    now = dt.datetime.now(SHANGHAI)
    return min(now - dt.timedelta(minutes=1), now.replace(hour=23, minute=0)).strftime("%H:%M")


def lecture(day: dt.date, event_id: str = "talk", signup: bool = False) -> str:
    return (
        f"id: {event_id}\ntitle: 廉洁自律专题讲座\nkind: lecture\norganizer: 局办公室\naudience: everyone\n"
        f"credit_hours: 2\n{'signup: true' + chr(10) + 'capacity: 1' + chr(10) if signup else ''}"
        f"sessions:\n  - date: {day.isoformat()}\n    start: '{on_time_start()}'\n    end: '23:59'\n    place: 三楼会议室\n"
    )


@pytest.fixture
def env(tmp_path, monkeypatch):
    db = tmp_path / "events.db"
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    today = dt.datetime.now(SHANGHAI).date()
    (content / "events" / "talk.yaml").write_text(lecture(today), encoding="utf-8")
    (content / "events" / "later.yaml").write_text(lecture(today + dt.timedelta(days=3), "later", signup=True), encoding="utf-8")
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MINGDE_DB", str(db))
    monkeypatch.setenv("MINGDE_CONTENT", str(content))
    monkeypatch.setenv("MINGDE_LANG", "zh")
    tracker = Tracker(db)
    tracker.add_employee("E1", "张伟", "办公室", "综合组")
    tracker.add_employee("E2", "李娜", "办公室", "综合组")
    tracker.add_user("zhang", PASSWORD, "employee", "E1")
    tracker.add_user("li", PASSWORD, "employee", "E2")
    tracker.add_user("org", PASSWORD, "organizer")
    tracker.content = content
    yield tracker
    tracker.close()


def page(tracker: Tracker, user: str, path: str, **params) -> AppTest:
    return signed_in_page(tracker, user, path, password=PASSWORD, **params)


def events(env):
    return load_catalog(env.content).events


def ticket(env, event_id: str = "talk") -> str:
    event = events(env)[event_id]
    env.open_checkin(event, "s1", "org")
    now = dt.datetime.now(dt.UTC)
    return env.issue_ticket(event, make_code(env.checkin_secret(), event_id, "s1", slot_of(now)), "phone-1")


def texts(at: AppTest) -> str:
    return " ".join(x.value for x in [*at.markdown, *at.caption, *at.success, *at.info, *at.warning, *at.error])


def test_upcoming_events_sign_up_and_cancel(env):
    at = page(env, "zhang", "ui/pages/my_events.py")
    assert at.title[0].value == "培训活动"
    assert "廉洁自律专题讲座" in texts(at) and "剩余名额 1" in texts(at)
    # review #20: an event without sign-up says so instead of showing nothing
    note = "无需报名，到时直接来参加并签到即可。"
    no_signup = [v for v in events(env).values() if not v.signup and v.ends > dt.datetime.now(dt.UTC)]
    assert "upcoming:signup:talk" not in [b.key for b in at.button]
    assert 1 <= [c.value for c in at.caption].count(note) <= len(no_signup)
    at.button(key="upcoming:signup:later").click().run()
    assert env.signup_of("later", "E1") == "signed"
    assert "已报名" in texts(at)
    other = page(env, "li", "ui/pages/my_events.py")
    other.button(key="upcoming:signup:later").click().run()
    assert env.signup_of("later", "E2") == "waitlist"
    at.button(key="upcoming:cancel:later").click().run()
    assert env.signup_of("later", "E1") == "cancelled"
    assert env.signup_of("later", "E2") == "signed"  # promoted


def test_check_in_with_a_ticket_then_check_out(env):
    at = page(env, "zhang", "ui/pages/checkin.py", ticket=ticket(env))
    assert not at.exception
    assert at.success[0].value.startswith("签到成功：出席")
    row = env._attendance_row("talk", "s1", "E1")
    assert (row["status"], row["device"]) == ("present", "phone-1")
    at.button(key="check_out").click().run()
    assert env._attendance_row("talk", "s1", "E1")["check_out_at"]
    # Another ticket for the same person: refused, nothing changes.
    again = page(env, "zhang", "ui/pages/checkin.py", ticket=ticket(env))
    assert again.warning[0].value == "你已经签到过了，不需要重复签到。"


@pytest.mark.parametrize(
    "params, message",
    [
        ({"refused": "expired"}, "二维码已过期，请重新扫描大屏上的最新二维码。"),
        ({"ticket": "made-up"}, "这不是有效的签到二维码，请扫描大屏上的二维码。"),
        ({}, "请用手机扫描会场大屏上的二维码签到。"),
    ],
)
def test_check_in_refusals_are_clear(env, params, message):
    at = page(env, "zhang", "ui/pages/checkin.py", **params)
    assert message in texts(at)
    assert env.attendance("talk") == []


def screen_html(at: AppTest) -> str:
    return " ".join(n.value for n in at.get("html"))


def test_projector_shows_the_qr_code_the_typed_code_and_the_short_address(env):
    at = page(env, "org", "ui/pages/checkin_screen.py", event="talk", session="s1")
    assert "本场签到尚未开始" in texts(at)
    env.open_checkin(events(env)["talk"], "s1", "org")
    at.run()
    assert [n.type for n in at.main if type(n).__name__ == "Image"] == ["image"]
    assert not at.code  # no long address to copy any more
    html = screen_html(at)
    slot = slot_of(dt.datetime.now(dt.UTC))
    codes = {typed_code(env.checkin_secret(), "talk", "s1", s) for s in (slot, slot - 1)}  # the slot may just have turned
    assert re.search(r"id='mingde-typed-code'>(\d{6})<", html).group(1) in codes
    assert "签到码" in html and "/checkin</div>" in html and "/c/" not in html
    assert "font-size:clamp(64px,9vw,120px)" in html  # readable from the back of a hall: 120 px at 1366, never below 64
    assert [m.value for m in at.metric][0] == "0 / 2"


def test_an_employee_types_the_code(env):
    talk = events(env)["talk"]
    env.open_checkin(talk, "s1", "org")
    at = page(env, "zhang", "ui/pages/checkin.py")
    assert "输入签到码" in [h.value for h in at.subheader]
    assert not at.radio  # one open session: no choice to make
    at.text_input[0].input("12345")
    at.button[0].click().run()
    assert "请输入大屏上的 6 位数字签到码。" in texts(at)
    at.text_input[0].input(wrong_code(env.checkin_secret(), "talk", "s1", dt.datetime.now(dt.UTC)))
    at.button[0].click().run()
    assert "签到码错误" in texts(at)
    assert env.attendance("talk") == []
    right = typed_code(env.checkin_secret(), "talk", "s1", slot_of(dt.datetime.now(dt.UTC)))
    at.text_input[0].input(right)
    at.button[0].click().run()
    assert not at.exception
    assert at.success[0].value.startswith("签到成功：出席")
    row = env._attendance_row("talk", "s1", "E1")
    assert (row["status"], row["method"], row["recorded_by"]) == ("present", "code", "zhang")
    at.button(key="check_out").click().run()
    assert env._attendance_row("talk", "s1", "E1")["check_out_at"]
    assert "已签退" in texts(at)


def test_typing_picks_among_open_sessions_and_waits_after_wrong_codes(env):
    env.open_checkin(events(env)["talk"], "s1", "org")
    env.open_checkin(events(env)["later"], "s1", "org")
    at = page(env, "li", "ui/pages/checkin.py")
    assert len(at.radio[0].options) == 2  # two open sessions: pick one
    at.radio[0].set_value("later/s1")
    for _ in range(CODE_MAX_FAILURES):
        at.text_input[0].input(wrong_code(env.checkin_secret(), "later", "s1", dt.datetime.now(dt.UTC)))
        at.button[0].click().run()
    right = typed_code(env.checkin_secret(), "later", "s1", slot_of(dt.datetime.now(dt.UTC)))
    at.text_input[0].input(right)
    at.button[0].click().run()
    assert "签到码输错次数过多，请 10 分钟后再试" in texts(at)
    assert env.attendance("later") == []
    assert env.code_wait("li") > 0
    audited = env.db.execute("SELECT detail FROM audit_log WHERE action = 'event.checkin_code_wrong'").fetchall()
    assert [json.loads(d[0])["event"] for d in audited] == ["later"] * CODE_MAX_FAILURES  # the session picked


def test_after_one_typed_check_in_the_form_stays_for_another_open_session(env):
    env.open_checkin(events(env)["talk"], "s1", "org")
    env.open_checkin(events(env)["later"], "s1", "org")
    at = page(env, "li", "ui/pages/checkin.py")
    at.radio[0].set_value("talk/s1")
    at.text_input[0].input(typed_code(env.checkin_secret(), "talk", "s1", slot_of(dt.datetime.now(dt.UTC))))
    at.button[0].click().run()
    assert at.success[0].value.startswith("签到成功：出席")  # the result on top, with 签退
    assert "输入签到码" in [h.value for h in at.subheader] and not at.radio  # the form for the other session
    at.text_input[0].input(typed_code(env.checkin_secret(), "later", "s1", slot_of(dt.datetime.now(dt.UTC))))
    next(b for b in at.button if b.label == "签到").click().run()  # not 签退 above it
    assert not at.exception
    assert env._attendance_row("talk", "s1", "E2") and env._attendance_row("later", "s1", "E2")
    assert "输入签到码" not in [h.value for h in at.subheader]  # nothing open is left to check in


def test_without_open_sessions_the_page_says_to_scan(env):
    at = page(env, "zhang", "ui/pages/checkin.py")
    assert "请用手机扫描会场大屏上的二维码签到。" in texts(at)
    assert "现在没有你可以签到的场次" in texts(at)
    assert not at.text_input


def test_admin_creates_an_event_opens_and_closes_check_in(env):
    at = page(env, "org", "ui/pages/event_admin.py")
    at.selectbox(key="event").set_value("__new__").run()
    at.text_input[0].input("ethics-talk-e2e")
    at.text_input[1].input("职业道德专题讲座")
    at.text_input[2].input("局办公室")
    at.button[-1].click().run()  # the form's submit
    assert not at.exception, at.exception
    assert (env.content / "events" / "ethics-talk-e2e.yaml").is_file()
    event = events(env)["ethics-talk-e2e"]
    assert event.kind == "lecture" and event.audience.everyone
    assert at.selectbox(key="event").value == "ethics-talk-e2e"
    labels = [b.proto.label for b in at.get("download_button")]
    assert "打印签到表（Excel）" in labels and "打印签到表（PDF）" in labels  # side by side, per session
    at.button(key="open:s1").click().run()
    assert env.session_state("ethics-talk-e2e", "s1")["status"] == "open"
    at.button(key="close:s1").click().run()
    assert env.session_state("ethics-talk-e2e", "s1")["status"] == "closed"
    assert {r["status"] for r in env.attendance("ethics-talk-e2e")} == {"absent"}
    assert "2 人记为缺席" in texts(at)


def test_admin_form_shows_problems_and_writes_nothing(env):
    at = page(env, "org", "ui/pages/event_admin.py")
    at.selectbox(key="event").set_value("__new__").run()
    at.text_input[0].input("Bad Id")
    at.button[-1].click().run()
    assert at.error[0].value == "活动没有保存，请修改以下问题："
    assert not list((env.content / "events").glob("bad*"))


def test_admin_may_type_a_chinese_event_id_or_none(env):
    """Office staff typed 职业道德讲座12月 as 活动编号 and got an English id rule: the id is now made
    from what they typed (or from the title when left empty), in pinyin."""
    at = page(env, "org", "ui/pages/event_admin.py")
    at.selectbox(key="event").set_value("__new__").run()
    at.text_input[0].input("职业道德讲座12月")
    at.text_input[1].input("职业道德专题讲座")
    at.text_input[2].input("局办公室")
    at.button[-1].click().run()
    assert not at.error, [e.value for e in at.error]
    assert events(env)["zhi-ye-dao-de-jiang-zuo-12-yue"].title == "职业道德专题讲座"
    at.selectbox(key="event").set_value("__new__").run()
    at.text_input[1].input("廉洁自律专题讲座")
    at.text_input[2].input("局办公室")
    at.button[-1].click().run()
    assert not at.error, [e.value for e in at.error]
    assert "lian-jie-zi-lv-zhuan-ti-jiang-zuo" in events(env)


def test_roll_call_one_tap_and_leave(env):
    env.open_checkin(events(env)["talk"], "s1", "org")
    at = page(env, "org", "ui/pages/event_rollcall.py", event="talk", session="s1")
    at.segmented_control(key="rc:E1").set_value("late").run()
    assert env._attendance_row("talk", "s1", "E1")["status"] == "late"
    at.selectbox[0].set_value("E2")
    at.text_input[0].input("下乡督导")
    at.button(key="FormSubmitter:leave-登记请假").click().run()
    row = env._attendance_row("talk", "s1", "E2")
    assert (row["status"], row["reason"]) == ("leave", "下乡督导")


def test_my_hours_shows_the_ledger_and_exports(env):
    event = events(env)["talk"]
    env.open_checkin(event, "s1", "org")
    env.mark(event, "s1", "E1", "present", "org")
    at = page(env, "zhang", "ui/pages/my_hours.py")
    assert at.title[0].value == "我的学时"
    assert [m.value for m in at.metric][:2] == ["2.0", "40.0"]
    assert "廉洁自律专题讲座" in at.dataframe[0].value.to_string()
    assert len(at.get("download_button")) >= 2


def test_hours_report_for_leaders(env):
    env.add_user("boss", PASSWORD, "leader")
    event = events(env)["talk"]
    env.mark(event, "s1", "E1", "present", "org")
    at = page(env, "boss", "ui/pages/hours_report.py")
    assert at.title[0].value == "学时达标情况"
    table = at.dataframe[0].value
    assert list(table["在岗人数"]) == [2, 2] and list(table["人均学时"]) == [1.0, 1.0]  # the department, 合计
    assert "办公室：2 人未达标" in [e.label for e in at.expander]


def test_admin_records_a_competition_run_as_attendance(env):
    from tracker import competitions as comps
    from tracker.store import Account

    today = dt.datetime.now(SHANGHAI).date()
    (env.content / "events" / "quiz-day.yaml").write_text(
        "id: quiz-day\ntitle: 知识竞赛现场赛\nkind: competition\ncompetition: ethics-contest-2026\norganizer: 局工会\n"
        f"credit_hours: 3\nsessions:\n  - date: {today.isoformat()}\n    start: '00:00'\n    end: '23:59'\n    place: 礼堂\n",
        encoding="utf-8",
    )
    env.add_employee("E3", "王强", "工会", "")
    contest = load_catalog(env.content).competitions["ethics-contest-2026"]
    comps.clear_cache()
    run = comps.create_run(env, Account("org", "organizer"), contest, teams=[("办公室", ["E1", "E2"]), ("工会", ["E3"])], seed=1)
    with env.write() as db:  # as finish leaves it (the store tests play a run to its end)
        db.execute(
            "UPDATE competition_runs SET status = 'finished', finished_at = ? WHERE id = ?",
            (dt.datetime.now(dt.UTC).isoformat(), run),
        )
        db["competition_members"].insert_all(
            [{"run_id": run, "team": tm, "employee_id": e} for tm, e in (("办公室", "E1"), ("办公室", "E2"), ("工会", "E3"))]
        )
    at = page(env, "org", "ui/pages/event_admin.py")
    at.selectbox(key="event").set_value("quiz-day").run()
    assert at.selectbox(key="run:s1").value == run
    at.button(key="link:s1").click().run()
    assert not at.exception, at.exception
    assert {(r["employee_id"], r["status"], r["method"]) for r in env.attendance("quiz-day")} == {
        ("E1", "present", "competition"),
        ("E2", "present", "competition"),
        ("E3", "present", "competition"),
    }
    assert "已按竞赛名单记录 3 人出席。" in texts(at)
    assert "本场出勤已按竞赛“2026年职业道德知识竞赛（现场赛）”" in texts(at)
    comps.clear_cache()


def test_admin_uploads_materials_with_the_form(env):
    at = page(env, "org", "ui/pages/event_admin.py")
    at.selectbox(key="event").set_value("talk").run()
    at.file_uploader(key="materials_upload").set_value(
        [("讲座课件.pdf", b"%PDF-1.4 slides", "application/pdf"), ("签到须知.txt", "请准时".encode(), "text/plain")]
    )  # a form: sent with its submit button
    at.button[-1].click().run()  # 保存并发布
    assert not at.exception, at.exception
    event = events(env)["talk"]
    assert [m.title for m in event.materials] == ["讲座课件", "签到须知"]
    files = {m.file: (env.content / "events" / "materials" / m.file) for m in event.materials}
    assert all(p.is_file() for p in files.values())
    assert files[event.materials[0].file].read_bytes() == b"%PDF-1.4 slides"
    # edited again: one material unselected, the other kept; nothing else changes
    at = page(env, "org", "ui/pages/event_admin.py")
    at.selectbox(key="event").set_value("talk").run()
    at.multiselect[-1].unselect(event.materials[1].file)
    at.button[-1].click().run()
    assert [m.title for m in events(env)["talk"].materials] == ["讲座课件"]


def test_materials_of_an_event_not_saved_are_taken_back(env):
    before = sorted((env.content / "events" / "materials").iterdir())
    at = page(env, "org", "ui/pages/event_admin.py")
    at.selectbox(key="event").set_value("__new__").run()
    at.text_input[0].input("Bad Id")  # the event is invalid
    at.file_uploader(key="materials_upload").set_value([("课件.pdf", b"%PDF-1.4 x", "application/pdf")])
    at.button[-1].click().run()
    assert at.error[0].value == "活动没有保存，请修改以下问题："
    assert sorted((env.content / "events" / "materials").iterdir()) == before


def test_my_results_show_the_hours_ledger(env):
    event = events(env)["talk"]
    env.mark(event, "s1", "E1", "present", "org")
    at = page(env, "zhang", "ui/pages/results.py")
    assert not at.exception, at.exception
    assert "本年度学时" in [s.value for s in at.subheader]
    assert "廉洁自律专题讲座" in at.dataframe[-1].value.to_string()
    assert any("学时 2.0 / 40.0" in p.proto.text for p in at.get("progress"))
