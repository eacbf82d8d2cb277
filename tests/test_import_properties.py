"""Property tests for the importers: whatever the input, a result or the named error, never a crash.

For any text or bytes given to the GIFT, Aiken and CSV importers, for small workbooks of random cells
built with openpyxl, and for any roster file, the importer either returns a result (a valid bank
whose YAML loads back) or raises its named error (``ImportFailed`` naming the file, ``RosterError``);
never any other exception.
"""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from quizzes.importers import ImportFailed, ImportResult, import_file
from quizzes.importers.aiken import parse_aiken
from quizzes.importers.gift import parse_gift
from quizzes.model import Bank
from quizzes.source import parse_yaml
from quizzes.validate import validate_source
from tracker.errors import RosterError
from tracker.roster import read_roster

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_names = itertools.count()

GIFT_TOKENS = ["{", "}", "=", "~", "#", "####", "%50%", "%-100%", "%100%", "->", "::t::", "[html]", "[markdown]", "<p>", "</b>"]
GIFT_TOKENS += ["<script>", "&amp;", "\\{", "\\}", "\\=", "\\~", "\\#", "\\n", "//", "$CATEGORY: a/b", "T", "FALSE", "\n", "\n\n"]
GIFT_TOKENS += ["\r\n", " ", "问", "甲", "乙", "___", "（ ）", "<a ", "<!--"]
AIKEN_TOKENS = ["ANSWER: ", "ANSWER：", "A. ", "B) ", "C．", "D、", "I. ", "A", "B", "E", "a", "\n", "\r\n", "\n\n", " ", "问？"]
AIKEN_TOKENS += ["甲", "乙", "answer:", "ＡＮＳＷＥＲ: Ａ"]
CELLS = [
    "题型",
    "题干",
    "题目",
    "选项A",
    "选项B",
    "选项C",
    "A",
    "B",
    "正确答案",
    "答案",
    "答案1",
    "答案2",
    "解析",
    "分值",
    "难度",
]
CELLS += ["知识点", "选项得分", "题目序号", "是否正确项", "选项内容", "单选题", "多选题", "判断题", "填空题", "情境题", "简答题"]
CELLS += ["对", "错", "1", "0", "2", "AB", "A、C", "(A)", "1,0.5,0", "0.5", "易", "中", "难", "inf", "nan", "-1", "1e400"]
CELLS += ["=1+1", '=HYPERLINK("http://x","y")', "'=2", "+1", "@SUM(1)", "问（ ）", "甲|乙", "", " "]
XML_TEXT = st.characters(blacklist_categories=("Cc", "Cs"))  # what a cell can hold (openpyxl refuses control characters)
ROSTER_CELLS = ["工号", "姓名", "部门", "班组", "在职", "id", "name", "department", "team", "active", "E1", "E2", "张三"]
ROSTER_CELLS += ["办公室", "是", "否", "2", "", "=1+1", "+1", "-1", "@x"]


def soup(tokens: list[str]) -> st.SearchStrategy[str]:
    """Text that mostly looks like the format (so the parsers go deep) and sometimes is anything."""
    return st.one_of(st.lists(st.sampled_from(tokens) | st.text(max_size=3), max_size=40).map("".join), st.text(max_size=200))


PROMPTS = st.sampled_from(["诚信是？", "::t::题", "[html]<b>粗</b>题", "问 ___ 呢", "$CATEGORY: a/b\n问"]) | st.text(max_size=6)
GIFT_ANSWERS = st.one_of(
    st.sampled_from(["T", "F", "TRUE #对", "=甲 =乙", "#3.14", ""]),
    st.lists(st.sampled_from(["=甲", "~乙", "~%50%丙", "=%100%丁", "~%-50%戊", "~己 #错了"]), min_size=1, max_size=5),
    st.lists(st.sampled_from(["=甲", "~乙", "#反馈", "T", "=a->b", "####总评", "=", "~"]), max_size=5),
)
GIFT_QUESTIONS = st.builds(
    lambda prompt, answers, tail: f"{prompt} {{{answers if isinstance(answers, str) else ' '.join(answers)}}}{tail}",
    PROMPTS,
    GIFT_ANSWERS,
    st.sampled_from(["", "", "。", " 后文", "\r", " {", "}"]),
)
AIKEN_QUESTIONS = st.builds(
    lambda prompt, options, answer: "\n".join([prompt, *options, answer]),
    PROMPTS,
    st.lists(st.sampled_from(["A. 甲", "B. 乙", "C) 丙", "D．丁", "B. 乙", "E. 戊"]), max_size=5),
    st.sampled_from(["ANSWER: A", "ANSWER: B", "ANSWER: E", "ANSWER:", "answer：c", ""]),
)


def questions(block: st.SearchStrategy[str], tokens: list[str]) -> st.SearchStrategy[str]:
    """A few near-valid questions mixed with token soup, separated by blank lines (LF or CRLF)."""
    separator = st.sampled_from(["\n\n", "\r\n\r\n", "\n"])
    return st.tuples(st.lists(block | block | soup(tokens), min_size=1, max_size=5), separator).map(lambda t: t[1].join(t[0]))


HEADERS = ["题型", "选项A", "选项B", "选项C", "正确答案", "答案1", "答案2", "解析", "分值", "难度", "知识点", "选项得分"]
HEADERS += ["题目序号", "是否正确项", "选项内容"]


TEMPLATE = ["题型", "题干", "选项A", "选项B", "选项C", "正确答案", "分值", "解析"]
GOOD_ROWS = [
    ["单选题", "问一", "甲", "乙", "丙", "B", "2", "因为"],
    ["多选题", "问二", "甲", "乙", "丙", "AC", "", ""],
    ["判断题", "问三", "", "", "", "对", "", ""],
    ["填空题", "问四___", "", "", "", "答|答案", "1.5", ""],
]


