"""Authoring in the browser (library side): builders, editors, checked saves, audience, drafts, preview."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from quizzes import authoring as a
from quizzes import load_catalog
from quizzes.model import NEVER, Question
from tests.conftest import CONTENT, SMALL_QUIZ, at
from tracker import AccessDenied, QuizUnavailable, passwords
from tracker.access import Access

T0 = at("2026-03-10T02:00")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    monkeypatch.setattr(passwords, "N", 2**8)


@pytest.fixture
def root(tmp_path):
    """A copy of the starter content, to edit."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@pytest.fixture
def people(tracker):
    tracker.add_employee("E001", "张三", "办公室", "综合组")
    tracker.add_employee("E002", "李四", "执法大队", "一中队")
    accounts = {
        "zhang": tracker.add_user("zhang", "pw-123456", "employee", "E001"),
        "li": tracker.add_user("li", "pw-123456", "employee", "E002"),
        "org": tracker.add_user("org", "pw-123456", "organizer"),
    }
    return {name: Access(tracker, account) for name, account in accounts.items()}


# -- questions -----------------------------------------------------------------------------------

FIVE = [
    dict(id="s", type="single", prompt="首要要求？", options=["爱岗敬业", "追求私利", ""], answer="a"),
    dict(id="m", type="multiple", prompt="基本规范？", options=["爱岗敬业", "诚实守信", "投机取巧"], answer=["A", "B"]),
    dict(id="t", type="true_false", prompt="安全第一。", answer=True, points=2),
    dict(id="f", type="fill_blank", prompt="安全第一、___、综合治理。", answer=["预防为主/预防"]),
    dict(id="c", type="scenario", prompt="送土特产？", options=["谢绝", "上交", "自用"], credits=[1, 0.5, 0]),
]


@pytest.mark.parametrize("fields", FIVE, ids=lambda f: f["type"])
def test_make_question_gives_a_valid_question_of_each_type(fields):
    q = a.make_question(**fields, tags=["职业道德", " "], explanation="解析")
    assert a.question_hints(q) == []
    model = Question.model_validate(q)
    assert model.tags == ["职业道德"] and model.explanation == "解析"
    assert "points" not in q or q["points"] == 2


def test_make_question_canonical_forms():
    assert a.make_question(**FIVE[0])["options"] == ["爱岗敬业", "追求私利"]  # the empty option is dropped
    assert a.make_question(**FIVE[1])["answer"] == "AB"
    assert a.make_question(**FIVE[3])["answer"] == [["预防为主", "预防"]]
    assert a.make_question(**FIVE[4])["options"][1] == {"text": "上交", "credit": 0.5}


def q(**kw):
    base = {"id": "q1", "type": "single", "prompt": "题干", "options": ["甲", "乙"], "answer": "A"}
    return {**base, **kw}


@pytest.mark.parametrize(
    ("question", "taken", "codes"),
    [
        (q(), set(), []),
        (q(id=""), set(), ["id_missing"]),
        (q(id="第一题"), set(), ["id_pattern"]),
        (q(), {"q1"}, ["id_taken"]),
        (q(prompt=" "), set(), ["prompt_missing"]),
        (q(options=["甲"]), set(), ["options_count"]),
        (q(options=["甲", " 甲"]), set(), ["option_repeats"]),
        (q(answer="C"), set(), ["answer_letter"]),
        (q(answer=""), set(), ["answer_missing"]),
        (q(answer="AB"), set(), ["answer_one"]),
        (q(type="multiple", answer="AB"), set(), []),
        (q(points=0), set(), ["points_positive"]),
        ({"id": "t", "type": "true_false", "prompt": "p", "answer": "也许"}, set(), ["answer_missing"]),
        ({"id": "f", "type": "fill_blank", "prompt": "没有空", "answer": ["x"]}, set(), ["no_blanks"]),
        ({"id": "f", "type": "fill_blank", "prompt": "___和___", "answer": ["x"]}, set(), ["blank_count"]),
        (
            {"id": "c", "type": "scenario", "prompt": "p", "options": [{"text": "a", "credit": 0.5}, {"text": "b", "credit": 0}]},
            set(),
            ["credit_one"],
        ),
    ],
)
def test_question_hints(question, taken, codes):
    assert [h.code for h in a.question_hints(question, taken)] == codes


