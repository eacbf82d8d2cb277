"""Moodle GIFT: multiple choice, multi-select (``~%50%``), true/false, short answer and missing word.

Numeric (``{#…}``), matching (``->``) and essay (``{}``) questions are skipped with their line and the
reason. ``$CATEGORY: a/b`` tags the following questions with ``b``. ``[html]`` text is reduced to plain
text. A choice block with ``=`` is single answer as in Moodle (``~%n%`` options earn partial credit:
a scenario question's credits); without ``=`` the options with a positive weight are the key of a
multiple-answer question. Short answers accept only their 100 % answers. The general feedback
(``####…``) becomes the explanation; feedback for one answer (``#…``) is left out with a warning,
since the explanation is shown to everyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from quizzes.importers.common import (
    HTML_TAG,
    Candidate,
    Parsed,
    Progress,
    Skipped,
    html_to_text,
    report_progress,
)
from quizzes.importers.messages import Msg, where_line
from quizzes.model import LETTERS

# Escaped characters are swapped for private-use placeholders while the syntax is parsed.
_ESCAPES = {
    "\\\\": "\ue000",
    "\\~": "\ue001",
    "\\=": "\ue002",
    "\\#": "\ue003",
    "\\{": "\ue004",
    "\\}": "\ue005",
    "\\:": "\ue006",
}
_RESTORE = {v: k[1] for k, v in _ESCAPES.items()}
_ESCAPE_RE = re.compile(r"\\[\\~=#{}:]|\\n")
_TF = re.compile(r"(T|F|TRUE|FALSE)\s*(#.*)?", re.S | re.I)
_FORMAT = re.compile(r"\s*\[(html|markdown|plain|moodle)\]", re.I)
_WEIGHT = re.compile(r"\s*%(-?\d+(?:\.\d+)?)%")


def _protect(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: "\n" if m.group() == "\\n" else _ESCAPES[m.group()], text)


def _restore(text: str) -> str:
    for k, v in _RESTORE.items():
        text = text.replace(k, v)
    return text


def _clean(text: str, fmt: str, where: str, warnings: list[str]) -> str:
    """Restore escapes; strip HTML (always for [html], and for stray tags in other formats)."""
    fmt_match = _FORMAT.match(text)
    if fmt_match:
        fmt = fmt_match.group(1).lower()
        text = text[fmt_match.end() :]
    text = _restore(text).strip()
    if fmt == "html" or HTML_TAG.search(text):
        if fmt != "html":
            warnings.append(Msg("warn.html_removed", where=where, text=text[:40]))
        text = html_to_text(text)
    return re.sub(r"[ \t]+", " ", text).strip()


def blocks(text: str) -> list[tuple[int, list[str]] | tuple[int, str]]:
    """Split GIFT text into question blocks ``(first line, lines)`` and categories ``(line, 'a/b')``."""
    out: list[Any] = []
    current: list[str] = []
    start = 0
    for n, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped.startswith("$CATEGORY:"):
            if current:
                out.append((start, current))
                current = []
            out.append((n, stripped[len("$CATEGORY:") :].strip()))
            continue
        if not stripped:
            if current:
                out.append((start, current))
                current = []
            continue
        if not current:
            start = n
        current.append(line)
    if current:
        out.append((start, current))
    return out


def looks_like_gift(text: str) -> bool:
    """Whether text uses GIFT syntax (an answer block ``{…}``, a ``::title::`` or ``$CATEGORY``)."""
    protected = _protect(text)
    return bool(re.search(r"\{[^{}]*\}", protected) or "$CATEGORY:" in text or re.search(r"^[^\S\n]*::.+?::", text, re.M))


def parse_gift(text: str, progress: Progress | None = None) -> Parsed:
    """Parse GIFT text into candidate questions, skipping what Mingde cannot mark."""
    out = Parsed()
    items = blocks(text)
    tag: str | None = None
    total = sum(1 for _, body in items if isinstance(body, list))
    done = 0
    report_progress(progress, 0, total)
    for line, body in items:
        if isinstance(body, str):
            parts = [p.strip() for p in body.split("/") if p.strip() and p.strip() != "$course$"]
            tag = parts[-1] if parts else None
            continue
        cand = _question(line, "\n".join(body), tag, out)
        if cand is not None:
            out.candidates.append(cand)
        done += 1
        report_progress(progress, done, total)
    return out


def _question(line: int, raw: str, tag: str | None, out: Parsed) -> Candidate | None:
    where = where_line(line)
    text = _protect(raw).strip()
    if m := re.match(r"::(.*?)::", text, re.S):
        text = text[m.end() :]
    fmt = "moodle"
    if m := _FORMAT.match(text):
        fmt = m.group(1).lower()
        text = text[m.end() :]
    open_at = text.find("{")
    if open_at < 0:
        out.skipped.append(Skipped(where, Msg("skip.no_block")))
        return None
    close_at = text.find("}", open_at)
    if close_at < 0:
        out.skipped.append(Skipped(where, Msg("skip.unclosed")))
        return None
    before, inside, after = text[:open_at].strip(), text[open_at + 1 : close_at], text[close_at + 1 :].strip()
    if "{" in after or "}" in after:
        out.skipped.append(Skipped(where, Msg("skip.two_blocks")))
        return None
    general = ""
    if "####" in inside:
        inside, general = inside.split("####", 1)
    body = inside.strip()
    data: dict[str, Any] | None
    per_answer_feedback = False
    if not body:
        out.skipped.append(Skipped(where, Msg("skip.essay")))
        return None
    if body.startswith("#"):
        out.skipped.append(Skipped(where, Msg("skip.numeric")))
        return None
    if m := _TF.fullmatch(body):
        # {T#feedback for a wrong answer#feedback for a right one}: neither is for everyone
        data = {"type": "true_false", "answer": m.group(1).upper().startswith("T")}
        per_answer_feedback = bool(m.group(2) and m.group(2).strip("#").strip())
        prompt = _join(before, "", after)
    else:
        lead = re.split(r"(?=[=~])", body, maxsplit=1)[0]
        if lead.strip():
            out.skipped.append(Skipped(where, Msg("skip.answer_without_mark", text=_restore(lead.strip())[:40])))
            return None
        tokens = re.findall(r"[=~][^=~]*", body)
        if any("->" in t for t in tokens):
            out.skipped.append(Skipped(where, Msg("skip.matching")))
            return None
        answers = []
        for tok in tokens:
            mark, rest = tok[0], tok[1:]
            weight = None
            if wm := _WEIGHT.match(rest):
                weight = float(wm.group(1))
                rest = rest[wm.end() :]
            answer_text, _, fb = rest.partition("#")
            answers.append(_Answer(mark, weight, _clean(answer_text, fmt, where, out.warnings), fb))
        if all(a.mark == "=" for a in answers):
            data = _short_answer(answers, where, out)
            prompt = _join(before, "___", after)
        else:
            data = _choice(answers, where, out)
            prompt = _join(before, "___", after) if after else before
        if data is None:
            return None
        per_answer_feedback = any(a.feedback.strip() for a in answers)
    data["prompt"] = _clean(prompt, fmt, where, out.warnings)
    if not data["prompt"]:
        out.skipped.append(Skipped(where, Msg("skip.no_question_text")))
        return None
    if per_answer_feedback:
        out.warnings.append(Msg("warn.feedback_dropped", where=where))
    if general.strip() and (explanation := _clean(general, fmt, where, out.warnings)):
        data["explanation"] = explanation
    if tag:
        data["tags"] = [_restore(tag)]
    return Candidate(where, data)


@dataclass(frozen=True)
class _Answer:
    """One ``=`` or ``~`` answer of a block: its mark, ``%weight%`` (None if not given), text and feedback."""

    mark: str
    weight: float | None
    text: str
    feedback: str

    @property
    def credit(self) -> float:
        """Moodle's fraction: ``=`` is 100 %, ``~`` is 0 %, unless a weight is given."""
        if self.weight is not None:
            return self.weight / 100
        return 1.0 if self.mark == "=" else 0.0

    @property
    def shown(self) -> str:
        return f"{self.mark}{'' if self.weight is None else f'%{self.weight:g}%'}{self.text}"


