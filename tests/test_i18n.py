"""Every UI text key used in the code exists in both catalogues, with the same placeholders."""

from __future__ import annotations

import re
import string

import pytest

from quizzes.lint import RULES as LINT_RULES
from tests.conftest import ROOT
from ui.i18n import EN, ZH, translate

SOURCES = [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]
KEY = re.compile(r"""\bt\(\s*f?["']([a-z_.]+(?:\{[^}]+\}[a-z_.]*)*)["']""")
DYNAMIC = {
    "page.{": [
        "page.home",
        "page.learn",
        "page.quizzes",
        "page.results",
        "page.participation",
        "page.assessment",
        "page.items",
        "page.overview",
        "page.content",
        "page.host",
    ],
    "kind.{": ["kind.quiz", "kind.exam", "kind.competition"],
    "learn.status.{": ["learn.status.not_started", "learn.status.reading", "learn.status.completed"],
    "qtype.{": ["qtype.single", "qtype.multiple", "qtype.true_false", "qtype.fill_blank", "qtype.scenario"],
    "role.{": ["role.employee", "role.organizer", "role.leader", "role.admin"],
    "quizzes.status.{": ["quizzes.status.not_open", "quizzes.status.closed", "quizzes.status.exhausted"],
    "content.kind.{": ["content.kind.lesson", "content.kind.bank", "content.kind.quiz"],
    "period.{": ["period.month", "period.quarter", "period.year", "period.dates"],
    "part.by.{": ["part.by.department", "part.by.team"],
    "assess.by.{": ["assess.by.employee", "assess.by.department"],
    "items.{": ["items.quiz", "items.bank"],
    "host.teams.{": ["host.teams.file", "host.teams.departments", "host.teams.picked", "host.teams.teams"],
    "host.mode.{": ["host.mode.host", "host.mode.devices"],
    "host.status.{": ["host.status.setup", "host.status.running", "host.status.finished"],
    "host.judge.{": ["host.judge.right", "host.judge.wrong", "host.judge.timeout"],
    "lint.rule.{": [f"lint.rule.{rule}" for rule in LINT_RULES],
    "password.rule.{": [f"password.rule.{r}" for r in ("too_short", "common", "contains_name", "repeated", "same")],
    "admin.error.{": [
        f"admin.error.{c}"
        for c in (
            "bad_name",
            "bad_role",
            "needs_employee",
            "exists",
            "wrong_current",
            "self_disable",
            "last_admin",
            "empty_field",
            "too_long",
        )
    ],
    "audit.action.{": [f"audit.action.{a}" for a in __import__("tracker.store.audit", fromlist=["ACTIONS"]).ACTIONS],
    "roster.status.{": ["roster.status.active", "roster.status.left"],
    "audit.change.{": [f"audit.change.{h}" for h in ("added", "edited", "deleted", "saved")],
    "audit.kind.{": [f"audit.kind.{k}" for k in __import__("ui.audit_text", fromlist=["KINDS"]).KINDS],
    "audit.state.{": ["audit.state.draft", "audit.state.published"],
    "audit.key.{": [f"audit.key.{k}" for k in __import__("ui.audit_text", fromlist=["DETAIL_KEYS"]).DETAIL_KEYS],
    # issue 17: events
    "admin_ev.state.{": ["admin_ev.state.not_open", "admin_ev.state.open", "admin_ev.state.closed"],
    "events.kind.{": [f"events.kind.{k}" for k in ("training", "lecture", "exchange", "competition")],
    "events.status.{": [f"events.status.{s}" for s in ("present", "late", "leave", "absent")],
    "events.my_signup.{": ["events.my_signup.signed", "events.my_signup.waitlist", "events.my_signup.cancelled"],
    "events.signed.{": ["events.signed.signed", "events.signed.waitlist"],
    "admin_ev.f.material_{": [f"admin_ev.f.material_{r}" for r in ("type", "size", "empty")],
    "events.refused.{": [
        f"events.refused.{r}"
        for r in ("expired", "forged", "replayed", "twice", "outsider", "left", "closed", "not_open", "no_signup", "started")
        + ("not_checked_in", "status", "reason_needed", "storage")
        + ("not_competition", "run_other", "run_unfinished", "run_linked")
        + ("code_wrong", "code_expired", "code_format", "throttled")
    ],
    "hours_report.by.{": ["hours_report.by.department", "hours_report.by.team"],
    "hours.kind.{": [f"hours.kind.{k}" for k in ("lessons", "quizzes", "events", "competitions")],
    # the captain's phone after a judgment (quizzes.competition.RESULTS)
    "team.result.{": [f"team.result.{r}" for r in ("right", "wrong", "timeout")],
    # issue 17: reports on training
    "training.assess.leave_{": ["training.assess.leave_excused", "training.assess.leave_absent"],
}


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in SOURCES:
        for key in KEY.findall(path.read_text(encoding="utf-8")):
            if "{" in key:
                prefix = key[: key.index("{") + 1]
                keys.update(DYNAMIC.get(prefix, [key]))
            else:
                keys.add(key)
    return keys


@pytest.mark.parametrize("key", sorted(used_keys()))
def test_key_in_both_catalogues(key):
    assert key in ZH, f"missing in zh: {key}"
    assert key in EN, f"missing in en: {key}"


@pytest.mark.parametrize("key", sorted(ZH))
def test_same_placeholders(key):
    names = lambda text: {f for _, f, _, _ in string.Formatter().parse(text) if f}  # noqa: E731
    assert names(ZH[key]) == names(EN.get(key, ZH[key]))


def test_unknown_language_falls_back_to_chinese():
    assert translate("fr", "login.submit") == "登录"
    assert translate("en", "no.such.key") == "no.such.key"
