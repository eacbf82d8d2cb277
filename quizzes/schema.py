"""JSON Schemas of the content files, for editors that use yaml-language-server."""

from __future__ import annotations

from typing import Any

from lessons.model import Lesson
from quizzes.events import Event
from quizzes.model import Assessment, Bank, Daily, LiveCompetition, Quiz

KINDS = {
    "lesson": Lesson,
    "bank": Bank,
    "quiz": Quiz,
    "competition": LiveCompetition,
    "assessment": Assessment,
    "event": Event,
    "daily": Daily,
}


def schemas() -> dict[str, dict[str, Any]]:
    """One JSON Schema per file kind."""
    out = {}
    for kind, model in KINDS.items():
        body = model.model_json_schema(mode="validation")
        body["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        body["title"] = f"Mingde {kind} file"
        out[kind] = body
    return out
