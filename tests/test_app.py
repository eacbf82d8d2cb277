"""AppTest: every page runs (title, no exception, role gating), and the quiz flow end to end."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DATA, ROOT, SMALL_QUIZ, app_store, signed_in_page, write_files
from tests.conftest import at as moment
from tracker import Tracker
from tracker.auth import sign_in

LESSON = """
id: basics
title: 职业道德基础
summary: 为什么职业道德是每位职工的基本功。
minutes: 10
min_read_time: 2m
tags: [职业道德]
sections:
  - title: 什么是职业道德
    body: |
      职业道德是从业人员在职业活动中应当遵循的行为准则。<script>alert(1)</script>
key_points: [爱岗敬业, 诚实守信]
quiz: small
"""
PASSWORD = "password-1"


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A content folder (one lesson, one five-question quiz), a store with one account per role."""
    content = write_files(tmp_path / "content", {"quizzes/small.yaml": SMALL_QUIZ, "lessons/basics.yaml": LESSON})
    tracker = app_store(
        monkeypatch,
        tmp_path / "app.db",
        content,
        employees=(("E001", "张三", "办公室", "综合组"), ("E002", "李四", "办公室", "财务组")),
        users=(
            ("zhang", "employee", "E001"),
            ("li", "employee", "E002"),
            ("org", "organizer"),
            ("boss", "leader"),
            ("root", "admin"),
        ),
        password=PASSWORD,
    )
    yield tracker
    tracker.close()


def app(tracker: Tracker | None = None, user: str | None = None, page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if user:
        at.session_state["session_token"] = sign_in(tracker, user, PASSWORD).token
    if not page:
        for k, v in params.items():
            at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page)
        for k, v in params.items():  # "/" goes on to the start page, without the query
            at.query_params[k] = v
        at.run()
    assert not at.exception, at.exception
    return at


def html_bodies(at: AppTest) -> str:
    return " ".join(h.proto.body for h in at.get("html"))


# -- sign-in -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("lang", "labels"), [("zh", ["用户名", "密码", "登录"]), ("en", ["Username", "Password", "Sign in"])])
def test_login_form_labels(env, monkeypatch, lang, labels):
    monkeypatch.setenv("MINGDE_LANG", lang)
    body = html_bodies(app())
    assert 'action="/auth/login"' in body and 'type="password"' in body
    for label in labels:
        assert f">{label}<" in body


@pytest.mark.parametrize(
    ("params", "message"),
    [({"login": "failed"}, "用户名或密码不正确。"), ({"login": "wait", "s": "120"}, "登录失败次数过多，请 120 秒后再试。")],
)
def test_login_messages(env, params, message):
    assert [e.value for e in app(**params).error] == [message]


def test_an_expired_or_forged_token_shows_the_login_page(env):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["session_token"] = "forged"
    at.run()
    assert "/auth/login" in html_bodies(at)


# -- navigation by role -----------------------------------------------------------------------------
@pytest.mark.parametrize(("user", "title"), [("zhang", "首页"), ("org", "内容概览"), ("boss", "参与情况"), ("root", "内容概览")])
def test_default_page_by_role(env, user, title):
    assert app(env, user).title[0].value == title


@pytest.mark.parametrize("page", ["ui/pages/learn.py", "ui/pages/quizzes.py", "ui/pages/results.py"])
def test_accounts_without_an_employee_record_do_not_get_employee_pages(env, page):
    with pytest.raises(ValueError, match="Could not find a navigation page") as e:
        app(env, "root", page)
    known = str(e.value).split("Known pages:")[1]
    assert "ui/pages/overview.py" in known and "learn.py" not in known


def test_employees_do_not_get_the_management_pages(env):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app(env, "zhang", "ui/pages/overview.py")


def test_the_library_refuses_employee_calls_without_an_employee_record(env):
    from tracker import AccessDenied
    from tracker.access import Access

    root = next(u for u in env.users() if u.username == "root")
    with pytest.raises(AccessDenied, match="not linked to an employee record"):
        Access(env, root).lesson_progress()


