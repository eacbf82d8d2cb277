"""External images in content: refused in every Markdown text of every content file.

On an intranet a reader's browser must never fetch anything from elsewhere, and an image in Markdown
is fetched the moment the text is shown. Every text of a content file (lesson sections, question
prompts, options and explanations, quiz, competition, daily and event descriptions …) is checked by
``validate_source``; each image with a URL scheme (``http:``, ``file:``, ``data:`` …) or a ``//host``
is reported at the exact line of the file that holds it.
"""

from __future__ import annotations

import re
from typing import Any

from quizzes.errors import ContentProblem
from quizzes.source import Loc, Source, format_loc

# Markdown images: inline ``![alt](url "title")`` and by reference ``![alt][ref]`` / ``![ref]`` with
# ``[ref]: url``.
INLINE_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^\s)>]*)")
REFERENCE_IMAGE = re.compile(r"!\[([^\]]*)\](?:\[([^\]]*)\])?")
REFERENCE = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|\\\\)")  # a scheme (http:, file:, data: …) or //host
REFUSED = "external images are refused"


def _found(text: str) -> list[tuple[int, str, str]]:
    """(offset in ``text``, the image's Markdown as matched, URL) of every external image, in order."""
    found = [(m.start(), m.group(0), m.group(1)) for m in INLINE_IMAGE.finditer(text)]
    refs = {m.group(1).strip().casefold(): m.group(2) for m in REFERENCE.finditer(text)}
    for m in REFERENCE_IMAGE.finditer(text):
        if text[m.end() : m.end() + 1] == "(":
            continue  # inline, above
        url = refs.get((m.group(2) or m.group(1)).strip().casefold())
        if url:
            found.append((m.start(), m.group(0), url))
    return sorted(x for x in found if EXTERNAL.match(x[2].strip()))


def external_images(text: str) -> list[tuple[int, str]]:
    """(line in ``text``, URL) of every Markdown image that is not a file served by the app."""
    return [(text.count("\n", 0, at) + 1, url) for at, _, url in _found(text)]


def message(url: str) -> str:
    return (
        f"the image {url[:80]!r} is not a file served by Mingde; {REFUSED} (put the picture in the content folder's static files)"
    )


def refuse_external_images(text: str) -> str:
    """``ValueError`` naming the line and URL of the first image from outside the app (for a text
    that is not in a file; files are checked by ``image_problems`` with their own lines)."""
    for line, url in external_images(text):
        raise ValueError(f"line {line} of the text: {message(url)}")
    return text


def _file_line(source: Source, loc: Loc, text: str, at: int, snippet: str) -> int:
    """The line of the file that holds the image found at ``at`` in the value ``text`` at ``loc``."""
    span = source.spans.get(loc)
    if span is None:
        return source.line_of(loc)
    start, end, style = span
    raw = source.text[start:end]
    nth = text.count(snippet, 0, at)  # the same Markdown may appear more than once in the value
    index = -1
    for _ in range(nth + 1):
        index = raw.find(snippet, index + 1)
        if index < 0:
            break
    if index >= 0:
        return source.text.count("\n", 0, start + index) + 1
    first = source.text.count("\n", 0, start) + 1
    if style == "|":  # a literal block: the value's lines are the file's, from the line after `|`
        return first + text.count("\n", 0, at) + 1
    return first  # written with escapes or folded across lines: the value's first line


def image_problems(source: Source) -> list[ContentProblem]:
    """Every external image in every text of ``source``, at its own line of the file."""
    problems: list[ContentProblem] = []

    def walk(value: Any, loc: Loc) -> None:
        if isinstance(value, str):
            for at, snippet, url in _found(value):
                problems.append(
                    ContentProblem(source.path, _file_line(source, loc, value, at, snippet), message(url), format_loc(loc))
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, loc + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, loc + (i,))

    walk(source.data, ())
    return problems
