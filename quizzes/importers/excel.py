"""Excel (.xlsx) and CSV question banks in the Chinese template conventions.

Wide layout: one row per question, headers recognised by name in any order (题型, 题干, 选项A…H or
A…H, 正确答案/答案, 答案1…N, 解析, 分值, 难度, 知识点/标签, 选项得分, 互斥组). Long layout: one row per option,
grouped by 题目序号, 是否正确项 = 1 marks the correct options. Sheets named 单选题/多选题/判断题/填空题/情境题
give the type when there is no 题型 column.

Scenario (情境题) rows carry the credit of each option in 选项得分, e.g. ``1,0.5,0``; 互斥组 lists a
question's exclusive groups (``party-sanctions`` or ``a,b``).
Formulas are read as their text (never evaluated); a leading apostrophe before = + - @ is dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

from quizzes.importers.common import (
    Candidate,
    ImportFailed,
    Parsed,
    Progress,
    Skipped,
    check_size,
    decode_text,
    report_progress,
    split_alternatives,
)
from quizzes.model import LETTERS, parse_bool

Row = tuple[int, list[str]]
Sheet = tuple[str, list[Row]]

TYPE_WORDS = {
    "single": ("单选题", "单选", "单项选择题", "单项选择", "单选择题", "single", "single_choice", "radio"),
    "multiple": ("多选题", "多选", "多项选择题", "多项选择", "不定项选择题", "不定项", "multiple", "multiple_choice", "checkbox"),
    "true_false": ("判断题", "判断", "是非题", "对错题", "true_false", "truefalse", "judge", "tf"),
    "fill_blank": ("填空题", "填空", "fill_blank", "fill", "blank"),
    "scenario": ("情境题", "情境", "情景题", "情景", "情境判断题", "情景判断题", "scenario"),
}
SUBJECTIVE = ("简答题", "简答", "问答题", "问答", "论述题", "论述", "主观题", "计算题", "名词解释", "案例分析题", "essay")
DIFFICULTY_WORDS = {
    "easy": ("低难度", "简单", "易", "容易", "低", "较易", "easy", "1"),
    "medium": ("中难度", "一般", "中", "中等", "适中", "medium", "2"),
    "hard": ("高难度", "困难", "难", "较难", "高", "hard", "3"),
}
FIELD_ALIASES = {
    "type": ("题型", "题目类型", "试题类型", "类型", "type"),
    "prompt": ("题干", "题目", "题目内容", "试题内容", "试题", "问题", "question", "prompt", "stem"),
    "answer": ("正确答案", "答案", "标准答案", "参考答案", "answer"),
    "explanation": ("解析", "答案解析", "试题解析", "题目解析", "explanation", "analysis"),
    "points": ("分值", "分数", "得分", "points", "score"),
    "difficulty": ("难度", "难易度", "难易程度", "difficulty"),
    "tags": ("知识点", "标签", "知识点/标签", "tags", "tag", "考点"),
    "credits": ("选项得分", "credits"),
    "exclusive": ("互斥组", "exclusive"),
    "group": ("题目序号",),
    "correct": ("是否正确项", "是否正确", "正确项"),
    "option": ("选项内容", "选项文本", "option"),
    "option_alt": ("选项",),
}
_ALIAS = {unicodedata.normalize("NFKC", a).casefold(): f for f, names in FIELD_ALIASES.items() for a in names}
_OPTION_HEADER = re.compile(r"(?:选项|option)?([a-h])", re.I)
_BLANK_HEADER = re.compile(r"(?:正确|填空)?答案(\d+)|answer(\d+)", re.I)
_PAREN_BLANK = re.compile(r"[（(][ \u3000\xa0]*[）)]")
_TYPE_LOOKUP = {w.casefold(): t for t, words in TYPE_WORDS.items() for w in words}
_DIFF_LOOKUP = {w.casefold(): d for d, words in DIFFICULTY_WORDS.items() for w in words}
MAX_HEADER_CHARS = 100
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # what a workbook's zip package may unpack to (no zip bombs)


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0, formulas as their text, stray spaces stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if not isinstance(value, (str, int)):
        value = getattr(value, "text", None) or str(value)  # ArrayFormula and the like: the formula text
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\(.*?\)|[*\s:]", "", text)
    return text


def classify_header(text: str) -> tuple[str, int] | None:
    """A header cell → (field, index): ``('option', 2)`` for 选项C, ``('blank', 1)`` for 答案1, ``('prompt', 0)``."""
    if len(text) > MAX_HEADER_CHARS:
        return None  # a long cell is never a header (and _header_key would take quadratic time on it)
    key = _header_key(text)
    if not key:
        return None
    if m := _OPTION_HEADER.fullmatch(key):
        return ("option_col", LETTERS.index(m.group(1).upper()))
    if m := _BLANK_HEADER.fullmatch(key):
        return ("blank", int(m.group(1) or m.group(2)))
    if key in _ALIAS:
        return (_ALIAS[key], 0)
    return None


def question_type(text: str) -> str | None:
    """题型 value → type (``单选题``/``单选`` → single …); ``'subjective'`` for 简答题 and the like; None if unknown."""
    key = unicodedata.normalize("NFKC", text).strip().casefold().replace(" ", "")
    if key in _TYPE_LOOKUP:
        return _TYPE_LOOKUP[key]
    if key in (w.casefold() for w in SUBJECTIVE):
        return "subjective"
    return None


def sheet_type(name: str) -> str | None:
    """The type a sheet name gives (``单选题`` → single), or None."""
    key = unicodedata.normalize("NFKC", name).strip()
    for t, word in (
        ("single", "单选"),
        ("multiple", "多选"),
        ("true_false", "判断"),
        ("fill_blank", "填空"),
        ("scenario", "情境"),
        ("scenario", "情景"),
        ("subjective", "简答"),
        ("subjective", "问答"),
    ):
        if word in key:
            return t
    return question_type(key)


def difficulty(text: str) -> str | None:
    """低难度/中难度/高难度, 简单/一般/困难, 易/中/难 → easy/medium/hard (None if unknown)."""
    return _DIFF_LOOKUP.get(unicodedata.normalize("NFKC", text).strip().casefold())


# ---------------------------------------------------------------- reading


def read_xlsx(path: Path, raw: bytes) -> list[Sheet]:
    """Every sheet's non-empty rows as text (1-based row numbers), formulas as their text.

    A package that would unpack to more than ``MAX_UNPACKED_BYTES`` (a zip bomb) is refused unread.
    """
    import openpyxl

    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFailed(f"{path}: an old Excel 97-2003 (.xls) file; save it as .xlsx and import again")
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise ImportFailed(f"{path}: not an Excel .xlsx workbook (the file is not a zip package)")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            unpacked = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, ValueError) as e:
        raise ImportFailed(f"{path}: not an Excel .xlsx workbook (a broken zip package: {e})") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFailed(
            f"{path}: the workbook unpacks to {unpacked // (1024 * 1024)} MB, "
            f"more than the limit of {MAX_UNPACKED_BYTES // (1024 * 1024)} MB"
        )
    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as e:  # openpyxl raises many kinds for a broken package
        raise ImportFailed(f"{path}: cannot read the workbook ({type(e).__name__}: {str(e)[:200]})") from None
    sheets: list[Sheet] = []
    try:
        for ws in wb.worksheets:
            rows: list[Row] = []
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # some writers store a wrong sheet size; read every row that is there
            for r, values in enumerate(ws.iter_rows(values_only=True), 1):
                texts = [cell_text(v) for v in values]
                if any(texts):
                    rows.append((r, texts))
            sheets.append((ws.title, rows))
    except Exception as e:
        raise ImportFailed(f"{path}: cannot read the workbook ({type(e).__name__}: {str(e)[:200]})") from None
    finally:
        wb.close()
    return sheets


def read_csv(path: Path, raw: bytes) -> list[Sheet]:
    """A CSV file (UTF-8 with or without BOM, or GBK; comma, semicolon or tab) as one sheet."""
    text = decode_text(raw, path)
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count) if any(d in first for d in ",\t;") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = [(i, [cell_text(c) for c in rec]) for i, rec in enumerate(reader, 1)]
    except csv.Error as e:
        raise ImportFailed(f"{path}: not a readable CSV file (line {reader.line_num}: {e})") from None
    return [("", [(i, cells) for i, cells in rows if any(cells)])]


# ---------------------------------------------------------------- parsing


def _find_header(rows: list[Row]) -> tuple[int, dict[int, tuple[str, int]]] | None:
    best = None
    for pos, (_, cells) in enumerate(rows[:15]):
        cols = {i: c for i, text in enumerate(cells) if (c := classify_header(text))}
        if any(c[0] == "prompt" for c in cols.values()) and (best is None or len(cols) > len(best[1])):
            best = (pos, cols)
    return best


def parse_sheets(sheets: list[Sheet], path: Path, progress: Progress | None = None) -> Parsed:
    """Turn read sheets into candidate questions (wide or long layout per sheet)."""
    out = Parsed()
    plans = []
    for name, rows in sheets:
        header = _find_header(rows)
        if header is None:
            if rows:
                out.warnings.append(f"{name or path.name}: no header row with 题干 found; sheet ignored")
            continue
        plans.append((name, rows, header))
    if not plans:
        raise ImportFailed(
            f"{path}: no question sheet found (a header row with 题干 is needed, e.g. 题型, 题干, 选项A…, 正确答案)"
        )
    total = sum(len(rows) - pos - 1 for _, rows, (pos, _) in plans)
    done = 0
    report_progress(progress, 0, total)
    for name, rows, (pos, cols) in plans:
        header_cells = rows[pos][1]
        unknown = [t for i, t in enumerate(header_cells) if t and i not in cols]
        if unknown:
            out.warnings.append(f"{name or path.name}: ignored column(s) {', '.join(unknown)}")
        fields = {c[0] for c in cols.values()}
        data_rows = rows[pos + 1 :]
        default_type = sheet_type(name) if name else None
        if "type" not in fields and default_type is None:
            out.warnings.append(f"{name or path.name}: no 题型 column; each type is inferred from its options and answer")
        long_layout = "group" in fields and "correct" in fields
        where = (lambda r, n=name: f"{n}!row {r}") if name else (lambda r: f"row {r}")
        step = _parse_long if long_layout else _parse_wide
        for n in step(data_rows, cols, default_type, where, out):
            done += n
            report_progress(progress, done, total)
    return out


def _columns(cells: list[str], cols: dict[int, tuple[str, int]]) -> dict[str, Any]:
    row: dict[str, Any] = {"options": {}, "blanks": {}}
    for i, (f, idx) in cols.items():
        value = cells[i] if i < len(cells) else ""
        if f == "option_col":
            row["options"][idx] = value
        elif f == "blank":
            row["blanks"][idx] = value
        elif f not in row or not row[f]:
            row[f] = value
    return row


def _parse_wide(rows: list[Row], cols, default_type, where, out: Parsed):
    for r, cells in rows:
        cand = _wide_row(_columns(cells, cols), default_type, where(r), out)
        if cand is not None:
            out.candidates.append(cand)
        yield 1


def _parse_long(rows: list[Row], cols, default_type, where, out: Parsed):
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for r, cells in rows:
        row = _columns(cells, cols)
        key = row.get("group") or (list(groups)[-1] if groups else str(r))
        groups.setdefault(key, []).append((r, row))
    for members in groups.values():
        first_r = members[0][0]
        merged: dict[str, Any] = {"options": {}, "blanks": {}}
        correct: list[int] = []
        for _, row in members:
            for k, v in row.items():
                if k not in ("options", "blanks", "option", "option_alt", "correct") and v and not merged.get(k):
                    merged[k] = v
            text = row.get("option") or row.get("option_alt")
            if text:
                idx = len(merged["options"])
                merged["options"][idx] = text
                if _truthy(row.get("correct", "")):
                    correct.append(idx)
        if not merged.get("answer"):
            merged["answer"] = "".join(LETTERS[i] for i in correct if i < len(LETTERS))
        cand = _wide_row(merged, default_type, where(first_r), out)
        if cand is not None:
            out.candidates.append(cand)
        yield len(members)


def _truthy(text: str) -> bool:
    text = text.strip()
    if text in ("1", "1.0"):
        return True
    try:
        return parse_bool(text)
    except ValueError:
        return False


def _wide_row(row: dict[str, Any], default_type: str | None, where: str, out: Parsed) -> Candidate | None:
    prompt = row.get("prompt", "")
    options = [row["options"][i].strip() for i in sorted(row["options"])]
    while options and not options[-1]:
        options.pop()
    answer = row.get("answer", "")
    blanks = [row["blanks"][i] for i in sorted(row["blanks"]) if row["blanks"][i]]
    if not prompt:
        if any(v for k, v in row.items() if k not in ("options", "blanks", "group", "correct")) or any(options) or blanks:
            out.skipped.append(Skipped(where, "no 题干 (question text)"))
        return None
    type_text = row.get("type", "")
    if type_text:
        qtype = question_type(type_text)
        if qtype is None:
            out.skipped.append(Skipped(where, f"unknown 题型 '{type_text[:40]}' (单选题/多选题/判断题/填空题/情境题)"))
            return None
    else:
        qtype = default_type or _infer_type(prompt, options, answer, blanks)
    if qtype == "subjective":
        label = type_text or "简答题"
        out.skipped.append(Skipped(where, f"{label}: open-answer questions cannot be marked automatically"))
        return None
    if "" in options:
        letter = LETTERS[options.index("")]
        out.skipped.append(Skipped(where, f"option {letter} is empty but a later option is filled"))
        return None
    data: dict[str, Any] = {"type": qtype, "prompt": prompt}
    if qtype in ("single", "multiple"):
        data["options"] = options
        data["answer"] = _letters_answer(answer, options)
    elif qtype == "true_false":
        data["answer"] = _bool_answer(answer, options)
    elif qtype == "fill_blank":
        data["prompt"] = _PAREN_BLANK.sub("___", prompt)
        data["answer"] = _fill_answer(data["prompt"], answer, blanks, where, out)
    else:
        credits = row.get("credits", "")
        parts = [p for p in re.split(r"[\s,，、;；|/]+", credits) if p] if credits else []
        if not parts and answer:
            letters = _letters_answer(answer, options)
            parts = ["1" if LETTERS[i] in str(letters) else "0" for i in range(len(options))]
        try:
            values = [float(p) for p in parts]
        except ValueError:
            out.skipped.append(Skipped(where, f"选项得分 '{credits[:40]}' is not a list of numbers like 1,0.5,0"))
            return None
        if len(values) != len(options):
            out.skipped.append(Skipped(where, f"选项得分 gives {len(values)} credit(s) for {len(options)} option(s)"))
            return None
        data["options"] = [{"text": t, "credit": c} for t, c in zip(options, values, strict=True)]
    if row.get("points"):
        try:
            data["points"] = float(row["points"].strip().removesuffix("分"))
        except ValueError:
            out.skipped.append(Skipped(where, f"分值 '{row['points'][:40]}' is not a number"))
            return None
    if row.get("explanation"):
        data["explanation"] = row["explanation"]
    if row.get("tags"):
        data["tags"] = [t.strip() for t in re.split(r"[,，、;；|]", row["tags"]) if t.strip()]
    if row.get("exclusive"):
        data["exclusive"] = [g.strip() for g in re.split(r"[,，、;；|]", row["exclusive"]) if g.strip()]
    if row.get("difficulty"):
        d = difficulty(row["difficulty"])
        if d:
            data["difficulty"] = d
        else:
            out.warnings.append(
                f"{where}: 难度 '{row['difficulty'][:40]}' not recognised (低/中/高难度, 简单/一般/困难, 易/中/难); left out"
            )
    return Candidate(where, data)


def _infer_type(prompt: str, options: list[str], answer: str, blanks: list[str]) -> str:
    if blanks:
        return "fill_blank"
    if options:
        letters = re.sub(r"[^A-H]", "", unicodedata.normalize("NFKC", answer).upper())
        return "multiple" if len(letters) > 1 else "single"
    try:
        parse_bool(answer)
        return "true_false"
    except ValueError:
        return "fill_blank"


def _letters_answer(answer: str, options: list[str]) -> str:
    text = unicodedata.normalize("NFKC", answer).strip()
    if text and text in options and not re.fullmatch(r"[A-Ha-h]", text):
        return LETTERS[options.index(text)]
    if re.fullmatch(r"[\s\[(【]*+[A-Ha-h][A-Ha-h\s,、/;|]*+[\s\])】.。]*", text):  # possessive: no backtracking
        text = re.sub(r"[\[\]()【】.。]", "", text)  # "(A)", "【AB】", "A." → letters
    return text.upper()


def _bool_answer(answer: str, options: list[str]) -> Any:
    text = unicodedata.normalize("NFKC", answer).strip()
    if text in ("1", "0"):
        return text == "1"
    if options and re.fullmatch(r"[A-Ha-h]", text):
        i = LETTERS.index(text.upper())
        if i < len(options):
            return options[i]
    return text


def _fill_answer(prompt: str, answer: str, blanks: list[str], where: str, out: Parsed) -> list[Any]:
    if blanks:
        return [split_alternatives(b) for b in blanks]
    if not answer:
        return []
    from quizzes.model import count_blanks

    parts = split_alternatives(answer)
    n = count_blanks(prompt)
    if n > 1 and len(parts) == n:
        out.warnings.append(f"{where}: one answer cell for {n} blanks; its {n} parts are taken as one answer per blank")
        return parts
    return [parts]


def parse_excel(path: Path, progress: Progress | None = None) -> Parsed:
    """Read an .xlsx or .csv question bank into candidate questions."""
    raw = check_size(path)
    suffix = path.suffix.lower()
    is_zip = zipfile.is_zipfile(io.BytesIO(raw))
    as_csv = not is_zip and suffix not in (".xlsx", ".xlsm", ".xls")
    sheets = read_csv(path, raw) if as_csv else read_xlsx(path, raw)
    parsed = parse_sheets(sheets, path, progress)
    if is_zip and suffix == ".csv":
        parsed.warnings.insert(0, f"{path.name}: an Excel workbook named .csv; read as .xlsx")
    return parsed