# -- pages ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("page", "title"),
    [("ui/pages/learn.py", "学习"), ("ui/pages/quizzes.py", "测验"), ("ui/pages/results.py", "我的成绩")],
)
def test_employee_pages_smoke(env, page, title):
    assert app(env, "zhang", page).title[0].value == title


def test_english_titles(env, monkeypatch):
    monkeypatch.setenv("MINGDE_LANG", "en")
    assert app(env, "zhang", "ui/pages/results.py").title[0].value == "My results"


def test_language_choice_is_remembered_per_account(env):
    at = app(env, "zhang")
    at.sidebar.selectbox[0].set_value("en").run()
    assert at.title[0].value == "Home"
    assert next(u for u in env.users() if u.username == "zhang").lang == "en"
    assert app(env, "zhang").title[0].value == "Home"  # a new session starts in English


def test_lesson_list_shows_progress_tags_and_time(env):
    text = " ".join(m.value for m in app(env, "zhang", "ui/pages/learn.py").markdown)
    assert "未开始" in text and "约 10 分钟" in text and "#职业道德" in text


def test_lesson_page_renders_markdown_without_html(env):
    at = app(env, "zhang", "ui/pages/learn.py", lesson="basics")
    assert at.title[0].value == "职业道德基础"
    body = " ".join(m.value for m in at.markdown)
    assert "职业道德是从业人员" in body
    assert not any(getattr(m.proto, "allow_html", False) for m in at.markdown)


def test_lesson_completion_waits_for_the_reading_time(env):
    at = app(env, "zhang", "ui/pages/learn.py", lesson="basics")
    at.button(key="complete").click().run()
    assert "请再认真阅读" in at.warning[0].value
    env.open_lesson("E001", "basics", now=moment("2026-01-01T00:00"))  # first opened long ago
    with env.write() as db:
        db.execute("UPDATE lesson_progress SET started_at = '2026-01-01T00:00:00.000+00:00'")
    at = app(env, "zhang", "ui/pages/learn.py", lesson="basics")
    at.button(key="complete").click().run()
    assert at.success[0].value == "本课已学完。"
    assert "小测验" in " ".join(str(link.proto.label) for link in at.get("page_link"))


# -- the quiz flow --------------------------------------------------------------------------------------
def start(env) -> tuple[AppTest, str]:
    at = app(env, "zhang", "ui/pages/quizzes.py")
    at.button(key="start:small").click().run()
    assert not at.exception
    attempt_id = at.query_params["attempt"]
    assert at.title[0].value == "小测验"
    # AppTest reruns the page it started on after an in-script switch_page; open the take page as a
    # browser would after the redirect.
    return take(env, attempt_id), attempt_id


def take(env, attempt_id: str, user: str = "zhang") -> AppTest:
    return signed_in_page(env, user, "ui/pages/take.py", password=PASSWORD, timeout=30, attempt=attempt_id)


def test_answers_are_saved_as_given_and_survive_a_refresh(env):
    at, attempt_id = start(env)
    assert at.title[0].value == "小测验"
    at.radio(key=f"{attempt_id}:s1").set_value("A").run()
    at.checkbox(key=f"{attempt_id}:m1:1").check().run()
    at.text_input(key=f"{attempt_id}:f1:0").input("预防为主").run()
    assert env.saved_responses(attempt_id) == {"s1": "A", "m1": "B", "f1": ["预防为主"]}
    again = take(env, attempt_id)  # a new browser session: same attempt, same answers
    assert again.radio(key=f"{attempt_id}:s1").value == "A"
    assert again.checkbox(key=f"{attempt_id}:m1:1").value is True
    assert again.text_input(key=f"{attempt_id}:f1:0").value == "预防为主"


