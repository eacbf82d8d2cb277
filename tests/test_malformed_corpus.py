"""A corpus of malformed inputs: each is refused with one message naming the place, and nothing is written.

Four kinds of input, each through the way it enters Mingde:

- ``yaml``: a content file, checked by ``mingde validate`` (problems as ``path:line: message``);
- ``upload``: text handed to ``quizzes.publishing.publish`` (what the content page calls);
- ``import``: a question bank for ``mingde import -o FILE`` (.xlsx, .csv, GIFT, Aiken);
- ``roster``: a roster for ``mingde roster import``.

The CLI must exit with code 1 (never 2, never a traceback); no bank file may be created or changed,
the database and the content folder must stay as they were. The small files are in
``tests/data/malformed/`` (its README lists them); huge files, workbooks and pathological inputs are
made here at run time. The second half checks that text starting with ``= + - @`` in names and
questions is kept as text and leaves Mingde neutralised, never as a live formula.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from quizzes.errors import ContentError
from quizzes.importers import excel as excel_importer
from quizzes.importers import import_file
from quizzes.importers.common import MAX_IMPORT_BYTES
from quizzes.publishing import PublishError, publish
from quizzes.source import MAX_FILE_BYTES
from tests.conftest import CONTENT, DATA, POSTGRESQL, SMALL_QUIZ, write_files
from tracker import Tracker
from tracker import roster as roster_module
from ui.cli import cli

CORPUS = DATA / "malformed"
FIRST = ": no question could be imported; 1 skipped, the first: "
DANGEROUS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Case:
    """One malformed input: how to make it, and what the message must say after the file's path."""

    kind: str  # yaml | upload | import | roster
    name: str  # the file name (for uploads: the upload's name)
    expect: str  # the message from the place on: ":3: duplicate key 'title'", ": the file is empty", …
    make: Callable[[Path], None] | Callable[[], str] | None = None  # None: copy tests/data/malformed/<kind>/<name>
    args: tuple[str, ...] = ()
    replace: bool = False  # uploads: publish as a replacement

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.name}" + (f"[{' '.join(self.args)}]" if self.args else "")


# ---------------------------------------------------------------- makers of files


