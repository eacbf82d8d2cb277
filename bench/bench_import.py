"""Question-bank import: openpyxl against python-calamine on the real 404-row template (time, and
whether every cell reads the same), then whole upload imports in a fresh process each (seconds and
peak memory), hostile workbooks included. Run by hand (about a minute):

    .venv/bin/python bench/bench_import.py --write docs/benchmarks.md

Targets (issue 15, item 9): an upload import stays under 10 s and 300 MB; a workbook past a cap is
refused as soon as the cap is passed.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizzes.importers import ImportFailed, import_file  # noqa: E402
from quizzes.importers.excel import (  # noqa: E402
    MAX_CELLS,
    MAX_CHARS,
    MAX_ROWS,
    MAX_SHARED_STRINGS_BYTES,
    MAX_SHEET_BYTES,
    cell_text,
    read_xlsx,
)

SAMPLE = ROOT / "tests" / "data" / "import" / "question-bank-template-magicodes.xlsx"
SECTION = "## Question-bank import"
NOTES = "How it was run:"
HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "正确答案", "解析", "分值", "难度", "知识点"]


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def read_calamine_xlsx(raw: bytes) -> list[tuple[str, list[tuple[int, list[str]]]]]:
    """The template read by calamine the way read_xlsx reads it with openpyxl (rows with content, as text)."""
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
    sheets = []
    for name in wb.sheet_names:
        ws = wb.get_sheet_by_name(name)
        pad = [""] * (ws.start[1] if ws.start else 0)
        rows = []
        for r, values in enumerate(ws.iter_rows(), 1):
            texts = [cell_text(v) for v in pad + values]
            if any(texts):
                rows.append((r, texts))
        sheets.append((name, rows))
    return sheets


def differing_cells(a, b) -> list[str]:
    out = []
    for (name, rows_a), (_, rows_b) in zip(a, b, strict=True):
        cells_a = {(r, c): v for r, cells in rows_a for c, v in enumerate(cells) if v}
        cells_b = {(r, c): v for r, cells in rows_b for c, v in enumerate(cells) if v}
        for key in sorted(set(cells_a) | set(cells_b)):
            if cells_a.get(key) != cells_b.get(key):
                col = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[key[1]] if key[1] < 26 else str(key[1])
                out.append(f"{name}!{col}{key[0]}: openpyxl {cells_a.get(key, '')!r}, calamine {cells_b.get(key, '')!r}")
    return out


# ---------------------------------------------------------------- workbooks to upload


def bank_xlsx(path: Path, n: int) -> Path:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("题库")
    ws.append(HEADER)
    for i in range(n):
        ws.append(
            [
                "单选题",
                f"第{i}题：下列哪一项属于职业道德的基本要求？",
                "爱岗敬业",
                "投机取巧",
                "只对领导负责",
                "追求私利",
                "A",
                "爱岗敬业是基本要求。",
                1,
                "易",
                "职业道德",
            ]
        )
    wb.save(path)
    return path


def _package(path: Path, sheet_xml, shared: bytes | None = None) -> Path:
    """An .xlsx written member by member; ``sheet_xml`` yields the worksheet's bytes in pieces."""
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        + (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            if shared is not None
            else ""
        )
        + "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    book = (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    book_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        + (
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            if shared is not None
            else ""
        )
        + "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", book_rels)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            for piece in sheet_xml:
                f.write(piece)
    return path


def _sheet(rows) -> object:
    yield b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    yield from rows
    yield b"</sheetData></worksheet>"


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def many_rows_xlsx(path: Path, target_bytes: int) -> Path:
    """Rows of questions until the sheet XML is ``target_bytes`` (the 174 MB of issue 15, item 9)."""

    def rows():
        written, n = 0, 2
        while written < target_bytes:
            cells = [
                _cell(f"A{n}", "单选题"),
                _cell(f"B{n}", f"问题{n}" * 20),
                _cell(f"C{n}", "甲"),
                _cell(f"D{n}", "乙"),
                _cell(f"G{n}", "A"),
            ]
            row = f'<row r="{n}">{"".join(cells)}</row>'.encode()
            written += len(row)
            n += 1
            yield row

    header = "".join(
        _cell(f"{col}1", h)
        for col, h in zip("ABCDEFG", ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "正确答案"], strict=True)
    )
    return _package(path, _sheet(itertools.chain([f'<row r="1">{header}</row>'.encode()], rows())))


def wide_rows_xlsx(path: Path, rows: int) -> Path:
    """Rows that reach column XFD (16,384 cells each when read)."""
    body = (f'<row r="{n}">{_cell(f"A{n}", "题干")}{_cell(f"XFD{n}", "x")}</row>'.encode() for n in range(1, rows + 1))
    return _package(path, _sheet(body))


