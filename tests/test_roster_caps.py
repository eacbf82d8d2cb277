"""A roster file cannot take the server's memory or time (issue 15, item 9, for the roster reader):
workbooks whose sheet or shared strings unpack too large are refused unread; rows are read streaming
and the reading stops as soon as a cap on rows, cells or characters is passed, with the row named."""

from __future__ import annotations

import zipfile

import pytest

from tests.test_roster import CN_HEADER, write_roster
from tracker import RosterError
from tracker import roster as roster_module
from tracker.roster import read_roster
from ui.i18n import translate
from ui.roster_text import say_problem


def zh(p):
    return say_problem(p, lambda key, **v: translate("zh", key, **v))


def many(n: int, width: int = 4, text: str = "办公室") -> list[list]:
    return [CN_HEADER + [f"x{i}" for i in range(width - 4)]] + [
        [f"E{i:05d}", "张三", text, "一组"] + [""] * (width - 4) for i in range(n)
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("cap", "limit", "rows", "row", "code", "chinese"),
    [
        ("MAX_ROWS", 50, many(80), 51, "too_many_rows", "第 51 行：有内容的行超过 50 行，已停止读取"),
        ("MAX_CELLS", 400, many(80, width=10), 41, "too_many_cells", "第 41 行：单元格超过 400 个，已停止读取"),
        ("MAX_CHARS", 1000, many(80, text="办" * 90), 11, "too_many_chars", "第 11 行：文字超过 1000 个字符，已停止读取"),
    ],
    ids=["rows", "cells", "characters"],
)
def test_the_reading_stops_at_the_first_cap_passed(tmp_path, monkeypatch, fmt, cap, limit, rows, row, code, chinese):
    path = write_roster(tmp_path, rows, fmt)
    assert read_roster(path)  # under the real caps the file is fine
    monkeypatch.setattr(roster_module, cap, limit)
    read: list[int] = []
    real = roster_module._clean
    monkeypatch.setattr(roster_module, "_clean", lambda v: read.append(1) or real(v))
    with pytest.raises(RosterError) as caught:
        read_roster(path)
    (problem,) = caught.value.problems
    assert (problem.code, problem.row) == (code, row)
    assert problem == f"{path}:{row}: " + roster_module.MESSAGES[code].split(": ", 1)[1].format(limit=limit)
    assert zh(problem) == chinese
    assert len(read) <= row * len(rows[0])  # nothing read after the row that passed the cap


@pytest.mark.parametrize(
    ("cap", "member", "code"),
    [
        ("MAX_SHEET_BYTES", "xl/worksheets/sheet1.xml", "sheet_too_large"),
        ("MAX_SHARED_STRINGS_BYTES", "xl/sharedStrings.xml", "shared_strings_too_large"),
    ],
)
def test_a_workbook_too_large_inside_is_refused_unread(tmp_path, monkeypatch, cap, member, code):
    path = write_roster(tmp_path, many(200), "xlsx")
    if member not in zipfile.ZipFile(path).namelist():  # openpyxl writes inline strings; Excel shares them
        with zipfile.ZipFile(path, "a") as package:
            package.writestr(member, "<sst>" + "<si><t>张三</t></si>" * 500 + "</sst>")
    with zipfile.ZipFile(path) as package:
        size = package.getinfo(member).file_size
    monkeypatch.setattr(roster_module, cap, size - 1)
    monkeypatch.setattr(roster_module, "_clean", lambda v: pytest.fail("a cell was read"))
    with pytest.raises(RosterError) as caught:
        read_roster(path)
    (problem,) = caught.value.problems
    assert problem.code == code and problem.values == {"size": size, "limit": size - 1}
    assert zh(problem).endswith(f"{size} 字节，超过上限 {size - 1} 字节")