def test_every_hint_has_chinese_and_english_text():
    from ui.i18n import EN, ZH

    codes = {"id_missing", "id_pattern", "id_taken", "prompt_missing", "options_count", "option_repeats", "answer_letter"}
    codes |= {"answer_missing", "answer_one", "points_positive", "no_blanks", "blank_count", "credit_one", "model"}
    codes |= {"section_title", "section_body", "image_missing", "sections_missing", "title_missing"}
    for code in codes:
        assert f"author.hint.{code}" in ZH and f"author.hint.{code}" in EN


BANK = {"id": "b", "title": "题库", "questions": [q(id="q1"), q(id="q2", tags=["旧"])]}


def test_put_copy_delete_and_tags_never_change_the_input():
    before = json.dumps(BANK)
    added = a.put_question(BANK, q(id="q3"))
    assert [x["id"] for x in added["questions"]] == ["q1", "q2", "q3"]
    edited = a.put_question(BANK, q(id="q2", prompt="新题干"), replace_id="q2")
    assert edited["questions"][1]["prompt"] == "新题干"
    copied, new_id = a.copy_question(BANK, "q1")
    assert new_id == "q1-copy" and [x["id"] for x in copied["questions"]] == ["q1", "q1-copy", "q2"]
    assert a.copy_question(copied, "q1")[1] == "q1-copy-2"
    assert [x["id"] for x in a.delete_question(BANK, "q1")["questions"]] == ["q2"]
    tagged = a.edit_tags(BANK, ["q1", "q2"], add=["廉洁"], remove=["旧"])
    assert [x.get("tags") for x in tagged["questions"]] == [["廉洁"], ["廉洁"]]
    assert "tags" not in a.edit_tags(BANK, ["q2"], remove=["旧"])["questions"][1]
    assert json.dumps(BANK) == before
    with pytest.raises(a.AuthoringError, match="no question 'zz'"):
        a.delete_question(BANK, "zz")


# -- saving --------------------------------------------------------------------------------------


def test_save_writes_yaml_that_round_trips_and_keeps_the_old_version(root):
    doc = a.load_document(root, "bank", "ethics-bank")
    first = doc.data["questions"][0]
    fixed = a.put_question(doc.data, first | {"explanation": "改过的解析"}, replace_id=first["id"])
    saved = a.save_document(root, "bank", fixed, path=doc.path, now=T0)
    assert saved.path == doc.path and saved.previous is not None and not saved.created
    assert saved.previous.read_text(encoding="utf-8") == (CONTENT / "banks" / doc.path.name).read_text(encoding="utf-8")
    assert a.history_of(root, doc.path) == [saved.previous]
    catalog = load_catalog(root)
    assert catalog.errors == []
    assert catalog.banks["ethics-bank"].questions[0].explanation == "改过的解析"
    assert a.load_document(root, "bank", "ethics-bank").data == fixed  # the file reads back as written


def test_an_invalid_save_writes_nothing(root):
    doc = a.load_document(root, "bank", "ethics-bank")
    before = doc.path.read_bytes()
    broken = a.put_question(doc.data, q(id=doc.data["questions"][0]["id"], answer="H"), replace_id=doc.data["questions"][0]["id"])
    with pytest.raises(a.AuthoringError) as e:
        a.save_document(root, "bank", broken, path=doc.path)
    assert e.value.problems and "answer" in str(e.value)
    assert doc.path.read_bytes() == before and a.history_of(root, doc.path) == []


def test_a_save_that_would_break_a_draw_elsewhere_is_refused(root):
    doc = a.load_document(root, "bank", "ethics-bank")
    tiny = doc.data | {"questions": doc.data["questions"][:1]}
    with pytest.raises(a.AuthoringError, match="draw asks for"):
        a.save_document(root, "bank", tiny, path=doc.path)


def test_a_new_file_never_replaces_another(root):
    quiz = a.build_quiz(id="ethics-basics-check", title="重名", draws=[a.make_draw("ethics-bank", 1)])
    with pytest.raises(a.AuthoringError, match="exists already"):
        a.save_document(root, "quiz", quiz)
    with pytest.raises(a.AuthoringError, match="is not an id"):
        a.save_document(root, "quiz", quiz | {"id": "三月"})


# -- quizzes -------------------------------------------------------------------------------------

OPENS, CLOSES = dt.datetime(2026, 3, 1, 8, 0), dt.datetime(2026, 3, 15, 18, 0)


