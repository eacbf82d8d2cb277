"""The importers' report messages: English text for the CLI and logs, a key and values for the UI.

A ``Msg`` is a ``str`` (its English text, so reports, tests and logs read it as before) that also
carries the key of its template and the values put into it. The UI says it in the user's language
with the catalogue key ``import.<key>`` (ui/i18n/importers.py), translating nested messages such as
the ``where`` of a warning first. Every template here has a catalogue entry with the same placeholders
(tests/test_import_messages.py).
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, str] = {
    # where
    "where.line": "line {n}",
    "where.row": "row {n}",
    "where.sheet_row": "{sheet}!row {n}",
    # files that cannot be imported at all
    "file.not_a_file": "{path}: not a file",
    "file.too_large": "{path}: file too large ({size} bytes; the limit is {limit} MB)",
    "file.unreadable": "{path}: cannot read the file ({error})",
    "file.empty": "{path}: the file is empty",
    "file.binary": "{path}: not a text file (binary data)",
    "file.encoding": "{path}: not readable text (save it as UTF-8 or GBK)",
    "file.unknown_suffix": "{path}: cannot tell the format from the suffix '{suffix}' (use --format excel|gift|aiken)",
    "file.unknown_syntax": "{path}: neither GIFT nor Aiken syntax found (use --format excel|gift|aiken)",
    "file.unknown_format": "unknown format '{format}' (excel, gift or aiken)",
    "file.no_questions": "{path}: no {format} questions found",
    "file.nothing_imported": "{path}: no question could be imported",
    "file.nothing_imported_first": "{path}: no question could be imported; {n} skipped, the first: {first}",
    "file.bad_bank_id": "bank id '{id}' is not valid (lower-case letters, digits, - and _, starting with a letter or digit)",
    "file.bank_invalid": "{path}: the imported bank is not valid ({detail})",
    "file.yaml_too_large": (
        "{path}: {n} questions make {kb} KB of YAML, more than one bank file may hold ({limit} MB); "
        "split the file into several banks"
    ),
    "file.bank_too_large": "{path}: {n} questions are more than one bank file may hold ({detail}); split the file into several banks",
    "file.no_reload": "{path}: the generated YAML does not load back ({detail})",
    "file.not_xlsx": "{path}: not an Excel .xlsx workbook (the file is not a zip package)",
    "file.broken_zip": "{path}: not an Excel .xlsx workbook (a broken zip package: {error})",
    "file.unpacks_too_large": "{path}: the workbook unpacks to {mb} MB, more than the limit of {limit} MB",
    "file.sheet_too_large": "{path}: a worksheet unpacks to {mb} MB, more than the limit of {limit} MB; split the file into several banks",
    "file.shared_strings_too_large": "{path}: the workbook's text (shared strings) is {kb} KB, more than the limit of {limit} KB",
    "file.workbook_unreadable": "{path}: cannot read the workbook ({error})",
    "file.xls_unreadable": "{path}: cannot read the Excel 97-2003 (.xls) workbook ({error})",
    "file.too_many_rows": "{path}: more than {limit} rows with content; split the file into several banks",
    "file.too_many_cells": "{path}: more than {limit} cells; split the file into several banks",
    "file.too_many_chars": "{path}: more than {limit} characters of text; split the file into several banks",
    "file.csv_broken": "{path}: not a readable CSV file (line {line}: {error})",
    "file.no_sheet": "{path}: no question sheet found (a header row with 题干 is needed, e.g. 题型, 题干, 选项A…, 正确答案)",
    # rows and questions that are skipped
    "skip.control_character": "{field}: control character U+{code} is not allowed (remove it)",
    "skip.invalid": "{detail}",
    "skip.at": "{where}: {reason}",
    "skip.no_prompt_cell": "no 题干 (question text)",
    "skip.unknown_type": "unknown 题型 '{value}' (单选题/多选题/判断题/填空题/情境题)",
    "skip.unknown_type_code": "unknown 题型 code '{value}' (the codes read here: {mapping})",
    "skip.subjective": "{label}: open-answer questions cannot be marked automatically",
    "skip.empty_option": "option {letter} is empty but a later option is filled",
    "skip.credits_not_numbers": "选项得分 '{value}' is not a list of numbers like 1,0.5,0",
    "skip.credits_count": "选项得分 gives {n} credit(s) for {options} option(s)",
    "skip.points_not_number": "分值 '{value}' is not a number",
    "skip.answer_not_option": "answer '{value}' is neither option letters nor the text of an option",
    "skip.essay": "essay question {{}} (free text): cannot be marked automatically",
    "skip.numeric": "numeric question {{#…}}: not supported",
    "skip.matching": "matching question (->): not supported",
    "skip.no_block": "no answer block {{…}} (a description, not a question)",
    "skip.unclosed": "the answer block has no closing }}",
    "skip.two_blocks": "more than one answer block {{…}} (use \\{{ and \\}} for literal braces)",
    "skip.answer_without_mark": "answer text '{text}' does not start with = or ~",
    "skip.no_correct": "no correct answer (= or a positive %weight%)",
    "skip.no_full_answer": "no answer is fully right (=answer or =%100%answer)",
    "skip.no_question_text": "no question text",
    "skip.aiken_answer_alone": "ANSWER line without a question",
    "skip.aiken_few_options": "fewer than 2 options (A. … B. …) before the ANSWER line",
    "skip.aiken_answer_letter": "ANSWER '{value}' is not one option letter",
    "skip.aiken_answer_range": "ANSWER {letter} is not one of the options A–{last}",
    "skip.aiken_no_answer": "no ANSWER line after the options",
    "skip.aiken_nothing": "no options and no ANSWER line",
    # warnings (the question is imported)
    "warn.no_header": "{sheet}: no header row with 题干 found; sheet ignored",
    "warn.ignored_columns": "{sheet}: ignored column(s) {columns}",
    "warn.no_type_column": "{sheet}: no 题型 column; each type is inferred from its options and answer",
    "warn.type_codes": "{sheet}: 题型 given as codes, read as {mapping}",
    "warn.excel_named_csv": "{name}: an Excel workbook named .csv; read as .xlsx",
    "warn.repeated_option": "{where}: option {letter} '{text}' repeats option {other} '{other_text}' (spaces are ignored); kept as '{new}'",
    "warn.blanks_in_one_cell": "{where}: one answer cell for {n} blanks; its {n} parts are taken as one answer per blank",
    "warn.unknown_difficulty": "{where}: 难度 '{value}' not recognised (低/中/高难度, 简单/一般/困难, 易/中/难); left out",
    "warn.html_removed": "{where}: HTML tags removed from '{text}'",
    "warn.partial_as_scenario": (
        "{where}: a single answer with partial credit ({partial}); imported as a scenario question "
        "so that each option keeps its credit"
    ),
    "warn.negative_credit": "{where}: negative credit {weight}% of '{text}' counts as 0",
    "warn.partial_answers_dropped": "{where}: answer(s) {answers} give only partial credit, which a fill-in question cannot; left out",
    "warn.wildcard_dropped": "{where}: the answer * (anything) is never accepted; left out",
    "warn.feedback_dropped": (
        "{where}: feedback for single answers (#…) left out: the explanation is shown to everyone "
        "whatever they answered (the general feedback #### is kept)"
    ),
}


class Msg(str):
    """A report message: its English text as a ``str``, with ``key`` and ``values`` for translation."""

    key: str
    values: dict[str, Any]

    def __new__(cls, key: str, **values: Any) -> Msg:
        self = super().__new__(cls, MESSAGES[key].format(**values))
        self.key = key
        self.values = values
        return self

    def __reduce__(self):  # pickling and deep copies keep the key and values
        return (_rebuild, (self.key, self.values))


def _rebuild(key: str, values: dict[str, Any]) -> Msg:
    return Msg(key, **values)


def where_line(n: int) -> Msg:
    """``line 12`` (GIFT, Aiken)."""
    return Msg("where.line", n=n)


def where_row(sheet: str, n: int) -> Msg:
    """``Sheet1!row 7``, or ``row 7`` for a CSV file (no sheet)."""
    return Msg("where.sheet_row", sheet=sheet, n=n) if sheet else Msg("where.row", n=n)
