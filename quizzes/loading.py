"""Loading single content files outside a catalogue."""

from __future__ import annotations

from pathlib import Path

from quizzes.errors import ContentError
from quizzes.model import Bank, Quiz
from quizzes.source import read_source
from quizzes.validate import validate_source


def load_quiz(path: str | Path) -> Quiz:
    """Load a self-contained quiz file (inline questions only); raise ``ContentError`` otherwise."""
    source = read_source(path)
    quiz = validate_source(source, Quiz)
    if quiz.draw:
        raise source_error(source, "draw", f"quiz '{quiz.id}' draws from banks: load its folder with load_catalog()")
    return quiz


def load_bank(path: str | Path) -> Bank:
    """Load and validate one bank file."""
    return validate_source(read_source(path), Bank)


def source_error(source, field: str, message: str) -> ContentError:
    return ContentError(source.problem((field,), message))
