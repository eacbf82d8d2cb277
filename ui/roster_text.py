"""A roster file's problems in the user's language, each naming its row and column
(``第 5 行「部门」列：为空``), for the 人员名册 page and the CLI (no Streamlit here)."""

from __future__ import annotations

from collections.abc import Callable

from tracker.roster import RosterProblem

# Problems of one cell or column of a row; the others name the row only, or the whole file.
IN_COLUMN = {"empty_cells", "repeated_id", "too_long", "control", "bad_active"}


def say_problem(problem: str, say: Callable[..., str], *, path: str | None = None) -> str:
    """``problem`` said by ``say`` (``say(key, **values)`` in one language), with ``path`` (the file's
    name as the user knows it) in front when given. A plain ``str`` is returned as it is."""
    if not isinstance(problem, RosterProblem):
        return str(problem)
    columns = say("roster.problem.sep").join(say(f"roster.col.{f}") for f in problem.fields)
    message = say(f"roster.problem.{problem.code}", **problem.values, columns=columns)
    if problem.row is None:
        where = ""
    elif problem.cell:
        where = say("roster.where.cell", row=problem.row, cell=problem.cell)
    elif problem.code in IN_COLUMN and problem.fields:
        where = say("roster.where.column", row=problem.row, columns=columns)
    else:
        where = say("roster.where.row", row=problem.row)
    text = say("roster.problem.at", where=where, message=message) if where else message
    return say("roster.problem.in_file", path=path, text=text) if path else text
