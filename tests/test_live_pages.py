"""AppTest for the live-competition pages: host console, big-screen scoreboard, team buzzer."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, signed_in_page
from tracker import Tracker
from tracker import competitions as comp
from tracker.auth import sign_in

PASSWORD = "password-1"
DEPARTMENTS = ["办公室", "执法大队", "农技中心"]


@pytest.fixture
def env(tmp_path, monkeypatch):
    db = tmp_path / "live.db"
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MINGDE_DB", str(db))
    monkeypatch.setenv("MINGDE_CONTENT", str(ROOT / "content"))
    monkeypatch.setenv("MINGDE_LANG", "zh")
    comp.clear_cache()
    tracker = Tracker(db)
    for i, department in enumerate(DEPARTMENTS):
        for j in range(3):
            tracker.add_employee(f"E{i}{j}", f"员工{i}{j}", department)
        tracker.add_user(f"cap{i}", PASSWORD, "employee", f"E{i}0")
    tracker.add_user("org", PASSWORD, "organizer")
    tracker.add_user("zhang", PASSWORD, "employee", "E01")
    yield tracker
    tracker.close()
    comp.clear_cache()


def page(tracker: Tracker, user: str, path: str, **params) -> AppTest:
    return signed_in_page(tracker, user, path, password=PASSWORD, **params)


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def test_host_console_creates_and_drives_a_run(env):
    at = page(env, "org", "ui/pages/host.py")
    assert at.title[0].value == "现场赛主持台"
    click(at, "create")
    run = at.query_params["run"]
    assert at.title[0].value == "2026年职业道德知识竞赛（现场赛）"
    for key in ("start", "reveal", "open"):
        click(at, key)
    answering = comp.state(env, run).answering_team
    click(at, f"judge:{answering}:right")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[f"1. {answering}"] == "110"
    assert comp.state(env, run).scores[answering] == 110
    click(at, "reveal_answer")
    click(at, "next")
    assert comp.state(env, run).question_index == 1


def test_illegal_host_commands_show_the_rule(env):
    """The console offers only what the rules allow (no undo before anything was scored); a click that
    another console made stale is refused with the rule in Chinese."""
    at = page(env, "org", "ui/pages/host.py")
    click(at, "create")
    click(at, "start")
    run = at.query_params["run"]
    assert not [b for b in at.button if b.key == "undo"]
    for key in ("reveal", "open"):
        click(at, key)
    answering = comp.state(env, run).answering_team
    org = next(u for u in env.users() if u.username == "org")
    comp.append(env, org, run, {"kind": "judge", "result": "right"})  # a second console was quicker
    click(at, f"judge:{answering}:wrong")
    assert at.error[0].value == "本题已经判过分。"
    assert comp.state(env, run).scores[answering] == 110


def test_undo_needs_a_reason_and_restores_the_score(env):
    at = page(env, "org", "ui/pages/host.py")
    click(at, "create")
    run = at.query_params["run"]
    for key in ("start", "reveal", "open"):
        click(at, key)
    answering = comp.state(env, run).answering_team
    click(at, f"judge:{answering}:wrong")
    events = len(comp.events(env, run))
    click(at, "undo")  # no reason: the rule in Chinese, nothing written
    assert at.error[0].value == "撤销需要填写原因。" and len(comp.events(env, run)) == events
    at.text_input(key="undo_reason").input("裁判更正")
    click(at, "undo")  # what is typed counts without Enter (a form)
    assert comp.state(env, run).scores[answering] == 100
    assert comp.events(env, run)[-1].data["reason"] == "裁判更正"


def test_employees_cannot_open_the_host_console(env):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["session_token"] = sign_in(env, "zhang", PASSWORD).token
    at.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("ui/pages/host.py")


def staged(env, mode: str = "host") -> str:
    from quizzes import load_catalog

    catalog = load_catalog(ROOT / "content")
    competition = next(iter(catalog.competitions.values()))
    org = next(u for u in env.users() if u.username == "org")
    captains = {d: f"cap{i}" for i, d in enumerate(DEPARTMENTS)} if mode == "devices" else None
    return comp.create_run(env, org, competition, teams="departments", mode=mode, captains=captains, banks=catalog.banks, seed=7)


def test_scoreboard_shows_the_question_but_not_the_answer_until_revealed(env):
    run = staged(env)
    org = next(u for u in env.users() if u.username == "org")
    for command in ({"kind": "start"}, {"kind": "reveal"}):
        comp.append(env, org, run, command)
    board = page(env, "zhang", "ui/pages/scoreboard.py", run=run)
    state = comp.state(env, run)
    text = board_text(board)
    assert state.question.question.prompt in text
    assert "答案：" not in text and state.question.question.explanation not in text  # no answer shown
    comp.append(env, org, run, {"kind": "reveal_answer"})
    board.run()
    q = state.question.question
    letter = q.answer
    assert f"答案：{letter}. {q.options['ABCDEFGH'.index(letter)].text}" in board_text(board)  # letter and text
    assert "单选" in board_text(board)  # the question type


def board_text(at: AppTest) -> str:
    """The big screen's HTML (one st.html block per refresh)."""
    import html as html_lib

    return html_lib.unescape(" ".join(el.proto.body for el in at.get("html")))