def _short_answer(answers: list[_Answer], where: Msg, out: Parsed) -> dict[str, Any] | None:
    """``{=a =b}``: only fully right answers are accepted; partial ones and ``*`` are left out with a warning."""
    accepted = [a.text for a in answers if a.credit >= 1 and a.text and a.text != "*"]
    partial = [a for a in answers if 0 < a.credit < 1 and a.text != "*"]
    if any(a.text == "*" for a in answers):
        out.warnings.append(Msg("warn.wildcard_dropped", where=where))
    if partial:
        out.warnings.append(Msg("warn.partial_answers_dropped", where=where, answers=", ".join(a.shown for a in partial)))
    if not accepted:
        out.skipped.append(Skipped(where, Msg("skip.no_full_answer")))
        return None
    return {"type": "fill_blank", "answer": [accepted]}


def _choice(answers: list[_Answer], where: Msg, out: Parsed) -> dict[str, Any] | None:
    """A choice block. With an ``=`` it is single answer (Moodle): the ``=`` option is the key and
    ``~%n%`` options earn partial credit, kept as a scenario question's credits. Without ``=`` the
    options with a positive weight are the key of a multiple-answer question.
    """
    options = [a.text for a in answers]
    if any(a.mark == "=" for a in answers):
        full = [i for i, a in enumerate(answers) if a.credit >= 1]
        partial = [a for a in answers if 0 < a.credit < 1]
        for a in answers:
            if a.credit < 0:
                out.warnings.append(Msg("warn.negative_credit", where=where, weight=f"{a.weight:g}", text=a.text[:40]))
        if not partial and len(full) == 1:
            return {"type": "single", "options": options, "answer": LETTERS[full[0]] if full[0] < len(LETTERS) else "?"}
        out.warnings.append(
            Msg("warn.partial_as_scenario", where=where, partial=", ".join(a.shown[:40] for a in answers if a.credit > 0))
        )
        credits = [min(1.0, max(0.0, a.credit)) for a in answers]
        return {"type": "scenario", "options": [{"text": t, "credit": c} for t, c in zip(options, credits, strict=True)]}
    correct = [LETTERS[i] for i, a in enumerate(answers) if i < len(LETTERS) and a.credit > 0]
    if not correct:
        out.skipped.append(Skipped(where, Msg("skip.no_correct")))
        return None
    return {"type": "multiple", "options": options, "answer": "".join(correct)}


def _join(before: str, blank: str, after: str) -> str:
    """The prompt around the answer block; no space before punctuation that follows the blank."""
    if after and blank and after[0] in ".,;:!?。，；：！？、）)":
        return " ".join(p for p in (before, blank + after) if p)
    return " ".join(p for p in (before, blank, after) if p)
