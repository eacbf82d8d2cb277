"""What every importer shares: the result, the report, and building a valid bank from rows."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from quizzes.errors import FieldError, MingdeError
from quizzes.importers.messages import Msg
from quizzes.model import LETTERS, Bank, Question, option_key

MAX_IMPORT_BYTES = 20 * 1024 * 1024
Progress = Callable[[int, int], None]
_ID_OK = re.compile(r"[a-z0-9][a-z0-9_-]*")
KEY_ORDER = ("id", "type", "prompt", "options", "answer", "points", "explanation", "tags", "difficulty", "exclusive")


class ImportFailed(MingdeError):
    """A file cannot be imported at all; the message names the file. ``skipped`` lists the rows, if any."""

    def __init__(self, message: str, skipped: list[Skipped] | None = None, warnings: list[str] | None = None):
        super().__init__(message)
        self.message = message  # a Msg when raised by the importers: the UI translates it
        self.skipped = list(skipped or [])
        self.warnings = list(warnings or [])


@dataclass(frozen=True)
class Skipped:
    """A row or question that was not imported: where (``Sheet1!row 7``, ``line 12``) and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class Candidate:
    """One question as read from a file, before validation: where it came from and its fields."""

    where: str
    data: dict[str, Any]


@dataclass
class Parsed:
    """What a format parser hands back: candidate questions, skipped rows and warnings."""

    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """A valid bank, its YAML text and the report of the import."""

    bank: Bank
    yaml_text: str
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: str = ""

    @property
    def imported(self) -> int:
        """How many questions were imported."""
        return len(self.bank.questions)

    def report(self) -> str:
        """The report as text: imported count, each skipped row with its reason, warnings."""
        lines = [f"imported {self.imported} question(s) into bank '{self.bank.id}'"]
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)}:")
            lines += [f"  {s}" for s in self.skipped]
        if self.warnings:
            lines.append(f"warnings ({len(self.warnings)}):")
            lines += [f"  {w}" for w in self.warnings]
        return "\n".join(lines)