def shared_strings_xlsx(path: Path, size: int) -> Path:
    """A small sheet whose shared strings table is ``size`` bytes (openpyxl reads it whole first)."""
    count = size // 48  # each <si><t>s…</t></si> is 48 bytes
    shared = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">'.encode()
        + b"".join(f"<si><t>s{i:030d}</t></si>".encode() for i in range(count))
        + b"</sst>"
    )
    return _package(path, _sheet([b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>']), shared)


def long_csv(path: Path, target_bytes: int) -> Path:
    with path.open("w", encoding="utf-8") as f:
        f.write("题型,题干,选项A,选项B,正确答案\n")
        n = 0
        while f.tell() < target_bytes:
            f.write(f"单选题,问题{n},甲,乙,A\n")
            n += 1
    return path


# ---------------------------------------------------------------- one import in a fresh process


def child(path: str) -> None:
    t, cpu = time.perf_counter(), time.process_time()
    try:
        result = import_file(Path(path), bank_id="bench")
        outcome = f"imported {result.imported}"
    except ImportFailed as e:
        outcome = "refused: " + str(e).split(": ", 1)[1].split(";")[0][:80]
    elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "peak_mb": peak_mb(), "outcome": outcome}))


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: ru_maxrss would count the parent's before exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline_mb() -> float:
    code = "import sys; sys.argv = ['x']; import bench.bench_import as b, openpyxl, python_calamine; print(b.peak_mb())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(out.stdout.strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--write", type=Path, help="write the results into this Markdown file's section")
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return

    raw = SAMPLE.read_bytes()
    t_openpyxl = median_time(lambda: read_xlsx(SAMPLE, raw), args.runs)
    t_calamine = median_time(lambda: read_calamine_xlsx(raw), args.runs)
    diffs = differing_cells(read_xlsx(SAMPLE, raw), read_calamine_xlsx(raw))
    cells = sum(len([c for c in cells if c]) for _, rows in read_xlsx(SAMPLE, raw) for _, cells in rows)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cases = [
            ("the 404-row template", SAMPLE),
            ("2,000 questions, .xlsx", bank_xlsx(tmp / "bank2k.xlsx", 2_000)),
            ("5,000 questions, .xlsx", bank_xlsx(tmp / "bank5k.xlsx", 5_000)),
            ("a sheet unpacking to 174 MB (issue 15, item 9)", many_rows_xlsx(tmp / "rows.xlsx", 174 * 1024 * 1024)),
            ("a sheet of 45 MB: rows up to the row cap", many_rows_xlsx(tmp / "rows45.xlsx", 45 * 1024 * 1024)),
            ("rows reaching column XFD", wide_rows_xlsx(tmp / "wide.xlsx", 2_000)),
            ("shared strings of 150 MB", shared_strings_xlsx(tmp / "shared.xlsx", 150 * 1024 * 1024)),
            ("CSV of 19 MB", long_csv(tmp / "long.csv", 19 * 1024 * 1024)),
        ]
        rows = []
        for label, path in cases:
            m = measure(path)
            size = path.stat().st_size
            rows.append(
                f"| {label} | {size / 1024 / 1024:.1f} MB | {m['seconds']:.2f} | {m['cpu']:.2f} | {m['peak_mb']:.0f} | {m['outcome']} |"
            )
            print(rows[-1], flush=True)
    base = baseline_mb()

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    text = "\n".join(
        [
            f"Run {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, commit {commit}, {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}).",
            "",
            f"Reading the 404-row template (`tests/data/import/question-bank-template-magicodes.xlsx`, {cells:,} cells with content), median of {args.runs} runs:",
            "",
            "| reader | median seconds | cells that differ from openpyxl |",
            "| --- | --- | --- |",
            f"| openpyxl 3.1 (read-only, streaming) | {t_openpyxl:.3f} | — |",
            f"| python-calamine 0.9 | {t_calamine:.3f} | {len(diffs)} |",
            "",
            *[f"- {d}" for d in diffs],
            "",
            f"Whole upload imports, each in a fresh process (peak memory includes the interpreter and libraries, {base:.0f} MB):",
            f"caps: a worksheet's XML {MAX_SHEET_BYTES // 2**20} MB, shared strings {MAX_SHARED_STRINGS_BYTES // 2**20} MB "
            f"(both refused unread); {MAX_ROWS:,} rows with content, {MAX_CELLS:,} cells, {MAX_CHARS:,} characters (reading stops at the first passed).",
            "",
            "| upload | file | seconds | CPU seconds | peak MB | outcome |",
            "| --- | --- | --- | --- | --- | --- |",
            *rows,
        ]
    )
    print(text)
    if args.write:
        write_section(args.write, text)


def write_section(path: Path, body: str) -> None:
    """Replace (or add) this script's section of a Markdown file, keeping the notes under it."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    section = f"{SECTION}\n\n{body}\n"
    if SECTION in old:
        head, _, rest = old.partition(SECTION)
        tail = rest[rest.find("\n## ") :] if "\n## " in rest else ""
        body_old = rest[: len(rest) - len(tail)]
        if NOTES in body_old:
            section += "\n" + NOTES + body_old.split(NOTES, 1)[1].rstrip("\n") + "\n"
        new = head + section + tail
    else:
        new = old.rstrip("\n") + "\n\n" + section
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
