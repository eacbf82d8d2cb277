"""The roster domain: employees (工号, name, department, 班组, active, date left).

An employee who leaves (离职: marked on the page, or missing from a roster imported with
``deactivate_missing``) can no longer sign in: their accounts are disabled and their open sessions
end at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from quizzes.fields import SHANGHAI, utcnow
from tracker.errors import NotFound
from tracker.roster import RosterRow, read_roster
from tracker.store.accounts import Account, AccountRefused
from tracker.store.core import Store

STATUSES = ("active", "left")


@dataclass(frozen=True)
class RosterPreview:
    """What importing a roster file would do, before anything is written."""

    rows: int
    added: list[RosterRow] = field(default_factory=list)
    changed: list[tuple[dict, RosterRow]] = field(default_factory=list)  # (as it is now, as the file has it)
    deactivated: list[dict] = field(default_factory=list)  # active employees the import marks as left
    unchanged: int = 0


def _today() -> str:
    return utcnow().astimezone(SHANGHAI).date().isoformat()


class RosterStore(Store):
    """Employees: import (with a preview), add, edit, mark as left, look up."""

    def preview_roster(self, path: str | Path, *, deactivate_missing: bool = False) -> RosterPreview:
        """What ``import_roster`` would add, change and deactivate; ``RosterError`` for a bad file."""
        rows = read_roster(path)
        current = {e["id"]: e for e in self.db.query("SELECT * FROM employees")}
        added, changed, unchanged = [], [], 0
        for r in rows:
            now = current.get(r.id)
            if now is None:
                added.append(r)
            elif (now["name"], now["department"], now["team"], now["active"]) != (r.name, r.department, r.team, r.active):
                changed.append((now, r))
            else:
                unchanged += 1
        ids = {r.id for r in rows}
        leaving = [current[r.id] for r in rows if r.id in current and current[r.id]["active"] and not r.active]
        if deactivate_missing:
            leaving += [e for e in current.values() if e["id"] not in ids and e["active"]]
        return RosterPreview(len(rows), added, changed, sorted(leaving, key=lambda e: e["id"]), unchanged)

    def import_roster(
        self, path: str | Path, *, deactivate_missing: bool = False, actor: Account | None = None, name: str | None = None
    ) -> int:
        """Add or update the employees of a CSV/XLSX roster; return how many rows it had.

        Raises ``RosterError`` listing every bad row; then nothing is written. With
        ``deactivate_missing``, employees not in the file are marked as left (today). Everyone who
        leaves by this import has their accounts disabled and their sessions ended. ``actor``: the
        admin importing from the browser (the CLI, run on the server, passes none); ``name``: the
        uploaded file's own name, for the audit log (the upload is read from a temporary copy).
        """
        if actor is not None:
            self.check_role(actor, "admin")
        preview = self.preview_roster(path, deactivate_missing=deactivate_missing)
        rows = read_roster(path)
        by = actor.username if actor else "cli"
        with self.write() as db:
            db["employees"].upsert_all(
                [{"id": r.id, "name": r.name, "department": r.department, "team": r.team, "active": r.active} for r in rows],
                pk="id",
            )
            leaving = [e["id"] for e in preview.deactivated]
            for eid in leaving:
                db.execute("UPDATE employees SET active = 0, left_on = coalesce(left_on, ?) WHERE id = ?", (_today(), eid))
            self._disable_accounts_of(db, leaving, by)
            self.audit(
                by,
                "roster.import",
                {
                    "file": name or Path(path).name,
                    "rows": preview.rows,
                    "added": [r.id for r in preview.added],
                    "changed": [r.id for _, r in preview.changed],
                    "deactivated": leaving,
                },
            )
        return len(rows)

    def _disable_accounts_of(self, db, employee_ids: list[str], by: str) -> list[str]:
        """Disable the accounts of these employees and end their sessions; return the user names."""
        names = [
            r["username"]
            for eid in employee_ids
            for r in db.query("SELECT username FROM accounts WHERE employee_id = ? AND disabled = 0", (eid,))
        ]
        self._disable(db, names, True, by)
        for name in names:
            self.audit(by, "user.disable", {"reason": "employee left"}, subject=name)
        return names

    def add_employee(self, id: str, name: str, department: str, team: str | None = None, active: bool = True) -> None:
        with self.write() as db:
            db["employees"].upsert(
                {"id": id, "name": name, "department": department, "team": team, "active": int(active)}, pk="id"
            )

    def save_employee(self, actor: Account | None, id: str, name: str, department: str, team: str | None = None) -> None:
        """Add an employee or change one's name, department or 班组 (admins)."""
        self.check_role(actor, "admin")
        id, name, department, team = (id or "").strip(), (name or "").strip(), (department or "").strip(), (team or "").strip()
        for label, value in (("工号", id), ("姓名", name), ("部门", department)):
            if not value:
                raise AccountRefused("empty_field", f"employee {id or '?'}: {label} is empty")
            if len(value) > 100:
                raise AccountRefused("too_long", f"employee {id}: {label} is longer than 100 characters")
        before = self._one("SELECT * FROM employees WHERE id = ?", (id,))
        with self.write() as db:
            if before is None:
                db["employees"].insert({"id": id, "name": name, "department": department, "team": team or None, "active": 1})
            else:
                db.execute(
                    "UPDATE employees SET name = ?, department = ?, team = ? WHERE id = ?", (name, department, team or None, id)
                )
            self.audit(
                actor.username,
                "roster.add" if before is None else "roster.edit",
                {"name": name, "department": department, "team": team or None},
                subject=id,
            )

    def mark_left(self, actor: Account | None, employee_id: str, left_on: dt.date | str | None = None) -> list[str]:
        """Mark an employee as left (离职) on a date (admins): their accounts are disabled and their
        open sessions end. Returns the user names disabled."""
        self.check_role(actor, "admin")
        self.employee(employee_id)
        day = dt.date.fromisoformat(left_on) if isinstance(left_on, str) else left_on
        day_text = day.isoformat() if day else _today()
        with self.write() as db:
            db.execute("UPDATE employees SET active = 0, left_on = ? WHERE id = ?", (day_text, employee_id))
            names = self._disable_accounts_of(db, [employee_id], actor.username)
            self.audit(actor.username, "roster.left", {"left_on": day_text, "accounts": names}, subject=employee_id)
        return names

    def mark_returned(self, actor: Account | None, employee_id: str) -> None:
        """Mark an employee as active again (admins). Their accounts stay disabled until enabled."""
        self.check_role(actor, "admin")
        self.employee(employee_id)
        with self.write() as db:
            db.execute("UPDATE employees SET active = 1, left_on = NULL WHERE id = ?", (employee_id,))
            self.audit(actor.username, "roster.returned", subject=employee_id)

    def find_employees(
        self,
        actor: Account | None,
        *,
        text: str = "",
        department: str | None = None,
        team: str | None = None,
        status: str | None = None,
    ) -> list[dict]:
        """Employees matching a search (工号 or name contains ``text``), a department, a 班组 and a
        status (``active``/``left``), for the admin's roster page; each with its user names."""
        self.check_role(actor, "admin")
        where, params = [], []
        if text.strip():
            # LOWER: SQLite's LIKE ignores the case of ASCII letters, PostgreSQL's does not
            where.append("(LOWER(e.id) LIKE LOWER(?) ESCAPE '\\' OR LOWER(e.name) LIKE LOWER(?) ESCAPE '\\')")
            like = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params += [like, like]
        if department:
            where.append("e.department = ?")
            params.append(department)
        if team:
            where.append("e.team = ?")
            params.append(team)
        if status in STATUSES:
            where.append("e.active = ?")
            params.append(1 if status == "active" else 0)
        sql = f"SELECT e.* FROM employees e {'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY e.department, e.team, e.id"
        rows = list(self.db.query(sql, params))
        names: dict[str, list[str]] = {}
        for a in self.db.query(
            "SELECT employee_id, username FROM accounts WHERE employee_id IS NOT NULL ORDER BY created_at, username"
        ):
            names.setdefault(a["employee_id"], []).append(a["username"])
        for r in rows:  # the user names, joined here (no group_concat on PostgreSQL)
            r["accounts"] = ", ".join(names[r["id"]]) if r["id"] in names else None
        return rows

    def departments(self) -> dict[str, list[str]]:
        """Each department with its 班组 (sorted)."""
        out: dict[str, list[str]] = {}
        for r in self.db.query("SELECT DISTINCT department, team FROM employees ORDER BY department, team"):
            teams = out.setdefault(r["department"], [])
            if r["team"]:
                teams.append(r["team"])
        return out

    def roster_entry(self, actor: Account | None, employee_id: str) -> dict | None:
        """The employee with this 工号 (admins), or None: what 添加或修改人员 fills in for an existing one."""
        self.check_role(actor, "admin")
        return self._one("SELECT * FROM employees WHERE id = ?", ((employee_id or "").strip(),))

    def employee(self, employee_id: str) -> dict:
        row = self._one("SELECT * FROM employees WHERE id = ?", (employee_id,))
        if row is None:
            raise NotFound(f"employee {employee_id} not found")
        return row

    def employees(self, active_only: bool = False) -> list[dict]:
        where = "WHERE active = 1" if active_only else ""
        return list(self.db.query(f"SELECT * FROM employees {where} ORDER BY department, team, id"))
