"""Excel (.xlsx) and CSV question banks in the Chinese template conventions.

Wide layout: one row per question, headers recognised by name in any order (题型, 题干, 选项A…H or
A…H, 正确答案/答案, 答案1…N, 解析, 分值, 难度, 知识点/标签, 选项得分, 互斥组). Long layout: one row per option,
grouped by 题目序号, 是否正确项 = 1 marks the correct options. Sheets named 单选题/多选题/判断题/填空题/情境题
give the type when there is no 题型 column.

Scenario (情境题) rows carry the credit of each option in 选项得分, e.g. ``1,0.5,0``. 题型 may be a
number (1 单选, 2 多选, 3 判断, 4 填空, 5 简答, or the codes a header such as ``题型（0单选，1判断，2多选）``
declares), read with a warning showing the mapping. An answer may be the text of its options (several
joined by ; ； 、 |), compared after NFKC with spaces ignored on both sides. 知识点 and 标签 are both tags.

.xlsx is read by openpyxl, streaming, with caps on rows, cells and characters (reading stops as soon
as one is passed); formulas are read as their text (never evaluated); a leading apostrophe before
= + - @ is dropped. .xls (Excel 97-2003) and .ods are read by python-calamine, which gives a formula's
last computed value. openpyxl is kept for .xlsx although calamine is faster: calamine gives no
formula text and reads error cells such as ``#VALUE!`` as empty (docs/benchmarks.md).
A 互斥组 column lists a question's exclusive groups (``party-sanctions`` or ``a,b``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
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
from quizzes.importers.messages import Msg, where_row
from quizzes.model import LETTERS, option_key, parse_bool

Row = tuple[int, list[str]]
Sheet = tuple[str, list[Row]]

TYPE_WORDS = {
    "single": ("单选题", "单选", "单项选择题", "单项选择", "单选择题", "single", "single_choice", "radio"),
    "multiple": ("多选题", "多选", "多项选择题", "多项选择", "不定项选择题", "不定项", "multiple", "multiple_choice", "checkbox"),
    "true_false": ("判断题", "判断", "是非题", "对错题", "true_false", "truefalse", "judge", "tf"),
    "fill_blank": ("填空题", "填空", "fill_blank", "fill", "blank"),
    "scenario": ("情境题", "情境", "情景题", "情景", "情境判断题", "情景判断题", "scenario"),
}
CHOICE = ("选择题", "选择", "choice")  # single or multiple: one answer letter or several
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
    "explanation": ("解析", "答案解析", "试题解析", "题目解析", "解析说明", "explanation", "analysis"),
    "points": ("分值", "分数", "得分", "points", "score"),
    "difficulty": ("难度", "难易度", "难易程度", "难度系数", "难度等级", "difficulty"),
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
MAX_SHARED_STRINGS_BYTES = 40 * 1024 * 1024  # openpyxl reads the shared strings whole, before any row
MAX_SHEET_BYTES = 50 * 1024 * 1024  # one worksheet's XML, unpacked (the 404-row template's is 165 KB)
MAX_ROWS = 20_000  # rows with content, all sheets together (a bank file holds about 10,000 questions)
MAX_CELLS = 1_000_000  # cells read, empty ones included, all sheets together
MAX_CHARS = 5_000_000  # characters of text, all sheets together (a bank file holds at most 5 MB)
DEFAULT_TYPE_CODES = {"1": "single", "2": "multiple", "3": "true_false", "4": "fill_blank", "5": "subjective"}
TYPE_NAMES = {"single": "单选题", "multiple": "多选题", "true_false": "判断题", "fill_blank": "填空题", "scenario": "情境题"}
_CODE_IN_HEADER = re.compile(r"(\d+)\s*[:：=＝.、-]?\s*([^\d\s,，;；、/|()（）:：=＝]+)")


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


def type_codes(header: str) -> dict[str, str] | None:
    """Codes a 题型 header declares in parentheses: ``题型（0单选，1判断，2多选）`` → {'0': 'single', …}."""
    if len(header) > MAX_HEADER_CHARS:
        return None
    inner = re.search(r"[(（](.*?)[)）]", unicodedata.normalize("NFKC", header))
    if not inner:
        return None
    codes = {}
    for code, word in _CODE_IN_HEADER.findall(inner.group(1)):
        qtype = question_type(word)
        if qtype is not None:
            codes[str(int(code))] = qtype
    return codes or None


def code_mapping(codes: dict[str, str]) -> str:
    """``1=单选题, 2=多选题, …`` for a warning."""
    return ", ".join(f"{c}={TYPE_NAMES.get(t, '简答题')}" for c, t in sorted(codes.items(), key=lambda kv: int(kv[0])))


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
    """题型 value → type (``单选题``/``单选`` → single …); ``'subjective'`` for 简答题 and the like,
    ``'choice'`` for 选择题 (single or multiple by the answer); None if unknown."""
    key = unicodedata.normalize("NFKC", text).strip().casefold().replace(" ", "")
    if key in _TYPE_LOOKUP:
        return _TYPE_LOOKUP[key]
    if key in CHOICE:
        return "choice"
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


class _Caps:
    """Counts what has been read so far and stops the reading as soon as a cap is passed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = self.cells = self.chars = 0

    def row(self, values: Any) -> list[str] | None:
        """The row's cells as text, or None if it is empty; ``ImportFailed`` once a cap is passed."""
        self.cells += len(values)
        if self.cells > MAX_CELLS:
            raise ImportFailed(Msg("file.too_many_cells", path=self.path, limit=MAX_CELLS))
        texts = [cell_text(v) for v in values]
        if not any(texts):
            return None
        self.rows += 1
        self.chars += sum(map(len, texts))
        if self.rows > MAX_ROWS:
            raise ImportFailed(Msg("file.too_many_rows", path=self.path, limit=MAX_ROWS))
        if self.chars > MAX_CHARS:
            raise ImportFailed(Msg("file.too_many_chars", path=self.path, limit=MAX_CHARS))
        return texts


