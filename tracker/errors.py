"""Named exceptions of the store. Messages name the record (employee, attempt, user, row)."""

from __future__ import annotations

from quizzes.errors import MingdeError


class TrackerError(MingdeError):
    """Base class of the store's errors."""


class SchemaError(TrackerError):
    """The database's schema cannot be brought up to date (newer than this Mingde, or a broken migration set)."""


class NotFound(TrackerError):
    """A record (employee, attempt, user) does not exist."""


class AccessDenied(TrackerError):
    """The signed-in account's role or identity does not allow this call."""


class QuizUnavailable(TrackerError):
    """The quiz is closed, not yet open, or the employee has used all attempts."""


class AttemptClosed(TrackerError):
    """The attempt was already submitted or its time is up: no more answers are taken."""


class TooEarly(TrackerError):
    """A lesson is marked completed before its minimum reading time."""

    def __init__(self, message: str, seconds_left: int):
        super().__init__(message)
        self.seconds_left = seconds_left


class StorageUnavailable(TrackerError):
    """The database could not be written: its disk is full, it (or its folder) is read-only, or the
    disk reported an I/O error. The failed call's transaction was rolled back, so nothing of it was
    written and everything written before is intact; reads keep working.

    ``reason`` is ``"full"``, ``"readonly"``, ``"io"`` or ``"busy"`` (the write lock stayed taken for
    the whole busy timeout); ``path`` is the database file.
    """

    def __init__(self, message: str, reason: str, path: str):
        super().__init__(message)
        self.reason = reason
        self.path = path


class RosterError(TrackerError):
    """A roster file has bad rows; ``problems`` lists each with its row number. Nothing was imported."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class AccountError(TrackerError):
    """A user cannot be added or changed (bad role, weak password, name taken …)."""


class SignInFailed(TrackerError):
    """Wrong user name or password (one neutral message for both)."""


class Throttled(TrackerError):
    """Too many failed sign-ins for a user name: wait ``seconds`` before trying again."""

    def __init__(self, message: str, seconds: int):
        super().__init__(message)
        self.seconds = seconds


class EventRefused(TrackerError):
    """A sign-up, check-in or attendance entry is refused; nothing was recorded.

    ``reason`` says why, for the user's message: ``expired`` or ``forged`` (the code), ``replayed``
    (a ticket used before), ``twice`` (already checked in), ``outsider`` (not in the audience),
    ``left`` (the employee has left), ``closed`` / ``not_open`` (the session's check-in), ``no_signup``,
    ``started`` (sign-up after the start), ``not_checked_in``, ``status`` (an unknown status),
    ``reason_needed`` (请假 without a reason); linking a competition run: ``not_competition`` (the
    event is not one), ``run_other`` (a run of another competition), ``run_unfinished``,
    ``run_linked`` (the run or the session is linked already), ``run_outsider`` (people of the run
    outside the event's audience: ``people`` names them); a typed 签到码: ``code_wrong``,
    ``code_expired``, ``code_format`` (not 6 digits), ``throttled`` (too many wrong codes: ``wait``
    seconds; a wrong code is the one refusal that records something, its count and audit entry)."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason
        self.wait = 0
