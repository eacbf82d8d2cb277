"""A 现场知识竞赛 run linked as an event: the members of the teams that took part (captains included)
are recorded as attended once, shown in the event's attendance, and the 学时 ledger counts them once
(the event session, not the run as well). Refusals record nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from quizzes import load_catalog
from quizzes.events import Event
from quizzes.fields import SHANGHAI
from tests.conftest import CONTENT
from tests.test_competition_store import DEPT_COMP, HOST, play_to_end
from tracker import AccessDenied
from tracker import competitions as comps
from tracker.access import Access
from tracker.errors import EventRefused
from tracker.hours import ledger
from tracker.store import Account

ORG = Account("org", "organizer", None)
TEAMS = [("安监部", ["E001", "E002"]), ("工会", ["E003"]), ("综合办", ["E005"])]


def quiz_day(**extra) -> Event:
    data = {
        "id": "quiz-day",
        "title": "职业道德知识竞赛",
        "kind": "competition",
        "competition": DEPT_COMP.id,
        "organizer": "局工会",
        "credit_hours": 3,
        "sessions": [{"date": dt.datetime.now(SHANGHAI).date().isoformat(), "start": "00:00", "end": "23:59", "place": "礼堂"}],
        **extra,
    }
    return Event.model_validate(data)


@pytest.fixture(autouse=True)
def fresh_cache():
    comps.clear_cache()
    yield
    comps.clear_cache()


@pytest.fixture
def env(tracker):
    for eid, name, dept in [
        ("E001", "张一", "安监部"),
        ("E002", "李二", "安监部"),
        ("E003", "王三", "工会"),
        ("E005", "钱五", "综合办"),
        ("E009", "孙九", "办公室"),  # captains 工会 without being in a team
        ("E010", "周十", "办公室"),  # watches: not in the run
    ]:
        tracker.add_employee(eid, name, dept)
    for user, eid in (("cap1", "E001"), ("cap9", "E009")):
        tracker.add_user(user, "password-1", "employee", eid)
    catalog = load_catalog(CONTENT)
    event = quiz_day()
    catalog.events[event.id] = event
    return tracker, catalog, event


def finished_run(tracker, finish: bool = True) -> str:
    run = comps.create_run(
        tracker, HOST, DEPT_COMP, teams=TEAMS, seed=3, captains={"安监部": "cap1", "工会": "cap9"}, outsiders_ok=True
    )
    if finish:
        play_to_end(tracker, run)
        comps.finish(tracker, HOST, run)
    return run


def test_a_linked_run_is_the_sessions_attendance_captains_included(env):
    tracker, catalog, event = env
    run = finished_run(tracker)
    org = Access(tracker, ORG)
    assert [(r["id"], r["linked"]) for r in org.competition_runs(event)] == [(run, None)]
    assert org.link_competition_run(event, "s1", run) == 5
    rows = {r.employee_id: (r.status, r.method) for r in org.roll_call(event, "s1")}
    assert rows == {e: ("present", "competition") for e in ("E001", "E002", "E003", "E005", "E009")} | {"E010": (None, None)}
    assert org.linked_run(event, "s1")["run_id"] == run
    assert org.competition_runs(event)[0]["linked"] == ("quiz-day", "s1")
    org.close_checkin(event, "s1")  # the one who only watched and did not check in is 缺席
    assert {r["employee_id"]: r["status"] for r in tracker.attendance(event.id)}["E010"] == "absent"


def test_a_person_gets_the_hours_once(env):
    tracker, catalog, event = env
    year = dt.datetime.now(SHANGHAI).date().year
    run = finished_run(tracker)
    before = {e: ledger(tracker, catalog, e, year) for e in ("E001", "E009")}
    assert [(x.kind, x.source) for x in before["E001"].entries] == [("competitions", run)]  # not linked: the run counts
    assert before["E009"].entries == []  # a captain outside the teams is not a member of the run
    Access(tracker, ORG).link_competition_run(event, "s1", run)
    for person in ("E001", "E002", "E003", "E005", "E009"):
        book = ledger(tracker, catalog, person, year)
        assert [(x.kind, x.source, x.counted) for x in book.entries] == [("events", "quiz-day/s1", 3.0)], person
        assert book.by_kind["competitions"] == 0
    other = dataclasses.replace(catalog)  # the event removed from the content: the run counts again
    other.events = {k: v for k, v in catalog.events.items() if k != event.id}
    assert [x.kind for x in ledger(tracker, other, "E001", year).entries] == ["competitions"]


def test_checked_in_people_are_kept_and_counted_once(env):
    tracker, catalog, event = env
    run = finished_run(tracker)
    org = Access(tracker, ORG)
    org.mark(event, "s1", "E001", "late")
    org.mark(event, "s1", "E002", "leave", reason="出差")
    org.link_competition_run(event, "s1", run)
    rows = {r["employee_id"]: (r["status"], r["method"]) for r in tracker.attendance(event.id)}
    assert rows["E001"] == ("late", "roll_call") and rows["E002"] == ("present", "competition")
    assert len(tracker.attendance(event.id)) == 5
    assert [x.source for x in ledger(tracker, catalog, "E001", dt.datetime.now(SHANGHAI).date().year).entries] == ["quiz-day/s1"]


def count(tracker) -> tuple[int, int]:
    db = tracker.db
    return db.execute("SELECT COUNT(*) FROM attendance").fetchone()[0], db.execute("SELECT COUNT(*) FROM event_runs").fetchone()[
        0
    ]


def test_refusals_record_nothing(env):
    tracker, catalog, event = env
    org = Access(tracker, ORG)
    unfinished, run = finished_run(tracker, finish=False), finished_run(tracker)
    lecture = catalog.events["integrity-lecture-2026"]
    narrow = quiz_day(audience={"departments": ["安监部", "工会", "综合办"]})  # the outside captain is not in it
    cases = [
        (lambda: org.link_competition_run(lecture, "s1", run), "not_competition"),
        (lambda: org.link_competition_run(quiz_day(competition="ethics-contest-2026"), "s1", run), "run_other"),
        (lambda: org.link_competition_run(event, "s1", unfinished), "run_unfinished"),
        (lambda: org.link_competition_run(narrow, "s1", run), "run_outsider"),
    ]
    for call, reason in cases:
        with pytest.raises(EventRefused) as e:
            call()
        assert e.value.reason == reason
        assert count(tracker) == (0, 0)
    assert e.value.people == ["孙九（E009）"]  # names who is outside
    org.link_competition_run(event, "s1", run)
    linked = count(tracker)
    for call in (
        lambda: org.link_competition_run(event, "s1", finished_run(tracker)),  # the session has its run
        lambda: org.link_competition_run(quiz_day(id="quiz-day-2"), "s1", run),  # the run counts once
    ):
        with pytest.raises(EventRefused) as e:
            call()
        assert e.value.reason == "run_linked" and count(tracker) == linked


def test_only_organizers_link_runs(env):
    tracker, _, event = env
    run = finished_run(tracker)
    me = Access(tracker, Account("cap1", "employee", "E001"))
    for call in (
        lambda: me.link_competition_run(event, "s1", run),
        lambda: me.competition_runs(event),
        lambda: me.linked_run(event, "s1"),
    ):
        with pytest.raises(AccessDenied):
            call()
    assert count(tracker) == (0, 0)


def test_competitions_and_check_in_are_in_the_audit_log(env):
    """创建比赛, 裁判加减分 (with the reason), 结束比赛, 开启签到 and 结束签到 were not logged (new-user review)."""
    from ui.audit_text import say_detail
    from ui.state import t

    tracker, _, event = env
    run = finished_run(tracker, finish=False)
    play_to_end(tracker, run)
    scores = comps.state(tracker, run).scores
    top = max(scores, key=scores.get)  # adding to the leader keeps the top untied
    comps.append(tracker, HOST, run, {"kind": "adjust", "team": top, "delta": 5, "reason": "补记必答题"})
    comps.finish(tracker, HOST, run)
    session = event.session_ids[0]
    tracker.open_checkin(event, session, "org")
    tracker.close_checkin(event, session, "org")
    entries = {e["action"]: e for e in tracker.audit_entries(Account("root", "admin", None))}
    wanted = {"competition.create", "competition.adjust", "competition.finish", "event.checkin_open", "event.checkin_close"}
    assert wanted <= set(entries)
    adjust = entries["competition.adjust"]
    assert adjust["actor"] == HOST.username and adjust["subject"] == run
    assert f"队伍：{top}" in say_detail(adjust, t) and "原因：补记必答题" in say_detail(adjust, t)
    assert "参赛队伍：安监部、工会、综合办" in say_detail(entries["competition.create"], t)
    assert entries["event.checkin_open"]["subject"] == "quiz-day"
