"""The lesson model: one lesson per file under ``lessons/``."""

from __future__ import annotations

from typing import Any

from pydantic import Field, PrivateAttr

from quizzes.fields import Duration, Id

# External images are refused in every content file, lessons included, by ``quizzes.validate``
# (``quizzes.images``); the names stay importable from here.
from quizzes.images import external_images, refuse_external_images  # noqa: F401
from quizzes.model import StrictModel


class Section(StrictModel):
    """A titled part of a lesson; the body is Markdown (rendered without raw HTML)."""

    title: str = Field(min_length=1)
    body: str = Field(min_length=1)


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