def test_submit_with_unanswered_questions_asks_first_and_submits_once(env):
    at, attempt_id = start(env)
    at.radio(key=f"{attempt_id}:s1").set_value("A").run()
    at.button(key="submit").click().run()
    assert "还有 4 题未作答" in at.warning[0].value
    assert env.attempt(attempt_id)["submitted_at"] is None
    at.button(key="submit_anyway").click().run()
    assert not at.exception
    row = env.attempt(attempt_id)
    assert row["submitted_at"] and row["score"] == 2
    assert [m.value for m in at.metric][:2] == ["2 / 8", "25%"]
    assert not [b for b in at.button if b.key in ("submit", "submit_anyway")]  # nothing to click twice
    assert len([a for a in env.attempts("E001") if a["submitted_at"]]) == 1


def test_result_page_shows_answers_and_explanations_for_practice(env):
    at, attempt_id = start(env)
    for key, value in (("s1", "B"), ("t1", True), ("c1", "A")):
        at.radio(key=f"{attempt_id}:{key}").set_value(value).run()
    at.checkbox(key=f"{attempt_id}:m1:0").check().run()
    at.text_input(key=f"{attempt_id}:f1:0").input("预防为主").run()
    at.button(key="submit").click().run()
    text = " ".join(m.value for m in at.markdown)
    assert ":material/check:" in text and "你的选择" in text and "正确答案" in text


def test_answer_key_is_not_rendered_before_submission(env):
    at, attempt_id = start(env)
    rendered = " ".join(str(e.proto) for e in at.main)
    for secret in ("婉言谢绝并说明纪律要求 (", "credit", "预防为主", "explanation"):
        assert secret not in rendered


def test_someone_elses_attempt_is_refused(env):
    _, attempt_id = start(env)
    at = take(env, attempt_id, user="li")
    assert [e.value for e in at.error] == ["找不到这次作答。"]
    assert not at.radio


def test_results_page_lists_history_and_the_wrong_answer_book(env):
    at, attempt_id = start(env)
    at.radio(key=f"{attempt_id}:s1").set_value("B").run()
    at.button(key="submit").click().run()
    at.button(key="submit_anyway").click().run()
    results = app(env, "zhang", "ui/pages/results.py")
    text = " ".join([m.value for m in results.markdown] + [c.value for c in results.caption])
    assert "小测验" in text and "0/8" in text
    assert "共 5 道错题" in text
    results.button[0].click().run()
    practice = next(a for a in env.attempts("E001") if a["quiz_id"] == "_wrong_book")
    assert practice["quiz_kind"] == "practice" and practice["submitted_at"] is None
    page = take(env, practice["id"])
    assert page.title[0].value == "错题重练"
    assert len(page.radio) == 3  # single, true_false, scenario of the five wrong questions


def test_a_quiz_file_broken_mid_attempt_still_submits_against_the_version_started(env):
    at, attempt_id = start(env)
    at.radio(key=f"{attempt_id}:s1").set_value("A").run()
    quiz_file = Path(os.environ["MINGDE_CONTENT"]) / "quizzes" / "small.yaml"
    quiz_file.write_text("id: small\ntitle: [小测验\n", encoding="utf-8")  # an organizer's bad edit
    os.utime(quiz_file, (time.time() + 5, time.time() + 5))

    at.radio(key=f"{attempt_id}:t1").set_value(True).run()  # answering goes on
    assert not at.exception and at.title[0].value == "测验"  # not the quiz's id
    at.button(key="submit").click().run()
    at.button(key="submit_anyway").click().run()
    row = env.attempt(attempt_id)
    assert row["submitted_at"] and row["score"] == 3  # s1 (2) + t1 (1), graded from the stored paper
    assert [m.value for m in at.metric][:2] == ["3 / 8", "37.5%"]

    overview = app(env, "org")  # organizers see the problem with its file and line
    assert "quizzes/small.yaml:3: YAML syntax error" in overview.code[0].value
    learn = app(env, "zhang", "ui/pages/learn.py", lesson="basics")  # the rest still serves
    assert not learn.exception and learn.title[0].value == "职业道德基础"
    quizzes = app(env, "zhang", "ui/pages/quizzes.py")
    assert not any(b.key == "start:small" for b in quizzes.button)  # the broken quiz cannot be started