def test_team_device_buzzes_for_its_team_only(env):
    run = staged(env, mode="devices")
    org = next(u for u in env.users() if u.username == "org")
    comp.append(env, org, run, {"kind": "start"})
    state = comp.state(env, run)
    while state.round_type != "buzzer":  # skip to the buzzer round
        for command in ({"kind": "reveal"}, {"kind": "open"}, {"kind": "judge", "result": "right"}, {"kind": "next"}):
            comp.append(env, org, run, command)
        state = comp.state(env, run)
    comp.append(env, org, run, {"kind": "reveal"})
    comp.append(env, org, run, {"kind": "open"})
    device = page(env, "cap1", "ui/pages/team.py")
    assert device.title[0].value == "抢答器"
    click(device, "buzz")
    state = comp.state(env, run)
    assert state.buzz_order[0][0] == DEPARTMENTS[1] and state.answering_team == DEPARTMENTS[1]


def test_someone_who_is_not_a_captain_has_no_buzzer(env):
    staged(env, mode="devices")
    assert page(env, "zhang", "ui/pages/team.py").info[0].value == "你不是正在进行的比赛的队长。"


def test_host_can_make_one_team_per_banzu(env):
    env.add_employee("E90", "班组甲", "办公室", "综合组")
    env.add_employee("E91", "班组乙", "办公室", "财务组")
    env.add_employee("E92", "班组丙", "执法大队", "一中队")
    at = page(env, "org", "ui/pages/host.py")
    at.radio(key="teams").set_value("teams").run()
    click(at, "create")
    setup = comp.setup_of(env, at.query_params["run"])
    assert {t.name: t.members for t in setup.teams} == {
        "办公室·综合组": ("E90",),
        "办公室·财务组": ("E91",),
        "执法大队·一中队": ("E92",),
    }


def test_reveal_answer_while_answering_asks_first_and_corrections_go_through_forms(env):
    at = page(env, "org", "ui/pages/host.py")
    click(at, "create")
    run = at.query_params["run"]
    for key in ("start", "reveal", "open"):
        click(at, key)
    answering = comp.state(env, run).answering_team
    click(at, "reveal_answer")  # the team is still answering: nothing is revealed yet …
    assert not comp.state(env, run).answer_revealed
    assert answering in at.warning[0].value and "确定现在公布答案" in at.warning[0].value
    click(at, "reveal_yes")  # … until the host confirms
    assert comp.state(env, run).answer_revealed
    click(at, f"judge:{answering}:wrong")
    judged = comp.state(env, run).history[-1].seq
    at.radio(key="correct_result").set_value("right")
    at.text_input(key="correct_reason").input("裁判复核")
    at.button(key="correct").click().run()
    assert not at.exception
    state = comp.state(env, run)
    assert state.scores[answering] == 110 and state.history[-1].corrects == judged
    assert [e.kind for e in comp.events(env, run)].count("correct") == 1 and not at.error  # sent once, no rule broken
    assert at.text_input(key="correct_reason").value == ""  # sent once: the reason box is empty again
    at.selectbox(key="adjust_team").set_value(answering)
    at.number_input(key="adjust_delta").set_value(-5)
    at.text_input(key="adjust_reason").input("场外提示")
    at.button(key="adjust").click().run()
    assert comp.state(env, run).scores[answering] == 105 and not at.error
    assert [e.kind for e in comp.events(env, run)][-2:] == ["correct", "adjust"]


