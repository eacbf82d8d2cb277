"""``mingde import`` and ``mingde export`` through click's CliRunner."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from quizzes.model import Bank
from quizzes.source import parse_yaml
from quizzes.validate import validate_source
from tests.conftest import CONTENT, write_files
from ui.cli import cli

SAMPLE = Path(__file__).resolve().parent / "data" / "import" / "question-bank-template-magicodes.xlsx"


@pytest.fixture(autouse=True)
def no_environment(monkeypatch):
    monkeypatch.delenv("MINGDE_DB", raising=False)
    monkeypatch.delenv("MINGDE_CONTENT", raising=False)


def run(args: list, **kwargs) -> Result:
    result = CliRunner().invoke(cli, [str(a) for a in args], **kwargs)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result


def test_import_sample_to_a_file(tmp_path):
    out = tmp_path / "drawing.yaml"
    r = run(["import", SAMPLE, "--bank-id", "drawing", "--title", "机械制图", "-o", out])
    assert r.exit_code == 0, r.output
    assert "imported 404 question(s) into bank 'drawing'" in r.stdout
    assert "QuestionBankSheetDto!row 148: option D '曲轴'" in r.stdout
    bank = validate_source(parse_yaml(out.read_text(encoding="utf-8"), str(out)), Bank)
    assert (bank.id, bank.title, len(bank.questions)) == ("drawing", "机械制图", 404)


def test_import_to_stdout_keeps_the_report_on_stderr(tmp_path):
    path = tmp_path / "bank.gift"
    path.write_text("一 {T}\n\n数 {#1}\n\n二 {=甲 ~乙}\n", encoding="utf-8")
    r = run(["import", path, "--bank-id", "g"])
    assert r.exit_code == 0
    bank = validate_source(parse_yaml(r.stdout), Bank)
    assert [q.id for q in bank.questions] == ["g-001", "g-002"]
    assert "imported 2 question(s)" in r.stderr
    assert "line 3: numeric question {#…}: not supported" in r.stderr


def test_import_format_option_wins(tmp_path):
    path = tmp_path / "bank.gift"
    path.write_text("问？\nA. 甲\nB. 乙\nANSWER: B\n", encoding="utf-8")
    r = run(["import", path, "--format", "aiken"])
    assert r.exit_code == 0 and "answer: B" in r.stdout


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("junk.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(200), "not an Excel .xlsx workbook"),
        ("empty.csv", b"", "the file is empty"),
        ("binary.gift", b"\x00\x01" * 100, "not a text file"),
    ],
)
def test_unreadable_file_is_one_line_and_exit_1(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    out = tmp_path / "out.yaml"
    r = run(["import", path, "-o", out])
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and str(path) in lines[0] and message in lines[0]
    assert not out.exists()


def test_missing_file(tmp_path):
    r = run(["import", tmp_path / "nope.xlsx"])
    assert r.exit_code == 1 and "cannot read the file" in r.stderr


def test_nothing_written_when_nothing_is_valid(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("问？\nA. 甲\nB. 乙\nANSWER: Z\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    out.write_text("keep me", encoding="utf-8")
    r = run(["import", path, "-o", out])
    assert r.exit_code == 1
    assert "skipped line 1: ANSWER 'Z' is not one option letter" in r.stderr
    assert "no question could be imported" in r.stderr
    assert out.read_text(encoding="utf-8") == "keep me"


def test_bad_bank_id(tmp_path):
    path = tmp_path / "b.gift"
    path.write_text("一 {T}\n", encoding="utf-8")
    r = run(["import", path, "--bank-id", "Not Valid"])
    assert r.exit_code == 1 and "bank id 'Not Valid' is not valid" in r.stderr


def test_progress_bar_on_a_terminal(monkeypatch):
    from ui.cli import imports as cli_import

    buf = io.StringIO()
    monkeypatch.setattr(cli_import.sys, "stderr", buf)
    bar = cli_import._Bar()
    for done in range(0, 301, 50):
        bar(done, 300)
    bar.close()
    assert bar.done == 300 and bar.bar is not None
    small = cli_import._Bar()
    small(0, 10)
    assert small.bar is None


def test_export_bank_then_import_again(tmp_path):
    out = tmp_path / "ethics.xlsx"
    r = run(["export", "ethics-bank", "-o", out, "--content", CONTENT])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("exported ")
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[1]][:2] == ["题型", "题干"]
    back = tmp_path / "ethics.yaml"
    r = run(["import", out, "--bank-id", "ethics-bank", "-o", back])
    assert r.exit_code == 0 and "skipped" not in r.stdout


def test_export_quiz_inline_questions(tmp_path):
    content = write_files(
        tmp_path / "content",
        {
            "quizzes/q.yaml": """
        id: q
        title: 小测验
        questions:
          - {id: a, type: single, prompt: 哪一个？, options: [甲, 乙], answer: A}
          - {id: b, type: true_false, prompt: 对吗？, answer: 对}
    """
        },
    )
    out = tmp_path / "q.xlsx"
    r = run(["export", "q", "-o", out, "--content", content])
    assert r.exit_code == 0 and "exported 2 question(s)" in r.stdout
    assert openpyxl.load_workbook(out).active.max_row == 3


def test_export_errors(tmp_path):
    r = run(["export", "nope", "-o", tmp_path / "x.xlsx", "--content", CONTENT])
    assert r.exit_code == 1 and "no bank or quiz 'nope'" in r.stderr
    r = run(["export", "ethics-basics-check", "-o", tmp_path / "x.xlsx", "--content", CONTENT])
    assert r.exit_code == 1 and "has no inline questions" in r.stderr
    r = run(["export", "ethics-bank", "-o", tmp_path / "x.csv", "--content", CONTENT])
    assert r.exit_code == 2 and ".xlsx" in r.stderr
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "x.csv").exists()


def test_workbook_named_csv_is_read_as_xlsx(tmp_path):
    path = tmp_path / "bank.csv"
    shutil.copy(SAMPLE, path)
    r = run(["import", path, "-o", tmp_path / "bank.yaml"])
    assert r.exit_code == 0
    assert "imported 404" in r.stdout and "an Excel workbook named .csv; read as .xlsx" in r.stdout