def read_xlsx(path: Path, raw: bytes) -> list[Sheet]:
    """Every sheet's non-empty rows as text (1-based row numbers), formulas as their text.

    A package that would unpack to more than ``MAX_UNPACKED_BYTES`` (a zip bomb), or whose shared
    strings are over ``MAX_SHARED_STRINGS_BYTES``, is refused unread; rows are read streaming and the
    reading stops as soon as ``MAX_ROWS``, ``MAX_CELLS`` or ``MAX_CHARS`` is passed.
    """
    import openpyxl

    if raw[:8] == OLE_MAGIC:
        return read_calamine(path, raw)
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise ImportFailed(Msg("file.not_xlsx", path=path))
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, ValueError) as e:
        raise ImportFailed(Msg("file.broken_zip", path=path, error=str(e))) from None
    unpacked = sum(info.file_size for info in infos)
    shared = sum(info.file_size for info in infos if info.filename.lower().endswith("sharedstrings.xml"))
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFailed(
            Msg("file.unpacks_too_large", path=path, mb=unpacked // (1024 * 1024), limit=MAX_UNPACKED_BYTES // (1024 * 1024))
        )
    sheet = max((info.file_size for info in infos if info.filename.lower().startswith("xl/worksheets/")), default=0)
    if sheet > MAX_SHEET_BYTES:
        raise ImportFailed(
            Msg("file.sheet_too_large", path=path, mb=sheet // (1024 * 1024), limit=MAX_SHEET_BYTES // (1024 * 1024))
        )
    if shared > MAX_SHARED_STRINGS_BYTES:
        raise ImportFailed(
            Msg("file.shared_strings_too_large", path=path, kb=shared // 1024, limit=MAX_SHARED_STRINGS_BYTES // 1024)
        )
    if any(info.filename.lower() == "content.xml" for info in infos) and not any(
        info.filename.lower().startswith("xl/") for info in infos
    ):
        return read_calamine(path, raw)  # an OpenDocument spreadsheet (.ods)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as e:  # openpyxl raises many kinds for a broken package
        raise ImportFailed(Msg("file.workbook_unreadable", path=path, error=f"{type(e).__name__}: {str(e)[:200]}")) from None
    sheets: list[Sheet] = []
    caps = _Caps(path)
    try:
        for ws in wb.worksheets:
            rows: list[Row] = []
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # some writers store a wrong sheet size; read every row that is there
            for r, values in enumerate(ws.iter_rows(values_only=True), 1):
                if (texts := caps.row(values)) is not None:
                    rows.append((r, texts))
            sheets.append((ws.title, rows))
    except ImportFailed:
        raise
    except Exception as e:
        raise ImportFailed(Msg("file.workbook_unreadable", path=path, error=f"{type(e).__name__}: {str(e)[:200]}")) from None
    finally:
        wb.close()
    return sheets


EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls) and other OLE2 files


def read_calamine(path: Path, raw: bytes) -> list[Sheet]:
    """An .xls (Excel 97-2003) or .ods workbook read by python-calamine, with the same caps as .xlsx.

    calamine gives each formula's last computed value, not its text; nothing is evaluated here.
    """
    import python_calamine

    caps = _Caps(path)
    sheets: list[Sheet] = []
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
        try:
            for name in wb.sheet_names:
                rows: list[Row] = []
                ws = wb.get_sheet_by_name(name)
                pad = [""] * (ws.start[1] if ws.start else 0)  # rows count from 1, columns from the first used one
                for r, values in enumerate(ws.iter_rows(), 1):
                    if (texts := caps.row(pad + values if pad else values)) is not None:
                        rows.append((r, texts))
                sheets.append((name, rows))
        finally:
            wb.close()
    except ImportFailed:
        raise
    except Exception as e:  # calamine raises its own kinds (and ValueError) for a broken file
        raise ImportFailed(Msg("file.xls_unreadable", path=path, error=f"{type(e).__name__}: {str(e)[:200]}")) from None
    return sheets


def read_csv(path: Path, raw: bytes) -> list[Sheet]:
    """A CSV file (UTF-8 with or without BOM, or GBK; comma, semicolon or tab) as one sheet."""
    text = decode_text(raw, path)
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count) if any(d in first for d in ",\t;") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    caps = _Caps(path)
    rows: list[Row] = []
    try:
        for i, rec in enumerate(reader, 1):
            if (texts := caps.row(rec)) is not None:
                rows.append((i, texts))
    except csv.Error as e:
        raise ImportFailed(Msg("file.csv_broken", path=path, line=reader.line_num, error=str(e))) from None
    return [("", rows)]


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
                out.warnings.append(Msg("warn.no_header", sheet=name or path.name))
            continue
        plans.append((name, rows, header))
    if not plans:
        raise ImportFailed(Msg("file.no_sheet", path=path))
    total = sum(len(rows) - pos - 1 for _, rows, (pos, _) in plans)
    done = 0
    report_progress(progress, 0, total)
    for name, rows, (pos, cols) in plans:
        header_cells = rows[pos][1]
        sheet = name or path.name
        unknown = [t for i, t in enumerate(header_cells) if t and i not in cols]
        if unknown:
            out.warnings.append(Msg("warn.ignored_columns", sheet=sheet, columns=", ".join(unknown)))
        fields = {c[0] for c in cols.values()}
        data_rows = rows[pos + 1 :]
        default_type = sheet_type(name) if name else None
        if "type" not in fields and default_type is None:
            out.warnings.append(Msg("warn.no_type_column", sheet=sheet))
        declared = next((type_codes(header_cells[i]) for i, c in cols.items() if c[0] == "type"), None)
        ctx = _Sheet(default_type, declared or DEFAULT_TYPE_CODES, lambda r, n=name: where_row(n, r), out)
        long_layout = "group" in fields and "correct" in fields
        step = _parse_long if long_layout else _parse_wide
        for n in step(data_rows, cols, ctx):
            done += n
            report_progress(progress, done, total)
        if ctx.codes_used:
            out.warnings.append(Msg("warn.type_codes", sheet=sheet, mapping=code_mapping(ctx.codes)))
    return out


@dataclass
class _Sheet:
    """What the rows of one sheet share: the type its name gives, the 题型 codes, where a row is."""

    default_type: str | None
    codes: dict[str, str]
    where: Callable[[int], Msg]
    out: Parsed
    codes_used: bool = False


def _columns(cells: list[str], cols: dict[int, tuple[str, int]]) -> dict[str, Any]:
    row: dict[str, Any] = {"options": {}, "blanks": {}}
    for i, (f, idx) in cols.items():
        value = cells[i] if i < len(cells) else ""
        if f == "option_col":
            row["options"][idx] = value
        elif f == "blank":
            row["blanks"][idx] = value
        elif f == "tags" and row.get("tags") and value:  # 知识点 and 标签: both are tags
            row["tags"] = f"{row['tags']},{value}"
        elif f not in row or not row[f]:
            row[f] = value
    return row


def _parse_wide(rows: list[Row], cols, ctx: _Sheet):
    for r, cells in rows:
        cand = _wide_row(_columns(cells, cols), ctx, ctx.where(r))
        if cand is not None:
            ctx.out.candidates.append(cand)
        yield 1


def _parse_long(rows: list[Row], cols, ctx: _Sheet):
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
        cand = _wide_row(merged, ctx, ctx.where(first_r))
        if cand is not None:
            ctx.out.candidates.append(cand)
        yield len(members)


def _truthy(text: str) -> bool:
    text = text.strip()
    if text in ("1", "1.0"):
        return True
    try:
        return parse_bool(text)
    except ValueError:
        return False


def _wide_row(row: dict[str, Any], ctx: _Sheet, where: Msg) -> Candidate | None:
    out = ctx.out
    prompt = row.get("prompt", "")
    options = [row["options"][i].strip() for i in sorted(row["options"])]
    while options and not options[-1]:
        options.pop()
    answer = row.get("answer", "")
    blanks = [row["blanks"][i] for i in sorted(row["blanks"]) if row["blanks"][i]]
    if not prompt:
        if any(v for k, v in row.items() if k not in ("options", "blanks", "group", "correct")) or any(options) or blanks:
            out.skipped.append(Skipped(where, Msg("skip.no_prompt_cell")))
        return None
    type_text = row.get("type", "")
    if type_text:
        code = unicodedata.normalize("NFKC", type_text).strip()
        if re.fullmatch(r"\d+", code):
            qtype = ctx.codes.get(str(int(code)))
            if qtype is None:
                out.skipped.append(
                    Skipped(where, Msg("skip.unknown_type_code", value=code[:40], mapping=code_mapping(ctx.codes)))
                )
                return None
            ctx.codes_used = True
        else:
            qtype = question_type(type_text)
        if qtype is None:
            out.skipped.append(Skipped(where, Msg("skip.unknown_type", value=type_text[:40])))
            return None
    else:
        qtype = ctx.default_type or _infer_type(prompt, options, answer, blanks)
    if qtype == "subjective":
        label = type_text if type_text and not type_text.strip().isdigit() else "简答题"
        out.skipped.append(Skipped(where, Msg("skip.subjective", label=label)))
        return None
    if qtype == "choice":
        qtype = "multiple" if len(_letters_answer(answer, options) or "") > 1 else "single"
    if "" in options:
        letter = LETTERS[options.index("")]
        out.skipped.append(Skipped(where, Msg("skip.empty_option", letter=letter)))
        return None
    data: dict[str, Any] = {"type": qtype, "prompt": prompt}
    if qtype in ("single", "multiple"):
        letters = _letters_answer(answer, options)
        if letters is None:
            out.skipped.append(Skipped(where, Msg("skip.answer_not_option", value=answer[:40])))
            return None
        data["options"] = options
        data["answer"] = letters
    elif qtype == "true_false":
        data["answer"] = _bool_answer(answer, options)
    elif qtype == "fill_blank":
        data["prompt"] = _PAREN_BLANK.sub("___", prompt)
        data["answer"] = _fill_answer(data["prompt"], answer, blanks, where, out)
    else:
        credits = row.get("credits", "")
        parts = [p for p in re.split(r"[\s,，、;；|/]+", credits) if p] if credits else []
        if not parts and answer:
            letters = _letters_answer(answer, options) or ""
            parts = ["1" if LETTERS[i] in letters else "0" for i in range(len(options))]
        try:
            values = [float(p) for p in parts]
        except ValueError:
            out.skipped.append(Skipped(where, Msg("skip.credits_not_numbers", value=credits[:40])))
            return None
        if len(values) != len(options):
            out.skipped.append(Skipped(where, Msg("skip.credits_count", n=len(values), options=len(options))))
            return None
        data["options"] = [{"text": t, "credit": c} for t, c in zip(options, values, strict=True)]
    if row.get("points"):
        try:
            data["points"] = float(row["points"].strip().removesuffix("分"))
        except ValueError:
            out.skipped.append(Skipped(where, Msg("skip.points_not_number", value=row["points"][:40])))
            return None
    if row.get("explanation"):
        data["explanation"] = row["explanation"]
    if row.get("tags"):
        tags = [t.strip() for t in re.split(r"[,，、;；|]", row["tags"]) if t.strip()]
        data["tags"] = list(dict.fromkeys(tags))
    if row.get("exclusive"):
        data["exclusive"] = [g.strip() for g in re.split(r"[,，、;；|]", row["exclusive"]) if g.strip()]
    if row.get("difficulty"):
        d = difficulty(row["difficulty"])
        if d:
            data["difficulty"] = d
        else:
            out.warnings.append(Msg("warn.unknown_difficulty", where=where, value=row["difficulty"][:40]))
    return Candidate(where, data)


def _infer_type(prompt: str, options: list[str], answer: str, blanks: list[str]) -> str:
    if blanks:
        return "fill_blank"
    if options:
        letters = _letters_answer(answer, options) or ""
        return "multiple" if len(letters) > 1 else "single"
    try:
        parse_bool(answer)
        return "true_false"
    except ValueError:
        return "fill_blank"


# letters (any Latin letter: the model names one outside the options); possessive: no backtracking
_LETTERS_ONLY = re.compile(r"[\s\[(【]*+[A-Za-z][A-Za-z\s,，、/;；|]*+[\s\])】.。]*")
_TEXT_SEPARATORS = re.compile(r"[;；、|｜]")


def _letters_answer(answer: str, options: list[str]) -> str | None:
    """The answer as letters: letters in any notation, or the text of one or several options
    (joined by ; ； 、 |), compared with ``option_key`` on both sides; None if it is neither.
    """
    text = unicodedata.normalize("NFKC", answer).strip()
    if not text:
        return ""
    keys = [option_key(o) for o in options]
    if not re.fullmatch(r"[A-Za-z]", text) and option_key(text) in keys:
        return LETTERS[keys.index(option_key(text))]
    if _LETTERS_ONLY.fullmatch(text):
        return re.sub(r"[\[\]()【】.。]", "", text).upper()  # "(A)", "【AB】", "A." → letters
    parts = [option_key(p) for p in _TEXT_SEPARATORS.split(text) if p.strip()]
    if len(parts) > 1 and all(p in keys for p in parts):
        return "".join(sorted({LETTERS[keys.index(p)] for p in parts}))
    return None


def _bool_answer(answer: str, options: list[str]) -> Any:
    text = unicodedata.normalize("NFKC", answer).strip()
    if text in ("1", "0"):
        return text == "1"
    if options and re.fullmatch(r"[A-Ha-h]", text):
        i = LETTERS.index(text.upper())
        if i < len(options):
            return options[i]
    return text


def _fill_answer(prompt: str, answer: str, blanks: list[str], where: Msg, out: Parsed) -> list[Any]:
    if blanks:
        return [split_alternatives(b) for b in blanks]
    if not answer:
        return []
    from quizzes.model import count_blanks

    parts = split_alternatives(answer)
    n = count_blanks(prompt)
    if n > 1 and len(parts) == n:
        out.warnings.append(Msg("warn.blanks_in_one_cell", where=where, n=n))
        return parts
    return [parts]


def parse_excel(path: Path, progress: Progress | None = None) -> Parsed:
    """Read an .xlsx or .csv question bank into candidate questions."""
    raw = check_size(path)
    suffix = path.suffix.lower()
    is_zip = zipfile.is_zipfile(io.BytesIO(raw))
    as_csv = not is_zip and raw[:8] != OLE_MAGIC and suffix not in EXCEL_SUFFIXES
    sheets = read_csv(path, raw) if as_csv else read_xlsx(path, raw)
    parsed = parse_sheets(sheets, path, progress)
    if is_zip and suffix == ".csv":
        parsed.warnings.insert(0, Msg("warn.excel_named_csv", name=path.name))
    return parsed
