"""Aiken import: single-answer multiple choice with ``A.``/``A)`` options and ``ANSWER: X``."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from quizzes.importers import ImportFailed, Skipped, import_file


def aiken(tmp_path: Path, text: str, name: str = "bank.txt", **kw):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return import_file(path, **kw)


GOOD = """
    下列哪一项属于职业道德的基本要求？
    A. 爱岗敬业
    B) 追求个人利益最大化
    C. 只对领导负责
    ANSWER: A

    诚实守信的要求是？
    A) 言行一致
    B) 见风使舵
    ANSWER: A
"""


def test_aiken_questions(tmp_path):
    r = aiken(tmp_path, GOOD, bank_id="aiken")
    assert r.format == "aiken"
    a, b = r.bank.questions
    assert (a.id, a.type, a.prompt, [o.text for o in a.options], a.answer) == (
        "aiken-001",
        "single",
        "下列哪一项属于职业道德的基本要求？",
        ["爱岗敬业", "追求个人利益最大化", "只对领导负责"],
        "A",
    )
    assert (b.prompt, b.answer) == ("诚实守信的要求是？", "A")


@pytest.mark.parametrize(
    ("option_line", "answer_line", "expected"),
    [
        ("B. 乙", "ANSWER: B", "B"),
        ("B) 乙", "ANSWER: B", "B"),
        ("B．乙", "ANSWER：B", "B"),
        ("B、乙", "answer: b", "B"),
        ("B.乙", "ANSWER:B", "B"),
    ],
)
def test_option_and_answer_notations(tmp_path, option_line, answer_line, expected):
    r = aiken(tmp_path, f"问题？\nA. 甲\n{option_line}\n{answer_line}\n")
    q = r.bank.questions[0]
    assert ([o.text for o in q.options], q.answer) == (["甲", "乙"], expected)


def test_multiline_prompt_and_no_blank_line_between_questions(tmp_path):
    r = aiken(tmp_path, "第一行\n第二行？\nA. 甲\nB. 乙\nANSWER: B\n问二？\nA. 甲\nB. 乙\nANSWER: A\n")
    assert [q.prompt for q in r.bank.questions] == ["第一行\n第二行？", "问二？"]


def test_malformed_questions_are_skipped_with_their_lines(tmp_path):
    r = aiken(
        tmp_path,
        """
        好题？
        A. 甲
        B. 乙
        ANSWER: A

        答案越界？
        A. 甲
        B. 乙
        ANSWER: D

        只有一个选项？
        A. 甲
        ANSWER: A

        没有答案行？
        A. 甲
        B. 乙

        两个字母？
        A. 甲
        B. 乙
        ANSWER: AB

        空选项？
        A. 甲
        B.
        ANSWER: A
        ANSWER: B
    """,
    )
    assert r.imported == 1
    assert r.skipped == [
        Skipped("line 6", "ANSWER D is not one of the options A–B"),
        Skipped("line 11", "fewer than 2 options (A. … B. …) before the ANSWER line"),
        Skipped("line 15", "no ANSWER line after the options"),
        Skipped("line 19", "ANSWER 'AB' is not one option letter"),
        Skipped("line 24", "options.1.text: String should have at least 1 character"),
        Skipped("line 28", "ANSWER line without a question"),
    ]


def test_repeated_options_are_marked_with_a_warning(tmp_path):
    r = aiken(tmp_path, "问？\nA. M 1\nB. M1\nC. m1\nANSWER: B\n")
    assert [o.text for o in r.bank.questions[0].options] == ["M 1", "M1（B）", "m1"]
    assert r.warnings == ["line 1: option B 'M1' repeats option A 'M 1' (spaces are ignored); kept as 'M1（B）'"]


def test_trailing_question_without_answer(tmp_path):
    r = aiken(tmp_path, "好题？\nA. 甲\nB. 乙\nANSWER: A\n\n半截题目\n")
    assert r.skipped == [Skipped("line 6", "no options and no ANSWER line")]


def test_explicit_format_wins(tmp_path):
    path = tmp_path / "bank.gift"
    path.write_text("问？\nA. 甲\nB. 乙\nANSWER: B\n", encoding="utf-8")
    assert import_file(path, format="aiken").bank.questions[0].answer == "B"


def test_gbk_text(tmp_path):
    path = tmp_path / "bank.txt"
    path.write_bytes("问题？\nA. 甲\nB. 乙\nANSWER: B\n".encode("gbk"))
    assert import_file(path).bank.questions[0].options[1].text == "乙"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x00\xff\x00\xfe" * 40, "not a text file"),
        (b"just some prose\nwithout any syntax\n", "neither GIFT nor Aiken syntax found"),
    ],
)
def test_unreadable_aiken(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ImportFailed) as e:
        import_file(path)
    assert str(e.value).startswith(str(path)) and message in str(e.value)


def test_aiken_with_only_bad_questions_raises(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("问？\nA. 甲\nB. 乙\nANSWER: Z\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="line 1: ANSWER 'Z'"):
        import_file(path, format="aiken")
