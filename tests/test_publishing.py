"""Publishing uploads: names sanitised, checked against the whole folder, written atomically; hiding quizzes."""

from __future__ import annotations

import pytest

from quizzes import ContentError, load_catalog
from quizzes.publishing import PublishError, check_upload, kind_of, publish, safe_name
from tests.conftest import SMALL_QUIZ
from tracker import AccessDenied, Account, QuizUnavailable
from tracker.access import Access

BANK = "id: extra\ntitle: 新题库\nquestions:\n  - {id: x1, type: true_false, prompt: 判断, answer: true}\n"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("题库.yaml", "ti-ku"),
        ("题库导入模板.xlsx", "ti-ku-dao-ru-mu-ban"),
        ("2026年题库.csv", "2026-nian-ti-ku"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\win.ini", "win"),
        ("My Bank 2026.YAML", "my-bank-2026"),
        ("a/b/c.yaml", "c"),
        ("", "upload"),
        (".hidden", "upload"),
        ("x" * 100 + ".yaml", "x" * 60),
    ],
)
def test_safe_name(name, safe):
    assert safe_name(name) == safe


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ({"id": "a", "sections": []}, "lesson"),
        ({"id": "a", "kind": "exam"}, "quiz"),
        ({"id": "a", "draw": []}, "quiz"),
        ({"id": "a", "questions": []}, "bank"),
        ([1, 2], None),
        ({"id": "a"}, None),
    ],
)
def test_kind_of(data, kind):
    assert kind_of(data) == kind


def test_publish_writes_a_valid_bank(make_content):
    root = make_content({"quizzes/small.yaml": SMALL_QUIZ})
    path = publish(root, BANK, "../新 题库.yaml")
    assert path == root / "banks" / "xin-ti-ku.yaml"
    assert "extra" in load_catalog(root).banks


def test_a_second_chinese_named_upload_does_not_replace_the_first(make_content):
    root = make_content({"quizzes/small.yaml": SMALL_QUIZ})
    first = publish(root, BANK, "题库导入模板.yaml")
    second = publish(root, BANK.replace("id: extra", "id: other"), "安全题库.yaml")
    assert (first.name, second.name) == ("ti-ku-dao-ru-mu-ban.yaml", "an-quan-ti-ku.yaml")
    assert {"extra", "other"} <= set(load_catalog(root).banks)
    with pytest.raises(PublishError, match="already exists"):
        publish(root, BANK, "题库导入模板.yaml")


def test_suggested_bank_ids_are_readable_and_free(make_content):
    from quizzes.publishing import bank_owner, suggest_bank_id

    root = make_content({"quizzes/small.yaml": SMALL_QUIZ})
    assert suggest_bank_id(root, "题库导入模板.xlsx") == "ti-ku-dao-ru-mu-ban"
    publish(root, BANK.replace("id: extra", "id: ti-ku-dao-ru-mu-ban"), "x.yaml")  # the id is taken, not the file
    assert suggest_bank_id(root, "题库导入模板.xlsx") == "ti-ku-dao-ru-mu-ban-2"
    publish(root, BANK, "ti-ku-dao-ru-mu-ban-2.yaml")  # now the file name is taken
    assert suggest_bank_id(root, "题库导入模板.xlsx") == "ti-ku-dao-ru-mu-ban-3"
    assert bank_owner(root, "ti-ku-dao-ru-mu-ban") == "banks/x.yaml"
    assert bank_owner(root, "nobody") is None


def test_an_invalid_upload_is_refused_with_file_and_line_and_nothing_is_written(make_content):
    root = make_content({"quizzes/small.yaml": SMALL_QUIZ})
    bad = BANK.replace("answer: true", "answer: 也许")
    with pytest.raises(PublishError, match=r"banks/bad.yaml:4: questions\[0\].answer: '也许' is not true or false"):
        publish(root, bad, "bad.yaml")
    assert not (root / "banks").exists() or not list((root / "banks").iterdir())


def test_an_upload_that_breaks_other_content_is_refused(make_content):
    root = make_content({"quizzes/small.yaml": SMALL_QUIZ})
    clash = SMALL_QUIZ  # same quiz id under another name
    check = check_upload(root, clash, "copy.yaml")
    assert [p.message for p in check.problems] == [f"duplicate quiz id 'small' (also {root}/quizzes/copy.yaml:2)"]
    with pytest.raises(PublishError, match="duplicate quiz id 'small'"):
        publish(root, clash, "copy.yaml")


def test_yaml_syntax_errors_name_the_line(make_content):
    root = make_content({})
    with pytest.raises(ContentError, match=r"up.yaml:3: YAML syntax error"):
        check_upload(root, "id: x\ntitle: [\n", "up.yaml", "bank")


def test_existing_files_are_replaced_only_on_request(make_content):
    root = make_content({"banks/extra.yaml": BANK})
    with pytest.raises(PublishError, match="already exists"):
        publish(root, BANK.replace("新题库", "改过的题库"), "extra.yaml")
    publish(root, BANK.replace("新题库", "改过的题库"), "extra.yaml", replace=True)
    assert load_catalog(root).banks["extra"].title == "改过的题库"


def test_hidden_quizzes_are_not_listed_and_cannot_be_started(tracker, small_quiz):
    tracker.add_employee("E001", "张三", "办公室")
    employee = Access(tracker, Account("zhang", "employee", "E001"))
    organizer = Account("org", "organizer")
    with pytest.raises(AccessDenied):
        tracker.set_quiz_hidden(Account("zhang", "employee", "E001"), "small", True)
    tracker.set_quiz_hidden(organizer, "small", True)
    assert employee.visible([small_quiz]) == []
    with pytest.raises(QuizUnavailable, match="hidden"):
        employee.start_attempt(small_quiz)
    tracker.set_quiz_hidden(organizer, "small", False)
    assert employee.visible([small_quiz]) == [small_quiz]
    assert employee.start_attempt(small_quiz)
