"""The accounts domain: users, roles, password hashes, language (sessions: ``tracker.auth``), and
the administration of accounts by admins (create with a one-time password, reset, disable, role)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from quizzes.fields import utcnow
from tracker import passwords
from tracker.errors import AccessDenied, AccountError, NotFound
from tracker.store.core import Store, iso

ROLES = ("employee", "organizer", "leader", "admin")
USERNAME = re.compile(r"[\w.@-]{2,64}")


class AccountRefused(AccountError):
    """An account change refused for a reason the UI can name: ``code`` is ``bad_name``,
    ``bad_role``, ``needs_employee``, ``exists``, ``wrong_current``, ``self_disable``, ``last_admin``,
    ``empty_field`` or ``too_long``."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Account:
    """A signed-in (or listed) user; never carries the password hash. ``must_change``: signed in
    with a one-time password, which must be changed before anything else."""

    username: str
    role: str
    employee_id: str | None = None
    lang: str | None = None
    disabled: bool = False
    must_change: bool = False


@dataclass(frozen=True)
class AccountRow:
    """An account as the admin's list shows it."""

    username: str
    role: str
    employee_id: str | None
    employee_name: str | None
    department: str | None
    disabled: bool
    must_change: bool
    last_sign_in: str | None
    created_at: str


@dataclass(frozen=True)
class OneTimePassword:
    """A generated password, to be shown once and changed at the next sign-in."""

    username: str
    password: str
    employee_id: str | None = None
    name: str | None = None


