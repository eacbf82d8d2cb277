"""Training classes (培训班), lectures (专题讲座) and exchange meetings (交流会): one file per event
under ``events/``, with sessions, audience, optional sign-up, 学时 credit, links and materials."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, WithJsonSchema, field_validator, model_validator

from quizzes.errors import FieldError
from quizzes.fields import SHANGHAI, Duration, Id
from quizzes.model import StrictModel

EventKind = Literal["training", "lecture", "exchange", "competition"]
KIND_NAMES = {"training": "培训班", "lecture": "专题讲座", "exchange": "交流会", "competition": "现场知识竞赛"}
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MATERIALS_FOLDER = "materials"
MATERIAL_TYPES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt", ".md", ".png", ".jpg", ".jpeg")
MAX_MATERIAL_BYTES = 20 * 1024 * 1024


class MaterialError(ValueError):
    """An uploaded material is refused; the message names the upload, ``reason`` is ``type``,
    ``size`` or ``empty`` and ``filename`` the upload's name (for the user's message)."""

    def __init__(self, message: str, reason: str, filename: str):
        super().__init__(message)
        self.reason, self.filename = reason, filename


def save_material(root: str | Path, filename: str, data: bytes) -> tuple[str, bool]:
    """Store an uploaded material under ``events/materials/`` of the content folder; returns its file
    name there (pinyin of the upload's name and a digest of its content, so the same file uploaded
    twice is one file) and whether it was written now (False: it was there)."""
    from quizzes.publishing import safe_name  # publishing loads the catalogue, which loads this module

    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if suffix not in MATERIAL_TYPES:
        raise MaterialError(f"{filename}: a material is one of {', '.join(MATERIAL_TYPES)}", "type", filename)
    if len(data) > MAX_MATERIAL_BYTES:
        raise MaterialError(f"{filename}: too large (the limit is {MAX_MATERIAL_BYTES // (1024 * 1024)} MB)", "size", filename)
    if not data:
        raise MaterialError(f"{filename}: the file is empty", "empty", filename)
    name = f"{safe_name(filename, 'material')[:40]}-{hashlib.sha256(data).hexdigest()[:8]}{suffix}"
    target = Path(root) / "events" / MATERIALS_FOLDER / name
    if target.exists():
        return name, False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, target)
    return name, True


def material_title(filename: str) -> str:
    """The title shown for an uploaded material: its file name without the folder and the suffix."""
    stem = PurePosixPath(filename.replace("\\", "/")).stem.strip()
    return stem or filename


def parse_clock(value: Any) -> str:
    """``9:00`` or ``09:00`` (also YAML's sexagesimal integer 540 for an unquoted 9:00) → ``09:00``."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return f"{value // 60:02d}:{value % 60:02d}"  # YAML 1.1 reads 9:00 as 540
    if isinstance(value, str) and (m := _CLOCK.match(value.strip())):
        return f"{int(m.group(1)):02d}:{m.group(2)}"
    raise ValueError(f"{value!r} is not a time of day like 09:00")


Clock = Annotated[
    str,
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,2}:\d{2}$", "description": "a time of day, 09:00 (quote it)"}),
]


class Session(StrictModel):
    """One sitting of an event: a day, a start and end time (Asia/Shanghai) and a place."""

    id: Id | None = None
    title: str | None = None
    date: dt.date
    start: Clock
    end: Clock
    place: str = Field(min_length=1)
    credit_hours: float | None = Field(default=None, ge=0, le=24)

    @field_validator("start", "end", mode="before")
    @classmethod
    def _clock(cls, value: Any) -> str:
        return parse_clock(value)

    @model_validator(mode="after")
    def _check(self) -> Session:
        if self.end <= self.start:
            raise FieldError("end", f"the session ends ({self.end}) before it starts ({self.start})")
        return self

    @property
    def starts(self) -> dt.datetime:
        h, m = map(int, self.start.split(":"))
        return dt.datetime(self.date.year, self.date.month, self.date.day, h, m, tzinfo=SHANGHAI)

    @property
    def ends(self) -> dt.datetime:
        h, m = map(int, self.end.split(":"))
        return dt.datetime(self.date.year, self.date.month, self.date.day, h, m, tzinfo=SHANGHAI)

    @property
    def minutes(self) -> int:
        return int((self.ends - self.starts).total_seconds() // 60)


class Audience(StrictModel):
    """Who an event is for: everyone, or the union of departments, 班组 and listed employees (工号)."""

    everyone: bool = False
    departments: list[str] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)
    employees: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_word(cls, value: Any) -> Any:
        if value == "everyone":
            return {"everyone": True}
        return value

    @model_validator(mode="after")
    def _check(self) -> Audience:
        if not self.everyone and not (self.departments or self.teams or self.employees):
            raise FieldError("everyone", "an audience is everyone, or lists departments, teams or employees")
        if self.everyone and (self.departments or self.teams or self.employees):
            raise FieldError("everyone", "an audience of everyone lists no departments, teams or employees")
        return self

    def includes(self, employee: dict) -> bool:
        """Whether an employee row (id, department, team) belongs to this audience."""
        return (
            self.everyone
            or employee.get("department") in self.departments
            or (employee.get("team") or "") in self.teams
            or employee.get("id") in self.employees
        )


