"""Authoring in the browser: typed functions that build and edit content dicts, and write them as YAML.

The YAML files stay the source of truth. Every function here works on plain dicts shaped as in
``docs/content-format.md``; ``save_document`` checks the result against the whole content folder
exactly as an upload is checked (``quizzes.publishing.check_upload``), keeps the previous version under
``.history/`` and replaces the file atomically. Nothing here imports Streamlit.

Messages meant for organizers while they type (``Hint``) carry an i18n key and its values, so that the
UI shows them in the user's language; the model's own message is kept as a fallback.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from quizzes.errors import ContentProblem, FieldError, MingdeError
from quizzes.fields import SHANGHAI, parse_duration
from quizzes.images import external_images
from quizzes.model import LETTERS, Question, count_blanks, option_key, parse_bool, parse_letters
from quizzes.publishing import FOLDERS, check_upload
from quizzes.source import read_source

HISTORY = ".history"
IMAGES = "images"
IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg", b"GIF87a": ".gif", b"GIF89a": ".gif"}
MAX_IMAGE_BYTES = 2 * 1024 * 1024
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")
IMAGE_REF = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")


class AuthoringError(MingdeError):
    """A document cannot be saved: it is invalid, would break other content, or its file is taken."""

    def __init__(self, message: str, problems: list[ContentProblem] | None = None):
        self.problems = problems or []
        super().__init__(message)


@dataclass(frozen=True)
class Hint:
    """A problem shown while typing: the field, an i18n key (``author.hint.<code>``) and its values."""

    field: str
    code: str
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"author.hint.{self.code}"


@dataclass(frozen=True)
class Document:
    """A content file as a plain dict, with the path it came from (None for a new one)."""

    kind: str
    data: dict[str, Any]
    path: Path | None = None


@dataclass(frozen=True)
class Saved:
    """What ``save_document`` did: the file written and where the previous version was kept."""

    path: Path
    previous: Path | None
    created: bool


# -- YAML ---------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Safe YAML with Chinese as is, multi-line text as ``|`` blocks and lists of scalars inline."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _list(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    flow = bool(value) and all(isinstance(v, (str, int, float, bool)) and "\n" not in str(v) for v in value)
    flow = flow and sum(len(str(v)) for v in value) < 60
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(list, _list)


def dump_yaml(data: dict[str, Any]) -> str:
    """``data`` as YAML text in the contract's shape (keys in the order given)."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


# -- reading and writing documents ---------------------------------------------------------------


def documents(root: str | Path, kind: str) -> list[Document]:
    """Every readable file of a kind (``lesson``, ``bank``, ``quiz``) in the folder, sorted by name."""
    folder = Path(root) / FOLDERS[kind]
    out = []
    for p in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        if p.name.startswith("."):
            continue
        try:
            data = read_source(p).data
        except MingdeError:
            continue
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            out.append(Document(kind, data, p))
    return out


def load_document(root: str | Path, kind: str, content_id: str) -> Document:
    """The file of ``kind`` whose id is ``content_id``; ``AuthoringError`` if there is none."""
    for doc in documents(root, kind):
        if doc.data["id"] == content_id:
            return doc
    raise AuthoringError(f"{Path(root) / FOLDERS[kind]}: no {kind} with id '{content_id}'")


def _stamp(now: dt.datetime | None) -> str:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def history_of(root: str | Path, path: str | Path) -> list[Path]:
    """The kept previous versions of a content file, oldest first."""
    p = Path(path)
    folder = Path(root) / HISTORY / p.parent.name
    return sorted(folder.glob(f"{p.stem}.*.yaml")) if folder.is_dir() else []