def test_build_quiz_round_trips_through_the_loader(root):
    fields = dict(
        id="annual-2026",
        title="2026年度考试",
        kind="exam",
        description="全体职工",
        draws=[a.make_draw("ethics-bank", 4, type="single", points=2), a.make_draw("ethics-bank", 2, type="multiple", points=3)],
        questions=[],
        shuffle_questions=True,
        shuffle_options=False,
        time_limit=45,
        opens=OPENS,
        closes=CLOSES,
        max_attempts=1,
        grade_policy="first",
        pass_percent=70,
        show_answers="after_close",
        departments=["办公室"],
        teams=["一中队"],
        leaderboard=False,
        multiple_scoring="half",
        status="draft",
    )
    data = a.build_quiz(**fields)
    assert a.quiz_fields(data) == fields
    a.save_document(root, "quiz", data)
    quiz = load_catalog(root).quizzes["annual-2026"]
    assert quiz.time_limit == 45 * 60 and quiz.status == "draft" and quiz.pass_percent == 70
    assert quiz.opens == at("2026-03-01T00:00") and quiz.closes == at("2026-03-15T10:00")  # Shanghai is UTC+8
    assert quiz.audience.departments == ["办公室"] and quiz.audience.teams == ["一中队"]
    assert [d.points for d in quiz.draw] == [2, 3]


@pytest.mark.parametrize("template", sorted(a.TEMPLATES))
def test_each_template_builds_a_valid_quiz(root, template):
    data = a.build_quiz(id=f"t-{template}", title="模板", draws=[a.make_draw("ethics-bank", 3)], **a.TEMPLATES[template])
    a.save_document(root, "quiz", data)
    quiz = load_catalog(root).quizzes[f"t-{template}"]
    assert quiz.kind == a.TEMPLATES[template]["kind"] and quiz.leaderboard == a.TEMPLATES[template]["leaderboard"]


def test_hand_picked_questions_are_copied_with_unique_ids():
    banks = {"x": {"questions": [q(id="q1")]}, "y": {"questions": [q(id="q1", prompt="另一题")]}}
    picked = a.picked_questions(banks, [("x", "q1"), ("y", "q1")])
    assert [p["id"] for p in picked] == ["q1", "y-q1"] and picked[1]["prompt"] == "另一题"


def test_set_status():
    assert a.set_status({"id": "x", "status": "draft"}, "published") == {"id": "x"}
    assert a.set_status({"id": "x"}, "draft") == {"id": "x", "status": "draft"}


@pytest.mark.parametrize(
    ("kind", "show", "closes", "expected"),
    [
        ("quiz", None, None, None),
        ("quiz", None, CLOSES, None),
        ("exam", None, CLOSES, "closes"),
        ("exam", None, None, None),
        ("quiz", "after_close", CLOSES, "closes"),
        ("exam", "at_once", CLOSES, None),
        ("exam", "never", CLOSES, "never"),
        ("quiz", "never", None, "never"),
    ],
)
def test_review_from(small_quiz, kind, show, closes, expected):
    quiz = small_quiz.model_copy(update={"kind": kind, "show_answers": show, "closes": closes})
    assert quiz.review_from == {None: None, "closes": closes, "never": NEVER}[expected]


def test_never_show_answers_hides_the_review_of_a_submitted_attempt(people, make_content):
    root = make_content({"quizzes/small.yaml": SMALL_QUIZ.replace("id: small\n", "id: small\nshow_answers: never\n")})
    quiz = load_catalog(root).quizzes["small"]
    zhang = people["zhang"]
    attempt = zhang.start_attempt(quiz, now=T0)
    zhang.submit(attempt, {"s1": "A"}, now=T0)
    with pytest.raises(AccessDenied):
        zhang.result(attempt, now=T0 + dt.timedelta(days=3650))


# -- audience and drafts -------------------------------------------------------------------------


def catalog_with(make_content, extra: str):
    root = make_content({"quizzes/small.yaml": SMALL_QUIZ.replace("id: small\n", f"id: small\n{extra}")})
    catalog = load_catalog(root)
    assert catalog.errors == []
    return catalog.quizzes["small"]


@pytest.mark.parametrize(
    ("extra", "zhang_sees", "li_sees"),
    [
        ("", True, True),
        ("audience: {departments: [办公室]}\n", True, False),
        ("audience: {teams: [一中队]}\n", False, True),
        ("audience: {departments: [办公室], teams: [一中队]}\n", True, True),
        ("audience: {departments: [财务科]}\n", False, False),
        ("status: draft\n", False, False),
        ("status: published\n", True, True),
    ],
)
def test_audience_and_drafts(people, make_content, extra, zhang_sees, li_sees):
    quiz = catalog_with(make_content, extra)
    for name, sees in (("zhang", zhang_sees), ("li", li_sees)):
        me = people[name]
        assert (me.visible([quiz]) == [quiz]) is sees
        if sees:
            assert me.start_attempt(quiz, now=T0)
        else:
            with pytest.raises(QuizUnavailable):
                me.start_attempt(quiz, now=T0)


