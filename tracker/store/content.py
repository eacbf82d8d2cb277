"""Content settings: hidden quizzes and who runs which quiz."""

from __future__ import annotations

import datetime as dt
import json

from quizzes.fields import utcnow
from tracker.errors import AccessDenied, AccountError
from tracker.store.accounts import Account
from tracker.store.core import Store, iso, parse_iso


class ContentSettings(Store):
    """Quiz visibility and owners (report scoping between organizers)."""

    def set_quiz_hidden(self, account: Account, quiz_id: str, hidden: bool) -> None:
        """Hide (or show again) a quiz for employees without deleting its file; organizers only."""
        self.check_role(account, "organizer")
        with self.write() as db:
            db["quiz_settings"].upsert(
                {"quiz_id": quiz_id, "hidden": int(hidden), "updated_at": iso(utcnow()), "updated_by": account.username},
                pk="quiz_id",
            )
            self.audit(account.username, "quiz.hide" if hidden else "quiz.show", {"quiz_id": quiz_id})

    def may_set_quiz_owners(self, account: Account | None, quiz_id: str) -> bool:
        """Whether ``account`` may change who runs a quiz: admins always; organizers only for a quiz
        they run themselves or that nobody runs yet (so no organizer can take another's quiz)."""
        if account is None or account.disabled or account.role not in ("organizer", "admin"):
            return False
        owners = self.quiz_owners().get(quiz_id, set())
        return account.role == "admin" or not owners or account.username in owners

    def set_quiz_owners(self, account: Account, quiz_id: str, usernames: list[str]) -> None:
        """Set the organizers who run a quiz (admins; organizers for a quiz they run or nobody runs,
        see ``may_set_quiz_owners``). Organizers see the reports of the quizzes they run and of
        quizzes nobody runs; leaders see everything."""
        self.check_role(account, "organizer")
        if not self.may_set_quiz_owners(account, quiz_id):
            raise AccessDenied(f"quiz {quiz_id} is run by other organizers: only they or an admin may change who runs it")
        known = {a.username: a.role for a in self.users()}
        for name in usernames:
            if known.get(name) not in ("organizer", "admin"):
                raise AccountError(f"{name} is not an organizer")
        with self.write() as db:
            db.execute("DELETE FROM quiz_owners WHERE quiz_id = ?", (quiz_id,))
            db.conn.executemany(
                "INSERT INTO quiz_owners (quiz_id, username) VALUES (?, ?)", [(quiz_id, name) for name in sorted(set(usernames))]
            )
            self.audit(account.username, "quiz.owners", {"quiz_id": quiz_id, "owners": sorted(set(usernames))})

    def quiz_owners(self) -> dict[str, set[str]]:
        """The organizers of each quiz that has any."""
        owners: dict[str, set[str]] = {}
        for row in self.db.query("SELECT quiz_id, username FROM quiz_owners"):
            owners.setdefault(row["quiz_id"], set()).add(row["username"])
        return owners

    def quizzes_hidden_from(self, account: Account) -> set[str]:
        """Quizzes whose reports ``account`` may not see: for organizers, those run only by others."""
        if account.role != "organizer":
            return set()
        return {quiz for quiz, names in self.quiz_owners().items() if account.username not in names}

    def quiz_publications(self) -> dict[str, dt.datetime]:
        """When each quiz was last published from 组卷 or uploaded in 内容管理 (a save or upload as published
        after none or a draft), read from the audit log's ``content.save`` and ``content.publish``
        entries; quizzes written by hand into the folder are not in it.
        The 测验 page asks at every run: the entries are read again only when their count or last id
        moved (one look at the action's index), i.e. after an organizer saved content."""
        key = self._one(
            "SELECT COUNT(*) AS n, MAX(id) AS last FROM audit_log WHERE action IN (?, ?)", ("content.save", "content.publish")
        )
        stamp = (int(key["n"]), key["last"])
        cached = self.__dict__.get("_publications")
        if cached is not None and cached[0] == stamp:
            return dict(cached[1])
        out = self._publications_from_audit()
        if not self._in_transaction():  # never keep what a transaction may still roll back
            self._publications = (stamp, out)
        return dict(out)

    def _publications_from_audit(self) -> dict[str, dt.datetime]:
        out: dict[str, dt.datetime] = {}
        last: dict[str, str] = {}
        rows = self.db.query(
            "SELECT at, detail FROM audit_log WHERE action IN (?, ?) ORDER BY id", ["content.save", "content.publish"]
        )
        for row in rows:
            try:
                detail = json.loads(row["detail"] or "null") or {}
            except ValueError:
                continue
            if not isinstance(detail, dict) or detail.get("kind") != "quiz" or not detail.get("id"):
                continue
            quiz_id = str(detail["id"])
            # entries written before the status was recorded say it in their change: "quiz X saved as draft"
            status = detail.get("status") or ("draft" if str(detail.get("change", "")).endswith(" as draft") else "published")
            if status == "published" and last.get(quiz_id) != "published":
                out[quiz_id] = parse_iso(row["at"])
            last[quiz_id] = status
        return out

    def hidden_quizzes(self) -> set[str]:
        """Ids of the quizzes organizers have hidden."""
        return {r["quiz_id"] for r in self.db.query("SELECT quiz_id FROM quiz_settings WHERE hidden = 1")}