_NAMES = {"type": "array", "items": {"type": "string"}}
AudienceField = Annotated[
    Audience,
    WithJsonSchema(
        {
            "anyOf": [
                {"const": "everyone"},
                {
                    "type": "object",
                    "properties": {"everyone": {"type": "boolean"}, "departments": _NAMES, "teams": _NAMES, "employees": _NAMES},
                    "additionalProperties": False,
                },
            ],
            "description": "everyone, or {departments, teams, employees}: their union",
        }
    ),
]


class Material(StrictModel):
    """A file handed out with an event, under ``events/materials/`` of the content folder."""

    title: str = Field(min_length=1)
    file: str = Field(min_length=1)

    @field_validator("file")
    @classmethod
    def _inside(cls, value: str) -> str:
        path = PurePosixPath(value.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or not path.name or path.name.startswith("."):
            raise ValueError(f"'{value}' must be a file name under events/{MATERIALS_FOLDER}/ (no folders above it)")
        return str(path)


class Event(StrictModel):
    """A training class, lecture, exchange meeting or a live competition recorded as an event."""

    id: Id
    title: str = Field(min_length=1)
    kind: EventKind
    organizer: str = Field(min_length=1)
    description: str | None = None
    sessions: list[Session] = Field(min_length=1)
    audience: AudienceField = Field(default_factory=lambda: Audience(everyone=True))
    signup: bool = False
    capacity: int | None = Field(default=None, ge=1)
    credit_hours: float = Field(default=0, ge=0, le=200)
    late_after: Duration = 600
    lesson: Id | None = None
    quiz: Id | None = None
    competition: Id | None = None
    materials: list[Material] = Field(default_factory=list)

    _source: Any = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check(self) -> Event:
        if self.kind in ("lecture", "exchange") and len(self.sessions) != 1:
            raise FieldError("sessions", f"a {self.kind} has one session, not {len(self.sessions)}")
        if self.capacity is not None and not self.signup:
            raise FieldError("capacity", "a capacity needs signup: true (people sign up to take a place)")
        if self.competition and self.kind != "competition":
            raise FieldError("competition", "only an event of kind competition links a live competition")
        ids = self.session_ids
        for i, sid in enumerate(ids):
            if sid in ids[:i]:
                raise FieldError(("sessions", i, "id"), f"duplicate session id '{sid}'")
        ordered = sorted(self.sessions, key=lambda s: s.starts)
        for a, b in zip(ordered, ordered[1:], strict=False):
            if b.starts < a.ends:
                i = self.sessions.index(b)
                raise FieldError(("sessions", i, "start"), f"this session overlaps the one of {a.date} {a.start}–{a.end}")
        return self

    @property
    def session_ids(self) -> list[str]:
        """Each session's id: its own, or ``s1``, ``s2`` … by position."""
        return [s.id or f"s{i}" for i, s in enumerate(self.sessions, start=1)]

    def session(self, session_id: str) -> Session:
        """The session with this id; ``KeyError`` naming the event otherwise."""
        for sid, s in zip(self.session_ids, self.sessions, strict=True):
            if sid == session_id:
                return s
        raise KeyError(f"event '{self.id}' has no session '{session_id}'")

    def session_credit(self, session_id: str) -> float:
        """The 学时 of one session: its own, or the event's credit shared equally by its sessions."""
        s = self.session(session_id)
        return s.credit_hours if s.credit_hours is not None else round(self.credit_hours / len(self.sessions), 2)

    @property
    def starts(self) -> dt.datetime:
        return min(s.starts for s in self.sessions)

    @property
    def ends(self) -> dt.datetime:
        return max(s.ends for s in self.sessions)