def tables(cell: st.SearchStrategy) -> st.SearchStrategy[list[list]]:
    """Good template rows with a few cells changed, or rows under a header of known columns in any
    order (题干 among them), or under no header at all."""

    def mutate(row: list, changes: list[tuple[int, object]]) -> list:
        row = list(row)
        for i, value in changes:
            row[i % len(row)] = value
        return row

    changed = st.builds(mutate, st.sampled_from(GOOD_ROWS), st.lists(st.tuples(st.integers(0, 7), cell), max_size=3))
    template = st.builds(lambda rows: [TEMPLATE, *rows], st.lists(changed, min_size=1, max_size=5))
    header = st.lists(st.sampled_from(HEADERS), unique=True, max_size=8).flatmap(lambda h: st.permutations(["题干", *h]))
    rows = st.lists(st.lists(st.sampled_from(CELLS) | cell, max_size=9), max_size=6)
    return template | st.builds(lambda h, r: [h, *r], header | st.lists(cell, max_size=9), rows)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties")


def new_path(folder: Path, suffix: str) -> Path:
    return folder / f"input-{next(_names)}{suffix}"


def check_import(path: Path, fmt: str | None = None) -> None:
    """The importer's contract: a valid bank that loads back, or ImportFailed naming the file."""
    try:
        result = import_file(path, format=fmt)
    except ImportFailed as e:
        assert str(e).startswith(str(path)), str(e)
        event("refused")
        return
    finally:
        path.unlink(missing_ok=True)
    event("imported")
    assert isinstance(result, ImportResult) and result.imported >= 1
    again = validate_source(parse_yaml(result.yaml_text, "bank.yaml"), Bank)
    assert [q.model_dump() for q in again.questions] == [q.model_dump() for q in result.bank.questions]


@SETTINGS
@given(questions(GIFT_QUESTIONS, GIFT_TOKENS))
def test_gift_parser_never_crashes(text):
    parsed = parse_gift(text)
    assert all(s.where.startswith("line ") for s in parsed.skipped)


@SETTINGS
@given(questions(AIKEN_QUESTIONS, AIKEN_TOKENS))
def test_aiken_parser_never_crashes(text):
    parsed = parse_aiken(text)
    assert all(s.where.startswith("line ") for s in parsed.skipped)


@SETTINGS
@given(
    st.one_of(
        st.tuples(questions(GIFT_QUESTIONS, GIFT_TOKENS), st.sampled_from([".gift", ".txt"]), st.sampled_from([None, "gift"])),
        st.tuples(questions(AIKEN_QUESTIONS, AIKEN_TOKENS), st.just(".txt"), st.sampled_from([None, "aiken"])),
        st.tuples(st.text(), st.sampled_from([".gift", ".txt"]), st.sampled_from([None, "gift", "aiken"])),
    )
)
def test_gift_and_aiken_import_any_text(folder, case):
    text, suffix, fmt = case
    path = new_path(folder, suffix)
    path.write_text(text, encoding="utf-8")
    check_import(path, fmt)


@SETTINGS
@given(
    rows=tables(st.sampled_from(CELLS) | st.text(max_size=8)),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_csv_import_any_table(folder, rows, encoding, delimiter):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    path = new_path(folder, ".csv")
    try:
        path.write_bytes(buf.getvalue().encode(encoding))
    except UnicodeEncodeError:  # a surrogate or the like: not something a file can hold
        assume(False)
    check_import(path)


@SETTINGS
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".gift", ".txt", ".csv", ".xlsx"]))
def test_import_any_bytes(folder, data, suffix):
    path = new_path(folder, suffix)
    path.write_bytes(data)
    check_import(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=tables(st.sampled_from(CELLS) | st.text(XML_TEXT, max_size=8) | st.integers(-3, 5) | st.floats() | st.none()),
    title=st.sampled_from(["Sheet1", "单选题", "多选题", "判断题", "填空题", "情境题", "简答题"]),
)
def test_xlsx_import_any_small_workbook(folder, rows, title):
    wb = openpyxl.Workbook()
    wb.active.title = title
    try:
        for row in rows:
            wb.active.append(row)
    except IllegalCharacterError:  # openpyxl refuses control characters (XML_TEXT leaves them out)
        assume(False)
    path = new_path(folder, ".xlsx")
    wb.save(path)
    check_import(path)


@SETTINGS
@given(
    content=st.one_of(
        st.binary(max_size=300),
        st.lists(st.lists(st.sampled_from(ROSTER_CELLS) | st.text(max_size=6), max_size=6), max_size=6).map(
            lambda rows: "\n".join(",".join(row) for row in rows).encode("utf-8", "surrogatepass")
        ),
        st.lists(st.sampled_from(["E1,张三,办公室", "E2,李四,办公室,综合组", "E3,王五,执法大队,,否"]) | st.text(max_size=12)).map(
            lambda rows: "\r\n".join(["工号,姓名,部门,班组,在职", *rows]).encode("utf-8", "surrogatepass")
        ),
    ),
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
def test_roster_reads_any_file(folder, content, suffix):
    path = new_path(folder, suffix)
    path.write_bytes(content)
    try:
        rows = read_roster(path)
    except RosterError as e:
        assert all(p.startswith(str(path)) for p in e.problems), e.problems
        event("refused")
        return
    finally:
        path.unlink(missing_ok=True)
    event("read")
    assert rows and len({r.id for r in rows}) == len(rows)
