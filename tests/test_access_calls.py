"""The role × library-call table of docs/security.md ("Library calls"), read from the document: every
call is made as every role, and is refused (``AccessDenied``, nothing written) or allowed (it
succeeds) exactly as the table says. A row the test does not know, or a call the table lacks, fails."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from quizzes import load_catalog
from quizzes.events import Event
from quizzes.fields import SHANGHAI
from quizzes.model import LiveCompetition
from tests.conftest import ROOT, SMALL_LESSON, SMALL_QUIZ, write_files
from tests.test_competition_rules import COMP, q
from tests.test_competition_store import play_to_end
from tracker import AccessDenied, Tracker, event_sheets, reports
from tracker import competitions as comps
from tracker.access import Access
from tracker.attendance import make_code, slot_of, typed_code
from tracker.event_access import EventCalls
from tracker.reports import date_period
from tracker.store import Account

SECURITY = ROOT / "docs" / "security.md"
PASSWORD = "password-1"
QUIZ = SMALL_QUIZ.replace("pass_percent: 60", "pass_percent: 60\nmax_attempts: 1000")
BANK_UPLOAD = """
id: {name}
title: 上传的题库
questions:
  - id: u1
    type: true_false
    prompt: 诚实守信是职业道德的基本规范。
    answer: 对
