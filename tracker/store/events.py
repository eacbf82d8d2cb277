"""The events domain: sign-ups with a waitlist, the check-in of each session, attendance by code,
roll call, 请假 and paper, and closing a session (the rest of the expected become 缺席).

Events are content (``quizzes.events.Event``); callers pass the Event. The rules are the pure
functions of ``tracker.attendance``; every refusal is an ``EventRefused`` with a ``reason`` and
records nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets

from quizzes.competition import Setup
from quizzes.events import Event
from quizzes.fields import utcnow
from tracker import attendance as rules
from tracker.errors import EventRefused, NotFound
from tracker.store.core import Store, iso, parse_iso

TICKET_TTL = dt.timedelta(minutes=15)  # time to sign in after scanning
SECRET_ENV = "MINGDE_CHECKIN_SECRET"
CODE_MAX_FAILURES = 5  # wrong 签到码 per account within CODE_FAILURE_WINDOW, then a wait
CODE_FAILURE_WINDOW = dt.timedelta(minutes=10)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class EventStore(Store):
    """Sign-ups, session check-in, attendance."""

    # -- the secret of the rotating codes ----------------------------------------------------------
    def checkin_secret(self) -> bytes:
        """The key that signs check-in codes: ``MINGDE_CHECKIN_SECRET``, else one made once and kept in
        the database (so that every worker of a cluster signs alike)."""
        if env := os.environ.get(SECRET_ENV):
            return env.encode()
        row = self._one("SELECT value FROM app_secrets WHERE name = 'checkin'")
        if row is None:
            with self.write() as db:
                db.execute(
                    "INSERT INTO app_secrets (name, value, created_at) VALUES ('checkin', ?, ?) ON CONFLICT (name) DO NOTHING",
                    (secrets.token_hex(32), iso(utcnow())),
                )
            row = self._one("SELECT value FROM app_secrets WHERE name = 'checkin'")
        return bytes.fromhex(row["value"])

    # -- audience and sign-ups ---------------------------------------------------------------------
    def audience(self, event: Event) -> list[dict]:
        """The active employees the event is for."""
        return [e for e in self.employees(active_only=True) if event.audience.includes(e)]

    def expected(self, event: Event) -> list[dict]:
        """Who is expected at each session: those with a place when the event takes sign-ups, else the audience."""
        people = self.audience(event)
        if not event.signup:
            return people
        signed = {r["employee_id"] for r in self.signups(event.id) if r["status"] == "signed"}
        return [e for e in self.employees(active_only=True) if e["id"] in signed]

    def _member(self, event: Event, employee_id: str) -> dict:
        try:
            person = self.employee(employee_id)
        except NotFound:
            raise EventRefused(f"employee {employee_id} not found", "outsider") from None
        if not person["active"]:
            raise EventRefused(f"employee {employee_id} has left", "left")
        if not event.audience.includes(person):
            raise EventRefused(f"employee {employee_id} is not in the audience of event '{event.id}'", "outsider")
        return person

    def signups(self, event_id: str) -> list[dict]:
        """The sign-ups of an event in sign-up order (cancelled ones included)."""
        return list(self.db.query("SELECT * FROM event_signups WHERE event_id = ? ORDER BY signed_at, employee_id", (event_id,)))

    def signup_of(self, event_id: str, employee_id: str) -> str | None:
        """``signed``, ``waitlist``, ``cancelled`` or None."""
        row = self._one("SELECT status FROM event_signups WHERE event_id = ? AND employee_id = ?", (event_id, employee_id))
        return row["status"] if row else None

    def sign_up(self, event: Event, employee_id: str, *, now: dt.datetime | None = None) -> str:
        """Sign up for an event: a place while one is free, else the waitlist. Returns the status."""
        now = now or utcnow()
        if not event.signup:
            raise EventRefused(f"event '{event.id}' takes no sign-ups", "no_signup")
        if now >= event.starts:
            raise EventRefused(f"event '{event.id}' has started: sign-up is closed", "started")
        self._member(event, employee_id)
        with self.write() as db:
            current = self.signup_of(event.id, employee_id)
            if current in ("signed", "waitlist"):
                return current
            signed = db.execute(
                "SELECT COUNT(*) FROM event_signups WHERE event_id = ? AND status = 'signed'", (event.id,)
            ).fetchone()[0]
            status = rules.signup_status(signed, event.capacity)
            db.execute(
                "INSERT INTO event_signups (event_id, employee_id, status, signed_at, changed_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (event_id, employee_id) DO UPDATE SET status = excluded.status, "
                "signed_at = excluded.signed_at, changed_at = excluded.changed_at",
                (event.id, employee_id, status, iso(now), iso(now)),
            )
        return status

    def cancel_signup(self, event: Event, employee_id: str, *, now: dt.datetime | None = None) -> list[str]:
        """Cancel a sign-up; the earliest on the waitlist take the freed place. Returns who was promoted."""
        now = now or utcnow()
        with self.write() as db:
            if self.signup_of(event.id, employee_id) not in ("signed", "waitlist"):
                return []
            db.execute(
                "UPDATE event_signups SET status = 'cancelled', changed_at = ? WHERE event_id = ? AND employee_id = ?",
                (iso(now), event.id, employee_id),
            )
            rows = [(r["employee_id"], r["status"]) for r in self.signups(event.id) if r["status"] != "cancelled"]
            promoted = rules.promotions(rows, event.capacity)
            for person in promoted:
                db.execute(
                    "UPDATE event_signups SET status = 'signed', changed_at = ? WHERE event_id = ? AND employee_id = ?",
                    (iso(now), event.id, person),
                )
        return promoted

    # -- session check-in state --------------------------------------------------------------------
    def session_state(self, event_id: str, session_id: str) -> dict | None:
        return self._one("SELECT * FROM event_sessions WHERE event_id = ? AND session_id = ?", (event_id, session_id))

    def open_checkin(self, event: Event, session_id: str, actor: str, *, now: dt.datetime | None = None) -> None:
        """Open (or reopen) the check-in of a session."""
        event.session(session_id)
        with self.write() as db:
            db.execute(
                "INSERT INTO event_sessions (event_id, session_id, status, opened_at, opened_by) VALUES (?, ?, 'open', ?, ?) "
                "ON CONFLICT (event_id, session_id) DO UPDATE SET status = 'open', closed_at = NULL, closed_by = NULL",
                (event.id, session_id, iso(now or utcnow()), actor),
            )
            self.audit(actor, "event.checkin_open", {"event": event.id, "session": session_id}, subject=event.id)

    def close_checkin(self, event: Event, session_id: str, actor: str, *, now: dt.datetime | None = None) -> int:
        """Close a session's check-in: every expected person without an entry becomes 缺席. Returns how many."""
        now = now or utcnow()
        event.session(session_id)
        with self.write() as db:
            state = self.session_state(event.id, session_id)
            if state is None:
                db.execute(
                    "INSERT INTO event_sessions (event_id, session_id, status, opened_at, opened_by) VALUES (?, ?, 'open', ?, ?)",
                    (event.id, session_id, iso(now), actor),
                )
            db.execute(
                "UPDATE event_sessions SET status = 'closed', closed_at = ?, closed_by = ? WHERE event_id = ? AND session_id = ?",
                (iso(now), actor, event.id, session_id),
            )
            have = {r["employee_id"] for r in self.attendance(event.id, session_id)}
            absent = [e["id"] for e in self.expected(event) if e["id"] not in have]
            for person in absent:
                db["attendance"].insert(
                    {
                        "event_id": event.id,
                        "session_id": session_id,
                        "employee_id": person,
                        "status": "absent",
                        "method": "close",
                        "minutes": 0,
                        "recorded_by": actor,
                        "recorded_at": iso(now),
                    }
                )
            self.audit(
                actor, "event.checkin_close", {"event": event.id, "session": session_id, "count": len(absent)}, subject=event.id
            )
        return len(absent)

    def _open_session(self, event: Event, session_id: str) -> None:
        state = self.session_state(event.id, session_id)
        if state is None:
            raise EventRefused(f"event '{event.id}' session '{session_id}': check-in is not open", "not_open")
        if state["status"] == "closed":
            raise EventRefused(f"event '{event.id}' session '{session_id}': check-in is closed", "closed")

    # -- check-in by code --------------------------------------------------------------------------
    def issue_ticket(
        self, event: Event, code: str, device: str | None = None, *, now: dt.datetime | None = None, seconds: int | None = None
    ) -> str:
        """Check a scanned code and exchange it for a one-use ticket (good for ``TICKET_TTL``), so that
        someone who must sign in first is still checked in afterwards. Returns the ticket token."""
        now = now or utcnow()
        check = rules.check_code(self.checkin_secret(), code, now, seconds or rules.CODE_SECONDS)
        if check.problem == "expired":
            raise EventRefused("this check-in code has expired", "expired")
        if check.problem or check.event_id != event.id:
            raise EventRefused("this is not a valid check-in code", "forged")
        try:
            event.session(check.session_id)
        except KeyError:
            raise EventRefused("this is not a valid check-in code", "forged") from None
        self._open_session(event, check.session_id)
        token = secrets.token_urlsafe(24)
        with self.write() as db:
            db["checkin_tickets"].insert(
                {
                    "token_hash": _hash(token),
                    "event_id": event.id,
                    "session_id": check.session_id,
                    "slot": check.slot,
                    "device": device,
                    "issued_at": iso(now),
                }
            )
        return token

    # -- check-in by the typed 签到码 ---------------------------------------------------------------
    def open_sessions(self) -> list[dict]:
        """The sessions whose check-in is open now (event id, session id, opened at and by)."""
        return list(self.db.query("SELECT * FROM event_sessions WHERE status = 'open' ORDER BY event_id, session_id"))

    def code_wait(self, username: str, *, now: dt.datetime | None = None) -> int:
        """Seconds ``username`` must wait before typing another 签到码 (0: may type now): after
        ``CODE_MAX_FAILURES`` wrong codes within ``CODE_FAILURE_WINDOW``, until that window ends."""
        now = now or utcnow()
        row = self._one("SELECT * FROM checkin_code_failures WHERE username = ?", (username,))
        if row is None or row["failures"] < CODE_MAX_FAILURES:
            return 0
        left = parse_iso(row["first_failure"]) + CODE_FAILURE_WINDOW - now
        return max(0, int(left.total_seconds() + 0.999))

    def check_in_typed(
        self,
        event: Event,
        session_id: str,
        typed: str,
        employee_id: str,
        actor: str,
        device: str | None = None,
        *,
        now: dt.datetime | None = None,
        seconds: int | None = None,
    ) -> dict:
        """Check ``employee_id`` in with the 签到码 typed for one session (the rules of a scanned code:
        check-in open, in the audience, not left, once, 迟到 after the threshold; method ``code``, so
        that the proxy flags and the 抽查 count it like a scan).
        A wrong code is counted against ``actor`` (in the same transaction that read the count, so
        parallel tries cannot slip past it) and audited; after ``CODE_MAX_FAILURES`` within
        ``CODE_FAILURE_WINDOW`` every try is refused (``throttled``, with ``wait`` seconds) until
        the window ends; a check-in forgives the count. Returns the attendance row."""
        now = now or utcnow()
        try:
            event.session(session_id)  # an unknown session: refused as a wrong code
        except KeyError:
            raise EventRefused(f"event '{event.id}' has no session '{session_id}'", "code_wrong") from None
        refusal = None
        with self.write() as db:
            wait = self.code_wait(actor, now=now)
            if wait:
                refusal = EventRefused(f"{actor}: too many wrong check-in codes: wait {wait} s", "throttled")
                refusal.wait = wait
                raise refusal
            self._may_check_in(event, session_id, employee_id)
            problem = rules.check_typed_code(
                self.checkin_secret(), event.id, session_id, typed, now, seconds or rules.CODE_SECONDS
            )
            if problem == "wrong":
                row = self._one("SELECT * FROM checkin_code_failures WHERE username = ?", (actor,))
                fresh = row is None or now - parse_iso(row["first_failure"]) >= CODE_FAILURE_WINDOW
                failures = 1 if fresh else row["failures"] + 1
                db.execute(
                    "INSERT INTO checkin_code_failures (username, failures, first_failure, last_failure) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (username) DO UPDATE SET failures = excluded.failures, "
                    "first_failure = excluded.first_failure, last_failure = excluded.last_failure",
                    (actor, failures, iso(now) if fresh else row["first_failure"], iso(now)),
                )
                self.audit(
                    actor,
                    "event.checkin_code_wrong",
                    {"event": event.id, "session": session_id, "failures": failures},
                    subject=employee_id,
                )
                refusal = EventRefused(f"{actor}: wrong check-in code for '{event.id}/{session_id}'", "code_wrong")
            elif problem:
                refusal = EventRefused(f"{actor}: check-in code {problem} for '{event.id}/{session_id}'", f"code_{problem}")
            else:
                self._code_attendance(db, event, session_id, employee_id, actor, device, now)  # typed instead of scanned
                db.execute("DELETE FROM checkin_code_failures WHERE username = ?", (actor,))
        if refusal is not None:  # after the commit: the wrong code stays counted
            raise refusal
        return self._attendance_row(event.id, session_id, employee_id)

    def _may_check_in(self, event: Event, session_id: str, employee_id: str) -> None:
        """The rules a scanned or typed code shares: check-in open, in the audience, not in yet."""
        self._open_session(event, session_id)
        self._member(event, employee_id)
        if self._attendance_row(event.id, session_id, employee_id):
            raise EventRefused(f"employee {employee_id} is already checked in", "twice")

    def _code_attendance(
        self, db, event: Event, session_id: str, employee_id: str, actor: str, device: str | None, now: dt.datetime
    ) -> None:
        """Write the attendance row of a check-in by the session's code (迟到 after the threshold)."""
        session = event.session(session_id)
        db["attendance"].insert(
            {
                "event_id": event.id,
                "session_id": session_id,
                "employee_id": employee_id,
                "status": rules.checkin_status(now, session.starts, event.late_after),
                "method": "code",
                "check_in_at": iso(now),
                "minutes": rules.minutes_attended(now, None, session.starts, session.ends),
                "device": device,
                "recorded_by": actor,
                "recorded_at": iso(now),
            }
        )

    def ticket(self, token: str) -> dict | None:
        """The ticket's row (event, session, device, issued, used), or None."""
        return self._one("SELECT * FROM checkin_tickets WHERE token_hash = ?", (_hash(str(token)),))

    def check_in(
        self,
        event: Event,
        token: str,
        employee_id: str,
        actor: str,
        device: str | None = None,
        *,
        now: dt.datetime | None = None,
    ) -> dict:
        """Use a ticket to check ``employee_id`` in; returns the attendance row."""
        now = now or utcnow()
        with self.write() as db:
            ticket = self.ticket(token)
            if ticket is None or ticket["event_id"] != event.id:
                raise EventRefused("this is not a valid check-in ticket", "forged")
            if ticket["used_at"]:
                raise EventRefused("this check-in ticket was used already", "replayed")
            if now - parse_iso(ticket["issued_at"]) > TICKET_TTL:
                raise EventRefused("this check-in ticket has expired: scan the code again", "expired")
            session_id = ticket["session_id"]
            self._may_check_in(event, session_id, employee_id)
            self._code_attendance(db, event, session_id, employee_id, actor, device or ticket["device"], now)
            db.execute(
                "UPDATE checkin_tickets SET used_at = ?, used_by = ? WHERE token_hash = ?", (iso(now), employee_id, _hash(token))
            )
        return self._attendance_row(event.id, session_id, employee_id)

    def check_out(self, event: Event, session_id: str, employee_id: str, *, now: dt.datetime | None = None) -> dict:
        """签退: minutes attended become check-out − check-in, capped by the session."""
        now = now or utcnow()
        session = event.session(session_id)
        with self.write() as db:
            self._open_session(event, session_id)
            row = self._attendance_row(event.id, session_id, employee_id)
            if row is None or row["status"] not in rules.ATTENDED:
                raise EventRefused(f"employee {employee_id} has not checked in", "not_checked_in")
            minutes = rules.minutes_attended(parse_iso(row["check_in_at"]), now, session.starts, session.ends)
            db.execute(
                "UPDATE attendance SET check_out_at = ?, minutes = ? WHERE event_id = ? AND session_id = ? AND employee_id = ?",
                (iso(now), minutes, event.id, session_id, employee_id),
            )
        return self._attendance_row(event.id, session_id, employee_id)

    # -- organizer entries: roll call, 请假, paper ---------------------------------------------------
    def mark(
        self,
        event: Event,
        session_id: str,
        employee_id: str,
        status: str,
        actor: str,
        *,
        method: str = "roll_call",
        reason: str | None = None,
        now: dt.datetime | None = None,
    ) -> dict:
        """Set one person's status by roll call or paper (出席/迟到/缺席) or enter a 请假 with its reason.
        An organizer's entry replaces an earlier one (a correction). Attended minutes: the session's."""
        now = now or utcnow()
        session = event.session(session_id)
        if status not in rules.STATUSES:
            raise EventRefused(f"unknown status '{status}'", "status")
        if status == "leave":
            reason = (reason or "").strip()
            if not reason:
                raise EventRefused("a leave (请假) needs a reason", "reason_needed")
            method = "leave"
        self._member(event, employee_id)
        attended = status in rules.ATTENDED
        row = {
            "event_id": event.id,
            "session_id": session_id,
            "employee_id": employee_id,
            "status": status,
            "method": method,
            "check_in_at": iso(max(now, session.starts)) if attended else None,
            "check_out_at": None,
            "minutes": session.minutes if attended else 0,
            "device": None,
            "reason": reason if status == "leave" else None,
            "recorded_by": actor,
            "recorded_at": iso(now),
        }
        with self.write() as db:
            db["attendance"].upsert(row, pk=("event_id", "session_id", "employee_id"))
        return self._attendance_row(event.id, session_id, employee_id)

    # -- a 现场知识竞赛 run linked to a session of an event of kind competition -----------------------
    def run_people(self, run_id: str) -> list[str]:
        """Who took part in a competition run: the members of its teams and the employees of their
        captains' accounts (a captain may lead a team without being listed in it), each once."""
        row = self._one("SELECT setup FROM competition_runs WHERE id = ?", (run_id,))
        if row is None:
            raise NotFound(f"competition run {run_id} not found")
        people: list[str] = []
        for team in Setup.from_json(row["setup"]).teams:
            captain = self._one("SELECT employee_id FROM accounts WHERE username = ?", (team.captain,)) if team.captain else None
            for person in [*team.members, *([captain["employee_id"]] if captain and captain["employee_id"] else [])]:
                if person not in people:
                    people.append(person)
        return people

    def linked_run(self, event_id: str, session_id: str) -> dict | None:
        """The run linked to an event session (with the run's title and finish time), or None."""
        return self._one(
            "SELECT l.*, r.title, r.finished_at FROM event_runs l JOIN competition_runs r ON r.id = l.run_id "
            "WHERE l.event_id = ? AND l.session_id = ?",
            (event_id, session_id),
        )

    def linked_runs(self) -> dict[str, tuple[str, str]]:
        """Every linked run: run id → (event id, session id)."""
        return {r["run_id"]: (r["event_id"], r["session_id"]) for r in self.db.query("SELECT * FROM event_runs")}

    def link_run(self, event: Event, session_id: str, run_id: str, actor: str, *, now: dt.datetime | None = None) -> int:
        """Record a finished run of the event's competition as the attendance of one session: everyone
        who took part (``run_people``) is 出席 (method ``competition``, the session's minutes); an
        earlier 缺席 or 请假 of theirs is replaced, a check-in kept. All or nothing; returns how many
        took part. The 学时 ledger then counts the session, not the run."""
        now = now or utcnow()
        session = event.session(session_id)
        if event.kind != "competition" or not event.competition:
            raise EventRefused(f"event '{event.id}' is not a live competition", "not_competition")
        with self.write() as db:
            run = self._one("SELECT * FROM competition_runs WHERE id = ?", (run_id,))
            if run is None:
                raise NotFound(f"competition run {run_id} not found")
            if run["competition_id"] != event.competition:
                raise EventRefused(
                    f"run {run_id} is of competition '{run['competition_id']}', not '{event.competition}'", "run_other"
                )
            if run["status"] != "finished":
                raise EventRefused(f"run {run_id} has not finished", "run_unfinished")
            if self.linked_run(event.id, session_id) or run_id in self.linked_runs():
                raise EventRefused(f"run {run_id} or session '{event.id}/{session_id}' is linked already", "run_linked")
            people = self.run_people(run_id)
            outside = []
            for person in people:
                row = self._one("SELECT * FROM employees WHERE id = ?", (person,))
                if row is None or not event.audience.includes(row):
                    outside.append(f"{row['name']}（{person}）" if row else person)
            if outside:
                refusal = EventRefused(f"not in the audience of event '{event.id}': {', '.join(outside)}", "run_outsider")
                refusal.people = outside
                raise refusal
            db["event_runs"].insert(
                {"event_id": event.id, "session_id": session_id, "run_id": run_id, "linked_at": iso(now), "linked_by": actor}
            )
            for person in people:
                had = self._attendance_row(event.id, session_id, person)
                if had and had["status"] in rules.ATTENDED:
                    continue  # checked in already: kept, counted once
                db["attendance"].upsert(
                    {
                        "event_id": event.id,
                        "session_id": session_id,
                        "employee_id": person,
                        "status": "present",
                        "method": "competition",
                        "check_in_at": iso(max(parse_iso(run["created_at"]), session.starts)),
                        "check_out_at": None,
                        "minutes": session.minutes,
                        "device": None,
                        "reason": None,
                        "recorded_by": actor,
                        "recorded_at": iso(now),
                    },
                    pk=("event_id", "session_id", "employee_id"),
                )
        return len(people)

    # -- reads -------------------------------------------------------------------------------------
    def _attendance_row(self, event_id: str, session_id: str, employee_id: str) -> dict | None:
        return self._one(
            "SELECT * FROM attendance WHERE event_id = ? AND session_id = ? AND employee_id = ?",
            (event_id, session_id, employee_id),
        )

    def attendance(self, event_id: str, session_id: str | None = None) -> list[dict]:
        """Attendance rows with the employee's name, department and 班组, by session then check-in time."""
        where, params = ("AND a.session_id = ?", (event_id, session_id)) if session_id else ("", (event_id,))
        return list(
            self.db.query(
                "SELECT a.*, e.name, e.department, e.team FROM attendance a JOIN employees e ON e.id = a.employee_id "
                f"WHERE a.event_id = ? {where} ORDER BY a.session_id, a.check_in_at IS NULL, a.check_in_at, e.department, e.id",
                params,
            )
        )

    def attendance_of(self, employee_id: str) -> list[dict]:
        """One person's attendance rows of every event."""
        return list(self.db.query("SELECT * FROM attendance WHERE employee_id = ? ORDER BY recorded_at", (employee_id,)))

    def proxy_flags(self, event_id: str, session_id: str) -> dict[str, str]:
        """Check-ins of a session made from a device that checked in several people within minutes."""
        rows = [
            (r["employee_id"], r["device"], parse_iso(r["check_in_at"]))
            for r in self.attendance(event_id, session_id)
            if r["method"] == "code" and r["check_in_at"]
        ]
        return rules.proxy_flags(rows)
