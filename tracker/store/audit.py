"""The audit log: who did what and when, read by admins (written by ``Store.audit``)."""

from __future__ import annotations

import datetime as dt

from tracker.store.accounts import Account
from tracker.store.core import Store, day_start, iso

# The actions recorded, in the order the audit page lists them; period locks come from report_lock_log.
ACTIONS = (
    "sign_in",
    "sign_in.failed",
    "password.change",
    "password.reset",
    "user.add",
    "user.bulk_add",
    "user.passwd",
    "user.role",
    "user.disable",
    "user.enable",
    "roster.import",
    "roster.add",
    "roster.edit",
    "roster.left",
    "roster.returned",
    "content.publish",
    "content.save",
    "content.image",
    "quiz.hide",
    "quiz.show",
    "quiz.owners",
    "de.score",
    "de.import",
    "de.veto",
    "de.veto_withdrawn",
    # written by tracker/competitions.py and tracker/event_*.py once they call Store.audit (see the notes of s-15b)
    "competition.create",
    "competition.adjust",
    "competition.finish",
    "event.checkin_open",
    "event.checkin_close",
    "event.checkin_code_wrong",
    "period.lock",
    "period.unlock",
)


class AuditStore(Store):
    """Reading the audit log (admins)."""

    def audit_entries(
        self,
        actor: Account | None,
        *,
        person: str = "",
        action: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        limit: int = 5000,
    ) -> list[dict]:
        """Entries newest first (admins): ``person`` matches who acted or was acted on (user name or
        工号), ``action`` one of ``ACTIONS``, ``since``/``until`` whole days in Asia/Shanghai."""
        self.check_role(actor, "admin")
        where, params = [], []
        if person.strip():
            where.append("(actor = ? OR subject = ?)")
            params += [person.strip(), person.strip()]
        if action:
            where.append("action = ?")
            params.append(action)
        if since:
            where.append("at >= ?")
            params.append(iso(day_start(since)))
        if until:
            where.append("at < ?")
            params.append(iso(day_start(until + dt.timedelta(days=1))))
        sql = (
            "SELECT at, actor, action, subject, address, detail FROM (SELECT id, at, actor, action, subject, address, detail "
            "FROM audit_log UNION ALL SELECT id, at, actor, 'period.' || action, period_key, NULL, reason FROM report_lock_log) AS entries "
            f"{'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY at DESC, id DESC LIMIT ?"
        )
        return list(self.db.query(sql, [*params, limit]))
