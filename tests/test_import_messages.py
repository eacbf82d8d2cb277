"""Import report messages: every one in both catalogues with the same placeholders, said in Chinese."""

from __future__ import annotations

import copy
import pickle
import re
import string
from pathlib import Path

import pytest

from quizzes.importers import ImportFailed, import_file
from quizzes.importers.messages import MESSAGES, Msg, where_line, where_row
from tests.conftest import ROOT
from ui.i18n import EN, ZH, translate

IMPORTERS = sorted((ROOT / "quizzes" / "importers").glob("*.py"))


def names(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_is_in_both_catalogues(key):
    assert ZH[f"import.{key}"] and EN[f"import.{key}"] == MESSAGES[key]
    assert names(ZH[f"import.{key}"]) == names(MESSAGES[key])
    assert not re.search(
        r"[a-zA-Z]{4,}", re.sub(r"\{[^}]*\}|GIFT|Aiken|Excel|ANSWER|HTML|MB|KB|CSV|UTF|GBK|xlsx|zip", "", ZH[f"import.{key}"])
    )


def test_every_message_used_by_the_importers_exists():
    used = {k for p in IMPORTERS for k in re.findall(r'Msg\(\s*"([a-z_.]+)"', p.read_text(encoding="utf-8"))}
    assert used and used <= set(MESSAGES), used - set(MESSAGES)
    assert set(MESSAGES) - used <= {"where.line", "where.row", "where.sheet_row"}


def test_a_message_is_its_english_text_and_keeps_its_key():
    m = Msg("warn.html_removed", where=where_line(3), text="<b>x</b>")
    assert m == "line 3: HTML tags removed from '<b>x</b>'"
    assert (m.key, m.values["where"].key) == ("warn.html_removed", "where.line")
    for again in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert again == m and again.key == m.key and again.values == m.values
    assert where_row("", 7) == "row 7" and where_row("单选题", 7) == "单选题!row 7"


def say(m: object, lang: str = "zh") -> str:
    """What the content page does (ui/import_view.say), without Streamlit."""
    if isinstance(m, Msg):
        return translate(lang, f"import.{m.key}").format(**{k: say(v, lang) for k, v in m.values.items()})
    return str(m)


def test_an_import_report_in_chinese(tmp_path):
    path = tmp_path / "bank.gift"
    path.write_text("问？{=甲 ~%50%乙 ~丙}\n\n论述 {}\n\n<b>粗</b>体？{T}\n", encoding="utf-8")
    r = import_file(path)
    assert [say(w) for w in r.warnings] == [
        "第 1 行：单选题带部分得分（=甲, ~%50%乙），已按情境题导入，每个选项保留其得分",
        "第 5 行：已去掉“<b>粗</b>体？”中的 HTML 标签",
    ]
    assert [f"{say(s.where)}：{say(s.reason)}" for s in r.skipped] == ["第 3 行：问答题 {}（自由作答）：无法自动评分"]
    assert [say(w, "en") for w in r.warnings] == list(r.warnings)


def test_a_refused_file_in_chinese(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(ImportFailed) as e:
        import_file(path)
    assert say(e.value.message) == f"{Path(path)}：文件是空的"
