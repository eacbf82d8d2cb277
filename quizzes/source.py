"""Reading YAML content with the line of every key and item, safely.

Only ``yaml.SafeLoader`` is used. The tree is built from the composed nodes so that each value
keeps the line it came from; aliases are expanded with a budget (no "billion laughs"), nesting is
bounded (already while composing, long before Python's recursion limit), and duplicate keys are
errors instead of silently overriding.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from quizzes.errors import ContentError, ContentProblem

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 40

Loc = tuple[str | int, ...]


@dataclass
class Source:
    """A parsed YAML document with the line of every path in it."""

    path: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    digest: str = ""
    text: str = ""
    spans: dict[Loc, tuple[int, int, str]] = field(default_factory=dict)  # a text's (start, end, style) in ``text``

    def line_of(self, loc: Loc) -> int:
        """The line of the deepest existing prefix of ``loc`` (1 for the document)."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)

    def problem(self, loc: Loc, message: str) -> ContentProblem:
        return ContentProblem(self.path, self.line_of(loc), message, format_loc(loc))


def format_loc(loc: Loc) -> str:
    """``('questions', 3, 'answer')`` → ``questions[3].answer``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class _TooDeep(yaml.MarkedYAMLError):
    """Raised while composing a node nested more than ``MAX_DEPTH`` levels deep."""


class _Loader(yaml.SafeLoader):
    """The safe loader, counting the nesting of the nodes it composes."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent, index):
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH + 1:
                raise _TooDeep(problem=f"nested more than {MAX_DEPTH} levels deep", problem_mark=self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Builder:
    def __init__(self, path: str):
        self.path = path
        self.lines: dict[Loc, int] = {}
        self.spans: dict[Loc, tuple[int, int, str]] = {}
        self.nodes = 0
        self.constructor = yaml.SafeLoader("")

    def fail(self, node: yaml.Node, message: str) -> ContentError:
        return ContentError.at(self.path, node.start_mark.line + 1, message)

    def build(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(node, f"document too large (more than {MAX_NODES} values after expanding aliases)")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nested more than {MAX_DEPTH} levels deep")
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise self.fail(node, f"YAML tag {node.tag!r} is not allowed")
            self.constructor.flatten_mapping(node)
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_node, "a key must be plain text")
                key = self.scalar(key_node)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    raise self.fail(key_node, f"a key must be plain text, not {key!r}")
                if isinstance(key, bool):
                    key = key_node.value  # 'on'/'yes' as a key is the word, not a boolean
                if key in result:
                    raise self.fail(key_node, f"duplicate key '{key}'")
                self.lines[loc + (key,)] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, loc + (key,), depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self.fail(node, f"YAML tag {node.tag!r} is not allowed")
            items = []
            for i, item in enumerate(node.value):
                self.lines[loc + (i,)] = item.start_mark.line + 1
                items.append(self.build(item, loc + (i,), depth + 1))
            return items
        value = self.scalar(node)
        if isinstance(value, str):
            self.spans[loc] = (node.start_mark.index, node.end_mark.index, node.style or "")
        return value

    def scalar(self, node: yaml.Node) -> Any:
        try:
            return self.constructor.construct_object(node)
        except (ValueError, TypeError, AttributeError, OverflowError):  # e.g. "!!int many", "!!timestamp soon"
            raise self.fail(node, f"{str(node.value)[:40]!r} is not a valid {node.tag.rsplit(':', 1)[-1]}") from None


def parse_yaml(text: str, path: str = "<text>") -> Source:
    """Parse one YAML document; raise ``ContentError`` with ``path:line`` on any problem."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except _TooDeep as e:
        raise ContentError.at(path, e.problem_mark.line + 1, e.problem) from None
    except yaml.reader.ReaderError as e:  # a control character, found before parsing: no mark, a position
        line = text.count("\n", 0, e.position) + 1
        raise ContentError.at(
            path, line, f"character U+{e.character:04X} is not allowed (a control or other non-printable character)"
        ) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 1
        what = e.problem or e.context or "invalid YAML"
        if e.problem and e.context and e.context_mark and mark and e.context_mark.line != mark.line:
            what += f" ({e.context} on line {e.context_mark.line + 1})"
        raise ContentError.at(path, line, f"YAML syntax error: {what}") from None
    except yaml.YAMLError as e:
        raise ContentError.at(path, 1, f"YAML syntax error: {e}") from None
    if node is None:
        raise ContentError.at(path, 1, "the file is empty")
    builder = _Builder(path)
    try:
        data = builder.build(node, (), 0)
    except yaml.constructor.ConstructorError as e:
        mark = e.problem_mark or e.context_mark
        problem = e.problem or "cannot read this value"
        if "could not determine a constructor" in problem:
            problem = "this YAML tag is not allowed"
        raise ContentError.at(path, mark.line + 1 if mark else 1, f"YAML error: {problem}") from None
    except RecursionError:
        raise ContentError.at(path, 1, "nested too deeply") from None
    lines = builder.lines
    lines[()] = 1
    return Source(path=path, data=data, lines=lines, text=text, spans=builder.spans)


def read_source(path: str | Path, display: str | None = None) -> Source:
    """Read and parse a YAML file; errors name ``display`` (default: the path as given)."""
    shown = display or str(path)
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ContentError.at(shown, 1, f"file too large ({size} bytes; the limit is {MAX_FILE_BYTES})")
        raw = p.read_bytes()
    except OSError as e:
        raise ContentError.at(shown, 1, f"cannot read the file: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ContentError.at(shown, line, "the file is not UTF-8 text (save it as UTF-8)") from None
    source = parse_yaml(text, shown)
    source.digest = hashlib.sha256(raw).hexdigest()
    return source
