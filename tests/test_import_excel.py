"""Excel/CSV question-bank import: the real Magicodes template, every header alias and answer notation."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from quizzes.errors import MingdeError
from quizzes.importers import ImportFailed, Skipped, import_file
from quizzes.importers.common import MAX_IMPORT_BYTES
from quizzes.model import Bank
from quizzes.source import parse_yaml
from quizzes.validate import validate_source

SAMPLE = Path(__file__).resolve().parent / "data" / "import" / "question-bank-template-magicodes.xlsx"
HEADERS = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "正确答案", "解析", "分值", "难度", "知识点"]


def xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write an .xlsx with one sheet per item (rows as lists, the header first)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def one(tmp_path: Path, rows: list[list], headers: list[str] = HEADERS, sheet: str = "Sheet1", **kw):
    return import_file(xlsx(tmp_path / "bank.xlsx", {sheet: [headers, *rows]}), **kw)


# ---------------------------------------------------------------- the real template


@pytest.fixture(scope="module")
def sample():
    return import_file(SAMPLE, bank_id="drawing", title="机械制图题库")


@pytest.fixture(scope="module")
def sample_rows():
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb["QuestionBankSheetDto"]
    header = [c.value for c in ws[1]]
    rows = {r: dict(zip(header, [c.value for c in ws[r]], strict=True)) for r in range(2, ws.max_row + 1)}
    wb.close()
    return rows


def test_sample_imports_all_404(sample):
    assert sample.imported == 404
    assert sample.skipped == []
    assert {q.type for q in sample.bank.questions} == {"single"}
    assert [q.id for q in sample.bank.questions[:2]] == ["drawing-001", "drawing-002"]
    assert sample.bank.questions[-1].id == "drawing-404"
    assert sample.bank.title == "机械制图题库"
    assert any("干扰列" in w for w in sample.warnings)


@pytest.mark.parametrize("row", [2, 3, 4, 5, 6, 50, 100, 109, 110, 111, 186, 200, 300, 405])
def test_sample_rows_match_the_cells(sample, sample_rows, row):
    cells = sample_rows[row]
    q = sample.bank.questions[row - 2]
    assert q.prompt == cells["题干"].strip()
    options = [str(cells[c]).strip() for c in "ABCDEFGH" if cells[c] not in (None, "")]
    assert [o.text for o in q.options] == options
    assert q.answer == cells["正确答案"].strip()
    assert q.difficulty == {"低难度": "easy", "中难度": "medium", "高难度": "hard"}[cells["难度"]]
    assert q.explanation == (cells["解析"].strip() if cells["解析"] else None)


def test_sample_difficulty_counts(sample):
    counts = {d: sum(q.difficulty == d for q in sample.bank.questions) for d in ("easy", "medium", "hard")}
    assert counts == {"easy": 49, "medium": 196, "hard": 159}


def test_sample_formula_like_options_stay_text(sample):
    # row 111: options such as "=Ф40" are text, never formulas
    assert [o.text for o in sample.bank.questions[111 - 2].options] == [">Ф40", "<Ф39.99", "=Ф40", "=Ф39.99"]


@pytest.mark.parametrize(("row", "letter", "original"), [(148, "D", "曲轴"), (175, "C", "tanα=对边/斜边")])
def test_sample_repeated_options_are_marked_and_reported(sample, row, letter, original):
    q = sample.bank.questions[row - 2]
    assert q.options["ABCDEFGH".index(letter)].text == f"{original}（{letter}）"
    assert any(w.startswith(f"QuestionBankSheetDto!row {row}: option {letter}") for w in sample.warnings)


@pytest.mark.parametrize(("row", "texts"), [(85, ["M", "T", "m", "C"]), (182, ["m", "O", "mo(F)", "M"])])
def test_sample_options_differing_only_in_case_are_distinct(sample, row, texts):
    # thread and unit symbols: M and m are different answers, kept as they are
    assert [o.text for o in sample.bank.questions[row - 2].options] == texts


def test_sample_yaml_loads_back(sample):
    again = validate_source(parse_yaml(sample.yaml_text, "drawing.yaml"), Bank)
    assert [q.model_dump() for q in again.questions] == [q.model_dump() for q in sample.bank.questions]
    first = sample.yaml_text.split("- id: ", 2)[1]
    keys = [
        line.split(":")[0].strip()
        for line in first.splitlines()
        if line.startswith("  ") and not line.startswith("  -") and ":" in line
    ]
    assert keys == ["type", "prompt", "options", "answer", "explanation", "difficulty"]


# ---------------------------------------------------------------- headers and layouts


FIELDS = ["type", "prompt", "A", "B", "C", "answer", "explanation", "points", "difficulty", "tags"]


@pytest.mark.parametrize(
    ("headers", "order"),
    [
        (["题型", "题干", "选项A", "选项B", "选项C", "正确答案", "解析", "分值", "难度", "知识点"], FIELDS),
        (
            ["题干", "A", "B", "C", "答案", "知识点", "题型", "难度", "分值", "解析"],
            ["prompt", "A", "B", "C", "answer", "tags", "type", "difficulty", "points", "explanation"],
        ),
        (["试题类型", "题目", "选项 a", "选项 b", "选项 c", "标准答案", "答案解析", "分数", "难易程度", "标签"], FIELDS),
        (["题型*", "题干（必填）", "选项A", "选项B", "选项C", "正确答案", "解析", "分值", "难度", "知识点/标签"], FIELDS),
        (
            ["type", "question", "option A", "option B", "option C", "answer", "explanation", "points", "difficulty", "tags"],
            FIELDS,
        ),
        (
            ["选项C", "选项B", "选项A", "参考答案", "题目内容", "题目类型", "试题解析", "得分", "难易度", "考点"],
            ["C", "B", "A", "answer", "prompt", "type", "explanation", "points", "difficulty", "tags"],
        ),
    ],
)
def test_header_aliases_in_any_order(tmp_path, headers, order):
    values = {
        "type": "单选题",
        "prompt": "哪一项属于职业道德？",
        "A": "爱岗敬业",
        "B": "投机取巧",
        "C": "敷衍了事",
        "answer": "A",
        "explanation": "爱岗敬业是首要要求。",
        "points": 2,
        "difficulty": "简单",
        "tags": "职业道德",
    }
    q = one(tmp_path, [[values[f] for f in order]], headers).bank.questions[0]
    assert (q.type, q.prompt, [o.text for o in q.options], q.answer) == (
        "single",
        "哪一项属于职业道德？",
        ["爱岗敬业", "投机取巧", "敷衍了事"],
        "A",
    )
    assert (q.explanation, q.points, q.difficulty, q.tags) == ("爱岗敬业是首要要求。", 2, "easy", ["职业道德"])


def test_header_below_a_title_row_and_unknown_columns_ignored(tmp_path):
    path = xlsx(
        tmp_path / "b.xlsx",
        {
            "题库": [
                ["职业道德题库（请勿修改表头）"],
                ["干扰列", "题干", "题型", "正确答案", "A", "B", "备注"],
                [1, "诚信是否重要？", "单选题", "A", "重要 ", " 不重要", "随便"],
            ]
        },
    )
    r = import_file(path)
    assert [o.text for o in r.bank.questions[0].options] == ["重要", "不重要"]
    assert any("干扰列" in w and "备注" in w for w in r.warnings)


@pytest.mark.parametrize(("answer", "expected"), [("(B)", "B"), ("【B】", "B"), ("B.", "B"), (" b ", "B"), ("投机取巧", "B")])
def test_single_answer_notations(tmp_path, answer, expected):
    q = one(tmp_path, [["单选题", "哪一项不是职业道德？", "爱岗敬业", "投机取巧", "诚实守信", None, answer]]).bank.questions[0]
    assert q.answer == expected


@pytest.mark.parametrize(("points", "expected"), [(2, 2), ("2", 2), ("1.5", 1.5), ("3分", 3), (None, 1)])
def test_points(tmp_path, points, expected):
    q = one(tmp_path, [["单选题", "问", "甲", "乙", None, None, "A", None, points]]).bank.questions[0]
    assert q.points == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("ABD", "ABD"),
        ("A,B,D", "ABD"),
        ("A/B/D", "ABD"),
        ("A B D", "ABD"),
        ("A、B、D", "ABD"),
        ("Ａ，Ｂ，Ｄ", "ABD"),
        ("A；B；D", "ABD"),
        ("abd", "ABD"),
        ("D,A", "AD"),
        ("A|C", "AC"),
    ],
)
def test_multiple_answer_notations(tmp_path, answer, expected):
    q = one(
        tmp_path, [["多选题", "哪些是职业道德规范？", "爱岗敬业", "诚实守信", "投机取巧", "办事公道", answer]]
    ).bank.questions[0]
    assert (q.type, q.answer) == ("multiple", expected)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("正确", True),
        ("错误", False),
        ("对", True),
        ("错", False),
        ("是", True),
        ("否", False),
        ("√", True),
        ("×", False),
        ("T", True),
        ("F", False),
        ("true", True),
        ("false", False),
        ("TRUE", True),
        (True, True),
        (False, False),
        (1, True),
        (0, False),
    ],
)
def test_true_false_notations(tmp_path, answer, expected):
    q = one(tmp_path, [["判断题", "诚实守信是职业道德的基本要求。", None, None, None, None, answer]]).bank.questions[0]
    assert (q.type, q.options, q.answer) == ("true_false", None, expected)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("单选题", "single"),
        ("单选", "single"),
        ("单项选择题", "single"),
        ("多选题", "multiple"),
        ("多选", "multiple"),
        ("判断题", "true_false"),
        ("判断", "true_false"),
        ("填空题", "fill_blank"),
        ("填空", "fill_blank"),
        ("情境题", "scenario"),
        ("选择题", "single"),  # 选择题: single or multiple by the answer
    ],
)
def test_type_codes(tmp_path, code, expected):
    answers = {"single": "A", "multiple": "AB", "true_false": "对", "fill_blank": "诚信", "scenario": "A"}
    prompt = "职业道德的核心是（ ）。" if expected == "fill_blank" else "关于职业道德？"
    options = [None] * 4 if expected in ("true_false", "fill_blank") else ["甲", "乙", "丙", "丁"]
    q = one(tmp_path, [[code, prompt, *options, answers[expected]]]).bank.questions[0]
    assert q.type == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("低难度", "easy"),
        ("中难度", "medium"),
        ("高难度", "hard"),
        ("简单", "easy"),
        ("一般", "medium"),
        ("困难", "hard"),
        ("易", "easy"),
        ("中", "medium"),
        ("难", "hard"),
    ],
)
def test_difficulty_words(tmp_path, word, expected):
    q = one(tmp_path, [["单选题", "问", "甲", "乙", None, None, "A", None, None, word]]).bank.questions[0]
    assert q.difficulty == expected


def test_unknown_difficulty_is_a_warning(tmp_path):
    r = one(tmp_path, [["单选题", "问", "甲", "乙", None, None, "A", None, None, "超难"]])
    assert r.bank.questions[0].difficulty is None
    assert any(w.startswith("Sheet1!row 2: 难度 '超难'") for w in r.warnings)


def test_short_answer_rows_are_skipped_with_row_and_reason(tmp_path):
    r = one(
        tmp_path,
        [["单选题", "问", "甲", "乙", None, None, "A"], ["简答题", "谈谈你对职业道德的理解。", None, None, None, None, "略"]],
    )
    assert r.imported == 1
    assert r.skipped == [Skipped("Sheet1!row 3", "简答题: open-answer questions cannot be marked automatically")]


# ---------------------------------------------------------------- fill-in


def test_fill_blank_columns_per_blank_and_alternatives(tmp_path):
    headers = ["题型", "题干", "答案1", "答案2"]
    r = one(
        tmp_path,
        [["填空", "工会的基本职责是（ ），职代会是（  ）。", "维护职工合法权益|维权", "民主管理的基本形式；基本形式"]],
        headers,
    )
    q = r.bank.questions[0]
    assert q.prompt == "工会的基本职责是___，职代会是___。"
    assert q.answer == [["维护职工合法权益", "维权"], ["民主管理的基本形式", "基本形式"]]


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("职业道德的核心是（ ）。", "职业道德的核心是___。"),
        ("职业道德的核心是（）。", "职业道德的核心是___。"),
        ("职业道德的核心是(  )。", "职业道德的核心是___。"),
        ("职业道德的核心是___。", "职业道德的核心是___。"),
    ],
)
def test_fill_blank_paren_stems_become_blanks(tmp_path, prompt, expected):
    q = one(tmp_path, [["填空题", prompt, None, None, None, None, "为人民服务|服务人民"]]).bank.questions[0]
    assert (q.prompt, q.answer) == (expected, [["为人民服务", "服务人民"]])


def test_fill_blank_count_mismatch_is_skipped(tmp_path):
    r = one(tmp_path, [["单选题", "问", "甲", "乙", None, None, "A"], ["填空题", "没有空的题干。", None, None, None, None, "甲"]])
    assert r.skipped[0].where == "Sheet1!row 3"
    assert "blank" in r.skipped[0].reason


# ---------------------------------------------------------------- sheets per type, long layout, scenario


def test_one_sheet_per_type(tmp_path):
    path = xlsx(
        tmp_path / "b.xlsx",
        {
            "单选题": [["题干", "A", "B", "答案"], ["单选问", "甲", "乙", "B"]],
            "多选题": [["题干", "A", "B", "C", "答案"], ["多选问", "甲", "乙", "丙", "A/C"]],
            "判断题": [["题干", "答案"], ["判断问", "√"]],
            "填空题": [["题干", "答案"], ["填空问（ ）", "甲"]],
            "说明": [["请按模板填写"]],
        },
    )
    r = import_file(path)
    assert [(q.type, q.answer) for q in r.bank.questions] == [
        ("single", "B"),
        ("multiple", "AC"),
        ("true_false", True),
        ("fill_blank", [["甲"]]),
    ]
    assert any("说明" in w for w in r.warnings)


def test_long_layout(tmp_path):
    rows = [
        ["题目序号", "题型", "题干", "选项", "是否正确项", "解析"],
        [1, "单选题", "哪一项属于职业道德？", "爱岗敬业", 1, "首要要求"],
        [1, None, None, "投机取巧", 0, None],
        [2, "多选题", "哪些是规范？", "诚实守信", 1, None],
        [2, None, None, "办事公道", "1", None],
        [2, None, None, "损公肥私", 0, None],
    ]
    r = import_file(xlsx(tmp_path / "long.xlsx", {"Sheet1": rows}))
    a, b = r.bank.questions
    assert (a.type, [o.text for o in a.options], a.answer, a.explanation) == ("single", ["爱岗敬业", "投机取巧"], "A", "首要要求")
    assert (b.type, [o.text for o in b.options], b.answer) == ("multiple", ["诚实守信", "办事公道", "损公肥私"], "AB")


def test_scenario_credits(tmp_path):
    headers = ["题型", "题干", "选项A", "选项B", "选项C", "选项得分"]
    q = one(
        tmp_path, [["情境题", "同事请你代签到，你会？", "婉拒并提醒", "报告领导", "照办", "1,0.5,0"]], headers
    ).bank.questions[0]
    assert [(o.text, o.credit) for o in q.options] == [("婉拒并提醒", 1), ("报告领导", 0.5), ("照办", 0)]
    assert q.answer is None


def test_types_inferred_without_a_type_column(tmp_path):
    headers = ["题干", "A", "B", "C", "答案"]
    r = one(tmp_path, [["单", "甲", "乙", "丙", "A"], ["多", "甲", "乙", "丙", "AB"], ["判", None, None, None, "对"]], headers)
    assert [q.type for q in r.bank.questions] == ["single", "multiple", "true_false"]


# ---------------------------------------------------------------- bad rows: the exact row is reported


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["单选题", "问", "甲", "乙", None, None, "E"], "answer: 'E' is not one of the options A–B"),
        (["单选题", "问", "甲", "乙", None, None, "AB"], "answer: a single-choice answer is one letter"),
        (["单选题", "问", "甲", "乙", None, None, None], "answer: a single question needs an answer"),
        (["单选题", "问", "甲", None, None, None, "A"], "options: a single question needs 2 to 8 options, not 1"),
        (["单选题", "问", "甲", None, "丙", None, "A"], "option B is empty but a later option is filled"),
        (["问答", None, "甲", "乙", None, None, "A"], "no 题干 (question text)"),
        (["连线题", "问", "甲", "乙", None, None, "A"], "unknown 题型 '连线题' (单选题/多选题/判断题/填空题/情境题)"),
        (
            ["判断题", "问", None, None, None, None, "也许"],
            "answer: '也许' is not true or false (also 对/错, 正确/错误, √/×, T/F)",
        ),
        (["单选题", "问", "甲", "乙", None, None, "A", None, "两分"], "分值 '两分' is not a number"),
    ],
)
def test_bad_row_is_skipped_with_its_row(tmp_path, row, reason):
    good = ["单选题", "好题", "甲", "乙", None, None, "A"]
    r = one(tmp_path, [good, good, row, good])
    assert r.imported == 3
    assert r.skipped == [Skipped("Sheet1!row 4", reason)]


def test_all_rows_bad_raises_and_reports(tmp_path):
    with pytest.raises(ImportFailed) as e:
        one(tmp_path, [["单选题", "问", "甲", "乙", None, None, "Z"]])
    assert "no question could be imported" in str(e.value) and "Sheet1!row 2" in str(e.value)
    assert e.value.skipped[0].where == "Sheet1!row 2"


def test_formula_cells_are_read_as_text(tmp_path):
    r = one(tmp_path, [["单选题", '=HYPERLINK("http://evil.example","点我")', "=1+1", "乙", None, None, "A"]])
    q = r.bank.questions[0]
    assert q.prompt == '=HYPERLINK("http://evil.example","点我")'
    assert q.options[0].text == "=1+1"


# ---------------------------------------------------------------- CSV


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings(tmp_path, encoding):
    text = "题型,题干,选项A,选项B,正确答案,难度\n单选题,诚信是职业道德的基本要求吗？,是的 ,不是,A,易\n判断题,爱岗敬业是首要要求。,,,对,中\n"
    path = tmp_path / "bank.csv"
    path.write_bytes(text.encode(encoding))
    r = import_file(path)
    assert [(q.type, q.answer, q.difficulty) for q in r.bank.questions] == [
        ("single", "A", "easy"),
        ("true_false", True, "medium"),
    ]
    assert r.bank.questions[0].options[0].text == "是的"


def test_csv_tab_separated_with_row_numbers(tmp_path):
    path = tmp_path / "bank.csv"
    path.write_text("题干\tA\tB\t答案\n问一\t甲\t乙\tA\n问二\t甲\t乙\tC\n", encoding="utf-8")
    r = import_file(path)
    assert r.imported == 1
    assert r.skipped == [Skipped("row 3", "answer: 'C' is not one of the options A–B")]


# ---------------------------------------------------------------- unreadable files: one clear message


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("junk.xlsx", bytes(range(256)) * 20, "not an Excel .xlsx workbook"),
        ("renamed.xlsx", "题干,A,B\n问,甲,乙\n".encode(), "not an Excel .xlsx workbook"),
        ("empty.xlsx", b"", "the file is empty"),
        ("empty.csv", b"  \n", "the file is empty"),
        ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "cannot read the Excel 97-2003 (.xls) workbook"),
        ("broken.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\1" * 600, "cannot read the Excel 97-2003 (.xls) workbook"),
        ("binary.csv", b"\x00\x01\x02PK\x03\x04" * 100, "not a text file"),
        ("noheader.csv", "姓名,部门\n张三,办公室\n".encode(), "no question sheet found"),
    ],
)
def test_unreadable_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFailed) as e:
        import_file(path)
    assert str(e.value).startswith(str(path))
    assert message in str(e.value)
    assert "\n" not in str(e.value)
    assert isinstance(e.value, MingdeError)


def test_zip_that_is_not_a_workbook(tmp_path):
    import zipfile

    path = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    with pytest.raises(ImportFailed, match="cannot read the workbook"):
        import_file(path)


def test_missing_file(tmp_path):
    with pytest.raises(ImportFailed, match="cannot read the file"):
        import_file(tmp_path / "nope.xlsx")


def test_files_over_20_mb_are_refused(tmp_path):
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as f:
        f.truncate(MAX_IMPORT_BYTES + 1)
    with pytest.raises(ImportFailed, match="file too large"):
        import_file(path)


# ---------------------------------------------------------------- API details


def test_ids_are_deterministic_and_bank_id_is_checked(tmp_path):
    rows = [["单选题", f"问{i}", "甲", "乙", None, None, "A"] for i in range(3)]
    r1 = one(tmp_path, rows, bank_id="ethics")
    r2 = one(tmp_path, rows, bank_id="ethics")
    assert [q.id for q in r1.bank.questions] == ["ethics-001", "ethics-002", "ethics-003"]
    assert r1.yaml_text == r2.yaml_text
    assert one(tmp_path, rows).bank.id == "bank"
    with pytest.raises(ImportFailed, match="bank id 'Bad Id' is not valid"):
        one(tmp_path, rows, bank_id="Bad Id")


@pytest.mark.parametrize(
    ("name", "bank_id"),
    [("题库.xlsx", "ti-ku"), ("题库导入模板.xlsx", "ti-ku-dao-ru-mu-ban"), ("2026年 题库.xlsx", "2026-nian-ti-ku")],
)
def test_chinese_file_name_gives_a_readable_id(tmp_path, name, bank_id):
    path = xlsx(tmp_path / name, {"Sheet1": [HEADERS, ["单选题", "问", "甲", "乙", None, None, "A"]]})
    r = import_file(path)
    assert (r.bank.id, r.bank.title) == (bank_id, Path(name).stem)


def test_progress_is_reported(tmp_path):
    calls = []
    one(
        tmp_path,
        [["单选题", f"问{i}", "甲", "乙", None, None, "A"] for i in range(5)],
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls[0] == (0, 5) and calls[-1] == (5, 5)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_explicit_format_wins(tmp_path):
    path = tmp_path / "bank.dat"
    path.write_text("题干,A,B,答案\n问,甲,乙,B\n", encoding="utf-8")
    assert import_file(path, format="excel").bank.questions[0].answer == "B"


def test_the_package_never_imports_streamlit():
    import subprocess
    import sys

    code = "import sys, quizzes.importers as m; m.import_file; import quizzes.importers.excel, quizzes.importers.gift, quizzes.importers.aiken; print('streamlit' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent
    )
    assert out.stdout.strip() == "False"


def test_a_bank_too_large_for_one_content_file_is_refused(tmp_path, monkeypatch):
    import quizzes.source

    monkeypatch.setattr(quizzes.source, "MAX_FILE_BYTES", 2000)
    with pytest.raises(ImportFailed, match="more than one bank file may hold .*split the file"):
        one(tmp_path, [["单选题", f"问题{i}", "甲", "乙", None, None, "A"] for i in range(40)])


def test_long_layout_group_without_a_correct_option_is_skipped_at_its_first_row(tmp_path):
    rows = [
        ["题目序号", "题干", "选项内容", "是否正确项"],
        [1, "好题", "甲", 1],
        [1, None, "乙", 0],
        [2, "无正确项", "甲", 0],
        [2, None, "乙", 0],
    ]
    r = import_file(xlsx(tmp_path / "long.xlsx", {"长表": rows}))
    assert r.imported == 1
    assert r.skipped == [Skipped("长表!row 4", "answer: a single question needs an answer")]


# ---------------------------------------------------------------- real files nobody here wrote (issue 16)

DATA = Path(__file__).resolve().parent / "data" / "import"
OPTIONS = ["形容人因害怕而脸色发白，没有力气", "爱岗敬业", "诚实守信", "办事公道"]


@pytest.mark.parametrize(
    ("qtype", "answer", "expected"),
    [
        ("单选题", "形容人因害怕而脸色发白，没有力气", "A"),  # a full-width comma on both sides
        ("单选题", "形容人因害怕而脸色发白,没有力气", "A"),  # a half-width one in the answer
        ("单选题", " 爱岗 敬业 ", "B"),
        ("多选题", "爱岗敬业;诚实守信", "BC"),
        ("多选题", "爱岗敬业；办事公道", "BD"),
        ("多选题", "诚实守信、爱岗敬业", "BC"),
        ("多选题", "爱岗敬业|诚实守信|办事公道", "BCD"),
        ("多选题", "形容人因害怕而脸色发白，没有力气|办事公道", "AD"),
        (None, "爱岗敬业、诚实守信", "BC"),  # no 题型: the type follows from the answer
    ],
)
def test_answers_given_as_option_text(tmp_path, qtype, answer, expected):
    headers = HEADERS if qtype else [h for h in HEADERS if h != "题型"]
    row = [qtype, "问", *OPTIONS, answer] if qtype else ["问", *OPTIONS, answer]
    r = one(tmp_path, [row], headers=headers)
    q = r.bank.questions[0]
    assert q.answer == expected
    assert q.type == ("multiple" if len(expected) > 1 else "single")


@pytest.mark.parametrize(("answer", "qtype"), [("A", "single"), ("A,B", "multiple"), ("爱岗敬业；诚实守信", "multiple")])
def test_choice_questions_are_single_or_multiple_by_their_answer(tmp_path, answer, qtype):
    q = one(tmp_path, [["选择题", "问", *OPTIONS, answer]]).bank.questions[0]
    assert q.type == qtype


def test_an_answer_that_is_no_option_is_skipped_naming_it(tmp_path):
    r = one(tmp_path, [["单选题", "问", *OPTIONS, "形容人"], ["单选题", "好题", "甲", "乙", None, None, "A"]])
    assert r.skipped == [Skipped("Sheet1!row 2", "answer '形容人' is neither option letters nor the text of an option")]


@pytest.mark.parametrize(
    ("header", "code", "expected", "mapping"),
    [
        ("题型", 1, "single", "1=单选题, 2=多选题, 3=判断题, 4=填空题, 5=简答题"),
        ("题型", "2", "multiple", "1=单选题, 2=多选题, 3=判断题, 4=填空题, 5=简答题"),
        ("题型", 3, "true_false", "1=单选题, 2=多选题, 3=判断题, 4=填空题, 5=简答题"),
        ("题型", "4", "fill_blank", "1=单选题, 2=多选题, 3=判断题, 4=填空题, 5=简答题"),
        # the codes a header declares win (seen in a real template: 题型（0单选，1判断，2多选）)
        ("题型（0单选，1判断，2多选）", 1, "true_false", "0=单选题, 1=判断题, 2=多选题"),
        ("题型（0单选，1判断，2多选）", 0, "single", "0=单选题, 1=判断题, 2=多选题"),
        ("题型(1:单选题 2:多选题 3:填空题 4:问答题)", 3, "fill_blank", "1=单选题, 2=多选题, 3=填空题, 4=简答题"),
    ],
)
def test_numeric_type_codes_are_read_with_a_warning_showing_the_mapping(tmp_path, header, code, expected, mapping):
    content = {
        "single": (OPTIONS, "A"),
        "multiple": (OPTIONS, "AB"),
        "true_false": ([None] * 4, "对"),
        "fill_blank": ([None] * 4, "诚信"),
    }
    options, answer = content[expected]
    prompt = "核心是（ ）。" if expected == "fill_blank" else "问"
    r = one(tmp_path, [[code, prompt, *options, answer]], headers=[header, *HEADERS[1:]])
    assert r.bank.questions[0].type == expected
    assert f"Sheet1: 题型 given as codes, read as {mapping}" in r.warnings


def test_unknown_or_open_type_codes_are_skipped(tmp_path):
    good = [1, "好题", "甲", "乙", None, None, "A"]
    r = one(tmp_path, [good, [5, "简答", None, None, None, None, "略"], [9, "问", "甲", "乙", None, None, "A"]])
    assert r.skipped == [
        Skipped("Sheet1!row 3", "简答题: open-answer questions cannot be marked automatically"),
        Skipped("Sheet1!row 4", "unknown 题型 code '9' (the codes read here: 1=单选题, 2=多选题, 3=判断题, 4=填空题, 5=简答题)"),
    ]


def test_words_in_the_type_column_give_no_code_warning(tmp_path):
    r = one(tmp_path, [["单选题", "问", "甲", "乙", None, None, "A"]])
    assert not any("codes" in w for w in r.warnings)


@pytest.mark.parametrize(
    ("headers", "cells", "tags"),
    [
        (["知识点", "标签"], ["诚信", "廉洁，公道"], ["诚信", "廉洁", "公道"]),
        (["标签", "知识点"], ["廉洁", "诚信"], ["廉洁", "诚信"]),
        (["知识点", "标签"], ["诚信", "诚信"], ["诚信"]),
        (["知识点", "标签"], [None, "廉洁"], ["廉洁"]),
        (["知识点", "考点"], ["诚信", "廉洁"], ["诚信", "廉洁"]),
    ],
)
def test_both_tag_columns_are_kept(tmp_path, headers, cells, tags):
    r = one(tmp_path, [["单选题", "问", "甲", "乙", None, None, "A", *cells]], headers=[*HEADERS[:7], *headers])
    assert r.bank.questions[0].tags == tags
    assert not any("ignored column" in w for w in r.warnings)


def test_xls_is_read_like_the_same_workbook_saved_as_xlsx():
    # python-calamine's own test workbook, saved by Excel in both formats (tests/data/import/SOURCES.md)
    from quizzes.importers.excel import read_calamine, read_xlsx

    xls, xlsx_path = DATA / "calamine-base.xls", DATA / "calamine-base.xlsx"
    old = dict(read_xlsx(xls, xls.read_bytes()))
    new = dict(read_xlsx(xlsx_path, xlsx_path.read_bytes()))
    assert old["Sheet1"] == [(2, ["String", "1", "1.1", "true", "false", "2010-10-10", *new["Sheet1"][0][1][6:]])]
    assert read_calamine(xlsx_path, xlsx_path.read_bytes())[2] == ("Sheet3", new["Sheet3"])  # columns keep their place


def test_an_xls_without_a_question_sheet_names_the_file():
    with pytest.raises(ImportFailed, match="calamine-base.xls: no question sheet found"):
        import_file(DATA / "calamine-base.xls")


@pytest.mark.parametrize(
    ("cap", "value", "message"),
    [
        ("MAX_ROWS", 50, "more than 50 rows with content"),
        ("MAX_CELLS", 300, "more than 300 cells"),
        ("MAX_CHARS", 1000, "more than 1000 characters of text"),
    ],
)
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_reading_stops_as_soon_as_a_cap_is_passed(tmp_path, monkeypatch, cap, value, message, suffix):
    from quizzes.importers import excel

    monkeypatch.setattr(excel, cap, value)
    rows = [["单选题", f"问题{i}" * 3, "甲", "乙", None, None, "A"] for i in range(2000)]
    if suffix == ".xlsx":
        path = xlsx(tmp_path / "big.xlsx", {"Sheet1": [HEADERS, *rows]})
    else:
        path = tmp_path / "big.csv"
        path.write_text("\n".join(",".join(str(c or "") for c in row) for row in [HEADERS, *rows]), encoding="utf-8")
    seen = []
    original = excel._Caps.row
    monkeypatch.setattr(excel._Caps, "row", lambda self, values: seen.append(1) or original(self, values))
    with pytest.raises(ImportFailed, match=message):
        import_file(path)
    assert len(seen) < 200  # stopped at the cap, not after reading all 2001 rows


def test_shared_strings_too_large_are_refused_unread(tmp_path, monkeypatch):
    from quizzes.importers import excel

    monkeypatch.setattr(excel, "MAX_SHARED_STRINGS_BYTES", 100 * 1024)  # the sample's are 190 KB
    monkeypatch.setattr(excel._Caps, "row", lambda self, values: pytest.fail("a row was read"))
    with pytest.raises(ImportFailed, match="the workbook's text \\(shared strings\\) is 113 KB, more than the limit of 100 KB"):
        import_file(SAMPLE)


def test_a_worksheet_too_large_is_refused_unread(tmp_path, monkeypatch):
    from quizzes.importers import excel

    monkeypatch.setattr(excel, "MAX_SHEET_BYTES", 100 * 1024)  # the sample's sheet is 165 KB
    monkeypatch.setattr(excel._Caps, "row", lambda self, values: pytest.fail("a row was read"))
    with pytest.raises(ImportFailed, match="a worksheet unpacks to 0 MB, more than the limit of 0 MB"):
        import_file(SAMPLE)
