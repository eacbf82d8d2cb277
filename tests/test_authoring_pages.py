"""AppTest of the authoring pages: 题目编辑, 组卷 (with preview), 课程编辑, 现场赛编排."""

from __future__ import annotations

import json
import shutil

import pytest

from quizzes import authoring as au
from quizzes import load_catalog
from tests.conftest import CONTENT, app_store, signed_in_page

PASSWORD = "password-1"


def png() -> bytes:
    """A real 8×8 PNG."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (47, 111, 94)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A copy of the starter content and a store with an organizer, an employee and an admin."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    tracker = app_store(
        monkeypatch,
        tmp_path / "app.db",
        content,
        employees=(("E001", "张三", "办公室", "综合组"), ("E002", "李四", "执法大队", "一中队")),
        users=(("zhang", "employee", "E001"), ("org", "organizer"), ("root", "admin")),
        password=PASSWORD,
    )
    tracker.content = content
    yield tracker
    tracker.close()


def page(tracker, path: str, user: str = "org", **params):
    return signed_in_page(tracker, user, path, password=PASSWORD, **params)


def texts(at) -> str:
    return " ".join(str(e.value) for kind in ("markdown", "caption", "warning", "error", "success", "info") for e in at.get(kind))


def audit(tracker) -> list[dict]:
    rows = tracker.db.execute("SELECT actor, detail FROM audit_log WHERE action = 'content.save' ORDER BY id").fetchall()
    return [{"actor": r[0], **json.loads(r[1])} for r in rows]


@pytest.mark.parametrize("path", ["question_editor", "quiz_builder", "lesson_editor", "competition_builder"])
def test_employees_have_no_authoring_pages(env, path):
    """Not in an employee's navigation (and every save checks the role again in the library)."""
    at = signed_in_page(env, "zhang", "ui/pages/learn.py", password=PASSWORD)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(f"ui/pages/{path}.py")


@pytest.mark.parametrize("path", ["question_editor", "quiz_builder", "lesson_editor", "competition_builder"])
def test_each_page_opens_in_chinese_for_organizers_and_admins(env, path):
    for user in ("org", "root"):
        at = page(env, f"ui/pages/{path}.py", user)
        assert (
            at.title[0].value
            == {
                "question_editor": "题目编辑",
                "quiz_builder": "组卷",
                "lesson_editor": "课程编辑",
                "competition_builder": "现场赛编排",
            }[path]
        )


# -- 题目编辑 --------------------------------------------------------------------------------------


def test_question_editor_validates_as_you_type_and_saves(env):
    at = page(env, "ui/pages/question_editor.py")
    at.selectbox(key="qe:bank").set_value("ethics-bank").run()
    k = "qe:ethics-bank:+:"
    at.text_input(key=k + "id").set_value("new-q").run()
    assert "请填写题干" in texts(at) and at.button(key="qe:save").disabled
    at.text_area(key=k + "prompt").set_value("公务接待应当遵循什么原则？").run()
    for i, text in enumerate(["厉行节约", "讲究排场", "互相攀比", "超标接待"]):
        at.text_input(key=k + f"o{i}").set_value(text)
    at.run()
    assert "请设置正确答案" in texts(at)
    at.radio(key=k + "a").set_value("A").run()
    at.text_area(key=k + "expl").set_value("厉行节约、反对浪费。").run()
    assert not at.warning and "职工看到的样子" in texts(at)
    at.button(key="qe:save").click().run()
    assert not at.exception and "“公务接待应当遵循什么原则？”" in texts(at) and "new-q" not in texts(at)
    bank = load_catalog(env.content).banks["ethics-bank"]
    assert bank.questions[-1].id == "new-q" and bank.questions[-1].answer == "A"
    assert audit(env)[-1]["change"] == "question new-q added" and audit(env)[-1]["actor"] == "org"


