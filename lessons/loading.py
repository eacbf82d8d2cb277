"""Loading one lesson file."""

from __future__ import annotations

from pathlib import Path

from lessons.model import Lesson
from quizzes.source import read_source
from quizzes.validate import validate_source


def load_lesson(path: str | Path) -> Lesson:
    """Load and validate one lesson file; raise ``ContentError`` listing every problem."""
    return validate_source(read_source(path), Lesson)