class AccountStore(Store):
    """Accounts: create, set password and language, list, authenticate; admin calls take the
    acting account first and check it is an admin."""

    def add_user(
        self, username: str, password: str, role: str, employee_id: str | None = None, *, must_change: bool = False
    ) -> Account:
        """Create an account; the password must pass the policy (``passwords.check_password``) and
        is stored only as a slow salted hash."""
        if not USERNAME.fullmatch(username or ""):
            raise AccountRefused("bad_name", f"user name {username!r}: 2–64 letters, digits, '.', '-', '_' or '@'")
        if role not in ROLES:
            raise AccountRefused("bad_role", f"user {username}: role must be one of {', '.join(ROLES)}, not {role!r}")
        passwords.check_password(password, username, employee_id)
        if role == "employee" and not employee_id:
            raise AccountRefused("needs_employee", f"user {username}: an employee account needs --employee (工号)")
        if employee_id:
            self.employee(employee_id)
        hashed = passwords.hash_password(password)
        with self.write() as db:
            if self._one("SELECT 1 AS x FROM accounts WHERE username = ?", (username,)):
                raise AccountRefused("exists", f"user {username} already exists")
            db["accounts"].insert(
                {
                    "username": username,
                    "password_hash": hashed,
                    "role": role,
                    "employee_id": employee_id,
                    "created_at": iso(utcnow()),
                    "must_change_password": int(must_change),
                }
            )
        return Account(username, role, employee_id, must_change=must_change)

    def _account_row(self, username: str) -> dict:
        row = self._one("SELECT * FROM accounts WHERE username = ?", (username,))
        if row is None:
            raise NotFound(f"user {username} not found")
        return row

    def set_password(self, username: str, password: str, *, must_change: bool = False, keep_session: str | None = None) -> None:
        """Set a password that passes the policy; every session of the user ends (but the one whose
        token is ``keep_session``: the person who just changed it)."""
        row = self._account_row(username)
        passwords.check_password(password, username, row["employee_id"])
        hashed = passwords.hash_password(password)
        with self.write() as db:
            db.execute(
                "UPDATE accounts SET password_hash = ?, must_change_password = ? WHERE username = ?",
                (hashed, int(must_change), username),
            )
            keep = hashlib.sha256(keep_session.encode()).hexdigest() if keep_session else ""
            db.execute("DELETE FROM sessions WHERE username = ? AND token_hash != ?", (username, keep))  # sign out everywhere

    def set_lang(self, username: str, lang: str) -> None:
        with self.write() as db:
            db.execute("UPDATE accounts SET lang = ? WHERE username = ?", (lang, username))

    def users(self) -> list[Account]:
        return [
            Account(r["username"], r["role"], r["employee_id"], r["lang"], bool(r["disabled"]), bool(r["must_change_password"]))
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
        return Account(
            row["username"], row["role"], row["employee_id"], row["lang"], must_change=bool(row["must_change_password"])
        )

    # -- one's own password ------------------------------------------------------------------------
    def change_own_password(self, account: Account | None, current: str, new: str, *, keep_session: str | None = None) -> None:
        """Change the signed-in account's password: the current one must be right, the new one must
        pass the policy and differ from it. Ends every session of the account but ``keep_session``
        (the token of the session making the change), and clears a one-time password's flag."""
        if account is None or account.disabled:
            raise AccessDenied("this needs a signed-in account")
        row = self._account_row(account.username)
        if not passwords.verify_password(current or "", row["password_hash"]):
            raise AccountRefused("wrong_current", f"user {account.username}: the current password is wrong")
        if new == current:
            raise passwords.WeakPassword("same", account.username, "the new password is the same as the current one")
        self.set_password(account.username, new, keep_session=keep_session)
        self.audit(account.username, "password.change", subject=account.username)

    # -- administration (admins) -----------------------------------------------------------------
    def account_rows(self, actor: Account | None) -> list[AccountRow]:
        """Every account with its employee and last sign-in, for the admin's list (admins)."""
        self.check_role(actor, "admin")
        rows = self.db.query(
            "SELECT a.*, e.name AS employee_name, e.department FROM accounts a "
            "LEFT JOIN employees e ON e.id = a.employee_id ORDER BY a.role, a.username"
        )
        return [
            AccountRow(
                r["username"],
                r["role"],
                r["employee_id"],
                r["employee_name"],
                r["department"],
                bool(r["disabled"]),
                bool(r["must_change_password"]),
                r["last_sign_in"],
                r["created_at"],
            )
            for r in rows
        ]

    def create_account(self, actor: Account | None, username: str, role: str, employee_id: str | None = None) -> OneTimePassword:
        """Create an account with a generated one-time password (admins); it must be changed at the
        first sign-in. The password is returned once and never stored."""
        self.check_role(actor, "admin")
        password = passwords.one_time_password(username, employee_id)
        self.add_user(username, password, role, employee_id or None, must_change=True)
        self.audit(actor.username, "user.add", {"role": role, "employee_id": employee_id or None}, subject=username)
        return OneTimePassword(username, password, employee_id or None)

    def create_department_accounts(self, actor: Account | None, department: str) -> list[OneTimePassword]:
        """Employee accounts (user name = 工号, one-time passwords) for every active employee of a
        department who has none yet (admins); all of them or none are created."""
        self.check_role(actor, "admin")
        employees = list(
            self.db.query(
                "SELECT e.id, e.name FROM employees e WHERE e.department = ? AND e.active = 1 "
                "AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.employee_id = e.id OR a.username = e.id) ORDER BY e.id",
                (department,),
            )
        )
        out = []
        with self.write():
            for e in employees:
                password = passwords.one_time_password(e["id"], e["id"])
                self.add_user(e["id"], password, "employee", e["id"], must_change=True)
                out.append(OneTimePassword(e["id"], password, e["id"], e["name"]))
            self.audit(actor.username, "user.bulk_add", {"department": department, "count": len(out)}, subject=department)
        return out

    def reset_password(self, actor: Account | None, username: str) -> OneTimePassword:
        """A new one-time password for an account (admins): every session of it ends, and the
        password must be changed at the next sign-in."""
        self.check_role(actor, "admin")
        row = self._account_row(username)
        password = passwords.one_time_password(username, row["employee_id"])
        with self.write():
            self.set_password(username, password, must_change=True)
            self.audit(actor.username, "password.reset", subject=username)
        return OneTimePassword(username, password, row["employee_id"])

    def set_disabled(self, actor: Account | None, username: str, disabled: bool) -> None:
        """Disable (or enable again) an account (admins). A disabled account cannot sign in and its
        open sessions end at their next click. An admin cannot disable themselves."""
        self.check_role(actor, "admin")
        self._account_row(username)
        if disabled and username == actor.username:
            raise AccountRefused("self_disable", f"user {username}: you cannot disable your own account")
        with self.write() as db:
            self._disable(db, [username], disabled, actor.username)
            self.audit(actor.username, "user.disable" if disabled else "user.enable", subject=username)

    def _disable(self, db, usernames: list[str], disabled: bool, by: str) -> None:
        for name in usernames:
            db.execute(
                "UPDATE accounts SET disabled = ?, disabled_at = ?, disabled_by = ? WHERE username = ?",
                (int(disabled), iso(utcnow()) if disabled else None, by if disabled else None, name),
            )
            if disabled:
                db.execute("DELETE FROM sessions WHERE username = ?", (name,))

    def set_role(self, actor: Account | None, username: str, role: str) -> None:
        """Change an account's role (admins). The last enabled admin keeps the role; an employee
        account needs an employee record."""
        self.check_role(actor, "admin")
        row = self._account_row(username)
        if role not in ROLES:
            raise AccountRefused("bad_role", f"user {username}: role must be one of {', '.join(ROLES)}, not {role!r}")
        if role == "employee" and not row["employee_id"]:
            raise AccountRefused("needs_employee", f"user {username}: an employee account needs an employee record (工号)")
        with self.write() as db:
            if row["role"] == "admin" and role != "admin":
                admins = self._one("SELECT count(*) AS n FROM accounts WHERE role = 'admin' AND disabled = 0")["n"]
                if admins <= 1:
                    raise AccountRefused("last_admin", f"user {username}: the last admin keeps the role")
            db.execute("UPDATE accounts SET role = ? WHERE username = ?", (role, username))  # from the next click on
            self.audit(actor.username, "user.role", {"from": row["role"], "to": role}, subject=username)