def test_after_saving_a_new_question_the_form_edits_it_and_offers_the_next(env):
    """Review #4: the form no longer says 新增题目 with the saved text and an 'id used' warning."""
    at = page(env, "ui/pages/question_editor.py")
    at.selectbox(key="qe:bank").set_value("ethics-bank").run()
    k = "qe:ethics-bank:+:"
    suggested = at.text_input(key=k + "id").value
    assert suggested not in {"q1", ""} and suggested.startswith("eth-")  # the bank's own numbering
    at.text_area(key=k + "prompt").set_value("公务接待应当遵循什么原则？").run()
    for i, text in enumerate(["厉行节约", "讲究排场", "互相攀比", "超标接待"]):
        at.text_input(key=k + f"o{i}").set_value(text)
    at.run()
    at.radio(key=k + "a").set_value("A").run()
    at.button(key="qe:save").click().run()
    assert not at.exception
    assert at.selectbox(key="qe:pick:ethics-bank").value == suggested  # now editing the saved one
    assert [s.value for s in at.subheader] == ["编辑题目"] and not at.warning
    assert not at.button(key="qe:save").disabled
    assert "刚保存的这道题" in at.success[0].value and "新增下一题" in at.success[0].value
    n = len(load_catalog(env.content).banks["ethics-bank"].questions)
    assert f"共 {n} 题，本页显示第 {(n - 1) // 20 * 20 + 1}–{n} 题" in texts(at)  # the page with the new one
    at.button(key="qe:add_next").click().run()
    assert at.selectbox(key="qe:pick:ethics-bank").value == "+"
    assert at.text_area(key=k + "prompt").value == "" and at.text_input(key=k + "id").value not in {suggested, "q1"}


def test_question_list_count_says_which_are_shown(env):
    at = page(env, "ui/pages/question_editor.py")
    at.selectbox(key="qe:bank").set_value("ethics-bank").run()
    n = len(load_catalog(env.content).banks["ethics-bank"].questions)
    assert n > 20 and f"共 {n} 题，本页显示第 1–20 题" in texts(at)
    at.text_input(key="qe:search").set_value("职业道德").run()
    assert "找到" in texts(at)


def test_question_editor_fixes_copies_deletes_and_tags(env):
    at = page(env, "ui/pages/question_editor.py")
    at.selectbox(key="qe:bank").set_value("ethics-bank").run()
    first = au.load_document(env.content, "bank", "ethics-bank").data["questions"][0]
    at.selectbox(key="qe:pick:ethics-bank").set_value(first["id"]).run()
    k = f"qe:ethics-bank:{first['id']}:"
    at.text_area(key=k + "expl").set_value("改正后的解析").run()
    at.button(key="qe:save").click().run()
    assert load_catalog(env.content).banks["ethics-bank"].questions[0].explanation == "改正后的解析"
    at.selectbox(key="qe:pick:ethics-bank").set_value(first["id"]).run()
    at.button(key="qe:copy").click().run()
    ids = [q.id for q in load_catalog(env.content).banks["ethics-bank"].questions]
    assert ids[1] == f"{first['id']}-copy"
    at.selectbox(key="qe:pick:ethics-bank").set_value(f"{first['id']}-copy").run()
    at.checkbox(key=f"qe:del_ok:{first['id']}-copy").check().run()
    at.button(key="qe:delete").click().run()
    assert f"{first['id']}-copy" not in [q.id for q in load_catalog(env.content).banks["ethics-bank"].questions]
    at.multiselect(key="qe:bulk:ethics-bank").set_value(ids[:3]).run()
    at.text_input(key="qe:bulk_add").set_value("年度重点").run()
    at.button(key="qe:bulk_apply").click().run()
    tagged = [q for q in load_catalog(env.content).banks["ethics-bank"].questions if "年度重点" in q.tags]
    assert len(tagged) == 2  # ids[1] was the copy, deleted since
    assert len(au.history_of(env.content, env.content / "banks" / "ethics-bank.yaml")) == 4


def test_question_editor_says_why_a_save_is_refused(env):
    """A fix that would break a quiz's draw elsewhere is refused with the place, and nothing is written."""
    at = page(env, "ui/pages/question_editor.py")
    at.selectbox(key="qe:bank").set_value("union-bank").run()
    before = (env.content / "banks" / "union-bank.yaml").read_bytes()
    doc = au.load_document(env.content, "bank", "union-bank")
    victim = next(q for q in doc.data["questions"] if q["type"] == "true_false")
    at.selectbox(key="qe:pick:union-bank").set_value(victim["id"]).run()
    at.selectbox(key=f"qe:union-bank:{victim['id']}:type").set_value("single").run()
    k = f"qe:union-bank:{victim['id']}:"
    at.text_input(key=k + "o0").set_value("甲")
    at.text_input(key=k + "o1").set_value("乙")
    at.run()
    at.radio(key=k + "a").set_value("A").run()
    at.button(key="qe:save").click().run()
    if at.error:  # a draw of true/false questions from this bank no longer fits
        assert "未保存" in at.error[0].value and (env.content / "banks" / "union-bank.yaml").read_bytes() == before
    else:
        assert load_catalog(env.content).errors == []


