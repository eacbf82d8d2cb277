"""Moodle GIFT: multiple choice, multi-select (``~%50%``), true/false, short answer and missing word.

Numeric (``{#…}``), matching (``->``) and essay (``{}``) questions are skipped with their line and the
reason. ``$CATEGORY: a/b`` tags the following questions with ``b``. ``[html]`` text is reduced to plain
text; general feedback (``####…``) and per-answer feedback (``#…``) become the explanation.
"""

from __future__ import annotations

import re
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
            warnings.append(f"{where}: HTML tags removed from '{text[:40]}'")
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
    where = f"line {line}"
    text = _protect(raw).strip()
    if m := re.match(r"::(.*?)::", text, re.S):
        text = text[m.end() :]
    fmt = "moodle"
    if m := _FORMAT.match(text):
        fmt = m.group(1).lower()
        text = text[m.end() :]
    open_at = text.find("{")
    if open_at < 0:
        out.skipped.append(Skipped(where, "no answer block {…} (a description, not a question)"))
        return None
    close_at = text.find("}", open_at)
    if close_at < 0:
        out.skipped.append(Skipped(where, "the answer block has no closing }"))
        return None
    before, inside, after = text[:open_at].strip(), text[open_at + 1 : close_at], text[close_at + 1 :].strip()
    if "{" in after or "}" in after:
        out.skipped.append(Skipped(where, "more than one answer block {…} (use \\{ and \\} for literal braces)"))
        return None
    general = ""
    if "####" in inside:
        inside, general = inside.split("####", 1)
    body = inside.strip()
    data: dict[str, Any] = {}
    feedback: list[str] = []
    if not body:
        out.skipped.append(Skipped(where, "essay question {} (free text): cannot be marked automatically"))
        return None
    if body.startswith("#"):
        out.skipped.append(Skipped(where, "numeric question {#…}: not supported"))
        return None
    if m := _TF.fullmatch(body):
        data = {"type": "true_false", "answer": m.group(1).upper().startswith("T")}
        if m.group(2):
            feedback += [_clean(f, fmt, where, out.warnings) for f in m.group(2).split("#") if f.strip()]
        prompt = _join(before, "", after)
    else:
        lead = re.split(r"(?=[=~])", body, maxsplit=1)[0]
        if lead.strip():
            out.skipped.append(Skipped(where, f"answer text '{_restore(lead.strip())[:40]}' does not start with = or ~"))
            return None
        tokens = re.findall(r"[=~][^=~]*", body)
        if any("->" in t for t in tokens):
            out.skipped.append(Skipped(where, "matching question (->): not supported"))
            return None
        answers = []
        for tok in tokens:
            mark, rest = tok[0], tok[1:]
            weight = None
            if wm := _WEIGHT.match(rest):
                weight = float(wm.group(1))
                rest = rest[wm.end() :]
            answer_text, _, fb = rest.partition("#")
            answers.append((mark, weight, answer_text, fb))
        if all(a[0] == "=" for a in answers):
            alternatives = [_clean(a[2], fmt, where, out.warnings) for a in answers if a[1] is None or a[1] > 0]
            data = {"type": "fill_blank", "answer": [[a for a in alternatives if a]]}
            feedback += [_clean(a[3], fmt, where, out.warnings) for a in answers if a[3].strip()]
            prompt = _join(before, "___", after)
        else:
            options = [_clean(a[2], fmt, where, out.warnings) for a in answers]
            correct = [
                LETTERS[i] for i, a in enumerate(answers) if i < len(LETTERS) and (a[1] > 0 if a[1] is not None else a[0] == "=")
            ]
            if not correct:
                out.skipped.append(Skipped(where, "no correct answer (= or a positive %weight%)"))
                return None
            weighted = any(a[0] == "~" and a[1] is not None and a[1] > 0 for a in answers)
            qtype = "multiple" if weighted or len(correct) > 1 else "single"
            data = {"type": qtype, "options": options, "answer": "".join(correct)}
            for i, a in enumerate(answers):
                if a[3].strip() and i < len(LETTERS):
                    feedback.append(f"{LETTERS[i]}：{_clean(a[3], fmt, where, out.warnings)}")
            prompt = _join(before, "___", after) if after else before
    data["prompt"] = _clean(prompt, fmt, where, out.warnings)
    if not data["prompt"]:
        out.skipped.append(Skipped(where, "no question text"))
        return None
    explanation = [_clean(general, fmt, where, out.warnings)] if general.strip() else []
    explanation += feedback
    if any(explanation):
        data["explanation"] = "\n".join(e for e in explanation if e)
    if tag:
        data["tags"] = [_restore(tag)]
    return Candidate(where, data)


def _join(before: str, blank: str, after: str) -> str:
    return " ".join(p for p in (before, blank, after) if p)
