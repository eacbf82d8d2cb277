"""The authoring lint: warnings (never errors) about questions that give their answers away.

A question can be valid and still be guessed: the key is the one long, careful option; a
multiple-choice item has one absurd wrong option; the full-credit scenario response is always the
longest; one question's key is printed in another question of the same paper. ``lint_catalog``
reports these per bank, each finding with its ``path:line``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from quizzes.model import Bank, Question, fold_text

# Rule codes, in report order. The UI names them through the i18n keys ``lint.rule.<code>``.
RULES = (
    "longest_key",
    "one_wrong",
    "scenario_longest",
    "repeated",
    "one_answer",
    "no_explanation",
    "lonely_group",
)
# Which questions each rule looks at (the denominator of its share).
APPLIES = {
    "longest_key": {"single"},
    "one_wrong": {"multiple"},
    "scenario_longest": {"scenario"},
    "repeated": {"single", "multiple", "true_false", "fill_blank", "scenario"},
    "one_answer": {"fill_blank"},
    "no_explanation": {"single", "multiple", "true_false", "fill_blank", "scenario"},
    "lonely_group": {"single", "multiple", "true_false", "fill_blank", "scenario"},
}
MESSAGES = {
    "longest_key": "the key is the uniquely longest option",
    "one_wrong": "a multiple-choice item with at most one wrong option",
    "scenario_longest": "the full-credit option is the uniquely longest",
    "repeated": "its key is shown in another question that can be on the same paper",
    "one_answer": "a blank accepts one text only (no alternatives)",
    "no_explanation": "no explanation",
    "lonely_group": "the only question of its exclusive group (a typo?)",
}
MIN_REPEAT = 2  # a key this long that is another question's option counts as repeated
MIN_PHRASE = 4  # a key this long inside another question's prompt or option counts as repeated


@dataclass(frozen=True)
class Finding:
    """One warning: which rule, where, and (for ``repeated``) the other question, its line and the text."""

    rule: str
    path: str
    line: int
    question: str
    other: str = ""
    text: str = ""
    other_line: int = 0

    def __str__(self) -> str:
        extra = f" ({self.other}: '{self.text}')" if self.other else ""
        return f"{self.path}:{self.line}: {self.question}: {MESSAGES[self.rule]}{extra}"


@dataclass
class BankReport:
    """The lint of one bank: for each rule, how many questions it flags out of how many it looks at."""

    bank: str
    path: str
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def share(self, rule: str) -> float:
        flagged, total = self.counts.get(rule, (0, 0))
        return flagged / total if total else 0.0


def _length(text: str) -> int:
    return len(fold_text(text))


def _uniquely_longest(lengths: list[int], index: int) -> bool:
    return all(lengths[index] > n for i, n in enumerate(lengths) if i != index)


def question_rules(question: Question) -> list[str]:
    """The rules that one question breaks on its own (every rule but ``repeated`` and ``lonely_group``)."""
    t = question.type
    lengths = [_length(o.text) for o in question.options or []]
    key = question.letters.index(question.answer) if t == "single" else -1
    checks = {
        "longest_key": t == "single" and _uniquely_longest(lengths, key),
        "one_wrong": t == "multiple" and len(lengths) - len(question.answer) <= 1,
        "scenario_longest": t == "scenario"
        and any(o.credit == 1 and _uniquely_longest(lengths, i) for i, o in enumerate(question.options or [])),
        "one_answer": t == "fill_blank" and any(len({fold_text(a) for a in accepted}) == 1 for accepted in question.answer),
    }
    out = [rule for rule, hit in checks.items() if hit]
    if not (question.explanation or "").strip():
        out.append("no_explanation")
    return out


def keyed_texts(question: Question) -> list[str]:
    """What a question reveals once answered: its correct options or accepted fill-in texts."""
    t = question.type
    opts = question.options or []
    if t == "single":
        return [opts[question.letters.index(question.answer)].text]
    if t == "multiple":
        return [opts[question.letters.index(letter)].text for letter in question.answer]
    if t == "scenario":
        return [o.text for o in opts if o.credit == 1]
    if t == "fill_blank":
        return [a for accepted in question.answer for a in accepted]
    return []


def gives_away(a: Question, b: Question) -> str | None:
    """A keyed text of ``a`` that ``b`` shows before it is answered, or None: one of ``b``'s
    options word for word, or (from ``MIN_PHRASE`` characters) inside ``b``'s prompt or an option.
    Questions that share an exclusive group never meet, so they never give each other away."""
    if set(a.exclusive) & set(b.exclusive):
        return None
    options = {fold_text(o.text) for o in b.options or []}
    shown = fold_text(" ".join([b.prompt, *(o.text for o in b.options or [])]))
    for text in keyed_texts(a):
        folded = fold_text(text)
        if len(folded) >= MIN_REPEAT and folded in options or len(folded) >= MIN_PHRASE and folded in shown:
            return text
    return None


def lint_bank(bank: Bank, pools: list[list[Question]] | None = None) -> BankReport:
    """Lint one bank. ``pools``: the groups of its questions that can share a paper (each quiz's
    draws from this bank, merged); without them the whole bank is one pool."""
    source = bank._source
    path = source.path if source else bank.id
    index = {q.id: i for i, q in enumerate(bank.questions)}

    def line(q: Question) -> int:
        return source.line_of(("questions", index[q.id])) if source else 0

    report = BankReport(bank.id, path)
    flagged: dict[str, set[str]] = {rule: set() for rule in RULES}
    for q in bank.questions:
        for rule in question_rules(q):
            flagged[rule].add(q.id)
            report.findings.append(Finding(rule, path, line(q), q.id))

    pairs: set[tuple[str, str]] = set()
    for pool in pools if pools is not None else [bank.questions]:
        for a, b in combinations(pool, 2):
            pairs.add((a.id, b.id))
            pairs.add((b.id, a.id))
    by_id = {q.id: q for q in bank.questions}
    for a_id, b_id in sorted(pairs, key=lambda p: (index[p[0]], index[p[1]])):
        if a_id in flagged["repeated"]:
            continue
        text = gives_away(by_id[a_id], by_id[b_id])
        if text is not None:
            flagged["repeated"].add(a_id)
            report.findings.append(Finding("repeated", path, line(by_id[a_id]), a_id, b_id, text, line(by_id[b_id])))

    members: dict[str, list[Question]] = {}
    for q in bank.questions:
        for name in q.exclusive:
            members.setdefault(name, []).append(q)
    for qs in members.values():
        if len(qs) == 1:
            flagged["lonely_group"].add(qs[0].id)
            report.findings.append(Finding("lonely_group", path, line(qs[0]), qs[0].id))

    for rule in RULES:
        total = sum(1 for q in bank.questions if q.type in APPLIES[rule])
        report.counts[rule] = (len(flagged[rule]), total)
    report.findings.sort(key=lambda f: (f.line, RULES.index(f.rule)))
    return report


def lint_catalog(catalog) -> list[BankReport]:
    """Lint every bank of a loaded catalogue; questions count as sharing a paper when one quiz
    draws both (a bank no quiz draws from is linted as one pool)."""
    pools: dict[str, list[list[Question]]] = {}
    for quiz in catalog.quizzes.values():
        merged: dict[str, dict[str, Question]] = {}
        for d, pool in zip(quiz.draw, quiz._pools or [], strict=False):
            merged.setdefault(d.bank, {}).update({q.id: q for q in pool})
        for bank_id, qs in merged.items():
            pools.setdefault(bank_id, []).append(list(qs.values()))
    return [lint_bank(bank, pools.get(bank_id)) for bank_id, bank in catalog.banks.items()]


def format_lint(reports: list[BankReport]) -> str:
    """The lint as text for the command line: each finding, then one summary line per bank."""
    lines = [str(f) for r in reports for f in r.findings]
    for r in reports:
        parts = [f"{rule} {n}/{total} ({n / total:.0%})" for rule, (n, total) in r.counts.items() if total]
        lines.append(f"lint {r.bank}: " + ", ".join(parts))
    return "\n".join(lines)