def check_size(path: Path) -> bytes:
    """The bytes of ``path``; ``ImportFailed`` if it is missing, empty (or only a BOM) or over 20 MB."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ImportFailed(Msg("file.not_a_file", path=path))
        if size > MAX_IMPORT_BYTES:
            raise ImportFailed(Msg("file.too_large", path=path, size=size, limit=MAX_IMPORT_BYTES // (1024 * 1024)))
        raw = path.read_bytes()
    except OSError as e:
        raise ImportFailed(Msg("file.unreadable", path=path, error=e.strerror or str(e))) from None
    if not raw.removeprefix(b"\xef\xbb\xbf").strip():  # nothing, or only a BOM and blank lines
        raise ImportFailed(Msg("file.empty", path=path))
    return raw


def decode_text(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), else GBK/GB18030; binary data is refused."""
    if b"\x00" in raw[:8192]:
        raise ImportFailed(Msg("file.binary", path=path))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise ImportFailed(Msg("file.encoding", path=path))


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    bad = sum(1 for ch in sample if unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\n\r\t\f")
    return bad > max(2, len(sample) // 100)


_BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
_ANY_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^<>]*>")
_CLOSE = {name: re.compile(rf"</{name}\b[^<>]*>", re.I) for name in ("script", "style")}
HTML_TAG = re.compile(
    r"</?(?:p|br|b|i|u|em|strong|span|div|img|a|ul|ol|li|table|tr|td|th|sub|sup|font|h[1-6]|script|style|iframe)\b[^<>]*>", re.I
)


def html_to_text(text: str) -> str:
    """Strip HTML tags to plain text (entities decoded, scripts and comments dropped, breaks kept as newlines).

    A small scanner in linear time rather than ``html.parser``, which takes quadratic time or worse
    on malformed markup such as ``<a <a <a …`` in the Python versions we run on. As in a browser, an
    unclosed comment or script hides the rest of the text.
    """
    parts: list[str] = []
    i = 0
    while (lt := text.find("<", i)) >= 0:
        parts.append(html.unescape(text[i:lt]))
        if text.startswith("<!--", lt):
            end = text.find("-->", lt + 4)
            i = len(text) if end < 0 else end + 3
        elif text.startswith(("<!", "<?"), lt):  # doctype, CDATA, processing instruction
            end = text.find(">", lt)
            i = len(text) if end < 0 else end + 1
        elif m := _ANY_TAG.match(text, lt):
            closing, name = m.group(1), m.group(2).lower()
            i = m.end()
            if name in _BREAKS:
                parts.append("\n")
            elif name in _CLOSE and not closing:
                close = _CLOSE[name].search(text, i)
                i = close.end() if close else len(text)
        else:  # a "<" that starts no tag is text
            parts.append("<")
            i = lt + 1
    parts.append(html.unescape(text[i:]))
    out = "\n".join(line.strip(" \t") for line in "".join(parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", out).strip()


def slug(text: str) -> str:
    """A content id from a name: ``Ethics Bank 2026`` → ``ethics-bank-2026`` (may be empty)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[^a-z0-9_]+", "-", text).strip("-_")


def bank_id_for(path: Path, bank_id: str | None) -> str:
    """The given bank id (checked), or a readable one made from the file name (Chinese as pinyin)."""
    if bank_id is not None:
        if not _ID_OK.fullmatch(bank_id):
            raise ImportFailed(Msg("file.bad_bank_id", id=bank_id))
        return bank_id
    from quizzes.names import readable_id

    return readable_id(path.stem) if path.stem.strip() else "imported"


def control_character(value: Any, loc: str = "") -> str | None:
    """``'prompt: control character U+001B …'`` for the first control character in the texts of ``value``.

    Line breaks and tabs are text; other control characters (NUL, ESC, BEL …) are never meant to be
    in a question and could drive a terminal that shows the bank.
    """
    if isinstance(value, str):
        for ch in value:
            if ch not in "\t\n\r" and unicodedata.category(ch) == "Cc":
                return Msg("skip.control_character", field=loc or "text", code=f"{ord(ch):04X}")
    elif isinstance(value, dict):
        for key, item in value.items():
            if found := control_character(item, f"{loc}.{key}" if loc else str(key)):
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if found := control_character(item, f"{loc}.{i}" if loc else str(i)):
                return found
    return None


def _error_text(e: ValidationError) -> str:
    messages = []
    for err in e.errors(include_url=False):
        ctx_error = (err.get("ctx") or {}).get("error")
        if isinstance(ctx_error, FieldError):
            loc = ".".join(str(p) for p in ctx_error.loc)
            messages.append(f"{loc}: {ctx_error.message}")
        else:
            loc = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            messages.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(messages[:3])


def _distinct_options(cand: Candidate, warnings: list[str]) -> None:
    """Options that repeat an earlier one (compared like the model: spaces ignored) get a visible marker."""
    options = cand.data.get("options")
    if not isinstance(options, list):
        return
    seen: dict[str, int] = {}
    for i, opt in enumerate(options):
        text = opt["text"] if isinstance(opt, dict) else opt
        if not isinstance(text, str) or i >= len(LETTERS):
            continue
        key = option_key(text)
        if key in seen:
            new = f"{text}（{LETTERS[i]}）"
            warnings.append(
                Msg(
                    "warn.repeated_option",
                    where=cand.where,
                    letter=LETTERS[i],
                    text=text,
                    other=LETTERS[seen[key]],
                    other_text=_text(options[seen[key]]),
                    new=new,
                )
            )
            if isinstance(opt, dict):
                opt["text"] = new
            else:
                options[i] = new
            key = option_key(new)
        seen[key] = i


def _text(opt: Any) -> str:
    return opt["text"] if isinstance(opt, dict) else str(opt)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def question_dict(q: Question, qid: str) -> dict[str, Any]:
    """A validated question as a plain dict in readable key order (defaults left out)."""
    out: dict[str, Any] = {"id": qid, "type": q.type, "prompt": q.prompt}
    if q.options is not None:
        out["options"] = [
            {"text": o.text, "credit": _number(o.credit)} if q.type == "scenario" and o.credit is not None else o.text
            for o in q.options
        ]
    if q.type in ("single", "multiple", "true_false"):
        out["answer"] = q.answer
    elif q.type == "fill_blank":
        out["answer"] = [alts[0] if isinstance(alts, list) and len(alts) == 1 else alts for alts in q.answer or []]
    if q.points != 1:
        out["points"] = _number(q.points)
    if q.explanation:
        out["explanation"] = q.explanation
    if q.tags:
        out["tags"] = list(q.tags)
    if q.difficulty:
        out["difficulty"] = q.difficulty
    if q.exclusive:
        out["exclusive"] = list(q.exclusive)
    return {k: out[k] for k in KEY_ORDER if k in out}


def build_result(path: Path, fmt: str, parsed: Parsed, *, bank_id: str | None, title: str | None) -> ImportResult:
    """Validate every candidate (invalid ones are skipped with the reason), then the bank and its YAML."""
    bid = bank_id_for(path, bank_id)
    skipped = list(parsed.skipped)
    warnings = list(parsed.warnings)
    valid: list[Question] = []
    for cand in parsed.candidates:
        if bad := control_character(cand.data):
            skipped.append(Skipped(cand.where, bad))
            continue
        _distinct_options(cand, warnings)
        try:
            valid.append(Question.model_validate({**cand.data, "id": "q"}))
        except ValidationError as e:
            skipped.append(Skipped(cand.where, Msg("skip.invalid", detail=_error_text(e))))
    skipped.sort(key=_where_key)
    if not valid:
        message = (
            Msg("file.nothing_imported_first", path=path, n=len(skipped), first=_skip_msg(skipped[0]))
            if skipped
            else Msg("file.nothing_imported", path=path)
        )
        raise ImportFailed(message, skipped, warnings)
    width = max(3, len(str(len(valid))))
    dicts = [question_dict(q, f"{bid}-{i:0{width}d}") for i, q in enumerate(valid, 1)]
    data = {"id": bid, "title": (title or path.stem).strip() or bid, "questions": dicts}
    try:
        bank = Bank.model_validate(data)
    except ValidationError as e:  # pragma: no cover - each question was valid on its own
        raise ImportFailed(Msg("file.bank_invalid", path=path, detail=_error_text(e))) from None
    text = to_yaml(data)
    _check_reload(path, text, bank, data)
    return ImportResult(bank=bank, yaml_text=text, skipped=skipped, warnings=warnings, format=fmt)


def _skip_msg(s: Skipped) -> Msg:
    return Msg("skip.at", where=s.where, reason=s.reason)


def _where_key(s: Skipped) -> tuple:
    m = re.search(r"(\d+)$", s.where)
    return (s.where.rsplit("!", 1)[0] if "!" in s.where else "", int(m.group(1)) if m else 0)


def to_yaml(data: dict[str, Any]) -> str:
    """``yaml.safe_dump`` in readable form (unicode kept, keys in the given order), by libyaml when available."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)


def _values(data: Any) -> int:
    """How many YAML values (scalars, lists and mappings, keys included) ``data`` is made of."""
    if isinstance(data, dict):
        return 1 + sum(1 + _values(v) for v in data.values())
    if isinstance(data, list):
        return 1 + sum(_values(v) for v in data)
    return 1


def _check_reload(path: Path, text: str, bank: Bank, data: dict[str, Any]) -> None:
    """The YAML fits in one content file (bytes and values, as ``quizzes.source`` counts them) and
    loads back to the same questions (libyaml when available: the content loader is pure Python)."""
    from quizzes.source import MAX_FILE_BYTES, MAX_NODES

    n = len(bank.questions)
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise ImportFailed(Msg("file.yaml_too_large", path=path, n=n, kb=size // 1024, limit=MAX_FILE_BYTES // (1024 * 1024)))
    if _values(data) > MAX_NODES:
        detail = f"document too large (more than {MAX_NODES} values after expanding aliases)"
        raise ImportFailed(Msg("file.bank_too_large", path=path, n=n, detail=detail))
    try:
        again = Bank.model_validate(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    except (yaml.YAMLError, ValidationError) as e:  # pragma: no cover - the dumper wrote it
        raise ImportFailed(Msg("file.no_reload", path=path, detail=str(e)[:200])) from None
    if [q.model_dump() for q in again.questions] != [q.model_dump() for q in bank.questions]:  # pragma: no cover
        raise ImportFailed(f"{path}: the generated YAML does not load back to the same questions")


def split_alternatives(text: str) -> list[str]:
    """Accepted alternatives within one cell: split by ``|``, ``；`` or ``;``."""
    return [p.strip() for p in re.split(r"[|｜；;]", text) if p.strip()]


def report_progress(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
