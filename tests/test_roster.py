"""Importing the roster (花名册) from CSV and XLSX: formats, bad rows, all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tracker import RosterError

CN_HEADER = ["工号", "姓名", "部门", "班组"]
EN_HEADER = ["id", "name", "department", "team"]
PEOPLE = [
    ["E001", "张三", "办公室", "综合组"],
    ["E002", "李四", "畜牧兽医站", "动物防疫组"],
    ["E003", "王五", "畜牧兽医站", ""],
]
EXPECTED = [
    {"id": "E001", "name": "张三", "department": "办公室", "team": "综合组", "active": 1},
    {"id": "E002", "name": "李四", "department": "畜牧兽医站", "team": "动物防疫组", "active": 1},
    {"id": "E003", "name": "王五", "department": "畜牧兽医站", "team": None, "active": 1},
]


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    text = "".join(",".join("" if c is None else str(c) for c in row) + "\r\n" for row in rows)
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_roster(tmp_path: Path, rows: list[list], fmt: str = "csv", name: str = "roster") -> Path:
    if fmt == "xlsx":
        return write_xlsx(tmp_path / f"{name}.xlsx", rows)
    encoding = {"csv": "utf-8", "csv-bom": "utf-8-sig", "csv-gbk": "gbk"}[fmt]
    return write_csv(tmp_path / f"{name}.csv", rows, encoding)


def reorder(rows: list[list], order: list[int]) -> list[list]:
    return [[row[i] for i in order] for row in rows]


def employees(tracker) -> list[dict]:
    return list(tracker.db.query("SELECT id, name, department, team, active FROM employees ORDER BY id"))


def problems_of(tracker, path: Path) -> list[str]:
    with pytest.raises(RosterError) as caught:
        tracker.import_roster(path)
    return caught.value.problems


# -- formats ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "csv-bom", "csv-gbk", "xlsx"])
@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([CN_HEADER, *PEOPLE], id="chinese-headers"),
        pytest.param([EN_HEADER, *PEOPLE], id="english-headers"),
        pytest.param([["ID", "Name", "Department", "Team"], *PEOPLE], id="english-headers-any-case"),
        pytest.param(reorder([CN_HEADER, *PEOPLE], [3, 1, 0, 2]), id="any-column-order"),
        pytest.param([["员工编号", "姓名", "科室", "班组"], *PEOPLE], id="header-synonyms"),
        pytest.param([[*CN_HEADER, "备注"], *[[*p, "备注"] for p in PEOPLE]], id="extra-column-ignored"),
    ],
)
def test_import_roster_reads_every_format(tracker, tmp_path, rows, fmt):
    path = write_roster(tmp_path, rows, fmt)
    assert tracker.import_roster(path) == 3
    assert employees(tracker) == EXPECTED


def test_csv_with_bom_does_not_spoil_the_first_header(tracker, tmp_path):
    path = write_roster(tmp_path, [CN_HEADER, *PEOPLE], "csv-bom")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert tracker.import_roster(path) == 3


def test_gbk_file_is_really_not_utf8(tracker, tmp_path):
    path = write_roster(tmp_path, [CN_HEADER, *PEOPLE], "csv-gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    tracker.import_roster(path)
    assert employees(tracker)[1]["department"] == "畜牧兽医站"


def test_team_column_is_optional(tracker, tmp_path):
    path = write_roster(tmp_path, [["工号", "姓名", "部门"], ["E001", "张三", "办公室"]])
    tracker.import_roster(path)
    assert employees(tracker) == [{"id": "E001", "name": "张三", "department": "办公室", "team": None, "active": 1}]


def test_cells_are_trimmed_and_normalized(tracker, tmp_path):
    path = write_roster(tmp_path, [CN_HEADER, ["Ｅ００１ ", "  张三", " 办公室 ", " 综合组"]])
    tracker.import_roster(path)
    assert employees(tracker) == [{"id": "E001", "name": "张三", "department": "办公室", "team": "综合组", "active": 1}]


def test_xlsx_numbers_become_ids_without_decimals(tracker, tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [CN_HEADER, [1001, "张三", "办公室", None], [1002.0, "李四", "办公室", None], ["0003", "王五", "办公室", None]],
    )
    tracker.import_roster(path)
    assert [e["id"] for e in employees(tracker)] == ["0003", "1001", "1002"]


def test_blank_lines_are_skipped(tracker, tmp_path):
    path = write_roster(tmp_path, [CN_HEADER, PEOPLE[0], [], PEOPLE[1], ["", "", "", ""], PEOPLE[2]])
    assert tracker.import_roster(path) == 3


# -- the active column --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "active"),
    [
        ("是", 1),
        ("否", 0),
        ("在职", 1),
        ("离职", 0),
        ("1", 1),
        ("0", 0),
        ("true", 1),
        ("FALSE", 0),
        ("yes", 1),
        ("No", 0),
        ("", 1),
    ],
)
def test_active_column_words(tracker, tmp_path, word, active):
    path = write_roster(tmp_path, [[*CN_HEADER, "在职"], [*PEOPLE[0], word]])
    tracker.import_roster(path)
    assert employees(tracker)[0]["active"] == active


@pytest.mark.parametrize("header", ["在职", "active", "状态"])
def test_active_column_headers(tracker, tmp_path, header):
    path = write_roster(tmp_path, [[*CN_HEADER, header], [*PEOPLE[0], "否"], [*PEOPLE[1], "是"]])
    tracker.import_roster(path)
    assert [e["active"] for e in employees(tracker)] == [0, 1]


def test_active_column_from_xlsx_booleans(tracker, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [[*CN_HEADER, "在职"], [*PEOPLE[0], True], [*PEOPLE[1], False], [*PEOPLE[2], None]])
    tracker.import_roster(path)
    assert [e["active"] for e in employees(tracker)] == [1, 0, 1]


def test_bad_active_word_is_reported(tracker, tmp_path):
    path = write_roster(tmp_path, [[*CN_HEADER, "在职"], [*PEOPLE[0], "是"], [*PEOPLE[1], "也许"]])
    problems = problems_of(tracker, path)
    assert problems == [f"{path}:3: active is 是/否 or 1/0, not '也许'"]
    assert employees(tracker) == []


# -- bad rows -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_bad_row_is_reported_and_nothing_is_imported(tracker, tmp_path, fmt):
    rows = [
        CN_HEADER,  # 1
        ["E001", "张三", "办公室", ""],  # 2 good
        ["", "李四", "办公室", ""],  # 3 no 工号
        ["E003", "王五", "", ""],  # 4 no 部门
        ["E004", "赵六", "办公室", ""],  # 5 good
        ["E001", "钱七", "办公室", ""],  # 6 repeats row 2
        ["E007", "", "", "综合组"],  # 7 no 姓名, no 部门
    ]
    path = write_roster(tmp_path, rows, fmt)
    assert problems_of(tracker, path) == [
        f"{path}:3: empty id",
        f"{path}:4: empty department",
        f"{path}:6: 工号 E001 repeats row 2",
        f"{path}:7: empty name, department",
    ]
    assert employees(tracker) == []


def test_row_numbers_count_blank_lines(tracker, tmp_path):
    path = write_roster(tmp_path, [CN_HEADER, PEOPLE[0], [], ["E009", "", "办公室", ""]])
    assert problems_of(tracker, path) == [f"{path}:4: empty name"]


def test_row_numbers_count_blank_rows_above_the_header(tracker, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [[None, None, None], CN_HEADER, PEOPLE[0], ["E009", "", "办公室", ""]])
    assert problems_of(tracker, path) == [f"{path}:4: empty name"]


def test_a_bad_file_leaves_the_existing_roster_alone(tracker, tmp_path):
    tracker.import_roster(write_roster(tmp_path, [CN_HEADER, *PEOPLE], name="first"))
    bad = write_roster(tmp_path, [CN_HEADER, ["E001", "张三丰", "办公室", ""], ["E005", "", "办公室", ""]], name="second")
    with pytest.raises(RosterError):
        tracker.import_roster(bad, deactivate_missing=True)
    assert employees(tracker) == EXPECTED


def test_overlong_cell_is_reported(tracker, tmp_path):
    path = write_roster(tmp_path, [CN_HEADER, ["E001", "张" * 101, "办公室", ""]])
    assert problems_of(tracker, path) == [f"{path}:2: a cell is longer than 100 characters"]


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["姓名", "部门", "班组"], "id"),
        (["工号", "部门"], "name"),
        (["id", "name", "team"], "department"),
        (["编号", "名字", "单位"], "id, name, department"),
    ],
)
def test_missing_columns_are_reported_on_row_1(tracker, tmp_path, header, missing):
    path = write_roster(tmp_path, [header, ["x"] * len(header)])
    problems = problems_of(tracker, path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:1: missing column(s) {missing} ")
    assert employees(tracker) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\r\n\r\n", "the file is empty"),
        ("工号,姓名,部门\r\n".encode(), "no employees in the file"),
    ],
)
def test_empty_file_is_reported(tracker, tmp_path, content, message):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    assert problems_of(tracker, path) == [f"{path}: {message}"]


def test_empty_xlsx_is_reported(tracker, tmp_path):
    path = write_xlsx(tmp_path / "empty.xlsx", [])
    assert problems_of(tracker, path) == [f"{path}: the file is empty"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("roster.json", b"[]", "a roster is a .csv or .xlsx file"),
        ("broken.xlsx", b"PK not really a zip", "not a readable Excel file"),
        ("undecodable.csv", b"\xff\xfe\x00\x00\x81", "neither UTF-8 nor GBK"),
        ("nul.csv", "工号,姓名,部门\r\n\x00\x00".encode(), "the file is not text"),
    ],
)
def test_unreadable_files_are_reported(tracker, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    problems = problems_of(tracker, path)
    assert len(problems) == 1
    assert message in problems[0]


def test_missing_file_is_reported(tracker, tmp_path):
    assert problems_of(tracker, tmp_path / "nope.csv") == [f"{tmp_path / 'nope.csv'}: file not found"]


def test_duplicate_id_names_both_rows(tracker, tmp_path):
    path = write_roster(tmp_path, [CN_HEADER, *PEOPLE, ["E002", "李四", "办公室", ""]])
    assert problems_of(tracker, path) == [f"{path}:5: 工号 E002 repeats row 3"]


# -- updating the roster ------------------------------------------------------------------------


def test_importing_again_updates_employees(tracker, tmp_path):
    tracker.import_roster(write_roster(tmp_path, [CN_HEADER, *PEOPLE], name="first"))
    tracker.import_roster(write_roster(tmp_path, [CN_HEADER, ["E002", "李四", "办公室", "财务组"]], name="second"))
    rows = {e["id"]: e for e in employees(tracker)}
    assert len(rows) == 3
    assert rows["E002"] == {"id": "E002", "name": "李四", "department": "办公室", "team": "财务组", "active": 1}


def test_employees_missing_from_the_file_stay_active_by_default(tracker, tmp_path):
    tracker.import_roster(write_roster(tmp_path, [CN_HEADER, *PEOPLE], name="first"))
    tracker.import_roster(write_roster(tmp_path, [CN_HEADER, PEOPLE[0]], name="second"))
    assert [e["active"] for e in employees(tracker)] == [1, 1, 1]


def test_deactivate_missing_marks_leavers_inactive(tracker, tmp_path):
    tracker.import_roster(write_roster(tmp_path, [CN_HEADER, *PEOPLE], name="first"))
    assert (
        tracker.import_roster(write_roster(tmp_path, [CN_HEADER, PEOPLE[0], PEOPLE[2]], name="second"), deactivate_missing=True)
        == 2
    )
    assert {e["id"]: e["active"] for e in employees(tracker)} == {"E001": 1, "E002": 0, "E003": 1}
    assert [e["id"] for e in tracker.employees(active_only=True)] == ["E001", "E003"]


def test_a_returning_employee_is_active_again(tracker, tmp_path):
    tracker.import_roster(write_roster(tmp_path, [CN_HEADER, *PEOPLE], name="first"))
    tracker.import_roster(write_roster(tmp_path, [CN_HEADER, PEOPLE[0]], name="second"), deactivate_missing=True)
    tracker.import_roster(write_roster(tmp_path, [CN_HEADER, *PEOPLE], name="third"))
    assert [e["active"] for e in employees(tracker)] == [1, 1, 1]
