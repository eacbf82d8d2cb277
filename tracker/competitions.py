"""Live competitions in the store: runs, their append-only event log, results, and a state cache.

- ``create_run`` draws the questions once (``quizzes.competition.build_setup``) and stores the
  setup JSON; the run can always be rebuilt from ``setup`` + ``competition_events``.
- ``append`` validates a command against the replayed state *inside* the same ``BEGIN
  IMMEDIATE`` transaction that writes the event, so events are totally ordered, ``seq`` has no
  gaps, and the server's time is stamped in that order.
- Buzzes: concurrent buzzes are serialised by the write lock; the first one written wins (it
  becomes the answering team). Later buzzes of *other* teams are recorded after it (in
  ``buzz_order``); a second buzz of the *same* team on one question is refused with
  ``CompetitionRuleError``.
- ``state`` is served from a process-wide cache keyed by (database, run id, last seq): a refresh
  costs one ``SELECT MAX(seq)``; the log is replayed only when a new event was written (by
  another process, or after a restart).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
import uuid
from typing import Any

from quizzes import competition as rules
from quizzes.catalog import competition_problems
from quizzes.competition import CompetitionRuleError, Event, Setup, State, TeamSetup
from quizzes.errors import DrawError
from quizzes.fields import utcnow
from quizzes.model import Bank, LiveCompetition
from tracker.errors import AccessDenied, NotFound
from tracker.store import Account, Tracker, iso

HOST_ROLES = ("organizer",)  # admin always passes check_role

_cache: dict[tuple[str, str], tuple[int, State]] = {}
_setups: dict[tuple[str, str], Setup] = {}
_consoles: dict[tuple[str, str], tuple[int, dict]] = {}  # what the host console shows, by the state's seq
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget every cached state (as after a restart)."""
    with _lock:
        _cache.clear()
        _setups.clear()
        _consoles.clear()


def _key(tracker: Tracker, run_id: str) -> tuple[str, str]:
    # A run's setup never changes and its log only grows: a cached state is checked against the
    # log's last seq in the database at every read, so every node sees every other node's events.
    return (tracker.cache_id, run_id)


def department_teams(tracker: Tracker, only: list[str] | None = None) -> list[TeamSetup]:
    """One team per department of the roster (or of the departments in ``only``, in that order);
    members are its active employees."""
    teams: dict[str, list[str]] = {d: [] for d in only or ()}
    for e in tracker.employees(active_only=True):
        if only is None or e["department"] in teams:
            teams.setdefault(e["department"], []).append(e["id"])
    return [TeamSetup(name, tuple(members)) for name, members in teams.items()]


def team_teams(tracker: Tracker) -> list[TeamSetup]:
    """One team per 班组 of the roster (named 部门·班组); members are its active employees.
    Employees without a 班组 are left out."""
    teams: dict[str, list[str]] = {}
    for e in tracker.employees(active_only=True):
        if e["team"]:
            teams.setdefault(f"{e['department']}·{e['team']}", []).append(e["id"])
    return [TeamSetup(name, tuple(members)) for name, members in teams.items()]


def captain_choices(tracker: Tracker) -> list[dict]:
    """Accounts that can captain a team (enabled, with an employee): username, employee id, name,
    department, 班组; by department, then name."""
    people = {e["id"]: e for e in tracker.employees(active_only=True)}
    out = [
        {
            "username": u.username,
            "employee_id": u.employee_id,
            "name": people[u.employee_id]["name"],
            "department": people[u.employee_id]["department"],
            "team": people[u.employee_id]["team"],
        }
        for u in tracker.users()
        if u.employee_id in people and not u.disabled
    ]
    return sorted(out, key=lambda c: (c["department"], c["name"], c["username"]))


def default_captains(tracker: Tracker, teams: list[TeamSetup]) -> dict[str, str | None]:
    """A distinct default captain for each team: the first account of one of its members (None when
    the team has no member with an account)."""
    by_employee: dict[str, str] = {}
    for c in captain_choices(tracker):
        by_employee.setdefault(c["employee_id"], c["username"])
    used: set[str] = set()
    out: dict[str, str | None] = {}
    for t in teams:
        pick = next((by_employee[m] for m in t.members if m in by_employee and by_employee[m] not in used), None)
        out[t.name] = pick
        if pick:
            used.add(pick)
    return out


