"""Live competitions in the store: runs, the event log, recovery, concurrent buzzes, roles, results, cache."""

from __future__ import annotations

import threading

import pytest

from quizzes import competition as rules
from quizzes.competition import CompetitionRuleError
from quizzes.model import LiveCompetition
from tests.conftest import at
from tests.test_competition_rules import COMP, q
from tracker import AccessDenied, Tracker
from tracker import competitions as comps
from tracker.store import Account

HOST = Account("host", "organizer")
ADMIN = Account("root", "admin")
EMPLOYEE = Account("zhang", "employee", "E001")
CAP = {"安监部": Account("cap1", "employee", "E001"), "工会": Account("cap2", "employee", "E003")}
DEPT_COMP = COMP.model_copy(update={"teams": "departments"})


@pytest.fixture(autouse=True)
def fresh_cache():
    comps.clear_cache()
    yield
    comps.clear_cache()


@pytest.fixture
def roster(tracker):
    for eid, name, dept in [
        ("E001", "张一", "安监部"),
        ("E002", "李二", "安监部"),
        ("E003", "王三", "工会"),
        ("E004", "赵四", "工会"),
        ("E005", "钱五", "综合办"),
    ]:
        tracker.add_employee(eid, name, dept)
    tracker.add_employee("E006", "孙六", "综合办", active=False)
    return tracker


def new_run(tracker, mode="host", **kw):
    return comps.create_run(
        tracker, HOST, DEPT_COMP, mode=mode, seed=3, now=at("2026-12-01T08:00"), captains={"安监部": "cap1", "工会": "cap2"}, **kw
    )


def do(tracker, run_id, *commands, account=HOST):
    out = []
    for c in commands:
        out.append(comps.append(tracker, account, run_id, {"kind": c} if isinstance(c, str) else c))
    return out


def test_create_run_with_departments(roster):
    run_id = new_run(roster)
    setup = comps.setup_of(roster, run_id)
    assert [(t.name, t.members, t.captain) for t in setup.teams] == [
        ("安监部", ("E001", "E002"), "cap1"),
        ("工会", ("E003", "E004"), "cap2"),
        ("综合办", ("E005",), None),
    ]
    assert [sq.team for sq in setup.rounds[0].questions] == ["安监部", "工会", "综合办"]
    [row] = comps.runs(roster, "test-live")
    assert row["status"] == "setup" and row["mode"] == "host" and row["created_by"] == "host"
    st = comps.state(roster, run_id)
    assert st.phase == "setup" and st.scores == {"安监部": 100, "工会": 100, "综合办": 100}


def test_create_run_needs_an_organizer_and_enough_questions(roster):
    with pytest.raises(AccessDenied):
        comps.create_run(roster, EMPLOYEE, DEPT_COMP)
    roster.add_employee("E007", "周七", "财务部")  # four departments: the required round has only 3 questions
    with pytest.raises(CompetitionRuleError, match="needs 4 questions for 4 teams but has 3"):
        comps.create_run(roster, ADMIN, DEPT_COMP)


def test_create_run_stores_the_content_version(roster, starter_catalog):
    comp = starter_catalog.competitions["ethics-contest-2026"]
    run_id = comps.create_run(roster, HOST, comp, banks=starter_catalog.banks, seed=1)
    run = comps.runs(roster)[0]
    assert run["id"] == run_id and run["content_hash"] == comp._source.digest
    assert roster.db["content_versions"].get(comp._source.digest)["kind"] == "competition"


def test_events_have_server_time_and_no_gaps(roster):
    run_id = new_run(roster)
    evs = do(roster, run_id, "start", "reveal", "open")
    assert [e.seq for e in evs] == [1, 2, 3] and all(e.at and e.actor == "host" for e in evs)
    with pytest.raises(CompetitionRuleError):
        do(roster, run_id, "open")
    assert [e.seq for e in comps.events(roster, run_id)] == [1, 2, 3]
    assert comps.runs(roster)[0]["status"] == "running"