# -- 组卷 and preview ------------------------------------------------------------------------------


def test_quiz_builder_builds_an_exam_with_a_window_and_audience_as_draft_then_publishes(env):
    at = page(env, "ui/pages/quiz_builder.py")
    at.selectbox(key="qb:pick").set_value("annual").run()
    k = "qb:annual:"
    at.text_input(key=k + "id").set_value("exam-e2e").run()
    at.text_input(key=k + "title").set_value("年度考试（测试）").run()
    at.selectbox(key=k + "d_bank").set_value("ethics-bank").run()
    at.selectbox(key=k + "d_type").set_value("single").run()
    at.number_input(key=k + "d_n").set_value(3).run()
    at.number_input(key=k + "d_pts").set_value(2.0).run()
    at.button(key=k + "d_add").click().run()
    assert "随机 3 题" in texts(at)
    at.number_input(key=k + "limit").set_value(30).run()
    at.toggle(key=k + "win").set_value(True).run()
    at.toggle(key=k + "all").set_value(False).run()
    at.multiselect(key=k + "deps").set_value(["办公室"]).run()
    at.button(key="qb:draft").click().run()
    assert not at.exception and "已保存草稿“年度考试（测试）”" in texts(at)
    quiz = load_catalog(env.content).quizzes["exam-e2e"]
    assert quiz.status == "draft" and quiz.kind == "exam" and quiz.time_limit == 1800
    assert quiz.audience.departments == ["办公室"] and quiz.opens and quiz.closes > quiz.opens
    assert at.selectbox(key="qb:pick").value == "exam-e2e"
    assert "成为办公室应参加的测验" in at.info[-1].value  # what 发布 does, before it is clicked
    at.button(key="qb:publish").click().run()
    assert load_catalog(env.content).quizzes["exam-e2e"].status == "published"
    assert [a["change"] for a in audit(env)] == ["quiz exam-e2e saved as draft", "quiz exam-e2e saved as published"]
    # published: the state, the buttons and the message next to them say so (review #12)
    assert "已发布" in texts(at) and "已发布“年度考试（测试）”" in at.success[-1].value
    assert {b.key for b in at.button} >= {"qb:save_published", "qb:unpublish"}
    assert not {b.key for b in at.button} & {"qb:draft", "qb:publish"}
    assert not [i for i in at.info if "应参加的测验" in i.value]
    at.button(key="qb:unpublish").click().run()
    assert load_catalog(env.content).quizzes["exam-e2e"].status == "draft"
    assert "已撤回“年度考试（测试）”" in at.success[-1].value and at.button(key="qb:publish")


def test_publishing_a_quiz_for_everyone_warns_that_it_counts_for_all(env):
    at = page(env, "ui/pages/quiz_builder.py")
    at.selectbox(key="qb:pick").set_value("monthly").run()
    assert "成为全体职工应参加的测验" in " ".join(i.value for i in at.info)
    assert "保存草稿" in [b.label for b in at.button] and "发布" in [b.label for b in at.button]


def test_quiz_builder_refuses_an_invalid_quiz_and_writes_nothing(env):
    at = page(env, "ui/pages/quiz_builder.py")
    at.selectbox(key="qb:pick").set_value("monthly").run()
    at.button(key="qb:draft").click().run()  # no questions at all
    assert at.error and "未保存" in at.error[0].value
    assert audit(env) == [] and len(list((env.content / "quizzes").glob("monthly-*"))) == 0


def test_editing_a_quiz_with_attempts_says_they_keep_their_grading(env):
    quiz = load_catalog(env.content).quizzes["ethics-basics-check"]
    env.start_attempt("E001", quiz)
    at = page(env, "ui/pages/quiz_builder.py")
    at.selectbox(key="qb:pick").set_value("ethics-basics-check").run()
    assert any("已有 1 次作答" in i.value for i in at.info)