def outside_captains(tracker: Tracker, teams: list[TeamSetup]) -> list[tuple[str, str]]:
    """(team, username) of captains who are not members of their team (for the host to confirm)."""
    accounts = {u.username: u for u in tracker.users()}
    out = []
    for t in teams:
        a = accounts.get(t.captain) if t.captain else None
        if a is not None and t.members and a.employee_id not in t.members:
            out.append((t.name, t.captain))
    return out


def check_captains(tracker: Tracker, teams: list[TeamSetup], *, outsiders_ok: bool = False) -> None:
    """Refuse an account that captains two teams, or (unless ``outsiders_ok``) a captain whose
    employee is not a member of the team."""
    seen: dict[str, str] = {}
    for t in teams:
        if not t.captain:
            continue
        if t.captain in seen:
            raise CompetitionRuleError(
                f"account '{t.captain}' cannot captain two teams ('{seen[t.captain]}' and '{t.name}')",
                "captain_twice",
                {"user": t.captain, "first": seen[t.captain], "second": t.name},
            )
        seen[t.captain] = t.name
    if not outsiders_ok:
        for team, user in outside_captains(tracker, teams):
            raise CompetitionRuleError(
                f"captain '{user}' is not a member of team '{team}'", "captain_outside", {"user": user, "team": team}
            )


def create_run(
    tracker: Tracker,
    account: Account | None,
    competition: LiveCompetition,
    *,
    teams: Any = None,
    mode: str = "host",
    seed: int | None = None,
    now: dt.datetime | None = None,
    captains: dict[str, str] | None = None,
    banks: dict[str, Bank] | None = None,
    outsiders_ok: bool = False,
    counts: bool = True,
) -> str:
    """Stage a competition; return the new run's id. Organizer or admin only.

    ``counts``: the run counts in the 考核指标 and the 学时 ledger (a real competition, the default);
    False makes it a rehearsal (演练), stored with the run, that counts in neither.

    ``teams``: None (as the file says), ``'departments'`` (one team per department of the
    roster, members = active employees), or a list of ``TeamSetup``, ``(name, members[, captain])``,
    ``{name, members, captain}`` or content ``Team``. ``captains``: team name → username of the
    account that may buzz/pick/answer for it on a device (``mode='devices'``).
    ``banks``: when given, ``competition_problems`` re-resolves the draws for the real number of
    teams; otherwise the pools resolved by ``load_catalog`` are used. A captain may
    captain one team only, and belong to it unless ``outsiders_ok``
    (the host confirmed it).
    """
    tracker.check_role(account, *HOST_ROLES)
    now = now or utcnow()
    spec = competition.teams if teams is None else teams
    if spec == "departments":
        team_list = department_teams(tracker)
    else:
        team_list = []
        for t in spec:
            if hasattr(t, "model_dump"):
                t = t.model_dump()
            team_list.append(rules._team(t))
    if captains:
        names = {t.name for t in team_list}
        for name in captains:
            if name not in names:
                raise CompetitionRuleError(f"captain given for unknown team '{name}'", "captain_team", {"team": name})
        team_list = [TeamSetup(t.name, t.members, captains.get(t.name, t.captain)) for t in team_list]
    check_captains(tracker, team_list, outsiders_ok=outsiders_ok)
    seen: dict[str, str] = {}
    for t in team_list:
        for m in t.members:
            tracker.employee(m)  # NotFound for an unknown 工号
            if m in seen:
                raise CompetitionRuleError(
                    f"employee {m} is in two teams ('{seen[m]}' and '{t.name}')",
                    "member_twice",
                    {"employee": m, "first": seen[m], "second": t.name},
                )
            seen[m] = t.name
    if banks is not None:
        problems = competition_problems(competition, banks, len(team_list))
        if problems:
            text = "\n".join(str(p) for p in problems)
            raise CompetitionRuleError(text, "content", {"detail": text})
    else:
        for rnd in competition.rounds:
            needed = rnd.questions_needed(len(team_list))
            if rnd.questions_available < needed:
                raise CompetitionRuleError(
                    f"round '{rnd.name}' needs {needed} questions for {len(team_list)} teams but has {rnd.questions_available}",
                    "round_short",
                    {"round": rnd.name, "needed": needed, "teams": len(team_list), "available": rnd.questions_available},
                )
    seed = secrets.randbits(31) if seed is None else seed
    try:
        setup = rules.build_setup(competition, team_list, mode=mode, seed=seed)
    except DrawError as e:
        raise CompetitionRuleError(str(e), "content", {"detail": str(e)}) from None
    source = getattr(competition, "_source", None)
    digest = source.digest if source is not None and getattr(source, "digest", "") else None
    run_id = uuid.uuid4().hex
    with tracker.write() as db:
        if digest:
            db["content_versions"].insert(
                {
                    "hash": digest,
                    "kind": "competition",
                    "object_id": competition.id,
                    "path": source.path,
                    "body": source.text,
                    "first_seen": iso(now),
                },
                pk="hash",
                ignore=True,
            )
        db["competition_runs"].insert(
            {
                "id": run_id,
                "competition_id": competition.id,
                "title": competition.title,
                "content_hash": digest,
                "mode": mode,
                "setup": setup.to_json(),
                "status": "setup",
                "created_at": iso(now),
                "created_by": account.username if account else None,
                "finished_at": None,
                "counts": 1 if counts else 0,
            }
        )
        tracker.audit(  # in the same transaction: the run and its entry land together
            account.username if account else None,
            "competition.create",
            {"competition": competition.id, "title": competition.title, "teams": [t.name for t in setup.teams]},
            subject=run_id,
        )
    return run_id