def test_overview_lists_content_problems_with_file_and_line(env, monkeypatch):
    monkeypatch.setenv("MINGDE_CONTENT", str(DATA / "broken"))
    at = app(env, "org")
    assert "lessons/unknown-quiz.yaml:6: quiz: unknown quiz 'no-such-quiz'" in at.code[0].value


def test_time_limit_shows_a_countdown_and_the_server_submits_when_time_is_up(env, monkeypatch):
    timed = SMALL_QUIZ.replace("pass_percent: 60", "pass_percent: 60\ntime_limit: 10m")
    content = write_files(env.path.parent / "timed", {"quizzes/small.yaml": timed, "lessons/basics.yaml": LESSON})
    monkeypatch.setenv("MINGDE_CONTENT", str(content))
    at, attempt_id = start(env)
    assert "剩余时间 10:00" in html_bodies(at) or "剩余时间 09:5" in html_bodies(at)
    at.radio(key=f"{attempt_id}:s1").set_value("A").run()
    with env.write() as db:  # the browser was closed; eleven minutes pass
        db.execute("UPDATE attempts SET started_at = '2026-01-01T00:00:00.000+00:00', deadline = '2026-01-01T00:10:00.000+00:00'")
    again = take(env, attempt_id)
    assert again.warning[0].value == "作答时间已到，系统已按时限内保存的答案自动交卷。"
    row = env.attempt(attempt_id)
    assert row["auto_submitted"] == 1 and row["score"] == 2 and row["submitted_at"] == "2026-01-01T00:10:00.000+00:00"


# -- content management (organizers) --------------------------------------------------------------------
BANK_UPLOAD = (
    "id: uploaded\ntitle: 上传的题库\nquestions:\n  - {id: u1, type: single, prompt: 上传题, options: [甲, 乙], answer: A}\n"
)


def content_page(env, user: str = "org") -> AppTest:
    return app(env, user, "ui/pages/content.py")


def test_content_page_is_for_organizers_only(env):
    assert content_page(env).title[0].value == "内容管理"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app(env, "boss", "ui/pages/content.py")


def test_upload_preview_and_publish_a_bank(env):
    at = content_page(env)
    at.file_uploader[0].set_value(("my bank.yaml", BANK_UPLOAD.encode(), "application/x-yaml")).run()
    assert not at.exception
    assert "校验通过：题库，将保存为 my-bank.yaml。" in at.success[0].value
    assert "上传题" in " ".join(m.value for m in at.markdown)
    at.button(key="publish").click().run()
    assert "已发布 my-bank.yaml。" in [s.value for s in at.success]
    published = env.path.parent / "content" / "banks" / "my-bank.yaml"
    assert published.read_text(encoding="utf-8") == BANK_UPLOAD


def test_an_invalid_upload_shows_file_and_line_and_offers_no_publish(env):
    at = content_page(env)
    bad = BANK_UPLOAD.replace("answer: A", "answer: C")
    at.file_uploader[0].set_value(("bad.yaml", bad.encode(), "application/x-yaml")).run()
    assert at.error[0].value == "内容有误，未发布："
    assert "banks/bad.yaml:4: questions[0].answer: 'C' is not one of the options A–B" in at.code[0].value
    assert not [b for b in at.button if b.key == "publish"]
    at.button(key="reject").click().run()  # discard: the uploader is empty again
    assert not at.error and at.file_uploader[0].value is None


def test_hiding_a_quiz_from_the_content_page(env):
    at = content_page(env)
    at.toggle(key="visible:small").set_value(False).run()
    assert env.hidden_quizzes() == {"small"}
    quizzes = app(env, "zhang", "ui/pages/quizzes.py")
    assert "小测验" not in " ".join(m.value for m in quizzes.markdown)


