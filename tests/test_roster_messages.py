"""A roster file's problems in the user's language: every problem has a code and values, a text in
both catalogues with the same placeholders, and names its row and column (第 5 行「部门」列：…); the
library's English text (logs, ``MINGDE_LANG=en`` CLI) stays as before."""

from __future__ import annotations

import copy
import pickle
import re
import string

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from tests.test_admin_pages import env, ok, page  # noqa: F401  (the signed-in AppTest fixture)
from tests.test_roster import CN_HEADER, write_roster, write_xlsx
from tracker import RosterError
from tracker.roster import MESSAGES, RosterProblem, read_roster
from ui.i18n import EN, ZH, translate
from ui.roster_text import say_problem

# Names of data, not words of the UI: they may stay in the Chinese texts.
NOT_WORDS = r"\{[^}]*\}|UTF|GBK|CSV|Excel|xlsx|csv"


def names(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_problem_is_in_both_catalogues_with_the_same_placeholders(code):
    key = f"roster.problem.{code}"
    assert names(ZH[key]) == names(EN[key])
    given = names(MESSAGES[code]) | {"columns"}
    assert names(ZH[key]) <= given, names(ZH[key]) - given
    assert not re.search(r"[A-Za-z]{4,}", re.sub(NOT_WORDS, "", ZH[key])), ZH[key]


def test_every_code_the_reader_uses_exists_and_every_one_is_used():
    text = (ROOT / "tracker" / "roster.py").read_text(encoding="utf-8")
    used = set(re.findall(r'(?:RosterProblem|_refuse)\(\s*"([a-z_]+)"', text))
    assert used == set(MESSAGES)


def zh(p):
    return say_problem(p, lambda key, **v: translate("zh", key, **v))


def en(p):
    return say_problem(p, lambda key, **v: translate("en", key, **v))


ROWS = [
    CN_HEADER + ["在职"],  # 1
    ["E001", "张三", "办公室", "", "是"],  # 2 good
    ["", "李四", "办公室", "", ""],  # 3 no 工号
    ["E003", "王五", "", "", ""],  # 4 no 部门
    ["E001", "钱七", "办公室", "", ""],  # 5 repeats row 2
    ["E007", "", "", "综合组", ""],  # 6 no 姓名, no 部门
    ["E008", "孙八", "办公室", "组" * 101, ""],  # 7 too long
    ["E009", "周\x1b九", "办公室", "", ""],  # 8 control character
    ["E010", "吴十", "办公室", "", "也许"],  # 9 bad 在职
]
EXPECTED = [
    ("{p}:3: empty id", "第 3 行「工号」列：为空", "Row 3, column Employee no.: empty"),
    ("{p}:4: empty department", "第 4 行「部门」列：为空", "Row 4, column Department: empty"),
    (
        "{p}:5: 工号 E001 repeats row 2",
        "第 5 行「工号」列：工号 E001 与第 2 行重复",
        "Row 5, column Employee no.: employee number E001 repeats row 2",
    ),
    ("{p}:6: empty name, department", "第 6 行「姓名、部门」列：为空", "Row 6, column Name, Department: empty"),
    (
        "{p}:7: a cell is longer than 100 characters",
        "第 7 行「班组」列：超过 100 个字符",
        "Row 7, column Team: longer than 100 characters",
    ),
    (
        "{p}:8: 姓名 contains the control character U+001B (a line break, tab or escape); remove it",
        "第 8 行「姓名」列：含控制字符 U+001B（换行、制表符或转义符），请删除",
        "Row 8, column Name: contains the control character U+001B (a line break, tab or escape); remove it",
    ),
    (
        "{p}:9: active is 是/否 or 1/0, not '也许'",
        "第 9 行「在职」列：应填 是/否 或 1/0，而不是“也许”",
        "Row 9, column Active: is 是/否 or 1/0, not “也许”",
    ),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_bad_row_in_english_chinese_and_the_log_text(tmp_path, fmt):
    rows = ROWS if fmt == "csv" else [[] if "\x1b" in "".join(r) else r for r in ROWS]  # openpyxl refuses control characters
    path = write_roster(tmp_path, rows, fmt)
    with pytest.raises(RosterError) as caught:
        read_roster(path)
    expected = [e for e in EXPECTED if fmt == "csv" or ":8:" not in e[0]]
    got = caught.value.problems
    assert list(got) == [log.format(p=path) for log, _, _ in expected]
    assert [zh(p) for p in got] == [z for _, z, _ in expected]
    assert [en(p) for p in got] == [e for _, _, e in expected]


@pytest.mark.parametrize(
    ("make", "chinese"),
    [
        (lambda d: d / "nope.csv", "找不到文件"),
        (lambda d: _bytes(d / "r.json", b"[]"), "名册应为 .csv 或 .xlsx 文件"),
        (lambda d: _bytes(d / "r.csv", b""), "文件是空的"),
        (
            lambda d: _bytes(d / "r.csv", b"\xff\xfe\x00\x00\x81"),
            "文件既不是 UTF-8 也不是 GBK 编码的文字（请另存为 UTF-8 的 CSV）",
        ),
        (lambda d: _bytes(d / "r.xlsx", b"PK not a zip"), "不是可读取的 Excel 文件（不是 .xlsx 压缩包）"),
        (lambda d: _bytes(d / "r.csv", "工号,姓名,部门\r\n".encode()), "文件中没有人员"),
        (
            lambda d: _bytes(d / "r.csv", "工号,姓名\r\nE1,张三\r\n".encode()),
            "第 1 行：缺少列：部门（表头写 工号、姓名、部门、班组）",
        ),
        (
            lambda d: _bytes(d / "r.csv", "工号,姓名,部门,id\r\nE1,张三,办公室,E1\r\n".encode()),
            "第 1 行：工号 列出现了不止一次（每种列只保留一列）",
        ),
        (
            lambda d: write_xlsx(d / "r.xlsx", [CN_HEADER, ["E1", "张三", "=A1&B1", ""]]),
            "第 2 行 C2 单元格：是公式（=A1&B1），请复制后以“只粘贴数值”的方式粘贴",
        ),
    ],
    ids=["not-found", "wrong-type", "empty", "encoding", "not-xlsx", "no-employees", "missing", "doubled", "formula"],
)
def test_whole_file_problems_in_chinese(tmp_path, make, chinese):
    with pytest.raises(RosterError) as caught:
        read_roster(make(tmp_path))
    (problem,) = caught.value.problems
    assert zh(problem) == chinese
    assert zh(problem) != en(problem)


def _bytes(path, data):
    path.write_bytes(data)
    return path


def test_a_problem_keeps_its_code_through_pickling_and_copies(tmp_path):
    p = RosterProblem("repeated_id", tmp_path / "r.csv", 5, fields=("id",), id="E1", first=2)
    for again in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert again == p and (again.code, again.row, again.fields, again.values) == (p.code, 5, ("id",), p.values)
    assert say_problem("a plain text", lambda key, **v: key) == "a plain text"


def test_the_cli_says_each_problem_in_chinese_after_its_english_line(tmp_path, monkeypatch):
    from ui.cli import cli

    monkeypatch.setenv("MINGDE_LANG", "zh")
    path = write_roster(tmp_path, ROWS[:5])
    result = CliRunner().invoke(cli, ["roster", "import", str(path), "--db", str(tmp_path / "m.db")])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: {path}:3: empty id — 第 3 行「工号」列：为空",
        f"{path}:4: empty department — 第 4 行「部门」列：为空",
        f"{path}:5: 工号 E001 repeats row 2 — 第 5 行「工号」列：工号 E001 与第 2 行重复",
    ]
    monkeypatch.setenv("MINGDE_LANG", "en")
    result = CliRunner().invoke(cli, ["roster", "import", str(path), "--db", str(tmp_path / "m.db")])
    assert result.output == f"Error: {path}:3: empty id\n{path}:4: empty department\n{path}:5: 工号 E001 repeats row 2\n"


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        ("zh", ["bad.csv：第 3 行「工号」列：为空", "bad.csv：第 4 行「部门」列：为空"]),
        ("en", ["bad.csv: Row 3, column Employee no.: empty", "bad.csv: Row 4, column Department: empty"]),
    ],
)
def test_the_roster_page_names_row_and_column_in_the_users_language(env, monkeypatch, lang, lines):  # noqa: F811
    monkeypatch.setenv("MINGDE_LANG", lang)
    at = page(env, "root", "ui/pages/roster.py")
    at.file_uploader[0].set_value(("bad.csv", "工号,姓名,部门\nE1,张三,办公室\n,李四,办公室\nE3,王五,\n".encode(), "text/csv"))
    at.run()
    ok(at)
    assert at.code[0].value.splitlines() == lines
    assert env.employees() == [] or all(e["id"] not in ("E1", "E3") for e in env.employees())