def _run(tracker: Tracker, run_id: str) -> dict:
    rows = list(tracker.db.query("SELECT * FROM competition_runs WHERE id = ?", (run_id,)))
    if not rows:
        raise NotFound(f"competition run {run_id} not found")
    return rows[0]


def setup_of(tracker: Tracker, run_id: str) -> Setup:
    key = _key(tracker, run_id)
    with _lock:
        if key in _setups:
            return _setups[key]
    setup = Setup.from_json(_run(tracker, run_id)["setup"])
    with _lock:
        _setups[key] = setup
    return setup


def _last_seq(tracker: Tracker, run_id: str) -> int:
    return tracker.db.execute("SELECT COALESCE(MAX(seq), 0) FROM competition_events WHERE run_id = ?", (run_id,)).fetchone()[0]


def events(tracker: Tracker, run_id: str) -> list[Event]:
    """The run's log in order."""
    return [
        Event(r["seq"], r["kind"], json.loads(r["data"]), r["at"], r["actor"])
        for r in tracker.db.query(
            "SELECT seq, kind, data, at, actor FROM competition_events WHERE run_id = ? ORDER BY seq", (run_id,)
        )
    ]


def state(tracker: Tracker, run_id: str) -> State:
    """The run's current state (read-only; shared from the cache)."""
    setup = setup_of(tracker, run_id)
    return _state_at(tracker, run_id, setup, _last_seq(tracker, run_id))


def _state_at(tracker: Tracker, run_id: str, setup: Setup, seq: int) -> State:
    key = _key(tracker, run_id)
    with _lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] == seq:
        return hit[1]
    current = rules.replay(setup, events(tracker, run_id))
    with _lock:
        _cache[key] = (current.seq, current)
    return current


class CommandRefused(AccessDenied, CompetitionRuleError):
    """A command refused because of who sends it, not because of the state of the game: an
    ``AccessDenied`` that carries a rule ``code`` (``sender_none``, ``sender_disabled``,
    ``sender_must_change``, ``sender_changed``, ``host_only``, ``not_captain``, ``host_role``), so the pages show
    ``rule.<code>`` in the user's language."""

    def __init__(self, message: str, code: str, params: dict | None = None):
        CompetitionRuleError.__init__(self, message, code, params)


def _sender(tracker: Tracker, account: Account | None) -> Account:
    """Refuse a sender who is disabled or still has a one-time password, by the account as given or as
    the accounts table has it now (a page's copy can be older than a disable, a password reset or a
    role change made since), or whose role has changed since. (An account with no row, as some tests
    build, is taken as given.)"""
    if account is None:
        raise CommandRefused("nobody is signed in", "sender_none")
    row = tracker._one("SELECT role, disabled, must_change_password FROM accounts WHERE username = ?", (account.username,))
    if account.disabled or (row is not None and row["disabled"]):
        raise CommandRefused(f"user {account.username} is disabled", "sender_disabled", {"user": account.username})
    if account.must_change or (row is not None and row["must_change_password"]):
        raise CommandRefused(
            f"user {account.username}: change the one-time password first", "sender_must_change", {"user": account.username}
        )
    if row is not None and row["role"] != account.role:
        raise CommandRefused(
            f"user {account.username} is now {row['role']}, not {account.role}", "sender_changed", {"user": account.username}
        )
    return account


