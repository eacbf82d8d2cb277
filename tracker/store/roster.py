"""The roster domain: employees (工号, name, department, 班组, active)."""

from __future__ import annotations

from pathlib import Path

from tracker.errors import NotFound
from tracker.roster import read_roster
from tracker.store.core import Store


class RosterStore(Store):
    """Employees: import, add, look up."""

    def import_roster(self, path: str | Path, *, deactivate_missing: bool = False) -> int:
        """Add or update the employees of a CSV/XLSX roster; return how many rows it had.

        Raises ``RosterError`` listing every bad row; then nothing is written. With
        ``deactivate_missing``, employees not in the file are marked inactive (they left).
        """
        rows = read_roster(path)
        with self.write() as db:
            db["employees"].upsert_all(
                [{"id": r.id, "name": r.name, "department": r.department, "team": r.team, "active": r.active} for r in rows],
                pk="id",
            )
            if deactivate_missing:
                ids = [r.id for r in rows]
                db.execute(f"UPDATE employees SET active = 0 WHERE id NOT IN ({','.join('?' * len(ids))})", ids)
        return len(rows)

    def add_employee(self, id: str, name: str, department: str, team: str | None = None, active: bool = True) -> None:
        with self.write() as db:
            db["employees"].upsert(
                {"id": id, "name": name, "department": department, "team": team, "active": int(active)}, pk="id"
            )

    def employee(self, employee_id: str) -> dict:
        row = self._one("SELECT * FROM employees WHERE id = ?", (employee_id,))
        if row is None:
            raise NotFound(f"employee {employee_id} not found")
        return row

    def employees(self, active_only: bool = False) -> list[dict]:
        where = "WHERE active = 1" if active_only else ""
        return list(self.db.query(f"SELECT * FROM employees {where} ORDER BY department, team, id"))