def test_preview_as_an_employee_records_nothing(env):
    at = page(env, "ui/pages/preview.py", quiz="ethics-basics-check")
    assert "不记录" in texts(at)
    radios = at.radio
    assert radios
    radios[0].set_value(radios[0].options[0]).run()
    at.button(key="pv:submit").click().run()
    assert not at.exception and at.metric[0].label == "得分"
    assert env.db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 0
    at.button(key="pv:again").click().run()
    assert at.button(key="pv:submit")


def test_employees_see_neither_drafts_nor_quizzes_for_others(env):
    base = dict(draws=[au.make_draw("ethics-bank", 2)], kind="exam")
    au.save_document(env.content, "quiz", au.build_quiz(id="draft-one", title="草稿卷", status="draft", **base))
    au.save_document(
        env.content,
        "quiz",
        au.build_quiz(id="for-others", title="执法大队专卷", status="published", departments=["执法大队"], **base),
    )
    au.save_document(
        env.content, "quiz", au.build_quiz(id="for-me", title="办公室专卷", status="published", departments=["办公室"], **base)
    )
    at = signed_in_page(env, "zhang", "ui/pages/quizzes.py", password=PASSWORD)
    shown = " ".join(m.value for m in at.markdown)
    assert "办公室专卷" in shown and "草稿卷" not in shown and "执法大队专卷" not in shown


# -- 课程编辑 --------------------------------------------------------------------------------------


def test_lesson_editor_writes_a_lesson_with_an_uploaded_image(env):
    at = page(env, "ui/pages/lesson_editor.py")
    k = "le:+:"
    at.text_input(key=k + "id").set_value("clean-office").run()
    at.text_input(key=k + "title").set_value("廉洁办公").run()
    ref = au.save_image(env.content, "photo.png", png())
    at.text_area(key=k + "sb0").set_value("廉洁是底线。![示意图](https://example.com/x.png)").run()
    at.text_input(key=k + "st0").set_value("为什么要廉洁").run()
    assert "不在内容文件夹中" in texts(at) and at.button(key="le:save").disabled
    at.text_area(key=k + "sb0").set_value(f"廉洁是底线。\n\n![示意图]({ref})").run()
    at.text_area(key=k + "kp").set_value("不收礼\n不吃请").run()
    at.number_input(key=k + "read").set_value(1).run()
    at.button(key="le:save").click().run()
    assert not at.exception and "已保存课程“廉洁办公”" in texts(at) and "clean-office" not in texts(at)
    lesson = load_catalog(env.content).lessons["clean-office"]
    assert lesson.key_points == ["不收礼", "不吃请"] and lesson.min_read_time == 60 and ref in lesson.sections[0].body


def test_the_learn_page_shows_content_images_and_never_external_ones(env):
    """A picture from the content folder is shown; a lesson that points at an external address is
    refused when it is saved (validation, issue 15), so no employee's browser ever fetches it."""
    ref = au.save_image(env.content, "photo.png", png())
    external = f"看图：\n\n![图]({ref})\n\n![外链](https://example.com/x.png)"
    with pytest.raises(au.AuthoringError, match="external images are refused"):
        au.save_document(env.content, "lesson", au.build_lesson(id="pics", title="图", sections=[("节", external)]))
    body = f"看图：\n\n![图]({ref})"
    au.save_document(env.content, "lesson", au.build_lesson(id="pics", title="图", sections=[("节", body)]))
    env.add_user("zhang2", PASSWORD, "employee", "E002")
    at = signed_in_page(env, "zhang2", "ui/pages/learn.py", password=PASSWORD, lesson="pics")
    assert len(at.get("image")) == 1


# -- 现场赛编排 ------------------------------------------------------------------------------------


