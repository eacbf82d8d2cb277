"""Named exceptions of the content library.

Every message names the place: the file and line for content, the record for data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class MingdeError(Exception):
    """Base class of every error the library raises on purpose."""


@dataclass(frozen=True)
class ContentProblem:
    """One problem found in a content file: where it is and what is wrong."""

    path: str
    line: int
    message: str
    field: str = ""

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.path}:{self.line}: {where}{self.message}"


class ContentError(MingdeError):
    """A content file (or a set of them) is invalid; ``problems`` lists each one."""

    def __init__(self, problems: list[ContentProblem] | ContentProblem):
        if isinstance(problems, ContentProblem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, path: str | Path, line: int, message: str, field: str = "") -> ContentError:
        return cls(ContentProblem(str(path), line, message, field))


class FieldError(ValueError):
    """Raised inside model validators to point at one field (and so one line) of the model."""

    def __init__(self, field: str | tuple, message: str):
        self.loc = field if isinstance(field, tuple) else tuple(field.split("."))
        self.message = message
        super().__init__(message)


class ResponseError(MingdeError):
    """A response does not have the shape its question type needs."""


class DrawError(MingdeError):
    """Questions cannot be drawn for a quiz (unknown bank, not enough questions)."""