def test_restart_replays_to_the_same_state(roster, tmp_path):
    run_id = new_run(roster)
    do(
        roster,
        run_id,
        "start",
        "reveal",
        "open",
        {"kind": "judge", "result": "right"},
        "next",
        "reveal",
        "open",
        {"kind": "judge", "result": "wrong"},
        "next",
        "reveal",
        "open",
        {"kind": "judge", "result": "right"},
        "next",
        "reveal",
        {"kind": "buzz", "team": "工会"},
        "open",
        {"kind": "buzz", "team": "综合办"},
        {"kind": "buzz", "team": "安监部"},
    )
    before = comps.state(roster, run_id)
    roster.close()
    comps.clear_cache()
    again = Tracker(tmp_path / "mingde.db")
    try:
        after = comps.state(again, run_id)
        assert after is not before
        for field in (
            "seq",
            "phase",
            "round_index",
            "round_name",
            "question_index",
            "status",
            "answering_team",
            "buzz_order",
            "early_buzzes",
            "scores",
            "last_change",
            "open_at",
            "deadline",
        ):
            assert getattr(after, field) == getattr(before, field), field
        assert after.question.key == before.question.key
        assert after.scores == {"安监部": 110, "工会": 90, "综合办": 110}
        assert after.answering_team == "综合办" and [t for t, _ in after.buzz_order] == ["综合办", "安监部"]
        comps.append(again, HOST, run_id, {"kind": "judge", "result": "right"})
        assert comps.state(again, run_id).scores["综合办"] == 120
    finally:
        again.close()


def test_concurrent_buzzes_first_recorded_wins(tracker):
    names = [f"队{i:02d}" for i in range(10)]
    comp = LiveCompetition.model_validate(
        {
            "id": "buzz-only",
            "title": "抢答",
            "kind": "competition",
            "teams": [{"name": n} for n in names],
            "rounds": [{"name": "抢答题", "type": "buzzer", "points": 10, "penalty": 10, "questions": [q("x1"), q("x2")]}],
        }
    )
    run_id = comps.create_run(tracker, HOST, comp, mode="devices", captains={n: f"cap{i}" for i, n in enumerate(names)})
    do(tracker, run_id, "start", "reveal", "open")
    barrier = threading.Barrier(20)
    outcomes: list = []
    lock = threading.Lock()

    def buzz(i: int) -> None:  # two devices per team: 20 threads, 10 teams
        team = names[i % 10]
        account = Account(f"cap{i % 10}", "employee")
        barrier.wait()
        try:
            ev = comps.append(tracker, account, run_id, {"kind": "buzz", "team": team})
            result = ("ok", team, ev.seq)
        except CompetitionRuleError as e:
            result = ("refused", team, str(e))
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=buzz, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = sorted((o for o in outcomes if o[0] == "ok"), key=lambda o: o[2])
    refused = [o for o in outcomes if o[0] == "refused"]
    assert len(ok) == 10 and len(refused) == 10
    assert {o[1] for o in ok} == set(names)  # each team recorded once
    assert all("already buzzed" in o[2] for o in refused)
    log = comps.events(tracker, run_id)
    assert [e.seq for e in log] == list(range(1, 14))  # no gaps
    buzzes = [e for e in log if e.kind == "buzz"]
    assert [e.at for e in buzzes] == sorted(e.at for e in buzzes)
    comps.clear_cache()
    st = comps.state(tracker, run_id)
    assert st.answering_team == buzzes[0].data["team"] == ok[0][1]  # exactly one winner: the earliest recorded
    assert [t for t, _ in st.buzz_order] == [e.data["team"] for e in buzzes]