def write_atomic(target: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``target`` whole or not at all: a temporary file beside it,
    then a rename (a reader never sees half a file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".edit-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_document(root: str | Path, kind: str, data: dict[str, Any], path: Path | None = None) -> list[ContentProblem]:
    """The problems ``data`` would have (or cause) as its file in the folder: the upload check."""
    filename = path.name if path else f"{data.get('id', 'new')}.yaml"
    return check_upload(root, dump_yaml(data), filename, kind).problems


def save_document(
    root: str | Path, kind: str, data: dict[str, Any], *, path: Path | None = None, now: dt.datetime | None = None
) -> Saved:
    """Check ``data`` against the whole folder and write it: to ``path`` (an edit) or ``<id>.yaml`` (new).

    The previous version is kept as ``.history/<folder>/<stem>.<UTC time>.yaml``. Raises
    ``AuthoringError`` with the problems (nothing is written) when the content is invalid, breaks
    other content, or a new file's name is taken.
    """
    root = Path(root)
    if kind not in FOLDERS:
        raise AuthoringError(f"unknown content kind '{kind}'")
    content_id = data.get("id")
    if not isinstance(content_id, str) or not ID_PATTERN.fullmatch(content_id):
        raise AuthoringError(f"id: '{content_id}' is not an id (a-z, 0-9, '-' and '_')")
    target = path or root / FOLDERS[kind] / f"{content_id}.yaml"
    if path is None and target.exists():
        raise AuthoringError(f"{target}: a file of this name exists already (choose another id)")
    text = dump_yaml(data)
    problems = check_upload(root, text, target.name, kind).problems
    if problems:
        raise AuthoringError("\n".join(str(p) for p in problems), problems)
    previous = None
    if target.exists():
        previous = root / HISTORY / target.parent.name / f"{target.stem}.{_stamp(now)}.yaml"
        previous.parent.mkdir(parents=True, exist_ok=True)
        previous.write_bytes(target.read_bytes())
    write_atomic(target, text)
    return Saved(target, previous, previous is None)


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever is not in ``taken``."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def next_question_id(questions: list[dict], qtype: str | None = None) -> str:
    """A free id for a new question that follows the bank's own numbering: after ``eth-s-007`` comes
    ``eth-s-008`` (the last question of ``qtype`` if the bank has one, else its last question); ``q1``
    in an empty bank or one without numbered ids."""
    taken = {str(q.get("id")) for q in questions}
    numbered = [str(q.get("id")) for q in questions if re.fullmatch(r".*?\d+", str(q.get("id")))]
    same_type = [str(q.get("id")) for q in questions if q.get("type") == qtype and str(q.get("id")) in numbered]
    last = (same_type or numbered or [""])[-1]
    m = re.fullmatch(r"(.*?)(\d+)", last)
    if not m:
        return unique_id("q1", taken)
    stem, digits = m.groups()
    n = int(digits) + 1
    while f"{stem}{n:0{len(digits)}d}" in taken:
        n += 1
    return f"{stem}{n:0{len(digits)}d}"


def slug(text: str, fallback: str = "item") -> str:
    """An id from a title: ASCII letters and digits kept; otherwise a short hash of the text."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]
    return s or f"{fallback}-{hashlib.sha1(text.encode()).hexdigest()[:6]}"


# -- questions -----------------------------------------------------------------------------------


def make_question(
    *,
    id: str,
    type: str,
    prompt: str,
    options: list[str] | None = None,
    answer: Any = None,
    credits: list[float] | None = None,
    points: float = 1,
    explanation: str = "",
    tags: list[str] | None = None,
    difficulty: str | None = None,
) -> dict[str, Any]:
    """A question dict in the contract's shape from the editor's fields (empty options dropped).

    ``answer``: single a letter; multiple letters (``"AC"`` or a list); true_false a bool; fill_blank
    one text per blank, alternatives separated by ``/``; scenario none (``credits`` per option).
    """
    q: dict[str, Any] = {"id": id.strip(), "type": type, "prompt": prompt.strip()}
    texts = [o.strip() for o in (options or [])]
    if type in ("single", "multiple"):
        q["options"] = [o for o in texts if o]
    elif type == "scenario":
        pairs = [(o, c) for o, c in zip(texts, credits or [0] * len(texts), strict=False) if o]
        q["options"] = [{"text": o, "credit": _number(c)} for o, c in pairs]
    if type == "single":
        q["answer"] = answer.strip().upper() if isinstance(answer, str) else answer
    elif type == "multiple":
        q["answer"] = "".join(answer).upper() if isinstance(answer, (list, tuple)) else str(answer or "").upper()
    elif type == "true_false":
        q["answer"] = answer
    elif type == "fill_blank":
        blanks = []
        for entry in answer or []:
            alts = [a.strip() for a in str(entry).split("/") if a.strip()] if isinstance(entry, str) else list(entry)
            blanks.append(alts[0] if len(alts) == 1 else alts)
        q["answer"] = blanks
    if points != 1:
        q["points"] = _number(points)
    if explanation and explanation.strip():
        q["explanation"] = explanation.strip()
    if tags:
        q["tags"] = [t.strip() for t in tags if t.strip()]
    if difficulty:
        q["difficulty"] = difficulty
    return q


def _number(value: Any) -> Any:
    """2.0 → 2 (so YAML shows ``2``, not ``2.0``)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def question_hints(q: dict[str, Any], taken_ids: set[str] = frozenset()) -> list[Hint]:
    """What is wrong with a question dict, as hints to show while typing (empty: it is valid)."""
    hints: list[Hint] = []
    t = q.get("type")
    qid = str(q.get("id") or "")
    if not qid:
        hints.append(Hint("id", "id_missing"))
    elif not ID_PATTERN.fullmatch(qid):
        hints.append(Hint("id", "id_pattern"))
    elif qid in taken_ids:
        hints.append(Hint("id", "id_taken", {"id": qid}))
    prompt = str(q.get("prompt") or "")
    if not prompt.strip():
        hints.append(Hint("prompt", "prompt_missing"))
    hints += _external_image_hints(q)  # before any preview: the author's browser would fetch them
    options = q.get("options") or []
    if t in ("single", "multiple", "scenario"):
        if not 2 <= len(options) <= 8:
            hints.append(Hint("options", "options_count", {"n": len(options)}))
        keys = [option_key(o["text"] if isinstance(o, dict) else str(o)) for o in options]
        for i, k in enumerate(keys):
            if k in keys[:i]:
                hints.append(Hint("options", "option_repeats", {"a": LETTERS[i], "b": LETTERS[keys.index(k)]}))
    if t in ("single", "multiple") and options:
        try:
            letters = parse_letters(q.get("answer") or "", len(options))
        except ValueError:
            hints.append(Hint("answer", "answer_letter", {"last": LETTERS[max(len(options), 1) - 1]}))
        else:
            if not letters:
                hints.append(Hint("answer", "answer_missing"))
            elif t == "single" and len(letters) != 1:
                hints.append(Hint("answer", "answer_one"))
    elif t == "true_false":
        try:
            parse_bool(q.get("answer"))
        except ValueError:
            hints.append(Hint("answer", "answer_missing"))
    elif t == "fill_blank":
        n, given = count_blanks(prompt), len(q.get("answer") or [])
        if n == 0:
            hints.append(Hint("prompt", "no_blanks"))
        elif n != given:
            hints.append(Hint("answer", "blank_count", {"n": n, "m": given}))
    elif t == "scenario" and options and not any(isinstance(o, dict) and o.get("credit") == 1 for o in options):
        hints.append(Hint("options", "credit_one"))
    points = q.get("points", 1)
    if not isinstance(points, (int, float)) or points <= 0:
        hints.append(Hint("points", "points_positive"))
    if hints:
        return hints
    try:
        Question.model_validate(q)
    except ValidationError as e:
        for err in e.errors(include_url=False):
            ctx = (err.get("ctx") or {}).get("error")
            message = ctx.message if isinstance(ctx, FieldError) else err["msg"]
            hints.append(Hint(".".join(str(x) for x in err["loc"]), "model", {"message": message}))
    return hints


def _questions(bank: dict[str, Any]) -> list[dict[str, Any]]:
    return list(bank.get("questions") or [])


def put_question(bank: dict[str, Any], question: dict[str, Any], *, replace_id: str | None = None) -> dict[str, Any]:
    """A copy of ``bank`` with ``question`` in place of ``replace_id`` (an edit) or added at the end."""
    out = copy.deepcopy(bank)
    questions = _questions(out)
    if replace_id is None:
        questions.append(copy.deepcopy(question))
    else:
        index = next((i for i, q in enumerate(questions) if q.get("id") == replace_id), None)
        if index is None:
            raise AuthoringError(f"bank '{bank.get('id')}': no question '{replace_id}'")
        questions[index] = copy.deepcopy(question)
    out["questions"] = questions
    return out


def copy_question(bank: dict[str, Any], question_id: str) -> tuple[dict[str, Any], str]:
    """A copy of ``bank`` with a copy of one question right after it; returns (bank, the copy's id)."""
    questions = _questions(bank)
    index = next((i for i, q in enumerate(questions) if q.get("id") == question_id), None)
    if index is None:
        raise AuthoringError(f"bank '{bank.get('id')}': no question '{question_id}'")
    new_id = unique_id(f"{question_id}-copy", {str(q.get("id")) for q in questions})
    twin = copy.deepcopy(questions[index]) | {"id": new_id}
    out = copy.deepcopy(bank)
    out["questions"] = questions[: index + 1] + [twin] + copy.deepcopy(questions[index + 1 :])
    return out, new_id


def delete_question(bank: dict[str, Any], question_id: str) -> dict[str, Any]:
    """A copy of ``bank`` without one question (a bank keeps at least one: the save check says so)."""
    questions = _questions(bank)
    if not any(q.get("id") == question_id for q in questions):
        raise AuthoringError(f"bank '{bank.get('id')}': no question '{question_id}'")
    out = copy.deepcopy(bank)
    out["questions"] = [copy.deepcopy(q) for q in questions if q.get("id") != question_id]
    return out


def edit_tags(bank: dict[str, Any], question_ids: list[str], *, add: list[str] = (), remove: list[str] = ()) -> dict[str, Any]:
    """A copy of ``bank`` where the chosen questions gain the tags ``add`` and lose ``remove``."""
    out = copy.deepcopy(bank)
    chosen = set(question_ids)
    for q in out.get("questions") or []:
        if q.get("id") not in chosen:
            continue
        tags = [t for t in q.get("tags") or [] if t not in set(remove)]
        tags += [t for t in add if t and t not in tags]
        if tags:
            q["tags"] = tags
        else:
            q.pop("tags", None)
    return out


# -- quizzes -------------------------------------------------------------------------------------

# The common cases (月度自测, 年度考试, 网上竞赛): the builder's starting values.
TEMPLATES: dict[str, dict[str, Any]] = {
    "monthly": {
        "kind": "quiz",
        "time_limit": 20,
        "max_attempts": 3,
        "grade_policy": "highest",
        "pass_percent": 60,
        "show_answers": "at_once",
        "shuffle_questions": True,
        "shuffle_options": True,
        "leaderboard": False,
    },
    "annual": {
        "kind": "exam",
        "time_limit": 60,
        "max_attempts": 1,
        "grade_policy": "first",
        "pass_percent": 60,
        "show_answers": "after_close",
        "shuffle_questions": True,
        "shuffle_options": True,
        "leaderboard": False,
    },
    "contest": {
        "kind": "competition",
        "time_limit": 15,
        "max_attempts": 1,
        "grade_policy": "first",
        "pass_percent": 60,
        "show_answers": "after_close",
        "shuffle_questions": True,
        "shuffle_options": True,
        "leaderboard": True,
    },
}


def local_stamp(moment: dt.datetime | None) -> str | None:
    """A time as the contract writes it: Shanghai wall time without offset, ``2026-03-01T08:00``."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(SHANGHAI).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M")


def make_draw(
    bank: str, count: int, *, type: str | None = None, tags: list[str] | None = None, points: float | None = None
) -> dict:
    """One draw: ``count`` random questions of ``bank`` (optionally of one type or any of some tags)."""
    d: dict[str, Any] = {"bank": bank, "count": int(count)}
    if tags:
        d["tags"] = list(tags)
    if type:
        d["type"] = type
    if points:
        d["points"] = _number(points)
    return d


def picked_questions(banks: dict[str, dict[str, Any]], picks: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Hand-picked bank questions copied inline (``(bank id, question id)`` each); ids kept unique."""
    out: list[dict[str, Any]] = []
    taken: set[str] = set()
    for bank_id, question_id in picks:
        bank = banks.get(bank_id) or {}
        q = next((x for x in bank.get("questions") or [] if x.get("id") == question_id), None)
        if q is None:
            raise AuthoringError(f"bank '{bank_id}': no question '{question_id}'")
        q = copy.deepcopy(q)
        q["id"] = unique_id(str(q["id"]) if q["id"] not in taken else f"{bank_id}-{q['id']}", taken)
        taken.add(q["id"])
        out.append(q)
    return out


def build_quiz(
    *,
    id: str,
    title: str,
    kind: str = "quiz",
    description: str = "",
    draws: list[dict[str, Any]] = (),
    questions: list[dict[str, Any]] = (),
    shuffle_questions: bool = True,
    shuffle_options: bool = True,
    time_limit: int | None = None,
    opens: dt.datetime | None = None,
    closes: dt.datetime | None = None,
    max_attempts: int | None = None,
    grade_policy: str = "highest",
    pass_percent: float = 60,
    show_answers: str | None = None,
    departments: list[str] = (),
    teams: list[str] = (),
    leaderboard: bool = False,
    multiple_scoring: str = "all_or_nothing",
    status: str = "draft",
) -> dict[str, Any]:
    """A quiz, exam or online contest dict from the builder's fields (``time_limit`` in minutes;
    ``opens``/``closes`` as Shanghai time). Defaults are left out of the file."""
    q: dict[str, Any] = {"id": id.strip(), "title": title.strip(), "kind": kind}
    if description.strip():
        q["description"] = description.strip()
    if status != "published":
        q["status"] = status
    if time_limit:
        q["time_limit"] = f"{int(time_limit)}m"
    if opens:
        q["opens"] = local_stamp(opens)
    if closes:
        q["closes"] = local_stamp(closes)
    q["pass_percent"] = _number(pass_percent)
    if max_attempts:
        q["max_attempts"] = int(max_attempts)
    q["grade_policy"] = grade_policy
    q["shuffle_questions"] = bool(shuffle_questions)
    q["shuffle_options"] = bool(shuffle_options)
    if multiple_scoring != "all_or_nothing":
        q["multiple_scoring"] = multiple_scoring
    if show_answers:
        q["show_answers"] = show_answers
    if departments or teams:
        q["audience"] = {k: list(v) for k, v in (("departments", departments), ("teams", teams)) if v}
    if leaderboard:
        q["leaderboard"] = True
    if questions:
        q["questions"] = [copy.deepcopy(x) for x in questions]
    if draws:
        q["draw"] = [copy.deepcopy(d) for d in draws]
    return q


def quiz_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The builder's fields of an existing quiz dict (the inverse of ``build_quiz``)."""
    from quizzes.fields import parse_timestamp

    audience = data.get("audience") or {}

    def stamp(key: str) -> dt.datetime | None:
        return parse_timestamp(data[key]).astimezone(SHANGHAI).replace(tzinfo=None) if data.get(key) else None

    limit = data.get("time_limit")
    return {
        "id": data["id"],
        "title": data.get("title", ""),
        "kind": data.get("kind", "quiz"),
        "description": data.get("description") or "",
        "draws": list(data.get("draw") or []),
        "questions": list(data.get("questions") or []),
        "shuffle_questions": data.get("shuffle_questions", True),
        "shuffle_options": data.get("shuffle_options", True),
        "time_limit": -(-parse_duration(limit) // 60) if limit else None,  # minutes, rounded up
        "opens": stamp("opens"),
        "closes": stamp("closes"),
        "max_attempts": data.get("max_attempts"),
        "grade_policy": data.get("grade_policy", "highest"),
        "pass_percent": data.get("pass_percent", 60),
        "show_answers": data.get("show_answers"),
        "departments": list(audience.get("departments") or []),
        "teams": list(audience.get("teams") or []),
        "leaderboard": bool(data.get("leaderboard", False)),
        "multiple_scoring": data.get("multiple_scoring", "all_or_nothing"),
        "status": data.get("status", "published"),
    }


def set_status(quiz: dict[str, Any], status: str) -> dict[str, Any]:
    """A copy of a quiz dict as a draft or published (``status`` is left out when published)."""
    out = copy.deepcopy(quiz)
    out.pop("status", None)
    if status != "published":
        out["status"] = status
    return out


QUIZ_ACTIONS: dict[str, str] = {
    "save_draft": "draft",
    "publish": "published",
    "save_published": "published",
    "unpublish": "draft",
}


def quiz_actions(status: str | None) -> list[str]:
    """The save buttons of a quiz that is ``status`` (``None``: not saved yet), as keys of
    ``QUIZ_ACTIONS`` (the status each one saves). A draft is saved as a draft or published; a published
    quiz is saved as it is (it stays published and employees see the change) or taken back to a draft,
    which hides it from employees and stops new attempts (answers already handed in are kept)."""
    return ["save_published", "unpublish"] if status == "published" else ["save_draft", "publish"]


def counts_in_results(kind: str) -> bool:
    """Whether a published quiz of ``kind`` counts in its audience's results (应参加测验数, 测验成绩 and
    考核指标 of the periods it is open in): every kind an organizer builds does; practice (错题重练,
    每日一练) does not."""
    return kind != "practice"


# -- lessons -------------------------------------------------------------------------------------


def build_lesson(
    *,
    id: str,
    title: str,
    sections: list[tuple[str, str]],
    summary: str = "",
    minutes: int | None = None,
    min_read_minutes: int | None = None,
    tags: list[str] = (),
    key_points: list[str] = (),
    quiz: str | None = None,
) -> dict[str, Any]:
    """A lesson dict: sections as (title, Markdown body); empty sections and key points dropped."""
    lesson: dict[str, Any] = {"id": id.strip(), "title": title.strip()}
    if summary.strip():
        lesson["summary"] = summary.strip()
    if minutes:
        lesson["minutes"] = int(minutes)
    if min_read_minutes:
        lesson["min_read_time"] = f"{int(min_read_minutes)}m"
    if tags:
        lesson["tags"] = [t.strip() for t in tags if t.strip()]
    lesson["sections"] = [{"title": t.strip(), "body": b.strip() + "\n"} for t, b in sections if t.strip() or b.strip()]
    points = [p.strip() for p in key_points if p.strip()]
    if points:
        lesson["key_points"] = points
    if quiz:
        lesson["quiz"] = quiz
    return lesson


def _external_image_hints(value: Any, loc: str = "") -> list[Hint]:
    """A hint for every external image in every text of ``value`` (the rule of ``quizzes.images``)."""
    if isinstance(value, str):
        return [Hint(loc, "external_image", {"url": url[:80]}) for _, url in external_images(value)]
    if isinstance(value, dict):
        return [h for k, v in value.items() for h in _external_image_hints(v, f"{loc}.{k}" if loc else str(k))]
    if isinstance(value, list):
        return [h for i, v in enumerate(value) for h in _external_image_hints(v, f"{loc}[{i}]")]
    return []


def lesson_hints(root: str | Path, lesson: dict[str, Any]) -> list[Hint]:
    """Problems of a lesson while typing: id and title, sections without title or body, images not in
    the content folder."""
    hints = []
    lesson_id = str(lesson.get("id") or "")
    if not lesson_id:
        hints.append(Hint("id", "id_missing"))
    elif not ID_PATTERN.fullmatch(lesson_id):
        hints.append(Hint("id", "id_pattern"))
    if not str(lesson.get("title") or "").strip():
        hints.append(Hint("title", "title_missing"))
    for n, s in enumerate(lesson.get("sections") or [], start=1):
        if not str(s.get("title", "")).strip():
            hints.append(Hint(f"sections[{n - 1}].title", "section_title", {"n": n}))
        if not str(s.get("body", "")).strip():
            hints.append(Hint(f"sections[{n - 1}].body", "section_body", {"n": n}))
        for _, ref in IMAGE_REF.findall(str(s.get("body", ""))):
            if not image_path(root, ref):
                hints.append(Hint(f"sections[{n - 1}].body", "image_missing", {"n": n, "ref": ref}))
    if not lesson.get("sections"):
        hints.append(Hint("sections", "sections_missing"))
    return hints


def image_path(root: str | Path, ref: str) -> Path | None:
    """The file of an image reference ``images/<name>`` inside the content folder, or None (an
    external address, a path leaving the folder, or a missing file)."""
    if not re.fullmatch(rf"{IMAGES}/[a-z0-9][a-z0-9_.-]*", ref) or ".." in ref:
        return None
    p = Path(root) / ref
    return p if p.is_file() else None


def save_image(root: str | Path, filename: str, data: bytes) -> str:
    """Store an uploaded PNG, JPEG or GIF under ``images/`` of the content folder; returns the
    reference to put in Markdown (``images/<name>``). The name is derived from the upload's name
    and content, so the same picture uploaded twice is one file."""
    from quizzes.publishing import safe_name

    if len(data) > MAX_IMAGE_BYTES:
        raise AuthoringError(f"{filename}: image too large (the limit is {MAX_IMAGE_BYTES} bytes)")
    suffix = next((ext for magic, ext in IMAGE_TYPES.items() if data.startswith(magic)), None)
    if suffix is None:
        raise AuthoringError(f"{filename}: not a PNG, JPEG or GIF image")
    name = f"{safe_name(filename, 'image')[:40]}-{hashlib.sha256(data).hexdigest()[:8]}{suffix}"
    target = Path(root) / IMAGES / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    return f"{IMAGES}/{name}"


def markdown_parts(body: str) -> list[tuple[str, str]]:
    """A Markdown body split into ``("text", markdown)`` and ``("image", reference)`` parts, in order,
    so that images are shown from the content folder and never fetched from an address."""
    parts: list[tuple[str, str]] = []
    last = 0
    for m in IMAGE_REF.finditer(body):
        if m.start() > last:
            parts.append(("text", body[last : m.start()]))
        parts.append(("image", m.group(2)))
        last = m.end()
    if last < len(body):
        parts.append(("text", body[last:]))
    return [p for p in parts if p[0] == "image" or p[1].strip()]


# -- live competitions ---------------------------------------------------------------------------

# The rounds of the common case, with their usual rules (必答, 抢答, 风险); 加赛 is the tie-break.
ROUND_TEMPLATES: dict[str, dict[str, Any]] = {
    "required": {"name": "必答题", "type": "required", "per_team": 2, "points": 10, "penalty": 0, "time_limit": "30s"},
    "buzzer": {
        "name": "抢答题",
        "type": "buzzer",
        "points": 10,
        "penalty": 10,
        "early_buzz_penalty": 10,
        "time_limit": "20s",
    },
    "risk": {"name": "风险题", "type": "risk", "values": [10, 20, 30], "per_team": 1, "time_limit": "60s"},
}


def make_round(
    type: str,
    *,
    name: str | None = None,
    draws: list[dict[str, Any]] = (),
    questions: list[dict[str, Any]] = (),
    points: float | None = None,
    penalty: float | None = None,
    per_team: int | None = None,
    values: list[float] | None = None,
    time_limit: int | None = None,
    early_buzz_penalty: float | None = None,
) -> dict[str, Any]:
    """A round dict from its template with the organizer's changes (``time_limit`` in seconds);
    ``questions`` are inline ones (kept when a round written by hand is edited), ``draws`` from banks."""
    if type not in ROUND_TEMPLATES:
        raise AuthoringError(f"unknown round type '{type}' (required, buzzer or risk)")
    r = copy.deepcopy(ROUND_TEMPLATES[type])
    if name:
        r["name"] = name
    for key, value in (
        ("points", points),
        ("penalty", penalty),
        ("per_team", per_team),
        ("early_buzz_penalty", early_buzz_penalty),
    ):
        if value is not None and key in r:
            r[key] = _number(value)
    if values is not None and type == "risk":
        r["values"] = [_number(v) for v in values]
    if time_limit:
        r["time_limit"] = f"{int(time_limit)}s"
    if questions:
        r["questions"] = [copy.deepcopy(q) for q in questions]
    if draws or not questions:
        r["draw"] = [copy.deepcopy(d) for d in draws]
    return r


def tiebreak_from(bank: dict[str, Any], count: int, *, type: str | None = None) -> dict[str, Any]:
    """A sudden-death tie-break (加赛) with the first ``count`` questions of ``bank`` (of ``type``)."""
    pool = [q for q in bank.get("questions") or [] if not type or q.get("type") == type]
    if len(pool) < count or count < 1:
        raise AuthoringError(f"bank '{bank.get('id')}' has {len(pool)} questions for a tie-break of {count}")
    return {"type": "sudden_death", "questions": [copy.deepcopy(q) for q in pool[:count]]}


def build_competition(
    *,
    id: str,
    title: str,
    rounds: list[dict[str, Any]],
    teams: str | list[dict[str, Any]] = "departments",
    start_score: float = 100,
    tiebreak: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A live competition dict: teams (``departments`` or ``[{name, members}]``), rounds, tie-break."""
    c: dict[str, Any] = {"id": id.strip(), "title": title.strip(), "kind": "competition"}
    c["teams"] = teams if isinstance(teams, str) else [copy.deepcopy(t) for t in teams]
    c["start_score"] = _number(start_score)
    c["rounds"] = [copy.deepcopy(r) for r in rounds]
    if tiebreak:
        c["tiebreak"] = copy.deepcopy(tiebreak)
    return c


def teams_from_text(text: str) -> list[dict[str, Any]]:
    """Teams typed one per line: ``name: E001, E002`` (members optional; ，、 also separate)."""
    teams = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _, members = re.sub("：", ":", line).partition(":")
        ids = [m for m in re.split(r"[\s,，、;；]+", members) if m]
        teams.append({"name": name.strip(), "members": ids} if ids else {"name": name.strip()})
    return teams


__all__ = [
    "AuthoringError",
    "Document",
    "Hint",
    "Saved",
    "build_competition",
    "build_lesson",
    "build_quiz",
    "check_document",
    "copy_question",
    "delete_question",
    "documents",
    "dump_yaml",
    "edit_tags",
    "history_of",
    "image_path",
    "load_document",
    "make_draw",
    "make_question",
    "make_round",
    "markdown_parts",
    "picked_questions",
    "put_question",
    "question_hints",
    "quiz_fields",
    "save_document",
    "save_image",
    "set_status",
    "quiz_actions",
    "counts_in_results",
    "QUIZ_ACTIONS",
    "slug",
    "teams_from_text",
    "tiebreak_from",
    "unique_id",
]