def test_an_empty_audience_is_an_error(make_content):
    root = make_content({"quizzes/small.yaml": SMALL_QUIZ.replace("id: small\n", "id: small\naudience: {}\n")})
    errors = load_catalog(root).errors
    assert len(errors) == 1 and "audience" in errors[0].field


# -- preview as an employee ----------------------------------------------------------------------


def test_preview_records_nothing_and_grades_in_memory(people, small_quiz, tracker):
    org = people["org"]
    shown = org.preview_questions(small_quiz, 7)
    assert [s.key for s in shown] == ["s1", "m1", "t1", "f1", "c1"]
    assert not any(hasattr(s, "answer") for s in shown)
    grade = org.preview_grade(small_quiz, 7, {"s1": "A", "m1": "ABD", "t1": True, "f1": ["预防为主"], "c1": "A"})
    assert grade.score == grade.max_score == 8
    assert tracker.db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 0
    assert tracker.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0
    with pytest.raises(AccessDenied):
        people["zhang"].preview_questions(small_quiz, 7)


# -- saving through Access: audit, roles, attempts keep their paper ------------------------------


def test_save_content_is_audited_and_for_organizers_only(people, root, tracker):
    data = a.build_quiz(id="monthly-03", title="三月自测", draws=[a.make_draw("ethics-bank", 3)])
    with pytest.raises(AccessDenied):
        people["zhang"].save_content(root, "quiz", data)
    saved = people["org"].save_content(root, "quiz", data, change="new quiz")
    row = tracker.db.execute("SELECT actor, action, detail FROM audit_log WHERE action = 'content.save'").fetchone()
    assert row[0] == "org" and json.loads(row[2]) == {
        "kind": "quiz",
        "id": "monthly-03",
        "path": str(saved.path),
        "previous": None,
        "change": "new quiz",
        "status": "draft",  # a quiz's save records its status (when it was published orders 测验)
    }


def test_editing_a_quiz_with_attempts_never_changes_how_they_were_graded(people, root):
    """Attempts store their paper: a changed key, points or pass mark after the fact changes nothing."""
    org, zhang, li = people["org"], people["zhang"], people["li"]
    inline = [a.make_question(**FIVE[0]), a.make_question(**FIVE[2])]  # s: key A, 1 pt; t: true, 2 pts
    data = a.build_quiz(id="graded", title="考", questions=inline, status="published", shuffle_options=False)
    org.save_content(root, "quiz", data)
    quiz = load_catalog(root).quizzes["graded"]
    done = zhang.start_attempt(quiz, now=T0)
    grade_before = zhang.submit(done, {"s": "A", "t": True}, now=T0)
    open_attempt = li.start_attempt(quiz, now=T0)
    assert org.quiz_attempt_count("graded") == 2

    changed = a.build_quiz(
        id="graded",
        title="考",
        status="published",
        pass_percent=100,
        questions=[inline[0] | {"answer": "B", "points": 5}, inline[1] | {"answer": False}],
    )
    org.save_content(root, "quiz", changed, path=a.load_document(root, "quiz", "graded").path)
    new_quiz = load_catalog(root).quizzes["graded"]
    assert new_quiz.questions[0].answer == "B"

    assert zhang.result(done, now=T0) == grade_before and grade_before.score == 3 and grade_before.passed
    late = li.submit(open_attempt, {"s": "A", "t": True}, now=T0 + dt.timedelta(minutes=1))
    assert (late.score, late.max_score, late.passed) == (3, 3, True)  # graded on the paper li was given
    fresh = zhang.start_attempt(new_quiz, now=T0 + dt.timedelta(minutes=2))
    assert zhang.submit(fresh, {"s": "B", "t": False}, now=T0 + dt.timedelta(minutes=3)).score == 7


# -- lessons and images --------------------------------------------------------------------------