def test_the_run_list_shows_shanghai_time(env):
    import datetime as dt

    from quizzes import load_catalog

    catalog = load_catalog(ROOT / "content")
    competition = next(iter(catalog.competitions.values()))
    org = next(u for u in env.users() if u.username == "org")
    created = dt.datetime(2026, 12, 1, 1, 30, tzinfo=dt.UTC)  # 09:30 in Shanghai
    comp.create_run(env, org, competition, teams="departments", banks=catalog.banks, seed=1, now=created)
    at = page(env, "org", "ui/pages/host.py")
    text = " ".join(m.value for m in at.markdown)
    assert "2026-12-01 09:30" in text and "01:30" not in text


def test_a_phone_keeps_its_message_until_something_happens(env):
    """The buzzer refreshes every second: a message stays until the state changes (it used to vanish
    after one second), in a place of its own (the answer form below it does not move)."""
    run = staged(env, mode="devices")
    org = next(u for u in env.users() if u.username == "org")
    for command in ({"kind": "start"}, {"kind": "reveal"}, {"kind": "open"}):
        comp.append(env, org, run, command)
    captain = f"cap{DEPARTMENTS.index(comp.state(env, run).answering_team)}"
    device = page(env, captain, "ui/pages/team.py")
    submit = next(b for b in device.button if b.label == "提交答案")
    submit.click().run()
    assert [e.value for e in device.error] == ["请先选择或填写答案。"]
    device.run()  # the next refresh: nothing happened, the message is still there
    assert [e.value for e in device.error] == ["请先选择或填写答案。"]
    comp.append(env, org, run, {"kind": "judge", "result": "right"})
    device.run()  # the host judged: the message has gone
    assert not device.error


def test_many_teams_get_one_score_table_instead_of_a_card_each():
    """A card per team cost a 60-team console a tenth of a second on every refresh: above 12 teams the
    scores are one Markdown table (team names shown literally), with the question's change."""

    def page():
        from ui.live import scores

        teams = [f"第{i:02d}队" for i in range(1, 14)] + ["A|B *队*"]
        scores(
            {
                "standings": [{"rank": i + 1, "team": name, "score": 100 - i} for i, name in enumerate(teams)],
                "last_change": {"第01队": 10, "A|B *队*": -10},
                "marks": {"A|B *队*": "correction"},
            }
        )

    at = AppTest.from_function(page).run()
    assert not at.exception and not at.metric
    [table] = [m.value for m in at.markdown]
    lines = table.splitlines()
    assert lines[0] == "| 名次 | 队伍 | 得分 | 备注 |" and len(lines) == 2 + 14
    assert lines[2] == "| 1 | 第01队 | 100 | \\+10 |"
    assert lines[-1] == "| 14 | A\\|B \\*队\\* | 87 | \\-10 更正 |"


@pytest.mark.parametrize(("result", "shown"), [("right", ["答对了 +10"]), ("wrong", [])])
def test_a_captain_sees_the_judgment_and_the_points_on_the_phone(env, result, shown):
    """After the host judges, the phone says 答对了/答错了 with the change of the score (it used to stay
    on 答案已提交。 while the score moved)."""
    run = staged(env, mode="devices")
    org = next(u for u in env.users() if u.username == "org")
    for command in ({"kind": "start"}, {"kind": "reveal"}, {"kind": "open"}):
        comp.append(env, org, run, command)
    state = comp.state(env, run)
    device = page(env, f"cap{DEPARTMENTS.index(state.answering_team)}", "ui/pages/team.py")
    comp.append(env, org, run, {"kind": "judge", "result": result})
    device.run()
    delta = comp.state(env, run).scores[state.answering_team] - state.scores[state.answering_team]
    assert [s.value for s in device.success] == (shown or [])
    if result == "wrong":
        assert [e.value for e in device.error] == [f"答错了 {delta:+g}" if delta else "答错了"]
    assert "答案已提交。" not in [s.value for s in device.success]