def test_leaderboard_page_ranks_the_online_contest(env, monkeypatch):
    contest = SMALL_QUIZ.replace("id: small", "id: contest\nleaderboard: true\nkind: competition").replace(
        "title: 小测验", "title: 网上竞赛"
    )
    content = write_files(env.path.parent / "c2", {"quizzes/contest.yaml": contest})
    monkeypatch.setenv("MINGDE_CONTENT", str(content))
    from quizzes import load_catalog
    from tracker import leaderboard as lb

    quiz = load_catalog(content).quizzes["contest"]
    for emp, answer in (("E001", "A"), ("E002", "B")):
        attempt_id = env.start_attempt(emp, quiz)
        env.submit_attempt(attempt_id, {"s1": answer})
    at = app(env, "zhang", "ui/pages/leaderboard.py")
    assert at.title[0].value == "网上竞赛排行榜"
    people = at.table[0].value  # a table (it wraps on a phone), not a scrolling grid
    assert list(people["姓名"]) == ["张三", "李四"] and list(people["名次"]) == [1, 2]
    assert list(people["用时"]) == [lb.format_seconds(s) for s in lb.leaderboard(env, quiz).individuals["seconds"]]
    assert "实时更新中" in at.caption[0].value
    assert "用时少者在前" in " ".join(c.value for c in at.caption)  # the rule is stated


def test_leaderboard_page_without_contests(env):
    assert app(env, "zhang", "ui/pages/leaderboard.py").info[0].value == "目前没有网上竞赛。"


def test_results_page_shows_my_own_indicator(env):
    at, attempt_id = start(env)
    at.radio(key=f"{attempt_id}:s1").set_value("A").run()
    at.button(key="submit").click().run()
    at.button(key="submit_anyway").click().run()
    results = app(env, "zhang", "ui/pages/results.py")
    labels = [m.label for m in results.metric]
    assert any(label.endswith("考核指标") for label in labels)
    assert {"学习得分", "测验得分", "竞赛得分"} <= set(labels)  # the reports' names (review #17)


def test_upload_the_real_excel_template_imports_every_question(env):
    sample = (ROOT / "tests" / "data" / "import" / "question-bank-template-magicodes.xlsx").read_bytes()
    at = content_page(env)
    at.file_uploader[0].set_value(
        ("题库导入模板.xlsx", sample, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    ).run()
    assert not at.exception
    assert at.info[0].value.startswith("导入 404 题，跳过 0 项")
    assert "校验通过：题库" in at.success[0].value
    at.button(key="publish").click().run()
    assert any(s.value.startswith("已发布") for s in at.success)
    from quizzes import load_catalog

    banks = load_catalog(env.path.parent / "content").banks
    assert sum(len(b.questions) for b in banks.values()) == 404


def test_content_page_lists_each_file_with_its_status(env, monkeypatch):
    monkeypatch.setenv("MINGDE_CONTENT", str(DATA / "broken"))
    at = content_page(env)
    labels = [e.label for e in at.expander]
    assert any("lessons/typo-key.yaml · 2 处问题" in label for label in labels)
    assert any(m.value.endswith("一篇正常的课程 · 课程") for m in at.markdown)  # a valid file by its title (review #11)


def test_content_page_sets_who_runs_a_quiz(env):
    at = content_page(env)
    at.multiselect(key="owners:small").set_value(["org"]).run()
    assert not at.exception
    assert env.quiz_owners() == {"small": {"org"}}


def test_uploading_a_live_competition_says_live_competition(env):
    text = """
id: uploaded-live
title: 上传的现场赛
kind: competition
teams: [{name: 甲队}, {name: 乙队}]
rounds:
  - name: 抢答题
    type: buzzer
    points: 10
    questions:
      - {id: b1, type: true_false, prompt: 诚实守信是职业道德的基本规范。, answer: true}
"""
    at = content_page(env)
    at.file_uploader[0].set_value(("live.yaml", text.encode(), "application/x-yaml")).run()
    assert not at.exception
    assert at.success and "校验通过：现场竞赛" in at.success[0].value, [e.value for e in at.error]