def test_build_lesson_round_trips(root):
    lesson = a.build_lesson(
        id="new-lesson",
        title="新课程",
        sections=[("第一节", "正文 **重点**"), ("", "")],
        summary="简介",
        minutes=10,
        min_read_minutes=2,
        tags=["职业道德"],
        key_points=["爱岗敬业", " "],
        quiz="ethics-basics-check",
    )
    assert len(lesson["sections"]) == 1 and lesson["key_points"] == ["爱岗敬业"]
    a.save_document(root, "lesson", lesson)
    loaded = load_catalog(root).lessons["new-lesson"]
    assert loaded.min_read_time == 120 and loaded.quiz == "ethics-basics-check"
    assert loaded.sections[0].body.strip() == "正文 **重点**"


def test_images_are_stored_in_the_content_folder(root, people):
    ref = people["org"].save_image(root, "照片 1.PNG", PNG)
    assert ref.startswith("images/") and ref.endswith(".png")
    assert a.image_path(root, ref).read_bytes() == PNG
    assert people["org"].save_image(root, "again.png", PNG) != ref  # named from the upload's name and content
    with pytest.raises(a.AuthoringError, match="not a PNG"):
        a.save_image(root, "x.png", b"<svg onload=alert(1)>")
    with pytest.raises(a.AuthoringError, match="too large"):
        a.save_image(root, "x.png", PNG + b"\x00" * a.MAX_IMAGE_BYTES)


@pytest.mark.parametrize(
    ("ref", "ok"),
    [
        ("images/{name}", True),
        ("https://example.com/a.png", False),
        ("images/../banks/ethics-bank.yaml", False),
        ("images/nope.png", False),
    ],
)
def test_image_path_only_resolves_files_in_the_images_folder(root, ref, ok):
    name = a.save_image(root, "p.png", PNG).split("/", 1)[1]
    assert (a.image_path(root, ref.format(name=name)) is not None) is ok


def test_lesson_hints_and_markdown_parts(root):
    lesson = a.build_lesson(id="x", title="t", sections=[("节", "看图 ![图](https://example.com/a.png)")])
    assert [h.code for h in a.lesson_hints(root, lesson)] == ["image_missing"]
    assert [h.code for h in a.lesson_hints(root, lesson | {"id": "", "title": " "})] == [
        "id_missing",
        "title_missing",
        "image_missing",
    ]
    assert [h.code for h in a.lesson_hints(root, lesson | {"id": "第一课"})][0] == "id_pattern"
    assert a.markdown_parts("前 ![图](images/a.png) 后") == [("text", "前 "), ("image", "images/a.png"), ("text", " 后")]


# -- live competitions ---------------------------------------------------------------------------


def test_build_competition_with_all_round_kinds(root):
    rounds = [
        a.make_round("required", draws=[a.make_draw("ethics-bank", 8, type="single")], per_team=2),
        a.make_round("buzzer", name="抢答", draws=[a.make_draw("safety-bank", 3)], points=20, time_limit=15),
        a.make_round("risk", draws=[a.make_draw("integrity-bank", 4)], values=[10, 20]),
    ]
    bank = a.load_document(root, "bank", "union-bank").data
    comp = a.build_competition(
        id="contest-2027",
        title="2027年竞赛",
        teams=a.teams_from_text("一队: E001, E002\n二队：E003、E004\n\n三队"),
        rounds=rounds,
        tiebreak=a.tiebreak_from(bank, 2),
    )
    a.save_document(root, "quiz", comp)
    catalog = load_catalog(root)
    assert catalog.errors == []
    live = catalog.competitions["contest-2027"]
    assert [r.type for r in live.rounds] == ["required", "buzzer", "risk"]
    assert live.rounds[1].points == 20 and live.rounds[1].time_limit == 15 and live.rounds[2].values == [10, 20]
    assert [t.name for t in live.teams] == ["一队", "二队", "三队"] and live.teams[1].members == ["E003", "E004"]
    assert len(live.tiebreak.questions) == 2


def test_a_competition_short_of_questions_is_refused(root):
    rounds = [a.make_round("required", draws=[a.make_draw("ethics-bank", 1)])]
    comp = a.build_competition(id="short", title="少题", teams="departments", rounds=rounds)
    with pytest.raises(a.AuthoringError, match="needs 4 questions"):
        a.save_document(root, "quiz", comp)


@pytest.mark.parametrize(("limit", "minutes"), [("20m", 20), ("1h30m", 90), ("45s", 1), (None, None)])
def test_quiz_fields_time_limit_in_minutes_never_drops_a_limit(limit, minutes):
    data = {"id": "x", "title": "t"} | ({"time_limit": limit} if limit else {})
    assert a.quiz_fields(data)["time_limit"] == minutes
