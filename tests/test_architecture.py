"""The import rules of docs/architecture.md, checked on the code: the library never imports
Streamlit (nor the UI, except the catalogue), pages call only Access (no SQL, no store methods, no
report or rule functions of their own), and the CLI imports only click at start-up."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

LIBRARY = sorted(p for d in ("quizzes", "lessons", "tracker") for p in (ROOT / d).rglob("*.py"))
PAGES = sorted((ROOT / "ui" / "pages").glob("*.py"))
CLI = sorted((ROOT / "ui" / "cli").glob("*.py"))


def parse(path: Path) -> ast.Module:
    """``ast.parse`` of ``path``. On CPython 3.11.7, with other threads busy (the attempt sweepers of
    earlier tests), it raised SystemError "AST constructor recursion depth mismatch" once in a
    PostgreSQL run (the AST conversion's depth counter is shared between threads); parsing again is right."""
    source = path.read_text(encoding="utf-8")
    for _ in range(3):
        try:
            return ast.parse(source)
        except SystemError:
            continue
    return ast.parse(source)


def imports(path: Path, *, top_level_only: bool = False) -> list[tuple[str, list[str]]]:
    """(module, names) of each import in ``path`` (only those at module level when asked)."""
    tree = parse(path)
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    out = []
    for node in nodes:
        if isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.module, [a.name for a in node.names]))
    return out


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", LIBRARY, ids=rel)
def test_the_library_never_imports_streamlit_or_the_ui(path):
    for module, _ in imports(path):
        assert not module.startswith("streamlit"), f"{rel(path)} imports {module}"
        assert not module.startswith("ui") or module.startswith("ui.i18n"), f"{rel(path)} imports {module}"


@pytest.mark.parametrize("path", PAGES, ids=rel)
def test_pages_call_only_access(path):
    """A page reaches the store only through ``Access``: from ``tracker`` it may import classes,
    exceptions and constants, and the file writers of ``tracker.export``; never a function that reads
    or writes the database, never ``me.tracker``, never SQL. The content library (``quizzes``,
    ``lessons``) is pure and may be used for shaping what is shown."""
    text = path.read_text(encoding="utf-8")
    for module, names in imports(path):
        if module.startswith("tracker") and module != "tracker.export":
            for name in names:
                assert name[0].isupper(), f"{rel(path)} imports the function {module}.{name}: add an Access method"
    assert "me.tracker" not in text, f"{rel(path)} calls the store directly (me.tracker): add an Access method"
    assert not re.search(r"\.(execute|query)\(|\bSELECT\b|\bINSERT INTO\b|\bUPDATE \w+ SET\b", text), f"{rel(path)} holds SQL"


@pytest.mark.parametrize("path", CLI, ids=rel)
def test_the_cli_imports_only_click_at_start_up(path):
    for module, _ in imports(path, top_level_only=True):
        top = module.split(".")[0]
        assert top in (
            "__future__",
            "click",
            "pathlib",
            "typing",
            "functools",
            "sys",
            "os",
            "ui",
            "tempfile",
            "json",
            "csv",
            "datetime",
            "io",
        ), f"{rel(path)} imports {module} at start-up: import it inside the command"
        if top == "ui":
            assert module.startswith("ui.cli"), f"{rel(path)} imports {module} at start-up"


def test_the_architecture_page_names_only_what_exists():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for path in re.findall(r"`((?:quizzes|lessons|tracker|ui|tests)/[\w/.]+)`", text):
        if "NNN" in path or "<" in path:
            continue
        assert (ROOT / path).exists(), f"docs/architecture.md names {path}, which does not exist"