def test_roles_host_and_captains(roster):
    run_id = new_run(roster, mode="devices")
    with pytest.raises(AccessDenied):
        do(roster, run_id, "start", account=EMPLOYEE)
    do(roster, run_id, "start", *["reveal", "open", {"kind": "judge", "result": "right"}, "next"] * 3, "reveal", "open")
    with pytest.raises(AccessDenied, match="only the captain of team '工会'"):
        do(roster, run_id, {"kind": "buzz", "team": "工会"}, account=CAP["安监部"])
    with pytest.raises(AccessDenied):
        do(roster, run_id, {"kind": "buzz", "team": "综合办"}, account=CAP["安监部"])  # a team without a captain
    with pytest.raises(AccessDenied):
        do(roster, run_id, {"kind": "judge", "result": "right"}, account=CAP["安监部"])
    [ev] = do(roster, run_id, {"kind": "buzz", "team": "安监部"}, account=CAP["安监部"])
    assert ev.actor == "cap1"
    do(roster, run_id, {"kind": "submit_choice", "team": "安监部", "choice": "A"}, account=CAP["安监部"])
    [judged] = do(roster, run_id, {"kind": "auto_judge"})
    assert judged.kind == "judge" and judged.data["result"] == "right"
    assert comps.state(roster, run_id).scores["安监部"] == 120


def test_host_mode_devices_cannot_buzz(roster):
    run_id = new_run(roster, mode="host")
    do(roster, run_id, "start")
    with pytest.raises(AccessDenied, match="entered by the host"):
        do(roster, run_id, {"kind": "pick_value", "team": "安监部", "value": 10}, account=CAP["安监部"])


def play_to_end(tracker, run_id):
    do(tracker, run_id, "start", *["reveal", "open", {"kind": "judge", "result": "right"}, "next"] * 3)
    do(
        tracker,
        run_id,
        "reveal",
        "open",
        {"kind": "buzz", "team": "工会"},
        {"kind": "judge", "result": "right"},
        "next",
        "reveal",
        "open",
        "next",
    )
    for _ in range(3):
        team = comps.state(tracker, run_id).answering_team
        do(
            tracker,
            run_id,
            {"kind": "pick_value", "team": team, "value": 10},
            "reveal",
            "open",
            {"kind": "judge", "result": "wrong" if team == "综合办" else "right"},
            "next",
        )


def test_finish_writes_results_and_members_once(roster):
    run_id = new_run(roster)
    play_to_end(roster, run_id)
    assert comps.state(roster, run_id).scores == {"安监部": 120, "工会": 130, "综合办": 100}
    comps.finish(roster, HOST, run_id)
    assert comps.results(roster, run_id) == [
        {"team": "工会", "rank": 1, "points": 130},
        {"team": "安监部", "rank": 2, "points": 120},
        {"team": "综合办", "rank": 3, "points": 100},
    ]
    members = list(
        roster.db.query("SELECT team, employee_id FROM competition_members WHERE run_id = ? ORDER BY employee_id", (run_id,))
    )
    assert members == [
        {"team": "安监部", "employee_id": "E001"},
        {"team": "安监部", "employee_id": "E002"},
        {"team": "工会", "employee_id": "E003"},
        {"team": "工会", "employee_id": "E004"},
        {"team": "综合办", "employee_id": "E005"},
    ]
    run = comps.runs(roster)[0]
    assert run["status"] == "finished" and run["finished_at"]
    with pytest.raises(CompetitionRuleError, match="finished"):
        comps.finish(roster, HOST, run_id)
    assert roster.db.execute("SELECT COUNT(*) FROM competition_results WHERE run_id = ?", (run_id,)).fetchone()[0] == 3


