"""Question-bank importers (Excel/CSV templates, Moodle GIFT, Aiken) and the Excel export.

``import_file`` turns a file into a valid ``Bank`` plus its YAML text and a report
(imported, skipped with where and why, warnings). A file that cannot be read at all raises
``ImportFailed`` with one message naming the file.
"""

from __future__ import annotations

from pathlib import Path

from quizzes.importers.common import ImportFailed, ImportResult, Progress, Skipped, build_result, check_size, decode_text
from quizzes.importers.export import export_excel

__all__ = ["FORMATS", "ImportFailed", "ImportResult", "Skipped", "detect_format", "export_excel", "import_file"]

FORMATS = ("excel", "gift", "aiken")


def detect_format(path: Path, text: str | None = None) -> str:
    """The format a file is in, from its suffix (.xlsx/.csv → excel, .gift → gift) and, for .txt, its syntax."""
    from quizzes.importers.aiken import looks_like_aiken
    from quizzes.importers.gift import looks_like_gift

    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".csv", ".xls"):
        return "excel"
    if suffix == ".gift":
        return "gift"
    if text is None:
        raise ImportFailed(f"{path}: cannot tell the format from the suffix '{suffix}' (use --format excel|gift|aiken)")
    if looks_like_aiken(text) and not looks_like_gift(text):
        return "aiken"
    if looks_like_gift(text):
        return "gift"
    if looks_like_aiken(text):
        return "aiken"
    raise ImportFailed(f"{path}: neither GIFT nor Aiken syntax found (use --format excel|gift|aiken)")


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
        raise ImportFailed(f"unknown format '{format}' (excel, gift or aiken)")
    if format == "excel" or (format is None and path.suffix.lower() in (".xlsx", ".xlsm", ".csv", ".xls")):
        parsed = parse_excel(path, progress)
        fmt = "excel"
    else:
        text = decode_text(check_size(path), path)
        fmt = format or detect_format(path, text)
        parsed = (parse_gift if fmt == "gift" else parse_aiken)(text, progress)
        if not parsed.candidates and not parsed.skipped:
            raise ImportFailed(f"{path}: no {fmt.upper() if fmt == 'gift' else 'Aiken'} questions found")
    return build_result(path, fmt, parsed, bank_id=bank_id, title=title)
