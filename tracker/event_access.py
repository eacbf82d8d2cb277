"""The event calls of ``Access``: employees sign up, check in and see their 学时; organizers run
check-in, roll call, 请假 and the paper sheet; leaders and organizers read attendance and records.

A mixin of ``tracker.access.Access`` (which supplies ``tracker``, ``account``, ``require`` and
``employee_id``); every call checks the role or identity itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from quizzes.catalog import Catalog
from quizzes.events import MATERIALS_FOLDER, Event, material_title, save_material
from quizzes.fields import SHANGHAI, utcnow
from tracker import attendance as rules
from tracker import certificates, event_sheets, hours
from tracker.errors import AccessDenied, EventRefused, NotFound

ISSUER = "明德职业道德教育平台"


@dataclass(frozen=True)
class EventView:
    """An event as an employee sees it in the list of upcoming events."""

    event: Event
    signup: str | None  # signed | waitlist | cancelled | None
    places_left: int | None  # None: no capacity
    can_sign_up: bool
    can_cancel: bool


@dataclass(frozen=True)
class RollCallRow:
    """One expected (or walked-in) person of a session, with the status recorded so far."""

    employee_id: str
    name: str
    department: str
    team: str
    status: str | None
    check_in_at: str | None
    method: str | None
    device: str | None
    reason: str | None


class EventCalls:
    """Event calls of one signed-in account."""

    tracker: Any
    account: Any

    def _actor(self) -> str:
        return self._signed_in().username  # type: ignore[attr-defined]

    # -- employees ---------------------------------------------------------------------------------
    def upcoming_events(self, catalog: Catalog, *, now: dt.datetime | None = None) -> list[EventView]:
        """Events of one's audience that have not ended yet, soonest first, with one's sign-up."""
        now = now or utcnow()
        me = self.tracker.employee(self.employee_id)  # type: ignore[attr-defined]
        out = []
        for event in sorted(catalog.events.values(), key=lambda e: e.starts):
            if event.ends < now or not event.audience.includes(me):
                continue
            status = self.tracker.signup_of(event.id, me["id"])
            left = None
            if event.signup and event.capacity:
                taken = sum(1 for r in self.tracker.signups(event.id) if r["status"] == "signed")
                left = max(0, event.capacity - taken)
            open_signup = event.signup and now < event.starts
            out.append(
                EventView(
                    event,
                    status,
                    left,
                    open_signup and status not in ("signed", "waitlist"),
                    open_signup and status in ("signed", "waitlist"),
                )
            )
        return out

    def sign_up(self, event: Event, *, now: dt.datetime | None = None) -> str:
        return self.tracker.sign_up(event, self.employee_id, now=now)  # type: ignore[attr-defined]

    def cancel_signup(self, event: Event, *, now: dt.datetime | None = None) -> list[str]:
        return self.tracker.cancel_signup(event, self.employee_id, now=now)  # type: ignore[attr-defined]

    def ticket_event(self, catalog: Catalog, token: str) -> tuple[Event, str]:
        """The event and session a check-in ticket is for (``EventRefused`` for an unknown ticket)."""
        self._signed_in()  # type: ignore[attr-defined]
        row = self.tracker.ticket(token)
        if row is None or row["event_id"] not in catalog.events:
            raise EventRefused("this is not a valid check-in ticket", "forged")
        return catalog.events[row["event_id"]], row["session_id"]

    def check_in(self, catalog: Catalog, token: str, device: str | None = None, *, now: dt.datetime | None = None) -> dict:
        """Check oneself in with a ticket (from a scanned code); returns the attendance row."""
        event, _ = self.ticket_event(catalog, token)
        return self.tracker.check_in(event, token, self.employee_id, self._actor(), device, now=now)  # type: ignore[attr-defined]

    def open_checkins(self, catalog: Catalog) -> list[tuple[Event, str]]:
        """The sessions whose check-in is open now and whose audience one is in, without an entry of
        one's own yet: where one may type a 签到码 (in the order of their start)."""
        me = self.tracker.employee(self.employee_id)  # type: ignore[attr-defined]
        if not me["active"]:
            return []
        out = []
        for row in self.tracker.open_sessions():
            event = catalog.events.get(row["event_id"])
            if event is None or row["session_id"] not in event.session_ids:
                continue
            if event.audience.includes(me) and self.tracker._attendance_row(event.id, row["session_id"], me["id"]) is None:
                out.append((event, row["session_id"]))
        return sorted(out, key=lambda p: (p[0].session(p[1]).starts, p[0].id, p[1]))

    def check_in_code(
        self, event: Event, session_id: str, typed: str, device: str | None = None, *, now: dt.datetime | None = None
    ) -> dict:
        """Check oneself in with the 6-digit 签到码 shown on the projector (wrong codes are counted per
        account and audited; too many make one wait: ``EventRefused`` ``throttled``)."""
        return self.tracker.check_in_typed(
            event,
            session_id,
            typed,
            self.employee_id,  # type: ignore[attr-defined]
            self._actor(),
            device,
            now=now,
        )

    def my_attendance(self, event: Event, session_id: str) -> dict | None:
        return self.tracker._attendance_row(event.id, session_id, self.employee_id)  # type: ignore[attr-defined]

    def check_out(self, event: Event, session_id: str, *, now: dt.datetime | None = None) -> dict:
        return self.tracker.check_out(event, session_id, self.employee_id, now=now)  # type: ignore[attr-defined]

    def my_hours(self, catalog: Catalog, year: int | None = None) -> hours.Ledger:
        """One's own 学时 ledger of ``year`` (this year by default)."""
        year = year or utcnow().astimezone(SHANGHAI).year
        return hours.ledger(self.tracker, catalog, self.employee_id, year)  # type: ignore[attr-defined]

    def can_make_pdfs(self) -> bool:
        """Whether the server has the CJK fonts for the PDFs (签到表, certificates); any signed-in account."""
        self._signed_in()  # type: ignore[attr-defined]
        return certificates.fonts_available()

    def material_path(self, catalog: Catalog, event: Event, file: str) -> Path:
        """The file of one of an event's materials (any signed-in account)."""
        self._signed_in()  # type: ignore[attr-defined]
        if file not in {m.file for m in event.materials}:
            raise NotFound(f"event '{event.id}' has no material '{file}'")
        return catalog.root / "events" / MATERIALS_FOLDER / file

    # -- organizers --------------------------------------------------------------------------------
    def open_checkin(self, event: Event, session_id: str) -> None:
        self.require("organizer")  # type: ignore[attr-defined]
        self.tracker.open_checkin(event, session_id, self._actor())

    def close_checkin(self, event: Event, session_id: str) -> int:
        self.require("organizer")  # type: ignore[attr-defined]
        return self.tracker.close_checkin(event, session_id, self._actor())

    def session_state(self, event: Event, session_id: str) -> dict | None:
        self._signed_in()  # type: ignore[attr-defined]
        return self.tracker.session_state(event.id, session_id)

    def current_code(self, event: Event, session_id: str, *, now: dt.datetime | None = None) -> tuple[str, float]:
        """The projector's code of an open session now, and the seconds until it changes (organizers)."""
        now = now or utcnow()
        slot = self._open_slot(event, session_id, now)
        left = (slot + 1) * rules.CODE_SECONDS - now.timestamp()
        return rules.make_code(self.tracker.checkin_secret(), event.id, session_id, slot), left

    def typed_code(self, event: Event, session_id: str, *, now: dt.datetime | None = None) -> str:
        """The projector's 6-digit 签到码 of an open session now (same slot as ``current_code``; organizers)."""
        slot = self._open_slot(event, session_id, now or utcnow())
        return rules.typed_code(self.tracker.checkin_secret(), event.id, session_id, slot)

    def _open_slot(self, event: Event, session_id: str, now: dt.datetime) -> int:
        """The code slot of ``now`` for a session whose check-in is open (organizers)."""
        self.require("organizer")  # type: ignore[attr-defined]
        state = self.tracker.session_state(event.id, session_id)
        if state is None or state["status"] != "open":
            raise EventRefused(f"event '{event.id}' session '{session_id}': check-in is not open", "not_open")
        return rules.slot_of(now)

    def roll_call(self, event: Event, session_id: str) -> list[RollCallRow]:
        """The expected people of a session (and walk-ins), with what is recorded (organizers, leaders)."""
        self.require("organizer", "leader")  # type: ignore[attr-defined]
        recorded = {r["employee_id"]: r for r in self.tracker.attendance(event.id, session_id)}
        people = {e["id"]: e for e in self.tracker.expected(event)}
        for r in recorded.values():
            people.setdefault(
                r["employee_id"], {"id": r["employee_id"], "name": r["name"], "department": r["department"], "team": r["team"]}
            )
        out = []
        for p in sorted(people.values(), key=lambda p: (p["department"], p.get("team") or "", p["id"])):
            r = recorded.get(p["id"], {})
            out.append(
                RollCallRow(
                    p["id"],
                    p["name"],
                    p["department"],
                    p.get("team") or "",
                    r.get("status"),
                    r.get("check_in_at"),
                    r.get("method"),
                    r.get("device"),
                    r.get("reason"),
                )
            )
        return out

    def mark(
        self,
        event: Event,
        session_id: str,
        employee_id: str,
        status: str,
        *,
        reason: str | None = None,
        method: str = "roll_call",
    ) -> dict:
        """Roll call (出席/迟到/缺席) or a 请假 with its reason (organizers)."""
        self.require("organizer")  # type: ignore[attr-defined]
        return self.tracker.mark(event, session_id, employee_id, status, self._actor(), method=method, reason=reason)

    def proxy_flags(self, event: Event, session_id: str) -> dict[str, str]:
        self.require("organizer", "leader")  # type: ignore[attr-defined]
        return self.tracker.proxy_flags(event.id, session_id)

    def spot_check(self, event: Event, session_id: str, n: int, seed: int) -> list[RollCallRow]:
        """A random list of ``n`` people checked in by code, to check in the room (抽查)."""
        rows = [r for r in self.roll_call(event, session_id) if r.status in rules.ATTENDED and r.method == "code"]
        picked = set(rules.spot_check([r.employee_id for r in rows], n, seed))
        return [r for r in rows if r.employee_id in picked]

    def signin_sheet(self, event: Event, session_id: str) -> bytes:
        """The printable 签到表 (xlsx) with the expected people's names (organizers)."""
        self.require("organizer")  # type: ignore[attr-defined]
        return event_sheets.signin_sheet(event, session_id, self.tracker.expected(event))

    def signin_sheet_pdf(self, event: Event, session_id: str) -> bytes:
        """The 签到表 as a PDF to print: every expected person with an empty cell to sign (organizers).
        ``certificates.FontMissing`` without the CJK fonts."""
        self.require("organizer")  # type: ignore[attr-defined]
        return certificates.signin_sheet(event, session_id, self.tracker.expected(event))

    def import_signin_sheet(self, event: Event, session_id: str, data: bytes) -> int:
        """Enter a returned 签到表: all its rows, or none (``SheetError``/``EventRefused`` names the row)."""
        self.require("organizer")  # type: ignore[attr-defined]
        entries = event_sheets.read_signin_sheet(data, event, session_id)
        problems = []
        for n, e in enumerate(entries, start=1):
            try:
                self.tracker._member(event, e.employee_id)
            except EventRefused as refusal:
                problems.append(f"{e.employee_id}: {refusal} (entry {n})")
        if problems:
            raise event_sheets.SheetError(problems)
        with self.tracker.write():
            for e in entries:
                self.tracker.mark(event, session_id, e.employee_id, e.status, self._actor(), method="paper", reason=e.reason)
        return len(entries)

    def attendance_sheet(self, event: Event) -> bytes:
        """An event's attendance of every session (xlsx; organizers and leaders)."""
        self.require("organizer", "leader")  # type: ignore[attr-defined]
        flags: dict[str, str] = {}
        for sid in event.session_ids:
            flags.update(self.tracker.proxy_flags(event.id, sid))
        return event_sheets.attendance_sheet(event, self.tracker.attendance(event.id), flags)

    def competition_runs(self, event: Event) -> list[dict]:
        """The finished runs of an event's live competition, newest first, each with ``linked``: the
        (event id, session id) it is linked to, or None (organizers)."""
        from tracker import competitions

        self.require("organizer")  # type: ignore[attr-defined]
        if event.kind != "competition" or not event.competition:
            return []
        links = self.tracker.linked_runs()
        return [
            {**r, "linked": links.get(r["id"])}
            for r in competitions.runs(self.tracker, event.competition)
            if r["status"] == "finished"
        ]

    def linked_run(self, event: Event, session_id: str) -> dict | None:
        """The competition run recorded as a session's attendance, or None (organizers, leaders)."""
        self.require("organizer", "leader")  # type: ignore[attr-defined]
        return self.tracker.linked_run(event.id, session_id)

    def link_competition_run(self, event: Event, session_id: str, run_id: str) -> int:
        """Record a finished run as a session's attendance: its teams' members and captains are 出席,
        counted once (the 学时 ledger counts the session, not the run). Organizers; returns how many."""
        self.require("organizer")  # type: ignore[attr-defined]
        return self.tracker.link_run(event, session_id, run_id, self._actor())

    def roster_names(self) -> dict:
        """For the event form (organizers): the departments, 班组 and {工号: "姓名（工号）"} of the active roster."""
        self.require("organizer")  # type: ignore[attr-defined]
        people = self.tracker.employees(active_only=True)
        return {
            "departments": sorted({p["department"] for p in people}),
            "teams": sorted({p["team"] for p in people if p["team"]}),
            "employees": {p["id"]: f"{p['name']}（{p['id']}）" for p in people},
        }

    def save_materials(self, root: Any, files: list[tuple[str, bytes]]) -> tuple[list[dict], list[str]]:
        """Store materials uploaded with the event form under ``events/materials/`` (organizers): the
        ``{title, file}`` entries for the event, and the files written now (to take back with
        ``discard_materials`` when the event is not saved). ``MaterialError`` names a refused upload
        (nothing is kept then)."""
        self.require("organizer")  # type: ignore[attr-defined]
        entries, written = [], []
        try:
            for filename, data in files:
                name, new = save_material(root, filename, data)
                entries.append({"title": material_title(filename), "file": name})
                written += [name] if new else []
        except Exception:
            self._remove_materials(root, written)
            raise
        if written:
            self.tracker.share_content_files(root, [f"events/{MATERIALS_FOLDER}/{n}" for n in written], self._actor())
            self.tracker.audit(self._actor(), "content.material", {"files": written})
        return entries, written

    def discard_materials(self, root: Any, written: list[str]) -> None:
        """Take back materials written for an event that was not saved (organizers)."""
        self.require("organizer")  # type: ignore[attr-defined]
        self._remove_materials(root, written)
        names = [n for n in written if Path(n).name == n]
        self.tracker.share_content_files(root, [f"events/{MATERIALS_FOLDER}/{n}" for n in names], self._actor())

    @staticmethod
    def _remove_materials(root: Any, names: list[str]) -> None:
        folder = Path(root) / "events" / MATERIALS_FOLDER
        for name in names:
            if Path(name).name == name:  # a name save_material made, never a path
                (folder / name).unlink(missing_ok=True)

    def event_yaml(self, data: dict) -> str:
        """The YAML text of an event made with the form (published like any upload: ``publish``)."""
        self.require("organizer")  # type: ignore[attr-defined]
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)

    # -- records: one's own, or anyone's for organizers and leaders ------------------------------------
    def _person(self, employee_id: str | None) -> str:
        if employee_id is None or employee_id == getattr(self.account, "employee_id", None):
            return self.employee_id  # type: ignore[attr-defined]
        self.require("organizer", "leader")  # type: ignore[attr-defined]
        return employee_id

    def hours_requirement_report(self, catalog: Catalog, year: int, by: str = "department") -> list[dict]:
        """The share meeting the 学时 requirement by department or 班组, and who is behind (leaders, organizers)."""
        return hours.requirement_report(self.tracker, self._signed_in(), catalog, year, by)  # type: ignore[attr-defined]

    def hours_of(self, catalog: Catalog, employee_id: str | None, year: int) -> hours.Ledger:
        return hours.ledger(self.tracker, catalog, self._person(employee_id), year)

    def training_record(self, catalog: Catalog, employee_id: str | None = None, years: list[int] | None = None) -> bytes:
        """A person's 培训档案 (xlsx): the 学时 ledger of each year and every event session."""
        person = self.tracker.employee(self._person(employee_id))
        years = years or [utcnow().astimezone(SHANGHAI).year]
        books = [hours.ledger(self.tracker, catalog, person["id"], y) for y in years]
        rows = []
        for r in self.tracker.attendance_of(person["id"]):
            event = catalog.events.get(r["event_id"])
            if event is None:
                continue
            s = event.session(r["session_id"])
            rows.append(
                (
                    s.date.isoformat(),
                    event.title,
                    s.title or r["session_id"],
                    event_sheets.STATUS_NAMES[r["status"]],
                    r["minutes"],
                )
            )
        return event_sheets.training_record(person, books, sorted(rows))

    def hours_certificate(self, catalog: Catalog, employee_id: str | None, year: int) -> bytes:
        """学时证明 (PDF) of a person and year."""
        person = self.tracker.employee(self._person(employee_id))
        book = hours.ledger(self.tracker, catalog, person["id"], year)
        return certificates.hours_certificate(person, book, ISSUER, today=utcnow().astimezone(SHANGHAI).date())

    def completion_certificate(self, catalog: Catalog, event: Event, employee_id: str | None = None) -> bytes:
        """结业证书 (PDF) of a 培训班: only for someone who attended every session."""
        person = self.tracker.employee(self._person(employee_id))
        if event.kind != "training":
            raise EventRefused(f"event '{event.id}' is not a training class", "status")
        rows = {r["session_id"]: r for r in self.tracker.attendance_of(person["id"]) if r["event_id"] == event.id}
        if any(rows.get(sid, {}).get("status") not in rules.ATTENDED for sid in event.session_ids):
            raise EventRefused(f"employee {person['id']} did not attend every session of '{event.id}'", "not_checked_in")
        credit = sum(event.session_credit(s) for s in event.session_ids)
        return certificates.completion_certificate(person, event, credit, ISSUER, today=utcnow().astimezone(SHANGHAI).date())

    def award_certificates(self, run_id: str, top: int = 3) -> list[tuple[str, bytes]]:
        """获奖证书 (PDF) of the top teams of a finished live competition (organizers)."""
        from tracker import competitions

        self.require("organizer")  # type: ignore[attr-defined]
        run = next((r for r in competitions.runs(self.tracker) if r["id"] == run_id), None)
        if run is None:
            raise NotFound(f"competition run {run_id} not found")
        places = {1: "一等奖", 2: "二等奖", 3: "三等奖"}
        today = utcnow().astimezone(SHANGHAI).date()
        return [
            (
                r["team"],
                certificates.award_certificate(r["team"], run["title"], places.get(r["rank"], "优秀奖"), ISSUER, today=today),
            )
            for r in competitions.results(self.tracker, run_id)
            if r["rank"] <= top
        ]


__all__ = ["AccessDenied", "EventCalls", "EventView", "RollCallRow"]