def text_file(text: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(text, encoding="utf-8")


def sparse_file(size: int, head: bytes = b"") -> Callable[[Path], None]:
    """A file of ``size`` bytes that takes no disk space (the size check comes before reading)."""

    def make(path: Path) -> None:
        with path.open("wb") as f:
            f.write(head)
            f.truncate(size)

    return make


def workbook(*rows: list, title: str = "Sheet1", empty: bool = False) -> Callable[[Path], None]:
    """An .xlsx written by openpyxl; text starting with '=' becomes a formula cell, as in Excel."""

    def make(path: Path) -> None:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = title
        for row in [] if empty else rows:
            ws.append(row)
        wb.save(path)

    return make


def xlsx_bytes(*rows: list) -> bytes:
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(buf)
    return buf.getvalue()


def zip_of(members: dict[str, bytes]) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in members.items():
                z.writestr(name, data)

    return make


def replaced_member(raw: bytes, member: str, data: bytes) -> Callable[[Path], None]:
    """A copy of the workbook ``raw`` with one member of its zip package replaced."""

    def make(path: Path) -> None:
        with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                out.writestr(info, data if info.filename == member else src.read(info.filename))

    return make


def bytes_file(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def zip_bomb(path: Path) -> None:
    """A workbook whose package unpacks to 2 MB (the tests lower the limit to 1 MB; a real bomb is 1000× that)."""
    replaced = replaced_member(QUESTION_XLSX, "docProps/app.xml", b"<a>" + b" " * (2 * 1024 * 1024) + b"</a>")
    replaced(path)


QUESTION_HEADER = ["题型", "题干", "选项A", "选项B", "正确答案"]
QUESTION_XLSX = xlsx_bytes(QUESTION_HEADER, ["单选题", "问", "甲", "乙", "A"])
ROSTER_HEADER = ["工号", "姓名", "部门", "班组"]
ROSTER_XLSX = xlsx_bytes(ROSTER_HEADER, ["E101", "张三", "办公室", "综合组"])
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
BROKEN_SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c'

DEEP_BLOCK = "id: bad-bank\ntitle: t\n" + "".join("  " * i + f"k{i}:\n" for i in range(2000)) + "  " * 2000 + "end\n"
DEEP_FLOW = "id: bad-bank\ntitle: t\nquestions: " + "[" * 100_000 + "]" * 100_000 + "\n"


# ---------------------------------------------------------------- the corpus

YAML = [
    Case("yaml", "binary-junk.yaml", ":1: the file is not UTF-8 text (save it as UTF-8)"),
    Case("yaml", "gbk.yaml", ":2: the file is not UTF-8 text (save it as UTF-8)"),
    Case("yaml", "shift-jis.yaml", ":2: the file is not UTF-8 text (save it as UTF-8)"),
    Case("yaml", "utf16-no-bom.yaml", ":2: the file is not UTF-8 text (save it as UTF-8)"),
    Case("yaml", "bom-only.yaml", ":1: the file is empty"),
    Case("yaml", "empty.yaml", ":1: the file is empty"),
    Case("yaml", "comments-only.yaml", ":1: the file is empty"),
    Case("yaml", "nul-byte.yaml", ":2: character U+0000 is not allowed"),
    Case("yaml", "control-char.yaml", ":4: character U+001B is not allowed"),
    Case("yaml", "deep-nesting.yaml", ":3: nested more than 40 levels deep"),
    Case("yaml", "deep-nesting-100000.yaml", ":3: nested more than 40 levels deep", text_file(DEEP_FLOW)),
    Case("yaml", "deep-block-nesting.yaml", ":43: nested more than 40 levels deep", text_file(DEEP_BLOCK)),
    Case("yaml", "billion-laughs.yaml", ":3: document too large (more than 200000 values after expanding aliases)"),
    Case("yaml", "recursive-alias.yaml", ":3: nested more than 40 levels deep"),
    Case("yaml", "python-object-apply.yaml", ":2: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    Case("yaml", "python-object.yaml", ":3: YAML tag 'tag:yaml.org,2002:python/object:subprocess.Popen' is not allowed"),
    Case("yaml", "python-name.yaml", ":2: YAML error: this YAML tag is not allowed"),
    Case("yaml", "local-tag.yaml", ":2: YAML error: this YAML tag is not allowed"),
    Case("yaml", "bad-int-tag.yaml", ":8: 'many' is not a valid int"),
    Case("yaml", "bad-float-tag.yaml", ":8: '1,5' is not a valid float"),
    Case("yaml", "bad-timestamp-tag.yaml", ":2: 'next monday' is not a valid timestamp"),
    Case("yaml", "tab-indent.yaml", ":5: YAML syntax error: found character '\\t' that cannot start any token"),
    Case("yaml", "two-documents.yaml", ":4: YAML syntax error: but found another document"),
    Case("yaml", "duplicate-key.yaml", ":3: duplicate key 'title'"),
    Case("yaml", "duplicate-question-id.yaml", ":5: questions[1].id: duplicate question id 'q1' (also questions[0])"),
    Case("yaml", "missing-title.yaml", ":1: missing required key 'title'"),
    Case("yaml", "wrong-type-points.yaml", ":4: questions[0].points: Input should be a valid number"),
    Case("yaml", "infinite-points.yaml", ":4: questions[0].points: Input should be a finite number"),
    Case("yaml", "not-a-mapping.yaml", ":1: expected a mapping of keys"),
    Case("yaml", "merge-scalar.yaml", ":4: YAML error: expected a mapping or list of mappings for merging"),
    Case("yaml", "non-scalar-key.yaml", ":3: a key must be plain text"),
    Case("yaml", "answer-not-an-option.yaml", ":4: questions[0].answer: 'E' is not one of the options A–B"),
    Case("yaml", "huge.yaml", f":1: file too large ({MAX_FILE_BYTES + 1} bytes", sparse_file(MAX_FILE_BYTES + 1, b"id: x\n")),
    Case(
        "yaml",
        "long-key-line.yaml",
        ":3: YAML syntax error: could not find expected ':'",
        text_file("id: bad-bank\ntitle: t\n" + "k" * 100_000 + ": 1\nquestions: []\n"),
    ),
]


def _text(path: str) -> Callable[[], str]:
    return lambda: (CORPUS / "yaml" / path).read_text(encoding="utf-8")


BASE_BANK = """
id: base
title: 基础题库
questions:
  - {id: b1, type: true_false, prompt: 题一, answer: 对}
  - {id: b2, type: true_false, prompt: 题二, answer: 错}
  - {id: b3, type: true_false, prompt: 题三, answer: 对}
"""
DRAW_QUIZ = """
id: drawn
title: 抽题测验
draw:
  - bank: base
    count: 3
"""
UPLOAD_BANK = "id: extra\ntitle: 新题库\nquestions:\n  - {id: x1, type: true_false, prompt: 判断, answer: true}\n"

UPLOADS = [
    Case("upload", "empty.yaml", "empty.yaml:1: the file is empty", lambda: ""),
    Case("upload", "bom-only.yaml", "bom-only.yaml:1: the file is empty", lambda: "\ufeff"),
    Case("upload", "blank.yaml", "blank.yaml:1: the file is empty", lambda: "\r\n  \r\n"),
    Case(
        "upload", "huge.yaml", f"huge.yaml: too large (the limit is {MAX_FILE_BYTES} bytes)", lambda: "#" * (MAX_FILE_BYTES + 1)
    ),
    Case("upload", "laughs.yaml", "laughs.yaml:3: document too large", _text("billion-laughs.yaml")),
    Case("upload", "deep.yaml", "deep.yaml:3: nested more than 40 levels deep", lambda: DEEP_FLOW),
    Case("upload", "deep-block.yaml", "deep-block.yaml:43: nested more than 40 levels deep", lambda: DEEP_BLOCK),
    Case(
        "upload",
        "apply.yaml",
        "apply.yaml:2: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'",
        _text("python-object-apply.yaml"),
    ),
    Case("upload", "name.yaml", "name.yaml:2: YAML error: this YAML tag is not allowed", _text("python-name.yaml")),
    Case(
        "upload", "nul.yaml", "nul.yaml:2: character U+0000 is not allowed", lambda: UPLOAD_BANK.replace("新题库", "新\x00题库")
    ),
    Case("upload", "esc.yaml", "esc.yaml:4: character U+001B is not allowed", lambda: UPLOAD_BANK.replace("判断", "\x1b[2J判断")),
    Case("upload", "int.yaml", "int.yaml:8: 'many' is not a valid int", _text("bad-int-tag.yaml")),
    Case("upload", "dup-key.yaml", "dup-key.yaml:3: duplicate key 'title'", _text("duplicate-key.yaml")),
    Case("upload", "syntax.yaml", "syntax.yaml:5: YAML syntax error", _text("tab-indent.yaml")),
    Case(
        "upload",
        "no-kind.yaml",
        "no-kind.yaml: cannot tell whether this is a lesson, a bank, a quiz or an event",
        lambda: "id: x\ntitle: 标题\n",
    ),
    Case(
        "upload", "list.yaml", "list.yaml: cannot tell whether this is a lesson, a bank, a quiz or an event", lambda: "- 1\n- 2\n"
    ),
    Case(
        "upload",
        "inf.yaml",
        "{root}/banks/inf.yaml:4: questions[0].points: Input should be a finite number",
        lambda: UPLOAD_BANK.replace("answer: true}", "answer: true, points: .inf}"),
    ),
    Case(
        "upload",
        "bad-answer.yaml",
        "{root}/banks/bad-answer.yaml:4: questions[0].answer: '也许' is not true or false",
        lambda: UPLOAD_BANK.replace("answer: true", "answer: 也许"),
    ),
    Case(
        "upload",
        "../../../escape.yaml",
        "{root}/banks/escape.yaml:4: questions[0].answer: '也许' is not true or false",
        lambda: UPLOAD_BANK.replace("answer: true", "answer: 也许"),
    ),
    Case(
        "upload",
        "clash.yaml",
        "{root}/banks/clash.yaml:2: id: duplicate bank id 'base' (also {root}/banks/base.yaml:1)",
        lambda: BASE_BANK,
    ),
    Case(
        "upload",
        "base.yaml",
        "{root}/quizzes/drawn.yaml:5: draw[0].count: draw asks for 3 questions but bank 'base' has only 1",
        lambda: BASE_BANK.split("  - {id: b2")[0],
        replace=True,
    ),
    Case("upload", "small.yaml", "{root}/quizzes/small.yaml already exists", lambda: SMALL_QUIZ.replace("小测验", "改过")),
]

IMPORTS = [
    Case("import", "binary-junk.gift", ": not a text file (binary data)"),
    Case("import", "png-named.csv", ": not a text file (binary data)"),
    Case("import", "utf16-no-bom.csv", ": not a text file (binary data)"),
    Case("import", "utf16-no-bom.gift", ": not a text file (binary data)"),
    Case("import", "shift-jis-junk.txt", ": not readable text (save it as UTF-8 or GBK)"),
    Case("import", "latin1-junk.gift", ": not readable text (save it as UTF-8 or GBK)"),
    Case("import", "empty.gift", ": the file is empty"),
    Case("import", "bom-only.csv", ": the file is empty"),
    Case("import", "bom-only.gift", ": the file is empty"),
    Case("import", "blank-lines.txt", ": the file is empty"),
    Case("import", "nul-bytes.csv", ": not a text file (binary data)"),
    Case("import", "control-chars.csv", FIRST + "row 2: prompt: control character U+001B is not allowed"),
    Case("import", "control-chars.gift", FIRST + "line 1: prompt: control character U+0007 is not allowed"),
    Case("import", "aiken-no-answer.txt", ": neither GIFT nor Aiken syntax found"),
    Case("import", "aiken-no-answer.txt", FIRST + "line 1: no ANSWER line after the options", args=("--format", "aiken")),
    Case("import", "aiken-no-answer-crlf.txt", ": neither GIFT nor Aiken syntax found"),
    Case(
        "import",
        "aiken-no-answer-crlf.txt",
        ": no question could be imported; 2 skipped, the first: line 1: no ANSWER line after the options",
        args=("--format", "aiken"),
    ),
    Case("import", "aiken-answer-out-of-range.txt", FIRST + "line 1: ANSWER E is not one of the options A–B"),
    Case(
        "import", "aiken-answer-first.txt", ": no question could be imported; 2 skipped, the first: line 1: ANSWER line without"
    ),
    Case("import", "gift-unbalanced-open.gift", FIRST + "line 1: the answer block has no closing }"),
    Case("import", "gift-unbalanced-close.gift", FIRST + "line 1: no answer block {…}"),
    Case("import", "gift-unbalanced-crlf.gift", FIRST + "line 1: the answer block has no closing }"),
    Case("import", "gift-two-blocks.gift", FIRST + "line 1: more than one answer block {…}"),
    Case("import", "gift-no-correct.gift", FIRST + "line 1: no correct answer"),
    Case(
        "import", "gift-unsupported-only.gift", ": no question could be imported; 3 skipped, the first: line 1: numeric question"
    ),
    Case("import", "gift-comments-only.gift", ": no GIFT questions found"),
    Case("import", "csv-no-question-column.csv", ": no question sheet found (a header row with 题干 is needed"),
    Case("import", "csv-header-only.csv", ": no question could be imported"),
    Case("import", "csv-points-text.csv", FIRST + "row 2: 分值 '很多' is not a number"),
    Case("import", "csv-points-infinite.csv", FIRST + "row 2: points: Input should be a finite number"),
    Case("import", "csv-answer-not-an-option.csv", FIRST + "row 2: answer: 'Z' is not one of the options A–B"),
    Case("import", "csv-unknown-type.csv", FIRST + "row 2: unknown 题型 '论文题'"),
    Case("import", "csv-essay-only.csv", FIRST + "row 2: 简答题: open-answer questions cannot be marked automatically"),
    Case("import", "csv-unterminated-quote.csv", FIRST + "row 2: options: a single question needs options"),
    # made here: workbooks, huge files, pathological lines
    Case("import", "zero-byte.xlsx", ": the file is empty", bytes_file(b"")),
    Case(
        "import",
        "renamed-text.xlsx",
        ": not an Excel .xlsx workbook (the file is not a zip package)",
        text_file("题干,A,B\n问,甲,乙\n"),
    ),
    Case("import", "junk-zip.xlsx", ": cannot read the workbook", zip_of({"junk.txt": b"not a workbook"})),
    Case("import", "old-excel.xlsx", ": cannot read the Excel 97-2003 (.xls) workbook", bytes_file(OLE_HEADER)),
    Case("import", "truncated.xlsx", ": not an Excel .xlsx workbook", bytes_file(QUESTION_XLSX[: len(QUESTION_XLSX) // 2])),
    Case(
        "import",
        "broken-sheet.xlsx",
        ": cannot read the workbook",
        replaced_member(QUESTION_XLSX, "xl/worksheets/sheet1.xml", BROKEN_SHEET),
    ),
    Case("import", "zip-bomb.xlsx", ": the workbook unpacks to 2 MB, more than the limit of 1 MB", zip_bomb),
    Case("import", "word.docx", ": not a text file (binary data)", zip_of({"word/document.xml": b"<w:document/>"})),
    Case(
        "import",
        "huge.csv",
        f": file too large ({MAX_IMPORT_BYTES + 1} bytes; the limit is 20 MB)",
        sparse_file(MAX_IMPORT_BYTES + 1),
    ),
    Case(
        "import", "huge.xlsx", f": file too large ({MAX_IMPORT_BYTES + 1} bytes", sparse_file(MAX_IMPORT_BYTES + 1, b"PK\x03\x04")
    ),
    Case("import", "huge.gift", f": file too large ({MAX_IMPORT_BYTES + 1} bytes", sparse_file(MAX_IMPORT_BYTES + 1, b"Q {T}\n")),
    Case(
        "import",
        "long-field.csv",
        ": not a readable CSV file (line 2: field larger than field limit (131072))",
        text_file("题干,A,B,答案\n" + "问" * 200_000 + ",甲,乙,A\n"),
    ),
    Case(
        "import",
        "long-line-unbalanced.gift",
        FIRST + "line 1: the answer block has no closing }",
        text_file("问" * 1_000_000 + " {=甲 ~乙\n"),
    ),
    Case(
        "import",
        "nul-after-8k.gift",
        FIRST + "line 3: prompt: control character U+0000 is not allowed",
        text_file("// " + "x" * 9000 + "\n\n问\x00题 {=甲 ~乙}\n"),
    ),
    Case(
        "import",
        "spaces-in-answer.csv",
        FIRST + "row 2: answer:",
        text_file("题干,A,B,答案\n问,甲,乙,A" + " " * 100_000 + "x\n"),
    ),
    Case(
        "import",
        "spaces-in-points.csv",
        FIRST + "row 2: 分值 '1 ",
        text_file("题干,A,B,答案,分值\n问,甲,乙,A,1" + " " * 100_000 + "x\n"),
    ),
    Case("import", "parens-header.csv", ": no question sheet found", text_file(("题," + "(" * 100_000 + "\n") * 15)),
    Case("import", "blank-lines-then-junk.txt", ": neither GIFT nor Aiken syntax found", text_file("\n" * 1_000_000 + "x")),
    Case(
        "import",
        "html-bomb.gift",
        FIRST + "line 1: no correct answer",
        text_file("[html]问 {~" + "<a " * 100_000 + " ~乙}\n"),
    ),
    Case(
        "import",
        "no-question-column.xlsx",
        ": no question sheet found",
        workbook(["题型", "选项A", "选项B", "正确答案"], ["单选题", "甲", "乙", "A"]),
    ),
    Case("import", "empty-workbook.xlsx", ": no question sheet found", workbook(empty=True)),
    Case(
        "import",
        "points-text.xlsx",
        FIRST + "Sheet1!row 2: 分值 '很多' is not a number",
        workbook([*QUESTION_HEADER, "分值"], ["单选题", "问", "甲", "乙", "A", "很多"]),
    ),
    Case(
        "import",
        "essay-sheet.xlsx",
        FIRST + "简答题!row 2: 简答题: open-answer questions cannot be marked automatically",
        workbook(["题干", "答案"], ["谈谈诚信", "略"], title="简答题"),
    ),
    Case(
        "import",
        "formula-answer.xlsx",  # Excel shows =CHAR(65) as "A"; Mingde never evaluates it
        FIRST + "Sheet1!row 2: answer '=CHAR(65)' is neither option letters nor the text of an option",
        workbook(QUESTION_HEADER, ["单选题", "问", "甲", "乙", "=CHAR(65)"]),
    ),
]

H = "工号,姓名,部门,班组\n"
ROSTERS = [
    Case("roster", "binary-junk.csv", ": the file is neither UTF-8 nor GBK text"),
    Case("roster", "utf16-no-bom.csv", ": the file is not text"),
    Case("roster", "shift-jis-junk.csv", ": the file is neither UTF-8 nor GBK text"),
    Case("roster", "empty.csv", ": the file is empty"),
    Case("roster", "bom-only.csv", ": the file is empty"),
    Case("roster", "blank-lines.csv", ": the file is empty"),
    Case("roster", "header-only.csv", ": no employees in the file"),
    Case("roster", "missing-department.csv", ":1: missing column(s) department"),
    Case("roster", "no-header.csv", ":1: missing column(s) id, name, department"),
    Case("roster", "duplicate-ids.csv", ":3: 工号 E101 repeats row 2"),
    Case("roster", "duplicate-columns.csv", ":1: more than one column for name"),
    Case("roster", "empty-name.csv", ":2: empty name"),
    Case("roster", "wrong-type-active.csv", ":2: active is 是/否 or 1/0, not '也许'"),
    Case("roster", "cell-too-long.csv", ":2: a cell is longer than 100 characters"),
    Case("roster", "control-char.csv", ":2: 姓名 contains the control character U+001B"),
    Case("roster", "line-break-in-name.csv", ":2: 姓名 contains the control character U+000D"),
    Case("roster", "nul-byte.csv", ": the file is not text"),
    Case("roster", "unsupported.json", ": a roster is a .csv or .xlsx file"),
    # made here
    Case(
        "roster", "huge.csv", f": file too large ({roster_module.MAX_BYTES + 1} bytes", sparse_file(roster_module.MAX_BYTES + 1)
    ),
    Case(
        "roster", "huge.xlsx", f": file too large ({roster_module.MAX_BYTES + 1} bytes", sparse_file(roster_module.MAX_BYTES + 1)
    ),
    Case(
        "roster",
        "long-field.csv",
        ":2: not readable as CSV (field larger than field limit (131072))",
        text_file(H + "E1," + "x" * 200_000 + ",办公室,\n"),
    ),
    Case(
        "roster",
        "tab-in-team.csv",
        ":2: 班组 contains the control character U+0009",
        text_file(H + 'E1,张三,办公室,"综合\t组"\n'),
    ),
    Case("roster", "zero-byte.xlsx", ": not a readable Excel file (not an .xlsx zip package)", bytes_file(b"")),
    Case(
        "roster",
        "renamed-text.xlsx",
        ": not a readable Excel file (not an .xlsx zip package)",
        text_file(H + "E1,张三,办公室,\n"),
    ),
    Case("roster", "junk-zip.xlsx", ": not a readable Excel file (KeyError)", zip_of({"junk.txt": b"not a workbook"})),
    Case("roster", "old-excel.xlsx", ": not a readable Excel file (not an .xlsx zip package)", bytes_file(OLE_HEADER)),
    Case("roster", "truncated.xlsx", ": not a readable Excel file", bytes_file(ROSTER_XLSX[: len(ROSTER_XLSX) // 2])),
    Case(
        "roster",
        "broken-sheet.xlsx",
        ": not a readable Excel file",
        replaced_member(ROSTER_XLSX, "xl/worksheets/sheet1.xml", BROKEN_SHEET),
    ),
    Case("roster", "zip-bomb.xlsx", ": the workbook unpacks to", zip_bomb),
    Case(
        "roster",
        "formula-name.xlsx",
        ":2: cell B2 is a formula (=1+1); paste the values instead",
        workbook(ROSTER_HEADER, ["E1", "=1+1", "办公室"]),
    ),
    Case(
        "roster",
        "formula-hyperlink.xlsx",
        ':2: cell B2 is a formula (=HYPERLINK("http://x","click"))',
        workbook(ROSTER_HEADER, ["E1", '=HYPERLINK("http://x","click")', "办公室"]),
    ),
    Case(
        "roster",
        "formula-injection.xlsx",
        ":3: cell C3 is a formula (=cmd|' /C calc'!A0)",
        workbook(ROSTER_HEADER, ["E1", "张三", "办公室"], ["E2", "李四", "=cmd|' /C calc'!A0"]),
    ),
    Case("roster", "no-columns.xlsx", ":1: missing column(s) department", workbook(["工号", "姓名"], ["E1", "张三"])),
    Case(
        "roster",
        "duplicate-ids.xlsx",
        ":3: 工号 E1 repeats row 2",
        workbook(ROSTER_HEADER, ["E1", "张三", "办公室"], ["E1", "李四", "办公室"]),
    ),
    Case("roster", "empty-workbook.xlsx", ": the file is empty", workbook(empty=True)),
    Case(
        "roster",
        "number-as-active.xlsx",
        ":2: active is 是/否 or 1/0, not '2'",
        workbook(["工号", "姓名", "部门", "在职"], ["E1", "张三", "办公室", 2]),
    ),
]

CASES = YAML + UPLOADS + IMPORTS + ROSTERS


def test_the_corpus_has_at_least_60_distinct_cases():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 60
    assert {c.kind for c in CASES} == {"yaml", "upload", "import", "roster"}
    committed = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file()} - {"README.md", ".gitattributes"}
    used = {f"{c.kind}/{c.name}" for c in CASES if c.make is None}
    assert committed == used, "every committed file is a case, and every case without a maker has its file"


# ---------------------------------------------------------------- running a case


@pytest.fixture(autouse=True)
def no_environment(monkeypatch):
    monkeypatch.delenv("MINGDE_DB", raising=False)
    monkeypatch.delenv("MINGDE_CONTENT", raising=False)


@pytest.fixture
def small_unpack_limit(monkeypatch):
    """Zip bombs of 2 MB instead of 200 MB: the check is the same, the test much faster."""
    monkeypatch.setattr(excel_importer, "MAX_UNPACKED_BYTES", 1024 * 1024)
    monkeypatch.setattr(roster_module, "MAX_UNPACKED_BYTES", 1024 * 1024)


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (hidden ones too) with a hash of its bytes."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}


def make_input(case: Case, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / case.name
    if case.make is None:
        shutil.copyfile(CORPUS / case.kind / case.name, path)
    else:
        case.make(path)
    return path


def refused(args: list, cwd: Path) -> Result:
    """Run the CLI in an empty working folder (nothing may appear there either); it must exit with 1."""
    cwd.mkdir(exist_ok=True)
    here = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, [str(a) for a in args])
    finally:
        os.chdir(here)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    assert list(cwd.iterdir()) == []
    return result


def error_line(result: Result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("Error: "), result.output
    return lines[-1]


def run_yaml(case: Case, tmp_path: Path) -> None:
    root = tmp_path / "content"
    path = make_input(case, root / "banks")
    before = snapshot(tmp_path)
    result = refused(["validate", root], tmp_path / "cwd")
    problems = [line for line in result.stdout.splitlines() if line.strip()]
    assert problems == [f"{path}{case.expect}"] or (len(problems) == 1 and problems[0].startswith(f"{path}{case.expect}")), (
        problems
    )
    assert "1 problems" in result.stderr
    assert snapshot(tmp_path) == before


def run_upload(case: Case, tmp_path: Path) -> None:
    root = write_files(
        tmp_path / "content", {"quizzes/small.yaml": SMALL_QUIZ, "banks/base.yaml": BASE_BANK, "quizzes/drawn.yaml": DRAW_QUIZ}
    )
    before = snapshot(tmp_path)
    with pytest.raises((PublishError, ContentError)) as caught:
        publish(root, case.make(), case.name, replace=case.replace)
    assert case.expect.format(root=root) in str(caught.value)
    assert snapshot(tmp_path) == before


def run_import(case: Case, tmp_path: Path) -> None:
    path = make_input(case, tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    existing = out / "existing.yaml"
    existing.write_text("id: keep\ntitle: 不要改我\nquestions: []\n", encoding="utf-8")
    before = snapshot(tmp_path)
    for target in (out / "new.yaml", existing):
        result = refused(["import", path, *case.args, "-o", target], tmp_path / "cwd")
        line = error_line(result)
        assert line.startswith(f"Error: {path}{case.expect}"), line
        assert snapshot(tmp_path) == before


def run_roster(case: Case, tmp_path: Path) -> None:
    db = tmp_path / "mingde.db"
    tracker = Tracker(db)
    tracker.add_employee("E001", "张三", "办公室", "综合组")
    tracker.add_employee("E002", "李四", "执法大队")
    tracker.close()
    path = make_input(case, tmp_path / "in")
    before = dump(db)
    files = snapshot(tmp_path)
    for extra in ((), ("--deactivate-missing",)):
        result = refused(["roster", "import", path, *extra, "--db", db], tmp_path / "cwd")
        line = error_line(result)
        assert line.startswith(f"Error: {path}{case.expect}"), line
        assert dump(db) == before
    assert sidecars_left_out(snapshot(tmp_path)) == sidecars_left_out(files)


def sidecars_left_out(files: dict[str, str]) -> dict[str, str]:
    """SQLite's -wal and -shm files come and go with connections; the database itself is compared by dump."""
    return {name: digest for name, digest in files.items() if not name.endswith(("-wal", "-shm"))}


def dump(db: Path) -> list[str]:
    if POSTGRESQL:  # the schema that stands for the file: every row of every table
        t = Tracker(db)
        try:
            return [
                f"{name}: {sorted(map(repr, t.db.execute(f'SELECT * FROM {name}').fetchall()))}" for name in t.db.table_names()
            ]
        finally:
            t.close()
    con = sqlite3.connect(db)
    try:
        return list(con.iterdump())
    finally:
        con.close()


RUNNERS = {"yaml": run_yaml, "upload": run_upload, "import": run_import, "roster": run_roster}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_input_is_refused_naming_the_place_and_nothing_is_written(case, tmp_path, small_unpack_limit):
    RUNNERS[case.kind](case, tmp_path)


def test_the_real_unpack_limit_is_well_above_real_workbooks_and_far_below_a_bomb():
    assert excel_importer.MAX_UNPACKED_BYTES == roster_module.MAX_UNPACKED_BYTES == 200 * 1024 * 1024


# ---------------------------------------------------------------- through a real process


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["import", CORPUS / "import" / "binary-junk.gift"], "binary-junk.gift: not a text file (binary data)"),
        (["import", CORPUS / "import" / "gift-unbalanced-crlf.gift"], "line 1: the answer block has no closing }"),
        (
            ["roster", "import", CORPUS / "roster" / "control-char.csv"],
            "control-char.csv:2: 姓名 contains the control character U+001B",
        ),
    ],
    ids=["import-binary", "import-gift-crlf", "roster-control-char"],
)
def test_a_real_process_prints_one_error_line_and_exits_1(tmp_path, args, expect):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINGDE_")}
    db = tmp_path / "mingde.db"
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli_main", *map(str, args), "--db", str(db)],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert done.stderr.strip().splitlines()[-1].startswith("Error: ") and expect in done.stderr


def test_a_real_process_refuses_a_deeply_nested_content_file(tmp_path):
    root = write_files(tmp_path / "content", {"banks/deep.yaml": DEEP_FLOW})
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli_main", "validate", str(root)],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stdout.strip() == f"{root}/banks/deep.yaml:3: nested more than 40 levels deep"


# ---------------------------------------------------------------- still good: Windows line endings


def test_gift_and_aiken_with_windows_line_endings_import(tmp_path):
    gift = tmp_path / "crlf.gift"
    gift.write_bytes("::t1::诚信是\r\n{=基本要求\r\n~可有可无}\r\n\r\n安全第一？{T}\r\n".encode())
    aiken = tmp_path / "crlf.txt"
    aiken.write_bytes("诚信是什么？\r\nA. 基本要求\r\nB. 可有可无\r\nANSWER: A\r\n".encode())
    assert [q.prompt for q in import_file(gift).bank.questions] == ["诚信是", "安全第一？"]
    assert import_file(aiken).bank.questions[0].options[1].text == "可有可无"


# ---------------------------------------------------------------- formulas: text in, neutralised out

INJECTIONS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x","click")', "+1", "-1", "@SUM(1)", "=1+1"]


def ok(args: list) -> Result:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0 and result.exception is None, result.output
    return result


def assert_no_live_formula(xlsx: Path, columns: set[str] | None = None) -> list:
    """No formula cell anywhere; text in the given columns (by header) never starts with = + - @."""
    wb = openpyxl.load_workbook(xlsx)  # data_only=False: a formula would show as data_type 'f'
    texts = []
    try:
        for ws in wb.worksheets:
            header = [c.value for c in ws[1]]
            for row in ws.iter_rows(min_row=2):
                for cell, name in zip(row, header, strict=False):
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                    if (columns is None or name in columns) and isinstance(cell.value, str):
                        assert not cell.value.startswith(DANGEROUS), (ws.title, cell.coordinate, cell.value)
                        texts.append(cell.value)
    finally:
        wb.close()
    return texts


def test_formulas_in_a_workbook_are_imported_as_text_never_evaluated_and_exported_neutralised(tmp_path):
    source = tmp_path / "formulas.xlsx"
    workbook(
        ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "正确答案", "解析"],
        ["单选题", '=HYPERLINK("http://x","click")', "=1+1", "+1", "-1", "@SUM(1)", "A", "=2*3"],
    )(source)
    content = tmp_path / "content"
    (content / "banks").mkdir(parents=True)
    ok(["import", source, "--bank-id", "formulas", "-o", content / "banks" / "formulas.yaml"])
    q = import_file(source).bank.questions[0]
    assert q.prompt == '=HYPERLINK("http://x","click")'  # the formula's text: not "click"
    assert [o.text for o in q.options] == ["=1+1", "+1", "-1", "@SUM(1)"]  # not 2
    assert q.explanation == "=2*3"  # not 6

    exported = tmp_path / "exported.xlsx"
    ok(["export", "formulas", "-o", exported, "--content", content])
    texts = assert_no_live_formula(exported, {"题干", "选项A", "选项B", "选项C", "选项D", "解析"})
    assert texts == ['\'=HYPERLINK("http://x","click")', "'=1+1", "'+1", "'-1", "'@SUM(1)", "'=2*3"]
    again = import_file(exported).bank.questions[0]
    assert (again.prompt, [o.text for o in again.options], again.explanation) == (
        q.prompt,
        [o.text for o in q.options],
        q.explanation,
    )


def test_formula_text_in_a_csv_bank_stays_text_and_is_exported_neutralised(tmp_path):
    source = tmp_path / "formulas.csv"
    rows = [["题型", "题干", "选项A", "选项B", "正确答案"], ["单选题", "=1+1 等于几？", "@SUM(1)", "-1", "B"]]
    with source.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    content = tmp_path / "content"
    (content / "banks").mkdir(parents=True)
    ok(["import", source, "--bank-id", "csvf", "-o", content / "banks" / "csvf.yaml"])
    exported = tmp_path / "csvf.xlsx"
    ok(["export", "csvf", "-o", exported, "--content", content])
    assert assert_no_live_formula(exported, {"题干", "选项A", "选项B"}) == ["'=1+1 等于几？", "'@SUM(1)", "'-1"]


def test_roster_names_starting_with_formula_characters_are_text_and_every_export_neutralises_them(tmp_path):
    roster = tmp_path / "roster.csv"
    with roster.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["工号", "姓名", "部门", "班组"])
        for i, text in enumerate(INJECTIONS, 1):
            writer.writerow([f"E{i:03d}", text, INJECTIONS[-i], INJECTIONS[i % len(INJECTIONS)]])
    db = tmp_path / "mingde.db"
    ok(["roster", "import", roster, "--db", db])
    tracker = Tracker(db)
    try:
        assert sorted(e["name"] for e in tracker.employees()) == sorted(INJECTIONS)  # stored as typed
    finally:
        tracker.close()
    people = {"姓名", "部门", "班组"}

    text = ok(["report", "assessment", "--by", "employee", "--format", "csv", "--db", db, "--content", CONTENT]).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(INJECTIONS)
    for row in rows:
        for column in people:
            assert not row[column].startswith(DANGEROUS) and row[column].startswith("'"), row
    assert {row["姓名"] for row in rows} == {"'" + t for t in INJECTIONS}

    xlsx = tmp_path / "assessment.xlsx"
    ok(["report", "assessment", "--by", "employee", "--format", "xlsx", "-o", xlsx, "--db", db, "--content", CONTENT])
    assert sorted(assert_no_live_formula(xlsx, people)) == sorted("'" + t for t in INJECTIONS * 3)

    text = ok(["report", "participation", "--by", "team", "--format", "csv", "--db", db]).stdout
    teams = [row["班组"] for row in csv.DictReader(io.StringIO(text)) if row["班组"] not in ("", "合计")]  # the page's headers
    assert sorted(teams) == sorted("'" + t for t in INJECTIONS)
    xlsx = tmp_path / "participation.xlsx"
    ok(["report", "participation", "--by", "department", "--format", "xlsx", "-o", xlsx, "--db", db])
    assert "'=cmd|' /C calc'!A0" in assert_no_live_formula(xlsx, {"部门"})
