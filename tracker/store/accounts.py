"""The accounts domain: users, roles, password hashes, language (sessions: ``tracker.auth``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizzes.fields import utcnow
from tracker import passwords
from tracker.errors import AccountError, NotFound
from tracker.store.core import Store, iso

ROLES = ("employee", "organizer", "leader", "admin")
USERNAME = re.compile(r"[\w.@-]{2,64}")


@dataclass(frozen=True)
class Account:
    """A signed-in (or listed) user; never carries the password hash."""

    username: str
    role: str
    employee_id: str | None = None
    lang: str | None = None
    disabled: bool = False


class AccountStore(Store):
    """Accounts: create, set password and language, list, authenticate."""

    def add_user(self, username: str, password: str, role: str, employee_id: str | None = None) -> Account:
        """Create an account; the password is stored only as a slow salted hash."""
        if not USERNAME.fullmatch(username or ""):
            raise AccountError(f"user name {username!r}: 2–64 letters, digits, '.', '-', '_' or '@'")
        if role not in ROLES:
            raise AccountError(f"user {username}: role must be one of {', '.join(ROLES)}, not {role!r}")
        if len(password or "") < passwords.MIN_LENGTH:
            raise AccountError(f"user {username}: the password needs at least {passwords.MIN_LENGTH} characters")
        if role == "employee" and not employee_id:
            raise AccountError(f"user {username}: an employee account needs --employee (工号)")
        if employee_id:
            self.employee(employee_id)
        hashed = passwords.hash_password(password)
        with self.write() as db:
            if self._one("SELECT 1 AS x FROM accounts WHERE username = ?", (username,)):
                raise AccountError(f"user {username} already exists")
            db["accounts"].insert(
                {
                    "username": username,
                    "password_hash": hashed,
                    "role": role,
                    "employee_id": employee_id,
                    "created_at": iso(utcnow()),
                }
            )
        return Account(username, role, employee_id)

    def set_password(self, username: str, password: str) -> None:
        if len(password or "") < passwords.MIN_LENGTH:
            raise AccountError(f"user {username}: the password needs at least {passwords.MIN_LENGTH} characters")
        hashed = passwords.hash_password(password)
        with self.write() as db:
            if db.execute("UPDATE accounts SET password_hash = ? WHERE username = ?", (hashed, username)).rowcount == 0:
                raise NotFound(f"user {username} not found")
            db.execute("DELETE FROM sessions WHERE username = ?", (username,))  # sign out everywhere

    def set_lang(self, username: str, lang: str) -> None:
        with self.write() as db:
            db.execute("UPDATE accounts SET lang = ? WHERE username = ?", (lang, username))

    def users(self) -> list[Account]:
        return [
            Account(r["username"], r["role"], r["employee_id"], r["lang"], bool(r["disabled"]))
            for r in self.db.query("SELECT * FROM accounts ORDER BY role, username")
        ]

    def authenticate(self, username: str, password: str) -> Account | None:
        """The account for these credentials, or None (the same way for an unknown user)."""
        row = self._one("SELECT * FROM accounts WHERE username = ?", (username,))
        if row is None:
            passwords.burn_time(password)
            return None
        if not passwords.verify_password(password, row["password_hash"]) or row["disabled"]:
            return None
        return Account(row["username"], row["role"], row["employee_id"], row["lang"])