def _authorize(tracker: Tracker, account: Account | None, setup: Setup, command: dict) -> None:
    """Refuse a sender who is disabled, still has a one-time password or has another role now (see
    ``_sender``), is not a host (host commands), or is neither a host nor the team's captain on a
    device (team commands)."""
    account = _sender(tracker, account)
    kind = command.get("kind")
    if kind in rules.TEAM_COMMANDS:
        team = command.get("team")
        if account.role in ("organizer", "admin"):
            return  # the host enters it for the team
        if setup.mode != "devices":
            raise CommandRefused(f"'{kind}' is entered by the host in this competition", "host_only")
        captain = setup.team(team).captain if team else None
        if captain is None or account.username != captain:
            raise CommandRefused(
                f"only the captain of team '{team}' can {kind.replace('_', ' ')} for it", "not_captain", {"team": team or ""}
            )
        return
    if account.role not in (*HOST_ROLES, "admin"):
        raise CommandRefused(f"'{kind}' needs the role {' or '.join(HOST_ROLES)}", "host_role")


def append(tracker: Tracker, account: Account | None, run_id: str, command: dict, now: dt.datetime | None = None) -> Event:
    """Validate ``command`` against the current state and append its event; return the event.

    Raises ``AccessDenied`` (role/captain), ``CompetitionRuleError`` (not legal now) or ``NotFound``.
    """
    setup = setup_of(tracker, run_id)
    _authorize(tracker, account, setup, command)
    with tracker.write(lock=("competition run", run_id)) as db:
        now = now or utcnow()  # stamped once the write lock is held: server order = time order
        run = _run(tracker, run_id)
        if run["status"] == "finished":
            raise CompetitionRuleError(f"competition run {run_id} is finished", "phase_finished")
        current = _state_at(tracker, run_id, setup, _last_seq(tracker, run_id))
        event, new = rules.advance(current, command, at=iso(now), actor=account.username if account else None)
        db["competition_events"].insert(
            {
                "run_id": run_id,
                "seq": event.seq,
                "at": event.at,
                "actor": event.actor,
                "kind": event.kind,
                "data": json.dumps(event.data, ensure_ascii=False),
            }
        )
        if event.kind == "start":
            db.execute("UPDATE competition_runs SET status = 'running' WHERE id = ?", (run_id,))
        elif event.kind == "finish":
            db.execute("UPDATE competition_runs SET status = 'finished', finished_at = ? WHERE id = ?", (event.at, run_id))
            _write_results(db, run_id, setup, new)
            tracker.audit(event.actor, "competition.finish", {"run": run_id, "title": run["title"]}, subject=run_id)
        elif event.kind == "adjust":  # 裁判加减分: who changed which score, by how much and why
            tracker.audit(
                event.actor,
                "competition.adjust",
                {
                    "run": run_id,
                    "side": event.data.get("team"),
                    "points": event.data.get("delta"),
                    "reason": event.data.get("reason"),
                },
                subject=run_id,
            )
    with _lock:
        key = _key(tracker, run_id)
        hit = _cache.get(key)
        if hit is None or hit[0] < new.seq:
            _cache[key] = (new.seq, new)
    return event


def _write_results(db, run_id: str, setup: Setup, final: State) -> None:
    if list(db.query("SELECT 1 FROM competition_results WHERE run_id = ? LIMIT 1", (run_id,))):
        return  # written once
    db["competition_results"].insert_all(
        [{"run_id": run_id, "team": r["team"], "rank": r["rank"], "points": r["score"]} for r in final.ranking]
    )
    members = [{"run_id": run_id, "team": t.name, "employee_id": m} for t in setup.teams for m in t.members]
    if members:
        db["competition_members"].insert_all(members)


def finish(tracker: Tracker, account: Account | None, run_id: str, now: dt.datetime | None = None) -> Event:
    """Finish the run: append ``finish`` and write its results and members (once)."""
    return append(tracker, account, run_id, {"kind": "finish"}, now=now)


def runs(tracker: Tracker, competition_id: str | None = None) -> list[dict]:
    """Runs (newest first), without their setup JSON."""
    sql = (
        "SELECT id, competition_id, title, content_hash, mode, status, created_at, created_by, finished_at FROM competition_runs"
    )
    params: tuple = ()
    if competition_id:
        sql += " WHERE competition_id = ?"
        params = (competition_id,)
    return list(tracker.db.query(sql + " ORDER BY created_at DESC, id", params))


def results(tracker: Tracker, run_id: str) -> list[dict]:
    """The final ranking written at finish (empty before)."""
    return list(
        tracker.db.query("SELECT team, rank, points FROM competition_results WHERE run_id = ? ORDER BY rank, team", (run_id,))
    )


