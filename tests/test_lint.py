"""The authoring lint: each rule as a table, the per-bank report, and `mingde validate --lint`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from quizzes import Question, load_catalog
from quizzes.lint import RULES, format_lint, gives_away, lint_catalog, question_rules
from ui.cli import cli


def q(**kw) -> Question:
    kw.setdefault("explanation", "解析")
    return Question.model_validate({"id": kw.pop("id", "q"), "prompt": kw.pop("prompt", "题目 ___"), **kw})


def scen(*credits_and_texts) -> Question:
    return q(type="scenario", options=[{"text": t, "credit": c} for t, c in credits_and_texts])


@pytest.mark.parametrize(
    ("question", "rules"),
    [
        # single: the key may not be the one longest option
        (q(type="single", options=["甲", "乙乙", "丙丙丙丙丙"], answer="C"), ["longest_key"]),
        (q(type="single", options=["甲甲甲甲甲", "乙乙", "丙丙丙丙丙"], answer="C"), []),  # tied: not unique
        (q(type="single", options=["甲", "乙乙", "丙丙丙丙丙"], answer="A"), []),
        (q(type="single", options=["A B C D", "甲乙丙", "丁"], answer="B"), []),  # spaces do not count
        # multiple: at least two wrong options
        (q(type="multiple", options=["甲", "乙", "丙", "丁"], answer="ABC"), ["one_wrong"]),
        (q(type="multiple", options=["甲", "乙", "丙", "丁"], answer="ABCD"), ["one_wrong"]),
        (q(type="multiple", options=["甲", "乙", "丙", "丁", "戊"], answer="ABC"), []),
        (q(type="multiple", options=["甲", "乙", "丙", "丁"], answer="AB"), []),
        # scenario: the full-credit option may not be the one longest
        (scen(("最好的做法而且很长", 1), ("一般", 0.5), ("差", 0)), ["scenario_longest"]),
        (scen(("好做法", 1), ("一般的做法很长", 0.5), ("差", 0)), []),
        (scen(("同样长度", 1), ("长度同样", 0), ("差", 0)), []),
        # fill-in: every blank should accept more than one wording
        (q(type="fill_blank", prompt="___", answer=["敬业"]), ["one_answer"]),
        (q(type="fill_blank", prompt="___", answer=[["敬业", "敬 业"]]), ["one_answer"]),  # the same once folded
        (q(type="fill_blank", prompt="___、___", answer=[["敬业", "爱岗敬业"], ["诚信"]]), ["one_answer"]),
        (q(type="fill_blank", prompt="___", answer=[["敬业", "爱岗敬业"]]), []),
        # every type: an explanation
        (q(type="true_false", answer=True, explanation=None), ["no_explanation"]),
        (q(type="true_false", answer=True, explanation="  "), ["no_explanation"]),
        (q(type="true_false", answer=True), []),
    ],
)
def test_question_rules(question, rules):
    assert question_rules(question) == rules


TF_OIL = q(id="tf", type="true_false", prompt="油锅起火时，应立即用水浇灭。", answer=False)
SINGLE_OIL = q(id="s", type="single", prompt="油锅起火怎么办？", options=["立即用水浇灭", "盖上锅盖", "用嘴吹"], answer="B")
FILL_PARTY = q(id="f", type="fill_blank", prompt="党纪处分有警告、严重警告、撤销党内职务、___、开除党籍。", answer=["留党察看"])
SINGLE_PARTY = q(id="p", type="single", prompt="不属于党纪处分的是？", options=["警告", "记大过", "留党察看"], answer="B")
FILL_FIVE = q(id="w", type="fill_blank", prompt="五小：小发明、小创造、小革新、小设计、小___", answer=["建议"])
SINGLE_FIVE = q(id="v", type="single", prompt="“五小”不包括？", options=["小发明", "小建议", "小竞赛"], answer="C")


@pytest.mark.parametrize(
    ("a", "b", "text"),
    [
        (FILL_PARTY, SINGLE_PARTY, "留党察看"),  # the fill-in key is an option of the other question
        (SINGLE_PARTY, FILL_PARTY, None),  # 记大过 is not shown by the fill-in
        (SINGLE_OIL, TF_OIL, None),  # the key 盖上锅盖 is not in the true/false prompt
        (FILL_FIVE, SINGLE_FIVE, None),  # a two-character key only counts as a whole option
        (SINGLE_FIVE, FILL_FIVE, None),
        (
            q(id="x", type="single", prompt="？", options=["以公开为常态", "乙"], answer="A"),
            q(id="y", type="true_false", prompt="政务公开以公开为常态。", answer=True),
            "以公开为常态",
        ),
        (FILL_PARTY.model_copy(update={"exclusive": ["party"]}), SINGLE_PARTY.model_copy(update={"exclusive": ["party"]}), None),
    ],
)
def test_gives_away(a, b, text):
    assert gives_away(a, b) == text


BANK = """
id: b
title: 题库
questions:
  - {id: long, type: single, prompt: 单选, options: [甲, 乙, 很长很长的正确答案], answer: C, explanation: 解析}
  - {id: fine, type: single, prompt: 单选二, options: [甲甲甲, 乙, 丙], answer: B, explanation: 解析}
  - {id: fill, type: fill_blank, prompt: 党纪处分之一是___。, answer: [留党察看], explanation: 解析}
  - {id: opts, type: single, prompt: 不属于党纪处分的是？, options: [警告, 记大过, 留党察看], answer: B, explanation: 解析}
  - {id: lone, type: true_false, prompt: 判断, answer: true, exclusive: typo-group}
