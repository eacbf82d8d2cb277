"""Aiken: single-answer multiple choice, options ``A.`` or ``A)``, then ``ANSWER: X``."""

from __future__ import annotations

import re
import unicodedata

from quizzes.importers.common import Candidate, Parsed, Progress, Skipped, report_progress
from quizzes.importers.messages import Msg, where_line
from quizzes.model import LETTERS

_OPTION = re.compile(r"([A-H])\s*[.)．）、]\s*(.*)")
_ANSWER = re.compile(r"ANSWER\s*[:：]\s*(.*)", re.I)


def looks_like_aiken(text: str) -> bool:
    """Whether text has Aiken ``ANSWER: X`` lines."""
    # [^\S\n]: spaces within the line; ^\s* would rescan every following blank line (quadratic)
    return bool(re.search(r"^[^\S\n]*ANSWER[^\S\n]*[:：][^\S\n]*[A-Za-zＡ-Ｚ]", text, re.M | re.I))


def parse_aiken(text: str, progress: Progress | None = None) -> Parsed:
    """Parse Aiken text; a question without options or an ANSWER line is skipped with its line."""
    out = Parsed()
    lines = text.split("\n")
    total = sum(1 for line in lines if _ANSWER.fullmatch(line.strip()))
    report_progress(progress, 0, total)
    prompt: list[str] = []
    options: list[str] = []
    start = 0
    done = 0

    def flush(reason: Msg) -> None:
        out.skipped.append(Skipped(where_line(start), reason))

    for n, line in enumerate(lines, 1):
        stripped = unicodedata.normalize("NFKC", line).strip() if line.strip() else ""
        if not stripped:
            continue
        if m := _ANSWER.fullmatch(stripped):
            if not prompt:
                out.skipped.append(Skipped(where_line(n), Msg("skip.aiken_answer_alone")))
            elif len(options) < 2:
                flush(Msg("skip.aiken_few_options"))
            else:
                letter = m.group(1).strip().upper()
                if not re.fullmatch(r"[A-H]", letter):
                    flush(Msg("skip.aiken_answer_letter", value=m.group(1).strip()))
                elif LETTERS.index(letter) >= len(options):
                    flush(Msg("skip.aiken_answer_range", letter=letter, last=LETTERS[len(options) - 1]))
                else:
                    data = {"type": "single", "prompt": "\n".join(prompt), "options": options, "answer": letter}
                    out.candidates.append(Candidate(where_line(start), data))
            prompt, options = [], []
            done += 1
            report_progress(progress, done, total)
            continue
        m = _OPTION.fullmatch(line.strip())
        if prompt and m and len(options) < len(LETTERS) and m.group(1) == LETTERS[len(options)]:
            options.append(m.group(2).strip())
            continue
        if options:
            # text after the options without an ANSWER line: that question is incomplete
            flush(Msg("skip.aiken_no_answer"))
            prompt, options = [], []
        if not prompt:
            start = n
        prompt.append(line.strip())
    if prompt:
        flush(Msg("skip.aiken_no_answer") if options else Msg("skip.aiken_nothing"))
    return out
