"""Publishing uploaded content into the content folder: checked first, written atomically.

An upload is never executed: YAML goes through the same safe loader and validator as every
content file, and the file name is reduced to ``[a-z0-9_-]`` (Chinese as pinyin) so it cannot leave
its folder.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from quizzes.catalog import load_catalog
from quizzes.errors import ContentProblem, MingdeError
from quizzes.model import Quiz
from quizzes.names import file_stem, free_id, readable_id
from quizzes.source import MAX_FILE_BYTES, parse_yaml

FOLDERS = {"lesson": "lessons", "bank": "banks", "quiz": "quizzes", "event": "events"}


class PublishError(MingdeError):
    """An upload cannot be published (too large, invalid, or it would break other content)."""


def safe_name(name: str, fallback: str = "upload") -> str:
    """A file stem made only of ``a-z0-9_-`` (no path, no dots), at most 60 characters.

    Chinese is spelled in pinyin (``题库导入模板.xlsx`` → ``ti-ku-dao-ru-mu-ban``), so that two
    uploads with different Chinese names never become the same file.
    """
    stem = file_stem(name)
    return readable_id(stem) if stem.strip() else fallback


def kind_of(data: object) -> str | None:
    """Guess the kind of a parsed content file: lesson (sections), quiz (kind/draw/rounds) or bank."""
    if not isinstance(data, dict):
        return None
    if "sessions" in data:
        return "event"
    if "sections" in data:
        return "lesson"
    if any(k in data for k in ("kind", "draw", "rounds", "time_limit", "pass_percent")):
        return "quiz"
    if "questions" in data:
        return "bank"
    return None


@dataclass
class Check:
    """The outcome of checking an upload against the whole content folder."""

    kind: str
    filename: str
    problems: list[ContentProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_upload(root: str | Path, yaml_text: str, filename: str, kind: str | None = None) -> Check:
    """Validate ``yaml_text`` as if it were ``<kind folder>/<safe name>.yaml`` in ``root``.

    Problems of the new file, and problems it would cause elsewhere (a duplicate id, a lesson
    whose quiz disappears), are returned; existing problems of other files are not.
    """
    if len(yaml_text.encode("utf-8")) > MAX_FILE_BYTES:
        raise PublishError(f"{filename}: too large (the limit is {MAX_FILE_BYTES} bytes)")
    source = parse_yaml(yaml_text, filename)  # raises ContentError with path:line
    kind = kind or kind_of(source.data)
    if kind not in FOLDERS:
        raise PublishError(f"{filename}: cannot tell whether this is a lesson, a bank, a quiz or an event")
    name = safe_name(filename) + ".yaml"
    root = Path(root)
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / "content"
        if root.is_dir():
            shutil.copytree(root, trial)
        else:
            trial.mkdir()
        before = {str(p).replace(str(trial), str(root), 1) for p in load_catalog(trial).errors}
        target = trial / FOLDERS[kind] / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml_text, encoding="utf-8")
        after = load_catalog(trial).errors
    problems = []
    for p in after:
        shown = ContentProblem(
            p.path.replace(str(trial), str(root), 1), p.line, p.message.replace(str(trial), str(root)), p.field
        )
        if str(shown) not in before:
            problems.append(shown)
    return Check(kind, name, problems)


def publish(root: str | Path, yaml_text: str, filename: str, kind: str | None = None, *, replace: bool = False) -> Path:
    """Check an upload and, only if it is valid and breaks nothing, write it into the folder."""
    check = check_upload(root, yaml_text, filename, kind)
    if not check.ok:
        raise PublishError("\n".join(str(p) for p in check.problems))
    target = Path(root) / FOLDERS[check.kind] / check.filename
    if target.exists() and not replace:
        raise PublishError(f"{target} already exists (publish it as a replacement to overwrite)")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".yaml")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(yaml_text)
    os.replace(tmp, target)
    return target


def bank_file(root: str | Path, bank_id: str) -> Path:
    """Where a bank with this id is published: ``banks/<id>.yaml`` in the content folder."""
    return Path(root) / FOLDERS["bank"] / f"{bank_id}.yaml"


def suggest_bank_id(root: str | Path, filename: str) -> str:
    """A readable bank id for an uploaded file that no bank and no bank file of the folder uses yet."""
    root = Path(root)
    taken = set(load_catalog(root).banks) if root.is_dir() else set()
    folder = root / FOLDERS["bank"]
    if folder.is_dir():
        taken |= {p.stem for p in folder.iterdir()}
    return free_id(safe_name(filename, "imported"), taken)


def bank_owner(root: str | Path, bank_id: str) -> str | None:
    """The file (relative to the folder) that already holds a bank with this id, or has its file name."""
    from quizzes.errors import ContentError
    from quizzes.source import read_source

    root = Path(root)
    target = bank_file(root, bank_id)
    if target.exists():
        return str(target.relative_to(root))
    folder = root / FOLDERS["bank"]
    for p in sorted(folder.rglob("*.y*ml")) if folder.is_dir() else []:
        try:
            data = read_source(p, str(p)).data
        except ContentError:
            continue
        if isinstance(data, dict) and data.get("id") == bank_id:
            return str(p.relative_to(root))
    return None


def newest_first(quizzes: list[Quiz], published: dict[str, dt.datetime]) -> list[Quiz]:
    """``quizzes`` newest first, by the later of their ``opens`` and their publication time
    (``published``: quiz id → when); quizzes with neither keep their order, after the others."""

    def when(quiz: Quiz) -> dt.datetime | None:
        moments = [m for m in (quiz.opens, published.get(quiz.id)) if m is not None]
        return max(moments) if moments else None

    dated = sorted((q for q in quizzes if when(q) is not None), key=when, reverse=True)
    return dated + [q for q in quizzes if when(q) is None]