"""


def test_bank_report_counts_shares_and_lines(make_content):
    catalog = load_catalog(make_content({"banks/b.yaml": BANK}))
    [report] = lint_catalog(catalog)
    assert report.bank == "b" and list(report.counts) == list(RULES)
    assert report.counts["longest_key"] == (1, 3)
    assert report.share("longest_key") == pytest.approx(1 / 3)
    assert report.counts["repeated"] == (1, 5)
    assert report.counts["one_answer"] == (1, 1)
    assert report.counts["no_explanation"] == (1, 5)
    assert report.counts["lonely_group"] == (1, 5)
    lines = [str(f) for f in report.findings]
    assert lines[0].endswith("banks/b.yaml:4: long: the key is the uniquely longest option")
    assert any("banks/b.yaml:6: fill: its key is shown" in line and "(opts: '留党察看')" in line for line in lines)
    repeated = next(f for f in report.findings if f.rule == "repeated")
    assert repeated.other_line == 7


def test_only_questions_one_quiz_draws_together_are_compared(make_content):
    quiz = "id: qz\ntitle: 测验\ndraw:\n  - {bank: b, count: 1, type: fill_blank}\n  - {bank: b, count: 1, type: true_false}\n"
    catalog = load_catalog(make_content({"banks/b.yaml": BANK, "quizzes/qz.yaml": quiz}))
    [report] = lint_catalog(catalog)
    assert report.counts["repeated"] == (0, 5)  # fill and opts never meet on one paper


def test_validate_lint_prints_warnings_and_still_passes(make_content):
    root = make_content({"banks/b.yaml": BANK})
    result = CliRunner().invoke(cli, ["validate", str(root), "--lint"])
    assert result.exit_code == 0, result.output
    assert "b.yaml:4: long: the key is the uniquely longest option" in result.stdout
    assert "lint b: longest_key 1/3 (33%)" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("ok:")
    assert "lint" not in CliRunner().invoke(cli, ["validate", str(root)]).stdout


def test_format_lint_of_nothing_is_empty():
    assert format_lint([]) == ""


def test_content_page_shows_the_lint_per_bank(tmp_path, monkeypatch):
    from tests.conftest import app_store, signed_in_page, write_files

    good = "id: ok\ntitle: 合格题库\nquestions:\n  - {id: t, type: true_false, prompt: 判断, answer: true, explanation: 解析}\n"
    content = write_files(tmp_path / "content", {"banks/b.yaml": BANK, "banks/ok.yaml": good})
    tracker = app_store(monkeypatch, tmp_path / "app.db", content, users=(("org", "organizer"),))
    at = signed_in_page(tracker, "org", "ui/pages/content.py")
    assert "题目质量提示" in [h.value for h in at.subheader]
    [expander] = [e for e in at.expander if "题库 · 5条提示" in e.label]
    texts = " ".join(m.value for m in expander.markdown)
    assert "单选题的正确选项是唯一最长的选项：1/3题（33%）" in texts
    code = expander.code[0].value
    assert "banks/b.yaml:4：单选题的正确选项是唯一最长的选项 · 单选" in code
    assert "（第7行的题目显示了“留党察看”）" in code
    assert "合格题库 · 没有提示" in " ".join(m.value for m in at.markdown)
    assert "long" not in code  # no internal question ids in the Chinese UI
    tracker.close()
