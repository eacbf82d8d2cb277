"""Question-bank importers (Excel/CSV templates, Moodle GIFT, Aiken) and the Excel export.

``import_file`` turns a file into a valid ``Bank`` plus its YAML text and a report
(imported, skipped with where and why, warnings). A file that cannot be read at all raises
``ImportFailed`` with one message naming the file.
"""

from __future__ import annotations

from pathlib import Path

from quizzes.importers.common import ImportFailed, ImportResult, Progress, Skipped, build_result, check_size, decode_text
from quizzes.importers.excel import EXCEL_SUFFIXES
from quizzes.importers.export import export_excel
from quizzes.importers.messages import Msg

__all__ = ["FORMATS", "ImportFailed", "ImportResult", "Msg", "Skipped", "detect_format", "export_excel", "import_file"]

FORMATS = ("excel", "gift", "aiken")


def detect_format(path: Path, text: str | None = None) -> str:
    """The format a file is in, from its suffix (.xlsx/.xls/.ods/.csv → excel, .gift → gift) and, for .txt, its syntax."""
    from quizzes.importers.aiken import looks_like_aiken
    from quizzes.importers.gift import looks_like_gift

    suffix = path.suffix.lower()
    if suffix in (".csv", *EXCEL_SUFFIXES):
        return "excel"
    if suffix == ".gift":
        return "gift"
    if text is None:
        raise ImportFailed(Msg("file.unknown_suffix", path=path, suffix=suffix))
    if looks_like_aiken(text) and not looks_like_gift(text):
        return "aiken"
    if looks_like_gift(text):
        return "gift"
    if looks_like_aiken(text):
        return "aiken"
    raise ImportFailed(Msg("file.unknown_syntax", path=path))


def import_file(
    path: str | Path,
    *,
    format: str | None = None,
    bank_id: str | None = None,
    title: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a question bank file; ``format`` (excel|gift|aiken) wins over detection from the suffix."""
    from quizzes.importers.aiken import parse_aiken
    from quizzes.importers.excel import parse_excel
    from quizzes.importers.gift import parse_gift

    path = Path(path)
    if format is not None and format not in FORMATS:
        raise ImportFailed(Msg("file.unknown_format", format=format))
    if format == "excel" or (format is None and path.suffix.lower() in (".csv", *EXCEL_SUFFIXES)):
        parsed = parse_excel(path, progress)
        fmt = "excel"
    else:
        text = decode_text(check_size(path), path)
        fmt = format or detect_format(path, text)
        parsed = (parse_gift if fmt == "gift" else parse_aiken)(text, progress)
        if not parsed.candidates and not parsed.skipped:
            raise ImportFailed(Msg("file.no_questions", path=path, format="GIFT" if fmt == "gift" else "Aiken"))
    return build_result(path, fmt, parsed, bank_id=bank_id, title=title)