"""
ROLES = {
    "anonymous": None,
    "employee": Account("employee", "employee", "E1"),
    "organizer": Account("organizer", "organizer", "E2"),
    "leader": Account("leader", "leader", "E3"),
    "admin": Account("admin", "admin"),
}
PERIOD = "2000-01-01..2100-12-31"
BUZZ = LiveCompetition.model_validate(
    {
        "id": "buzz-only",
        "title": "抢答",
        "kind": "competition",
        "teams": [{"name": "甲队"}, {"name": "乙队"}],
        "rounds": [{"name": "抢答题", "type": "buzzer", "points": 10, "penalty": 10, "questions": [q("x1"), q("x2")]}],
    }
)
DEPT_COMP = COMP.model_copy(update={"teams": "departments"})
HOST = ROLES["organizer"]


def event(**data) -> Event:
    today = dt.datetime.now(SHANGHAI).date().isoformat()
    base = {"title": "活动", "kind": "lecture", "organizer": "工会", "credit_hours": 2}
    session = {"date": today, "start": "00:00", "end": "23:59", "place": "会议室"}
    return Event.model_validate({**base, "sessions": [session], **data})


TALK = event(id="talk", materials=[{"title": "讲义", "file": "talk.pdf"}])  # check-in open today
LATER = event(id="later", signup=True, sessions=[{"date": "2099-01-05", "start": "09:00", "end": "11:00", "place": "礼堂"}])
TRAINING = event(
    id="class",
    kind="training",
    sessions=[
        {"date": "2026-06-01", "start": "09:00", "end": "12:00", "place": "礼堂"},
        {"date": "2026-06-02", "start": "09:00", "end": "12:00", "place": "礼堂"},
    ],
)


def library_table() -> dict[str, dict[str, str]]:
    """The rows of the table under "## Library calls": first cell → {column: allowed|refused}."""
    text = SECURITY.read_text(encoding="utf-8")
    section = text.split("\n## Library calls\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    split = lambda line: [cell.strip() for cell in line.strip().strip("|").split("|")]  # noqa: E731
    header = split(lines[0])
    assert re.fullmatch(r"\|?[-| ]+\|?", lines[1]), "the second line is the header rule"
    return {cells[0]: dict(zip(header[1:], cells[1:], strict=True)) for cells in map(split, lines[2:])}


class Env:
    """One store and catalogue shared by the calls; each call works on data of its own."""

    def __init__(self, root: Path):
        self.content = write_files(root / "content", {"quizzes/small.yaml": QUIZ, "lessons/basics.yaml": SMALL_LESSON})
        self.catalog = load_catalog(self.content)
        self.quiz, self.lesson = self.catalog.quizzes["small"], self.catalog.lessons["basics"]
        self.tracker = t = Tracker(root / "calls.db")
        for eid, dept in (("E1", "安监部"), ("E2", "工会"), ("E3", "综合办"), ("E4", "安监部")):
            t.add_employee(eid, f"员工{eid}", dept)
        for account in ROLES.values():
            if account is not None:
                t.add_user(account.username, PASSWORD, account.role, account.employee_id)
        self.own = {}
        for eid in ("E1", "E2", "E3"):
            attempt = t.start_attempt(eid, self.quiz)
            self.own[eid] = attempt
            t.submit_attempt(attempt, {"s1": "A", "t1": False})
        self.others = t.start_attempt("E4", self.quiz)  # someone else's attempt, in progress
        t.save_answer(self.others, "s1", "A")
        self.uploads = 0
        for event in (TALK, LATER, TRAINING):  # events are content: the calls take the Event
            self.catalog.events[event.id] = event
        t.open_checkin(TALK, "s1", "org")
        for sid in TRAINING.session_ids:  # E4 finished the training class (another's record)
            t.mark(TRAINING, sid, "E4", "present", "org")

    def access(self, account: Account | None) -> Access:
        return Access(self.tracker, account)

    def run(self, mode: str = "host", competition: LiveCompetition = DEPT_COMP, **kw) -> str:
        return comps.create_run(self.tracker, HOST, competition, mode=mode, seed=3, **kw)


# -- the calls, by the first cell of their row --------------------------------------------------------
# Each function makes the set-up its row needs (as the host, say) and returns the calls to make as the
# role, one by one: each of them must be refused, or each must succeed.
Steps = list[Callable[[], object]]


def expect(value: object, expected: object) -> object:
    assert value == expected
    return value


def take_a_quiz(env: Env, account) -> Steps:
    def take():
        me = env.access(account)
        attempt = me.start_attempt(env.quiz)
        me.save_answer(attempt, "s1", "A")
        assert me.submit(attempt).score == 2

    return [take]


def read_own_results(env: Env, account) -> Steps:
    me = env.access(account)
    own = env.own.get(getattr(account, "employee_id", None), env.own["E1"])  # the admin has none
    return [
        lambda: me.my_attempts(),
        lambda: me.wrong_book(),
        lambda: expect(me.outcome(own)["score"], 2),
        lambda: expect(me.result(own).score, 2),
    ]


def own_lessons(env: Env, account) -> Steps:
    me = env.access(account)
    return [lambda: me.lesson_progress(), lambda: me.open_lesson(env.lesson), lambda: me.complete_lesson(env.lesson)]


def my_indicator(env: Env, account) -> Steps:
    return [lambda: expect(len(reports.my_indicator(env.tracker, account, PERIOD, env.catalog)), 1)]


def someone_elses_attempt(env: Env, account) -> Steps:
    me, other = env.access(account), env.others
    return [
        lambda: me.outcome(other),
        lambda: me.result(other),
        lambda: me.shown_questions(other),
        lambda: me.saved_responses(other),
        lambda: me.save_answer(other, "s1", "B"),
        lambda: me.submit(other),
    ]


def attempt_of_anyone(env: Env, account) -> Steps:
    return [lambda: expect(env.access(account).attempt_of_anyone(env.others)["employee_id"], "E4")]


def publish(env: Env, account) -> Steps:
    env.uploads += 1
    name = f"upload-{env.uploads}"
    me = env.access(account)
    return [lambda: expect(me.publish(env.content, BANK_UPLOAD.format(name=name), f"{name}.yaml", "bank").exists(), True)]


def author(env: Env, account) -> Steps:
    from quizzes import authoring

    env.uploads += 1
    quiz_id = f"authored-{env.uploads}"
    data = authoring.build_quiz(
        id=quiz_id, title="组卷", questions=env.catalog.quizzes["small"].model_dump(mode="json")["questions"][:1]
    )
    me = env.access(account)
    png = b"\x89PNG\r\n\x1a\n" + bytes(8)
    return [
        lambda: expect(me.save_content(env.content, "quiz", data).created, True),
        lambda: expect(me.save_image(env.content, "p.png", png).startswith("images/"), True),
        lambda: expect(len(me.preview_questions(env.quiz, 1)), len(env.quiz.questions)),
        lambda: expect(len(me.preview_paper(env.quiz, 1).questions), len(env.quiz.questions)),
        lambda: me.preview_grade(env.quiz, 1, {}),
    ]


def authoring_reads(env: Env, account) -> Steps:
    me = env.access(account)
    return [
        lambda: expect([d.data["id"] for d in me.content_documents(env.content, "lesson")], ["basics"]),
        lambda: expect(me.roster_groups()[0], ["安监部", "工会", "综合办"]),
        lambda: me.roster_teams(),
        lambda: expect(me.quiz_attempt_count("small") > 0, True),
    ]


def hide_a_quiz(env: Env, account) -> Steps:
    me = env.access(account)
    return [lambda: me.set_quiz_hidden("small", True), lambda: me.set_quiz_hidden("small", False)]


def set_owners(env: Env, account) -> Steps:
    return [
        lambda: env.tracker.set_quiz_owners(account, "small", ["organizer"]),
        lambda: env.tracker.set_quiz_owners(account, "small", []),
    ]


def create_run(env: Env, account) -> Steps:
    return [lambda: comps.create_run(env.tracker, account, DEPT_COMP, seed=3)]


def drive_a_run(env: Env, account) -> Steps:
    started, finishing = env.run(), env.run()
    play_to_end(env.tracker, finishing)  # finishing is legal once every round is played
    return [
        lambda: comps.append(env.tracker, account, started, {"kind": "start"}),
        lambda: comps.finish(env.tracker, account, finishing),
    ]


def team_command(env: Env, account) -> Steps:
    run = env.run("devices", BUZZ, captains={"甲队": "employee"})
    for kind in ("start", "reveal", "open"):
        comps.append(env.tracker, HOST, run, {"kind": kind})
    return [lambda: comps.append(env.tracker, account, run, {"kind": "buzz", "team": "甲队"})]


def live_reads(env: Env, account) -> Steps:
    run = env.run("devices", BUZZ, captains={"甲队": "employee"})
    live = env.access(account).live
    return [live.runs, lambda: live.state(run), lambda: live.setup(run), live.my_teams]


def live_staging(env: Env, account) -> Steps:
    live = env.access(account).live
    teams = [comps.TeamSetup("甲队", ("E1",), "employee")]
    return [
        lambda: live.stage(BUZZ, seed=3),
        live.department_teams,
        live.team_teams,
        live.departments,
        live.captain_choices,
        lambda: live.default_captains(teams),
        lambda: live.outside_captains(teams),
    ]


def live_console(env: Env, account) -> Steps:
    run = env.run()
    live = env.access(account).live
    return [lambda: live.console(run), lambda: live.send(run, {"kind": "start"})]


def live_team_command(env: Env, account) -> Steps:
    run = env.run("devices", BUZZ, captains={"甲队": "employee"})
    for kind in ("start", "reveal", "open"):
        comps.append(env.tracker, HOST, run, {"kind": kind})
    return [lambda: env.access(account).live.send(run, {"kind": "buzz", "team": "甲队"})]


def participation_reports(env: Env, account) -> Steps:
    t = env.tracker
    return [
        lambda: reports.participation_report(t, account, PERIOD),
        lambda: reports.non_participants(t, account, PERIOD),
        lambda: reports.participation_trend(t, account, PERIOD),
        lambda: reports.score_matrix(t, account, PERIOD),
        lambda: reports.event_attendance(t, account, PERIOD, catalog=env.catalog),
        lambda: env.access(account).participation_report(date_period("2000-01-01", "2100-12-31")),
    ]


def team_pack(env: Env, account) -> Steps:
    t = env.tracker
    if not any(e["id"] == "T9" for e in t.employees()):
        t.add_employee("T9", "班组员工", "安监部", "一班")
    return [
        lambda: reports.learning_teams(t, account),
        lambda: reports.learning_team_pack(t, account, "安监部", "一班", PERIOD, env.catalog),
        lambda: env.access(account).learning_team_pack("安监部", "一班", PERIOD, env.catalog),
    ]


def list_accounts(env: Env, account) -> Steps:
    return [lambda: env.access(account).accounts(), lambda: env.access(account).quiz_owners()]


def indicators(env: Env, account) -> Steps:
    return [lambda: expect(len(reports.assessment_indicators(env.tracker, account, PERIOD, env.catalog)), 4)]


def period_locks(env: Env, account) -> Steps:
    return [lambda: reports.period_lock(env.tracker, account, PERIOD), lambda: reports.lock_log(env.tracker, account, PERIOD)]


def lock_and_unlock(env: Env, account) -> Steps:
    figures = reports.assessment_indicators(env.tracker, ROLES["leader"], "2026Q1", env.catalog)
    return [
        lambda: reports.lock_period(env.tracker, account, "2026Q1", figures, reason="归档"),
        lambda: reports.unlock_period(env.tracker, account, "2026Q1", reason="更正"),
    ]


def item_analysis(env: Env, account) -> Steps:
    return [lambda: expect(len(reports.item_analysis(env.tracker, account, quiz_id="small")), 5)]


def change_own_password(env: Env, account) -> Steps:
    me = env.access(account)
    return [lambda: me.change_password(PASSWORD, "a-new-password-7"), lambda: me.change_password("a-new-password-7", PASSWORD)]


def manage_accounts(env: Env, account) -> Steps:
    env.uploads += 1
    name, t = f"new-user-{env.uploads}", env.tracker
    dept = "工会"  # no new department: the competition rows make one team per department
    t.add_employee(f"N{env.uploads}", "新员工", dept)
    t.add_user(f"victim{env.uploads}", PASSWORD, "leader")
    return [
        lambda: expect(len(t.account_rows(account)) >= 5, True),
        lambda: expect(t.create_account(account, name, "leader").username, name),
        lambda: expect(len(t.create_department_accounts(account, dept)) >= 1, True),
        lambda: expect(t.reset_password(account, f"victim{env.uploads}").username, f"victim{env.uploads}"),
        lambda: t.set_disabled(account, f"victim{env.uploads}", True),
        lambda: t.set_disabled(account, f"victim{env.uploads}", False),
        lambda: t.set_role(account, f"victim{env.uploads}", "organizer"),
    ]


ROSTER_CSV = "工号,姓名,部门,班组\nE1,员工E1,安监部,\nE2,员工E2,工会,\nE3,员工E3,综合办,\nE4,员工E4,安监部,\n"


def manage_roster(env: Env, account) -> Steps:
    env.uploads += 1
    me, eid = env.access(account), f"R{env.uploads}"
    path = env.content.parent / f"roster-{env.uploads}.csv"
    path.write_text(ROSTER_CSV + f"{eid},花名册员工,工会,\n", encoding="utf-8")
    return [
        lambda: me.find_employees(text="E1"),
        lambda: me.roster_entry("E1"),
        lambda: me.departments(),
        lambda: me.save_employee(f"S{env.uploads}", "新增员工", "工会", "一组"),
        lambda: expect(len(me.preview_roster(path).added) >= 1, True),
        lambda: expect(me.import_roster(path), 5),
        lambda: me.mark_left(eid, "2026-03-01"),
        lambda: me.mark_returned(eid),
    ]


def read_audit_log(env: Env, account) -> Steps:
    return [lambda: env.tracker.audit_entries(account, action="sign_in")]


def ticket(env: Env) -> str:
    code = make_code(env.tracker.checkin_secret(), TALK.id, "s1", slot_of(dt.datetime.now(dt.UTC)))
    return env.tracker.issue_ticket(TALK, code, "phone")


def own_events(env: Env, account) -> Steps:
    me, token = env.access(account), ticket(env)
    return [
        lambda: expect(TALK.id in [v.event.id for v in me.upcoming_events(env.catalog)], True),
        lambda: expect(me.sign_up(LATER), "signed"),
        lambda: expect(me.cancel_signup(LATER), []),
        lambda: expect(me.check_in(env.catalog, token, "phone")["method"], "code"),
        lambda: expect(me.my_attendance(TALK, "s1")["status"] in ("present", "late"), True),
        lambda: expect(me.check_out(TALK, "s1")["check_out_at"] is not None, True),
        lambda: me.my_hours(env.catalog),
    ]


def typed_check_in(env: Env, account) -> Steps:
    me = env.access(account)
    env.tracker.open_checkin(TALK, "s1", "host")
    with env.tracker.write() as db:  # the set-up: this person's entry of an earlier row is taken back
        db.execute(
            "DELETE FROM attendance WHERE event_id = ? AND session_id = 's1' AND employee_id = ?",
            (TALK.id, account and account.employee_id),
        )
    code = lambda: typed_code(env.tracker.checkin_secret(), TALK.id, "s1", slot_of(dt.datetime.now(dt.UTC)))  # noqa: E731
    return [
        lambda: expect((TALK, "s1") in me.open_checkins(env.catalog), True),
        lambda: expect(me.check_in_code(TALK, "s1", code(), "phone")["method"], "code"),
    ]


def screen_code(env: Env, account) -> Steps:
    me = env.access(account)
    env.tracker.open_checkin(TALK, "s1", "host")
    return [lambda: expect(len(me.typed_code(TALK, "s1")), 6)]


def event_reads(env: Env, account) -> Steps:
    me, token = env.access(account), ticket(env)
    return [
        lambda: expect(me.ticket_event(env.catalog, token), (TALK, "s1")),
        lambda: expect(me.session_state(TALK, "s1")["status"], "open"),
        lambda: expect(me.material_path(env.catalog, TALK, "talk.pdf").name, "talk.pdf"),
        lambda: expect(isinstance(me.can_make_pdfs(), bool), True),
    ]


def run_check_in(env: Env, account) -> Steps:
    me = env.access(account)
    people = env.tracker.expected(TALK)
    filled = event_sheets.signin_sheet(TALK, "s1", people)
    wb = load_workbook(io.BytesIO(filled))
    for row in wb.active.iter_rows(min_row=5):
        if row[1].value == "E4":
            row[5].value = "√"
    out = io.BytesIO()
    wb.save(out)
    return [
        lambda: me.open_checkin(TALK, "s1"),
        lambda: expect(me.current_code(TALK, "s1")[0].startswith("talk.s1."), True),
        lambda: expect(me.mark(TALK, "s1", "E4", "leave", reason="下乡")["status"], "leave"),
        lambda: expect(me.signin_sheet(TALK, "s1")[:2], b"PK"),
        lambda: expect(me.signin_sheet_pdf(TALK, "s1")[:4], b"%PDF"),
        lambda: expect(me.import_signin_sheet(TALK, "s1", out.getvalue()), 1),
        lambda: me.close_checkin(TALK, "s1"),
        lambda: me.open_checkin(TALK, "s1"),  # reopened for the other rows
    ]


def event_form(env: Env, account) -> Steps:
    me = env.access(account)
    env.uploads += 1
    upload = (f"讲义{env.uploads}.md", f"# 讲义 {env.uploads}".encode())
    written: list[str] = []

    def save():
        entries, new = me.save_materials(env.content, [upload])
        written.extend(new)
        assert (env.content / "events" / "materials" / entries[0]["file"]).is_file()

    def discard():
        me.discard_materials(env.content, written)
        assert not list((env.content / "events" / "materials").glob(f"*{env.uploads}-*"))

    return [
        lambda: expect(me.roster_names()["employees"]["E1"], "员工E1（E1）"),
        lambda: expect(me.event_yaml({"id": "x"}), "id: x\n"),
        save,
        discard,
    ]


def competition_events(env: Env, account) -> Steps:
    run = env.run()
    play_to_end(env.tracker, run)
    comps.finish(env.tracker, HOST, run)
    env.uploads += 1
    quiz_day = event(id=f"quiz-day-{env.uploads}", kind="competition", competition=DEPT_COMP.id)
    me = env.access(account)
    return [
        lambda: expect(run in [r["id"] for r in me.competition_runs(quiz_day)], True),
        lambda: expect(me.link_competition_run(quiz_day, "s1", run) >= 4, True),
        lambda: expect(len(me.award_certificates(run)), 3),
    ]


def attendance_reads(env: Env, account) -> Steps:
    me = env.access(account)
    return [
        lambda: expect("E4" in [r.employee_id for r in me.roll_call(TALK, "s1")], True),
        lambda: me.proxy_flags(TALK, "s1"),
        lambda: me.spot_check(TALK, "s1", 2, 1),
        lambda: expect(me.attendance_sheet(TALK)[:2], b"PK"),
        lambda: me.linked_run(TALK, "s1"),
        lambda: expect(len(me.hours_requirement_report(env.catalog, 2026)), 3),
    ]


def own_record(env: Env, account) -> Steps:
    me, person = env.access(account), getattr(account, "employee_id", None)
    if person:
        for sid in TRAINING.session_ids:
            env.tracker.mark(TRAINING, sid, person, "present", "org")
    return [
        lambda: expect(me.hours_of(env.catalog, None, 2026).employee_id, person),
        lambda: expect(me.training_record(env.catalog, years=[2026])[:2], b"PK"),
        lambda: expect(me.hours_certificate(env.catalog, None, 2026)[:4], b"%PDF"),
        lambda: expect(me.completion_certificate(env.catalog, TRAINING)[:4], b"%PDF"),
    ]


def anyones_record(env: Env, account) -> Steps:
    me = env.access(account)
    return [
        lambda: expect(me.hours_of(env.catalog, "E4", 2026).by_kind["events"] >= 2.0, True),
        lambda: expect(me.training_record(env.catalog, "E4", [2026])[:2], b"PK"),
        lambda: expect(me.hours_certificate(env.catalog, "E4", 2026)[:4], b"%PDF"),
        lambda: expect(me.completion_certificate(env.catalog, TRAINING, "E4")[:4], b"%PDF"),
    ]


CALLS: dict[str, Callable] = {
    "take a quiz: start, answer, submit (`Access.start_attempt`, `save_answer`, `submit`)": take_a_quiz,
    "read one's own attempts and results (`Access.my_attempts`, `outcome`, `result`, `wrong_book`)": read_own_results,
    "read one's own lesson progress, open and complete a lesson (`Access.lesson_progress`, `open_lesson`, "
    "`complete_lesson`)": own_lessons,
    "read one's own assessment indicator (`reports.my_indicator`)": my_indicator,
    "another employee's attempt through the self-service calls (`Access.outcome`, `result`, `shown_questions`, "
    "`saved_responses`, `save_answer`, `submit`)": someone_elses_attempt,
    "read another employee's attempt (`Access.attempt_of_anyone`)": attempt_of_anyone,
    "publish content (`Access.publish`)": publish,
    "author content in the browser and preview a quiz (`Access.save_content`, `save_image`, `preview_questions`, "
    "`preview_paper`, `preview_grade`)": author,
    "read what authoring needs (`Access.content_documents`, `roster_groups`, `roster_teams`, `quiz_attempt_count`)": (
        authoring_reads
    ),
    "hide or show a quiz (`Access.set_quiz_hidden`)": hide_a_quiz,
    "set who runs a quiz (`Tracker.set_quiz_owners`; an organizer only for a quiz they run or nobody runs)": set_owners,
    "create a competition run (`competitions.create_run`)": create_run,
    "drive a competition run (`competitions.append` with a host command, `competitions.finish`)": drive_a_run,
    "buzz, pick or answer for a team on a device (`competitions.append` with a team command; the employee is that "
    "team's captain)": team_command,
    "read competition runs and a run's state (`Access.live.runs`, `state`, `setup`, `my_teams`)": live_reads,
    "stage a competition on the host page (`Access.live.stage`, `department_teams`, `team_teams`, `departments`, "
    "`captain_choices`, `default_captains`, `outside_captains`)": live_staging,
    "drive a run from the host console (`Access.live.console`, `Access.live.send` with a host command)": live_console,
    "buzz, pick or answer from a captain's phone (`Access.live.send` with a team command; the employee is that "
    "team's captain)": live_team_command,
    "list accounts and who runs each quiz (`Access.accounts`, `quiz_owners`)": list_accounts,
    "read participation reports (`reports.participation_report`, `non_participants`, `participation_trend`, "
    "`score_matrix`, `event_attendance`, `Access.participation_report`)": participation_reports,
    "read assessment indicators (`reports.assessment_indicators`)": indicators,
    "学习型班组 evidence pack and its list of 班组 (`reports.learning_team_pack`, `learning_teams`)": team_pack,
    "read period locks and their log (`reports.period_lock`, `lock_log`)": period_locks,
    "lock and unlock an assessment period (`reports.lock_period`, `unlock_period`)": lock_and_unlock,
    "item analysis (`reports.item_analysis`)": item_analysis,
    "change one's own password (`Tracker.change_own_password`, `Access.change_password`)": change_own_password,
    "manage accounts: list, create with a one-time password, create for a department, reset a password, disable and "
    "enable, change a role (`Tracker.account_rows`, `create_account`, `create_department_accounts`, `reset_password`, "
    "`set_disabled`, `set_role`)": manage_accounts,
    "manage the roster: search, departments, add or edit, mark as left or returned, preview and import a file "
    "(`Tracker.find_employees`, `roster_entry`, `Access.departments`, `save_employee`, `mark_left`, `mark_returned`, "
    "`Access.preview_roster`, `import_roster`)": manage_roster,
    "read the audit log (`Tracker.audit_entries`)": read_audit_log,
    "one's own events: upcoming ones, sign up and cancel, check in with a ticket and out, one's attendance and 学时 "
    "(`Access.upcoming_events`, `sign_up`, `cancel_signup`, `check_in`, `my_attendance`, `check_out`, `my_hours`)": own_events,
    "check oneself in with the typed 签到码: the open sessions of one's audience, the code (`Access.open_checkins`, "
    "`check_in_code`)": typed_check_in,
    "the projector's 6-digit 签到码 (`Access.typed_code`)": screen_code,
    "read a check-in ticket's event, a session's check-in state, an event's material, whether PDFs can be made "
    "(`Access.ticket_event`, `session_state`, `material_path`, `can_make_pdfs`)": event_reads,
    "run check-in: open and close a session, the projector's code, roll call and 请假, the 签到表 out (xlsx, PDF) and "
    "back in (`Access.open_checkin`, `close_checkin`, `current_code`, `mark`, `signin_sheet`, `signin_sheet_pdf`, "
    "`import_signin_sheet`)": run_check_in,
    "make an event with the form, upload its materials (`Access.roster_names`, `event_yaml`, `save_materials`, "
    "`discard_materials`; published with `Access.publish`)": event_form,
    "record a finished competition run as an event session's attendance, 获奖证书 (`Access.competition_runs`, "
    "`link_competition_run`, `award_certificates`)": competition_events,
    "read attendance: roll call, proxy flags, 抽查, the attendance sheet, the linked run, 学时达标 "
    "(`Access.roll_call`, `proxy_flags`, `spot_check`, `attendance_sheet`, `linked_run`, `hours_requirement_report`)": (
        attendance_reads
    ),
    "one's own training record: 学时, 培训档案, 学时证明, 结业证书 (`Access.hours_of`, `training_record`, "
    "`hours_certificate`, `completion_certificate` without another's 工号)": own_record,
    "another person's training record (`Access.hours_of`, `training_record`, `hours_certificate`, "
    "`completion_certificate` with their 工号)": anyones_record,
}
TABLE = library_table()


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    env = Env(tmp_path_factory.mktemp("calls"))
    yield env
    env.tracker.close()


@pytest.fixture(autouse=True)
def fresh_competition_cache():
    comps.clear_cache()
    yield
    comps.clear_cache()


def test_the_table_and_the_test_list_the_same_calls_and_roles():
    assert sorted(TABLE) == sorted(CALLS)
    for row in TABLE.values():
        assert list(row) == list(ROLES)
        assert set(row.values()) <= {"allowed", "refused"}


def test_the_table_lists_every_role_check_of_the_library():
    """Every public call of tracker.reports, tracker.competitions, Tracker and Access that checks a role
    has a row (named in it, e.g. `reports.item_analysis`, or after a module name as `lock_log`)."""
    named = " ".join(TABLE)
    stores = [(cls, "Tracker") for cls in Tracker.__mro__ if cls.__module__.startswith("tracker.store")]
    owners = [(reports, "reports"), (comps, "competitions"), *stores, (Access, "Access")]
    for owner, prefix in owners:
        for name, value in vars(owner).items():
            code = getattr(value, "__code__", None)
            if name.startswith("_") or code is None or name in ("check_role", "require"):
                continue
            if {"check_role", "require"} & set(code.co_names):
                mentioned = f"`{prefix}.{name}`" in named or f"`{name}`" in named or f"`Access.{name}`" in named
                assert mentioned, f"{prefix}.{name} checks a role but has no row in docs/security.md"


# How an event call checks who calls: a role, or the signed-in account and its own 工号 (directly or
# through a call that does).
IDENTITY = {"check_role", "require", "_signed_in", "employee_id", "_person", "ticket_event", "roll_call", "_open_slot"}


def test_every_event_call_checks_the_caller_and_has_a_row():
    """Every public call of the event mixin (``tracker.event_access.EventCalls``, part of ``Access``)
    checks a role or the caller's identity, and has a row in the table."""
    named = " ".join(TABLE)
    calls = {n: v for n, v in vars(EventCalls).items() if not n.startswith("_") and hasattr(v, "__code__")}
    assert len(calls) >= 30
    for name, value in calls.items():
        assert IDENTITY & set(value.__code__.co_names), f"Access.{name} checks neither a role nor who calls"
        assert f"`Access.{name}`" in named or f"`{name}`" in named, f"Access.{name} has no row in docs/security.md"


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("call", list(TABLE))
def test_each_call_is_allowed_or_refused_as_the_table_says(env, call, role):
    steps = CALLS[call](env, ROLES[role])  # the row's set-up is done
    conn = env.tracker.db.conn
    changes, files = conn.total_changes, sorted(env.content.rglob("*.yaml"))
    for step in steps:
        if TABLE[call][role] == "refused":
            with pytest.raises(AccessDenied):
                step()
        else:
            step()
    if TABLE[call][role] == "refused":
        assert conn.total_changes == changes, "a refused call wrote to the database"
        assert sorted(env.content.rglob("*.yaml")) == files, "a refused call wrote a file"


@pytest.mark.parametrize("role", ["employee", "admin"])
@pytest.mark.parametrize("call", list(TABLE))
def test_a_disabled_account_is_refused_like_anonymous(env, call, role):
    disabled = dataclasses.replace(ROLES[role], disabled=True)
    for step in CALLS[call](env, disabled):
        with pytest.raises(AccessDenied):
            step()


ONE_TIME_ROW = "change one's own password (`Tracker.change_own_password`, `Access.change_password`)"


@pytest.mark.parametrize("role", ["employee", "admin"])
@pytest.mark.parametrize("call", [c for c in TABLE if c != ONE_TIME_ROW])
def test_an_account_with_a_one_time_password_may_only_change_it(env, call, role):
    one_time = dataclasses.replace(ROLES[role], must_change=True)
    for step in CALLS[call](env, one_time):
        with pytest.raises(AccessDenied):
            step()