def test_state_is_cached_until_a_new_event(roster, monkeypatch):
    run_id = new_run(roster)
    do(roster, run_id, "start", "reveal")
    calls = []
    real = rules.replay

    def counting(setup, events):
        calls.append(len(events))
        return real(setup, events)

    monkeypatch.setattr(rules, "replay", counting)
    comps.clear_cache()
    first = comps.state(roster, run_id)
    assert calls == [2]
    for _ in range(5):
        assert comps.state(roster, run_id) is first
    assert calls == [2]
    do(roster, run_id, "open")  # written here: the cache takes the new state without a replay
    st = comps.state(roster, run_id)
    assert st.seq == 3 and st.status == "open" and calls == [2]
    # another process writes an event: the next refresh sees a new last seq and replays once
    with roster.write() as db:
        db["competition_events"].insert(
            {
                "run_id": run_id,
                "seq": 4,
                "at": "2026-12-01T08:00:10.000+00:00",
                "actor": "host",
                "kind": "judge",
                "data": '{"result": "right"}',
            }
        )
    st = comps.state(roster, run_id)
    assert st.seq == 4 and st.scores["安监部"] == 110 and calls == [2, 4]
    assert comps.state(roster, run_id) is st and calls == [2, 4]


@pytest.mark.parametrize(
    "change, code",
    [
        (lambda t: t.set_disabled(ADMIN, "cap1", True), "sender_disabled"),
        (lambda t: t.set_password("cap1", "one-time-1", must_change=True), "sender_must_change"),
    ],
    ids=["disabled", "one-time password"],
)
def test_a_captain_disabled_or_reset_since_the_page_opened_is_refused(roster, change, code):
    """The page's copy of the account is older than the change: the library reads the accounts table."""
    roster.add_user("cap1", "password-1", "employee", "E001")
    run_id = new_run(roster, mode="devices")
    do(roster, run_id, "start", *["reveal", "open", {"kind": "judge", "result": "right"}, "next"] * 3, "reveal", "open")
    change(roster)
    before = len(comps.events(roster, run_id))
    with pytest.raises(comps.CommandRefused) as refused:
        do(roster, run_id, {"kind": "buzz", "team": "安监部"}, account=CAP["安监部"])  # the stale copy says enabled
    assert refused.value.code == code and isinstance(refused.value, AccessDenied)
    assert len(comps.events(roster, run_id)) == before  # nothing written


@pytest.mark.parametrize(
    "change, codes",
    [
        (lambda t: t.set_disabled(ADMIN, "host", True), ("sender_disabled", "sender_disabled")),
        (lambda t: t.set_password("host", "one-time-1", must_change=True), ("sender_must_change", "sender_must_change")),
        (lambda t: t.set_role(ADMIN, "host", "leader"), ("sender_changed", "sender_changed")),
    ],
    ids=["disabled", "one-time password", "no longer an organizer"],
)
def test_a_host_disabled_reset_or_demoted_is_refused(roster, change, codes):
    roster.add_user("host", "password-1", "organizer")
    run_id = new_run(roster, mode="devices")
    do(roster, run_id, "start")
    change(roster)
    for command, code in zip(({"kind": "reveal"}, {"kind": "pick_value", "team": "安监部", "value": 10}), codes, strict=True):
        with pytest.raises(comps.CommandRefused) as refused:
            do(roster, run_id, command)
        assert refused.value.code == code
    assert [e.kind for e in comps.events(roster, run_id)] == ["start"]


def test_refusals_of_the_sender_have_chinese_texts(roster):
    from ui.i18n import ZH
    from ui.live import rule_text

    roster.add_user("cap1", "password-1", "employee", "E001")
    run_id = new_run(roster, mode="devices")
    do(roster, run_id, "start")
    roster.set_disabled(ADMIN, "cap1", True)
    with pytest.raises(comps.CommandRefused) as refused:
        do(roster, run_id, {"kind": "buzz", "team": "安监部"}, account=CAP["安监部"])
    assert rule_text(refused.value) == ZH["rule.sender_disabled"].format(user="cap1")
    with pytest.raises(comps.CommandRefused) as refused:
        do(roster, run_id, {"kind": "buzz", "team": "工会"}, account=EMPLOYEE)
    assert refused.value.code == "not_captain" and "工会" in rule_text(refused.value)
