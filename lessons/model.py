"""The lesson model: one lesson per file under ``lessons/``."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, PrivateAttr, field_validator

from quizzes.fields import Duration, Id
from quizzes.model import StrictModel

# Markdown images: inline ``![alt](url "title")`` and by reference ``![alt][ref]`` / ``![ref]`` with
# ``[ref]: url``. An image is fetched by every reader's browser the moment the text is shown.
INLINE_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^\s)>]*)")
REFERENCE_IMAGE = re.compile(r"!\[([^\]]*)\](?:\[([^\]]*)\])?")
REFERENCE = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|\\\\)")  # a scheme (http:, file:, data: …) or //host


def external_images(text: str) -> list[tuple[int, str]]:
    """(line in ``text``, URL) of every Markdown image that is not a file served by the app."""
    found = [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in INLINE_IMAGE.finditer(text)]
    refs = {m.group(1).strip().casefold(): m.group(2) for m in REFERENCE.finditer(text)}
    for m in REFERENCE_IMAGE.finditer(text):
        if text[m.end() : m.end() + 1] == "(":
            continue  # inline, above
        url = refs.get((m.group(2) or m.group(1)).strip().casefold())
        if url:
            found.append((text.count("\n", 0, m.start()) + 1, url))
    return [(line, url) for line, url in found if EXTERNAL.match(url.strip())]


def refuse_external_images(text: str) -> str:
    """``ValueError`` naming the line and URL of the first image from outside the app (intranet:
    a reader's browser must never fetch anything from elsewhere)."""
    for line, url in external_images(text):
        raise ValueError(
            f"line {line} of the text: the image {url[:80]!r} is not a file served by Mingde; "
            "external images are refused (put the picture in the content folder's static files)"
        )
    return text


class Section(StrictModel):
    """A titled part of a lesson; the body is Markdown (rendered without raw HTML)."""

    title: str = Field(min_length=1)
    body: str = Field(min_length=1)

    @field_validator("title", "body")
    @classmethod
    def _no_external_images(cls, value: str) -> str:
        return refuse_external_images(value)


class Lesson(StrictModel):
    """A lesson: sections of Markdown, key points and an optional check quiz."""

    id: Id
    title: str = Field(min_length=1)
    summary: str | None = None
    minutes: int | None = Field(default=None, gt=0)
    min_read_time: Duration | None = None
    tags: list[str] = Field(default_factory=list)
    sections: list[Section] = Field(min_length=1)
    key_points: list[str] = Field(default_factory=list)
    quiz: Id | None = None

    _source: Any = PrivateAttr(default=None)

    @field_validator("summary", "key_points")
    @classmethod
    def _no_external_images(cls, value: Any) -> Any:
        for text in [value] if isinstance(value, str) else value or []:
            refuse_external_images(text)
        return value