class Live:
    """The live-competition calls of one account (``Access.live``): what the host console, the big
    screen and the team devices use. Roles are checked by ``append`` and ``create_run``."""

    def __init__(self, tracker: Tracker, account: Account | None):
        self.tracker = tracker
        self.account = account

    def _signed_in(self) -> None:
        """Reads need an account that is signed in for real: enabled, its own password set (any role)."""
        self.tracker.check_role(self.account, "employee", "organizer", "leader")

    def runs(self) -> list[dict]:
        self._signed_in()
        return runs(self.tracker)

    def state(self, run_id: str) -> State:
        self._signed_in()
        return state(self.tracker, run_id)

    def setup(self, run_id: str) -> Setup:
        self._signed_in()
        return setup_of(self.tracker, run_id)

    def send(self, run_id: str, command: dict) -> Event:
        """Append ``command`` (``finish`` writes the results too)."""
        return append(self.tracker, self.account, run_id, command)

    def stage(self, competition: LiveCompetition, **kwargs: Any) -> str:
        return create_run(self.tracker, self.account, competition, **kwargs)

    def department_teams(self, only: list[str] | None = None) -> list[TeamSetup]:
        self.tracker.check_role(self.account, *HOST_ROLES)
        return department_teams(self.tracker, only)

    def team_teams(self) -> list[TeamSetup]:
        self.tracker.check_role(self.account, *HOST_ROLES)
        return team_teams(self.tracker)

    def departments(self) -> list[str]:
        self.tracker.check_role(self.account, *HOST_ROLES)
        return sorted({e["department"] for e in self.tracker.employees(active_only=True)})

    def captain_choices(self) -> list[dict]:
        self.tracker.check_role(self.account, *HOST_ROLES)
        return captain_choices(self.tracker)

    def default_captains(self, teams: list[TeamSetup]) -> dict[str, str | None]:
        self.tracker.check_role(self.account, *HOST_ROLES)
        return default_captains(self.tracker, teams)

    def outside_captains(self, teams: list[TeamSetup]) -> list[tuple[str, str]]:
        self.tracker.check_role(self.account, *HOST_ROLES)
        return outside_captains(self.tracker, teams)

    def my_teams(self) -> list[tuple[dict, TeamSetup]]:
        """(run, team) of the unfinished device-mode runs this account captains."""
        self._signed_in()
        me = self.account.username
        return [
            (r, t)
            for r in runs(self.tracker)
            if r["status"] != "finished" and r["mode"] == "devices"
            for t in setup_of(self.tracker, r["id"]).teams
            if me and t.captain == me
        ]

    def console(self, run_id: str) -> dict:
        """What the host console shows and offers now: the view with the key, whether the audience
        has seen the answer, the legal commands, the teams to judge or buzz for, the judgments that
        can be corrected, and the teams still answering (公布答案 then asks to confirm)."""
        self.tracker.check_role(self.account, *HOST_ROLES)
        return console(self.tracker, run_id)


def console(tracker: Tracker, run_id: str) -> dict:
    """``Live.console`` without the role check, from a process-wide cache by the run's last seq: the
    legal commands are found by trying them on a copy of the state (every team's buzz, …), which costs
    tens of milliseconds with 60 teams, and the answer depends on the state alone. Every console of the
    run shares it until the next event: read it, never change it."""
    now = state(tracker, run_id)
    key = _key(tracker, run_id)
    with _lock:
        hit = _consoles.get(key)
    if hit is not None and hit[0] == now.seq:
        return hit[1]
    out = _console(now)
    with _lock:
        _consoles[key] = (now.seq, out)
    return out


def _console(now: State) -> dict:
    return {
        "view": rules.public_view(now, True),
        "revealed": now.answer_revealed,
        "allowed": rules.allowed_commands(now),
        "judge": rules.judge_targets(now),
        "buzz": rules.buzz_targets(now),
        "answering": rules.answering_now(now),
        "correctable": [
            {
                "seq": a.seq,
                "team": a.team,
                "result": a.result,
                "round": now.setup.rounds[a.round_index].name if a.round_index is not None else None,
                "question": a.question_index + 1,
            }
            for a in rules.correctable(now)
        ],
        "history": [
            {
                "seq": a.seq,
                "at": a.at,
                "team": a.team,
                "delta": a.delta,
                "reason": a.reason,
                "note": a.note,
                "undone": a.undone_by is not None,
            }
            for a in now.history
        ],
    }
