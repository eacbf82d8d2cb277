"""Moodle GIFT import: every question kind, escape, prefix and the skipped kinds with their lines."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from quizzes.importers import ImportFailed, Skipped, import_file
from quizzes.model import Bank
from quizzes.source import parse_yaml
from quizzes.validate import validate_source


def gift(tmp_path: Path, text: str, name: str = "bank.gift", **kw):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return import_file(path, **kw)


def only(tmp_path: Path, text: str):
    r = gift(tmp_path, text)
    assert r.skipped == [], r.skipped
    assert r.imported == 1
    return r.bank.questions[0]


def test_multiple_choice(tmp_path):
    q = only(tmp_path, "下列哪一项属于职业道德的基本要求？{=爱岗敬业 ~追求个人利益 ~只对领导负责}")
    assert (q.type, q.prompt, [o.text for o in q.options], q.answer) == (
        "single",
        "下列哪一项属于职业道德的基本要求？",
        ["爱岗敬业", "追求个人利益", "只对领导负责"],
        "A",
    )


def test_multiple_choice_over_several_lines_with_feedback(tmp_path):
    q = only(
        tmp_path,
        """
        ::诚信::哪一项正确？{
          ~投机取巧#不对
          =诚实守信#对，这是基本要求
          ####诚实守信是立身之本。
        }
    """,
    )
    assert (q.type, q.answer) == ("single", "B")
    assert q.explanation == "诚实守信是立身之本。"  # the feedback for one answer is not for everyone


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ("~%50%甲 ~%50%乙 ~%-100%丙", "AB"),
        ("~%-50%甲 ~%50%乙 ~%50%丙", "BC"),
        ("~%33.3%甲 ~%33.3%乙 ~%33.4%丙 ~%-100%丁", "ABC"),
        ("~%100%甲 ~%0%乙", "A"),
    ],
)
def test_weights_make_multiple(tmp_path, answers, expected):
    q = only(tmp_path, f"哪些正确？{{{answers}}}")
    assert (q.type, q.answer) == ("multiple", expected)


@pytest.mark.parametrize(
    ("block", "expected"),
    [("{T}", True), ("{F}", False), ("{TRUE}", True), ("{FALSE}", False), ("{true}", True), ("{T#错了#对了}", True)],
)
def test_true_false(tmp_path, block, expected):
    q = only(tmp_path, f"诚实守信是职业道德的基本要求。{block}")
    assert (q.type, q.options, q.answer, q.prompt) == ("true_false", None, expected, "诚实守信是职业道德的基本要求。")


def test_short_answer_becomes_fill_blank(tmp_path):
    q = only(tmp_path, "职业道德的核心是什么？{=为人民服务 =服务人民}")
    assert (q.type, q.prompt, q.answer) == ("fill_blank", "职业道德的核心是什么？ ___", [["为人民服务", "服务人民"]])


def test_missing_word_puts_the_blank_where_the_braces_were(tmp_path):
    q = only(tmp_path, "职业道德的核心是{=为人民服务}，这一点要牢记。")
    assert (q.type, q.prompt, q.answer) == ("fill_blank", "职业道德的核心是 ___，这一点要牢记。", [["为人民服务"]])


def test_missing_word_multiple_choice(tmp_path):
    q = only(tmp_path, "Moodle costs {~lots of money =nothing ~a small amount} to download.")
    assert (q.type, q.prompt, q.answer) == ("single", "Moodle costs ___ to download.", "B")


@pytest.mark.parametrize(
    ("escaped", "plain"), [("\\~", "~"), ("\\=", "="), ("\\#", "#"), ("\\{", "{"), ("\\}", "}"), ("\\:", ":")]
)
def test_escapes(tmp_path, escaped, plain):
    q = only(tmp_path, f"::t{escaped}x:: 1{escaped}2 的结果？{{=a{escaped}b ~c}}")
    assert q.prompt == f"1{plain}2 的结果？"
    assert q.options[0].text == f"a{plain}b"


def test_escaped_newline_and_backslash(tmp_path):
    q = only(tmp_path, r"第一行\n第二行 C:\\temp {=是 ~否}")
    assert q.prompt == "第一行\n第二行 C:\\temp"


def test_comments_and_category(tmp_path):
    r = gift(
        tmp_path,
        """
        // 这是注释，不是题目
        $CATEGORY: $course$/top/职业道德/诚信

        // 题前注释
        诚信重要吗？{T}

        $CATEGORY: 安全生产
        安全第一？{T}
    """,
    )
    assert [q.tags for q in r.bank.questions] == [["诚信"], ["安全生产"]]


@pytest.mark.parametrize(
    ("text", "prompt", "option"),
    [
        ("[html]<p>What is <b>2+2</b>?</p>{=<i>4</i> ~5}", "What is 2+2?", "4"),
        ("[html]A &amp; B<script>alert(1)</script>?{=yes ~no}", "A & B?", "yes"),
        ("[markdown]What is **2+2**?{=4 ~5}", "What is **2+2**?", "4"),
        ("[plain]What is 2+2?{=4 ~5}", "What is 2+2?", "4"),
        ("::t::[html]<div>问题</div>{=<span>甲</span> ~乙}", "问题", "甲"),
    ],
)
def test_format_prefixes(tmp_path, text, prompt, option):
    q = only(tmp_path, text)
    assert (q.prompt, q.options[0].text) == (prompt, option)
    assert "<" not in q.prompt


def test_stray_html_is_stripped_with_a_warning(tmp_path):
    r = gift(tmp_path, "Is <b>this</b> bold?{T}")
    assert r.bank.questions[0].prompt == "Is this bold?"
    assert any(w.startswith("line 1: HTML tags removed") for w in r.warnings)


def test_unsupported_kinds_are_skipped_with_their_lines(tmp_path):
    r = gift(
        tmp_path,
        """
        // kinds Mingde cannot mark
        Good one {=a ~b}

        What is pi? {#3.14:0.01}

        Match these {
          =cat -> 猫
          =dog -> 狗
        }

        Write an essay. {}

        Just a description without answers.

        No correct answer {~a ~b}

        Unclosed {=a ~b
    """,
    )
    assert r.imported == 1
    assert r.skipped == [
        Skipped("line 4", "numeric question {#…}: not supported"),
        Skipped("line 6", "matching question (->): not supported"),
        Skipped("line 11", "essay question {} (free text): cannot be marked automatically"),
        Skipped("line 13", "no answer block {…} (a description, not a question)"),
        Skipped("line 15", "no correct answer (= or a positive %weight%)"),
        Skipped("line 17", "the answer block has no closing }"),
    ]


def test_too_many_options_is_skipped_by_the_model(tmp_path):
    r = gift(tmp_path, "ok {T}\n\nmany {=1 ~2 ~3 ~4 ~5 ~6 ~7 ~8 ~9}\n")
    assert r.skipped == [Skipped("line 3", "options: a single question needs 2 to 8 options, not 9")]


def test_txt_with_gift_syntax_is_detected(tmp_path):
    r = gift(tmp_path, "诚信？{T}\n", name="bank.txt")
    assert r.format == "gift"


def test_yaml_loads_back_and_ids(tmp_path):
    r = gift(tmp_path, "一 {T}\n\n二 {=a ~b}\n\n三 {=x}\n", bank_id="g", title="GIFT 题库")
    assert [q.id for q in r.bank.questions] == ["g-001", "g-002", "g-003"]
    again = validate_source(parse_yaml(r.yaml_text), Bank)
    assert [q.model_dump() for q in again.questions] == [q.model_dump() for q in r.bank.questions]
    assert again.title == "GIFT 题库"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01\x02\x03" * 50, "not a text file"),
        (b"// only a comment\n", "no GIFT questions found"),
        (b"Essay {}\n", "no question could be imported; 1 skipped, the first: line 1: essay question"),
    ],
)
def test_unreadable_gift(tmp_path, content, message):
    path = tmp_path / "bad.gift"
    path.write_bytes(content)
    with pytest.raises(ImportFailed) as e:
        import_file(path)
    assert str(e.value).startswith(str(path)) and message in str(e.value)


def test_progress(tmp_path):
    calls = []
    gift(tmp_path, "一 {T}\n\n二 {F}\n", progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 2), (1, 2), (2, 2)]


# ---------------------------------------------------------------- what Moodle means (issue 16)


def first(tmp_path: Path, text: str):
    r = gift(tmp_path, text)
    return r, (r.bank.questions[0] if r.imported else None)


def credits(q):
    return [o.credit for o in q.options]


@pytest.mark.parametrize(
    ("block", "qtype", "answer", "option_credits"),
    [
        # Moodle: a block with = is single answer; ~%n% options only earn partial credit
        ("{~wrong ~%50%half credit =full credit}", "scenario", None, [0, 0.5, 1]),
        ("{~Jerusalem ~%25%Bethlehem ~%50%Galilee =Nazareth}", "scenario", None, [0, 0.25, 0.5, 1]),
        ("{=甲 ~%-50%乙 ~丙}", "single", "A", None),  # a penalty cannot be given: it counts as 0
        ("{=甲 =乙 ~丙}", "scenario", None, [1, 1, 0]),  # either = option is fully right
        ("{=甲 ~%100%乙 ~丙}", "scenario", None, [1, 1, 0]),
        ("{~甲 =乙 ~丙}", "single", "B", None),
        # without = it is multiple answer: the positive weights are the key
        ("{~%50%甲 ~%50%乙 ~%-100%丙}", "multiple", "AB", None),
        ("{~%100%甲 ~%50%乙 ~丙}", "multiple", "AB", None),
    ],
)
def test_choice_blocks_keep_moodles_key(tmp_path, block, qtype, answer, option_credits):
    r, q = first(tmp_path, f"Difficult question.{block}")
    assert (q.type, q.answer) == (qtype, answer)
    if option_credits is not None:
        assert credits(q) == option_credits
    assert (qtype == "scenario") == any("partial credit" in w for w in r.warnings)


def test_partial_credit_grades_as_moodle_does(tmp_path):
    from quizzes.grading import score_question

    _, q = first(tmp_path, "Where was Jesus raised?{~Jerusalem ~%25%Bethlehem ~%50%Galilee =Nazareth}")
    assert [score_question(q, letter) for letter in "ABCD"] == [0, 0.25, 0.5, 1]


def test_negative_weight_in_single_answer_is_reported(tmp_path):
    r, _ = first(tmp_path, "问？{=甲 ~%-50%乙 ~丙}")
    assert r.warnings == ["line 1: negative credit -50% of '乙' counts as 0"]


@pytest.mark.parametrize(
    ("block", "accepted", "warning"),
    [
        ("{=Nazareth =%75%Nazereth =%25%Bethlehem}", ["Nazareth"], "=%75%Nazereth, =%25%Bethlehem give only partial"),
        ("{=Frog =%50%Cat =%0%*}", ["Frog"], "=%50%Cat give only partial"),
        ("{=Frog =%0%*}", ["Frog"], "the answer * (anything) is never accepted"),
        ("{=%100%Frog =Toad}", ["Frog", "Toad"], None),
        ("{=Frog =%-20%Cat}", ["Frog"], None),
    ],
)
def test_short_answers_accept_only_full_answers(tmp_path, block, accepted, warning):
    r, q = first(tmp_path, f"Which animal? {block}")
    assert q.answer == [accepted]
    if warning:
        assert any(warning in w for w in r.warnings), r.warnings
    else:
        assert r.warnings == []


@pytest.mark.parametrize(
    ("block", "reason"),
    [
        ("{=%50%Cat =%25%Dog}", "no answer is fully right (=answer or =%100%answer)"),
        ("{=*}", "no answer is fully right (=answer or =%100%answer)"),
        ("{One}", "answer text 'One' does not start with = or ~"),
    ],
)
def test_short_answers_without_a_full_answer_are_skipped(tmp_path, block, reason):
    r = gift(tmp_path, f"ok {{T}}\n\nWhich animal? {block}\n")
    assert r.skipped == [Skipped("line 3", reason)]


@pytest.mark.parametrize(
    ("text", "explanation", "warned"),
    [
        ("诚信？{T#不对\\: 再想想#对####诚信是根本}", "诚信是根本", True),
        ("诚信？{F#错了#对了}", None, True),
        ("核心是？{=为人民服务#很好}", None, True),
        ("哪一项？{=甲# ~乙#}", None, False),  # an empty feedback leaves no "A："
        ("哪一项？{=甲 ~乙#不对####总评}", "总评", True),
        ("哪一项？{=甲 ~乙####总评}", "总评", False),
    ],
)
def test_only_the_general_feedback_becomes_the_explanation(tmp_path, text, explanation, warned):
    r, q = first(tmp_path, text)
    assert q.explanation == explanation
    assert "：" not in (q.explanation or "")
    assert any("feedback for single answers" in w for w in r.warnings) == warned
