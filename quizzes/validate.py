"""Turning pydantic validation errors into ``path:line: field: message`` problems."""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from quizzes.errors import ContentError, ContentProblem, FieldError
from quizzes.images import image_problems
from quizzes.source import Loc, Source, format_loc

M = TypeVar("M", bound=BaseModel)

_SCALAR_ERRORS = {
    "literal_error",
    "string_type",
    "bool_type",
    "int_type",
    "float_type",
    "bool_parsing",
    "int_parsing",
    "float_parsing",
}
# Errors whose message is clearer with the offending value: the scalar ones, and these.
_SHOW_INPUT = _SCALAR_ERRORS | {
    "int_from_float",
    "string_pattern_mismatch",
    "string_too_short",
    "greater_than",
    "greater_than_equal",
    "less_than_equal",
    "less_than",
}


def _all_field_names() -> set[str]:
    from lessons.model import Lesson, Section
    from quizzes import events, model

    names: set[str] = set()
    for m in (
        model.Option,
        model.Question,
        model.Draw,
        model.Bank,
        model.Quiz,
        model.Team,
        model.Round,
        model.Tiebreak,
        model.LiveCompetition,
        model.Weights,
        model.Assessment,
        model.CreditRule,
        model.HoursRules,
        model.AttendanceRule,
        model.PointRule,
        model.Points,
        model.Bands,
        model.Moral,
        model.DailyAudience,
        model.DailySet,
        model.Daily,
        Lesson,
        Section,
        events.Event,
        events.Session,
        events.Audience,
        events.Material,
    ):
        names.update(m.model_fields)
    return names


def _walk(data: Any, loc: tuple, is_missing: bool) -> tuple[Loc, Loc | None]:
    """Split a pydantic loc into the part that indexes ``data`` and drop union tags.

    Returns (data_loc, union_loc): union_loc is where the first union tag stood, if any.
    """
    out: list = []
    union_at: Loc | None = None
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict) and part in node or isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            out.append(part)
        elif (
            last
            and is_missing
            or isinstance(node, dict)
            and not isinstance(part, int)
            and "[" not in str(part)
            and part not in {"str", "bool", "int", "float"}
        ):
            out.append(part)
            node = None
        else:
            if union_at is None:
                union_at = tuple(out)
    return tuple(out), union_at


def _data_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def problems_from(error: ValidationError, source: Source) -> list[ContentProblem]:
    """Each pydantic error as a located problem; union noise is reduced to the branch that fits."""
    names = _all_field_names()
    rows = []
    for err in error.errors(include_url=False):
        kind = err["type"]
        loc, union_at = _walk(source.data, tuple(err["loc"]), kind == "missing")
        msg = err["msg"]
        shown = loc
        ctx_error = (err.get("ctx") or {}).get("error")
        if isinstance(ctx_error, FieldError):
            loc = shown = loc + ctx_error.loc
            msg = ctx_error.message
        elif kind == "extra_forbidden":
            key = str(loc[-1]) if loc else "?"
            close = difflib.get_close_matches(key, [n for n in names if n != key], n=1, cutoff=0.75)  # not itself
            msg = f"unknown key '{key}'" + (f" (did you mean '{close[0]}'?)" if close else "")
            shown = loc[:-1]
        elif kind == "missing":
            msg = f"missing required key '{loc[-1]}'" if loc else "missing required key"
            shown = loc[:-1]
        elif kind == "too_short":
            msg = "needs at least one item"
        elif kind in ("value_error", "assertion_error"):
            msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        elif kind == "model_type" or kind == "model_attributes_type":
            msg = "expected a mapping of keys (key: value)"
        elif kind == "string_pattern_mismatch" and loc and loc[-1] in ("id", "bank", "quiz"):
            msg = "an id uses lowercase letters a-z, digits, '-' and '_', and starts with a letter or digit"
        elif kind == "list_type":
            msg = "expected a list"
        if kind in _SHOW_INPUT and not isinstance(ctx_error, FieldError):
            msg = f"{msg} (got {err.get('input')!r})"
        rows.append((loc, union_at, kind, msg, shown))

    # Within a union, keep the errors of the branch that fits the data's shape.
    kept = []
    for loc, union_at, kind, msg, shown in rows:
        if union_at is not None:
            value = _data_at(source.data, union_at)
            siblings = [r for r in rows if r[1] == union_at]
            if isinstance(value, (list, dict)) and kind in _SCALAR_ERRORS and any(r[2] not in _SCALAR_ERRORS for r in siblings):
                continue
        kept.append((loc, msg, shown))
    seen = set()
    problems = []
    for loc, msg, shown in kept:
        p = ContentProblem(source.path, source.line_of(loc), msg, format_loc(shown))
        if (p.line, p.field, p.message) not in seen:
            seen.add((p.line, p.field, p.message))
            problems.append(p)
    problems.sort(key=lambda p: p.line)
    return problems


def validate_source(source: Source, model: type[M]) -> M:
    """Validate a parsed source against a model; raise ``ContentError`` with every problem."""
    if not isinstance(source.data, dict):
        raise ContentError.at(source.path, 1, "expected a mapping of keys (id: …, title: …) at the top of the file")
    images = image_problems(source)  # every text of every kind of content: no external images
    try:
        obj = model.model_validate(source.data)
    except ValidationError as e:
        raise ContentError(sorted(images + problems_from(e, source), key=lambda p: p.line)) from None
    if images:
        raise ContentError(images)
    if hasattr(obj, "_source"):
        obj._source = source
    return obj