def test_competition_builder_writes_a_live_competition(env):
    at = page(env, "ui/pages/competition_builder.py")
    k = "cb:+:"
    at.text_input(key=k + "id").set_value("contest-e2e").run()
    at.text_input(key=k + "title").set_value("现场赛（测试）").run()
    at.radio(key=k + "tm").set_value("list").run()
    at.text_area(key=k + "teams").set_value("一队：E001\n二队：E002").run()
    at.number_input(key=k + "required:count").set_value(4).run()
    at.text_input(key=k + "risk:values").set_value("10、20、30").run()
    at.button(key="cb:save").click().run()
    assert not at.exception and "已保存现场赛“现场赛（测试）”" in texts(at), texts(at)
    comp = load_catalog(env.content).competitions["contest-e2e"]
    assert [r.type for r in comp.rounds] == ["required", "buzzer", "risk"] and comp.rounds[2].values == [10, 20, 30]
    assert [t.name for t in comp.teams] == ["一队", "二队"] and comp.tiebreak and len(comp.tiebreak.questions) == 3


def test_saving_a_hand_written_competition_unchanged_keeps_every_question(env):
    before = load_catalog(env.content).competitions["ethics-contest-2026"]
    at = page(env, "ui/pages/competition_builder.py")
    at.selectbox(key="cb:pick").set_value("ethics-contest-2026").run()
    at.button(key="cb:save").click().run()
    assert not at.exception and "已保存现场赛“2026年职业道德知识竞赛（现场赛）”" in texts(at), texts(at)
    after = load_catalog(env.content).competitions["ethics-contest-2026"]
    assert [(r.type, r.questions_available, r.points, r.penalty) for r in after.rounds] == [
        (r.type, r.questions_available, r.points, r.penalty) for r in before.rounds
    ]
    assert after.teams == before.teams and after.tiebreak == before.tiebreak


def test_saving_an_existing_quiz_and_lesson_unchanged_keeps_them(env):
    before = load_catalog(env.content)
    at = page(env, "ui/pages/quiz_builder.py")
    at.selectbox(key="qb:pick").set_value("ethics-exam-2026").run()
    at.button(key="qb:save_published").click().run()
    at = page(env, "ui/pages/lesson_editor.py")
    at.selectbox(key="le:pick").set_value("ethics-basics").run()
    at.button(key="le:save").click().run()
    assert not at.exception
    after = load_catalog(env.content)
    assert after.errors == []
    old, new = before.quizzes["ethics-exam-2026"], after.quizzes["ethics-exam-2026"]
    same = ("kind", "time_limit", "opens", "closes", "pass_percent", "attempts_allowed", "grade_policy", "questions", "draw")
    assert all(getattr(old, f) == getattr(new, f) for f in same)
    old_l, new_l = before.lessons["ethics-basics"], after.lessons["ethics-basics"]
    assert new_l.model_dump() == old_l.model_dump()


def test_competition_builder_makes_one_team_per_banzu_from_the_roster(env):
    env.add_employee("E003", "王五", "执法大队", "综合组")  # 综合组 also exists in 办公室
    at = page(env, "ui/pages/competition_builder.py")
    k = "cb:+:"
    at.text_input(key=k + "id").set_value("per-team").run()
    at.text_input(key=k + "title").set_value("班组赛").run()
    at.radio(key=k + "tm").set_value("roster_teams").run()
    at.number_input(key=k + "required:count").set_value(6).run()
    at.button(key="cb:save").click().run()
    assert "已保存现场赛“班组赛”" in texts(at), texts(at)
    comp = load_catalog(env.content).competitions["per-team"]
    assert {t.name: t.members for t in comp.teams} == {"办公室·综合组": ["E001"], "执法大队·综合组": ["E003"], "一中队": ["E002"]}


def test_question_editor_creates_a_bank_with_its_first_question(env):
    at = page(env, "ui/pages/question_editor.py")
    at.selectbox(key="qe:bank").set_value("+").run()
    at.text_input(key="qe:new_bank_id").set_value("new-bank").run()
    at.text_input(key="qe:new_bank_title").set_value("新题库").run()
    k = "qe:+:+:"
    at.selectbox(key=k + "type").set_value("true_false").run()
    at.text_area(key=k + "prompt").set_value("廉洁自律是职业道德的要求。").run()
    at.radio(key=k + "a").set_value(True).run()
    at.button(key="qe:save").click().run()
    assert not at.exception and at.selectbox(key="qe:bank").value == "new-bank"
    bank = load_catalog(env.content).banks["new-bank"]
    assert bank.title == "新题库" and bank.questions[0].answer is True
