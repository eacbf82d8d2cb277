"""An account-wide defence against an attacker spread over many addresses that an outsider cannot
turn against the real user (OWASP "device cookies"): browsers that signed in to the account before
carry a signed token and are counted on their own; all other browsers share a budget per account.

Each case is a table of tries: (browser, user, password, address, minutes after the start, outcome).
A browser keeps the device cookie its last successful sign-in gave it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import at
from tracker import passwords
from tracker.auth import (
    DEVICE_MAX_FAILURES,
    MAX_FAILURES,
    TRUSTED_DAYS,
    UNTRUSTED_MAX_FAILURES,
    sign_in,
    throttle_keys,
    trusted_device,
)
from tracker.errors import SignInFailed, Throttled

T0 = at("2026-03-10T02:00")
PASSWORD = "correct-horse-1"
NEW_PASSWORD = "another-horse-2"
WRONG = "wrong-password"
OK, FAILED, WAIT = "ok", "failed", "throttled"


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    monkeypatch.setattr(passwords, "N", 2**8)
    monkeypatch.setattr(passwords, "_DUMMY", passwords.hash_password("dummy-password"))


@pytest.fixture
def people(tracker):
    tracker.add_user("alice", PASSWORD, "organizer")
    tracker.add_user("bob", PASSWORD, "organizer")
    return tracker


def spread(user: str, n: int, minute: float = 1, first: int = 0) -> list[tuple]:
    """``n`` wrong passwords for ``user``, each from a new address and a new browser."""
    return [(f"bot{first + i}", user, WRONG, f"10.8.{(first + i) // 250}.{(first + i) % 250}", minute, FAILED) for i in range(n)]


CASES = {
    "a spread attack stops at the account-wide budget; her own PC still signs in": [
        ("her-pc", "alice", PASSWORD, "10.0.0.5", 0, OK),
        *spread("alice", UNTRUSTED_MAX_FAILURES),
        ("bot-new", "alice", WRONG, "10.9.9.1", 1.5, WAIT),
        ("bot-new2", "alice", PASSWORD, "10.9.9.2", 1.5, WAIT),  # even the right password, untrusted
        ("her-pc", "alice", PASSWORD, "10.0.0.5", 1.5, OK),
        ("new-pc", "alice", PASSWORD, "10.0.0.6", 1.5, WAIT),  # a browser she never used: locked too
        ("new-pc", "bob", PASSWORD, "10.0.0.6", 1.5, OK),  # the budget is per account
    ],
    "the budget is not reached by fewer tries; a real user elsewhere is not locked": [
        *spread("alice", UNTRUSTED_MAX_FAILURES - 1),
        ("new-pc", "alice", PASSWORD, "10.0.0.6", 1.5, OK),
    ],
    "the account-wide count is forgotten an hour after the last failure": [
        *spread("alice", UNTRUSTED_MAX_FAILURES),
        ("new-pc", "alice", PASSWORD, "10.0.0.6", 1.5, WAIT),
        ("new-pc", "alice", PASSWORD, "10.0.0.6", 62, OK),
    ],
    "a token names one user: alice's browser is untrusted for bob": [
        ("her-pc", "alice", PASSWORD, "10.0.0.5", 0, OK),
        *spread("bob", UNTRUSTED_MAX_FAILURES),
        ("her-pc", "bob", PASSWORD, "10.0.0.5", 1.5, WAIT),
        ("her-pc", "alice", PASSWORD, "10.0.0.5", 1.5, OK),
    ],
    "a shared PC keeps a token for each person who signed in there": [
        ("shared", "alice", PASSWORD, "10.0.0.5", 0, OK),
        ("shared", "bob", PASSWORD, "10.0.0.5", 0, OK),
        *spread("alice", UNTRUSTED_MAX_FAILURES),
        *spread("bob", UNTRUSTED_MAX_FAILURES, first=100),
        ("shared", "alice", PASSWORD, "10.0.0.5", 1.5, OK),
        ("shared", "bob", PASSWORD, "10.0.0.5", 1.5, OK),
    ],
    "a trusted browser's own failures lock only that browser": [
        ("her-pc", "alice", PASSWORD, "10.0.0.5", 0, OK),
        ("laptop", "alice", PASSWORD, "10.0.0.7", 0, OK),
        *[("her-pc", "alice", WRONG, "10.0.0.5", 1, FAILED)] * DEVICE_MAX_FAILURES,
        ("her-pc", "alice", PASSWORD, "10.0.0.5", 1, WAIT),
        ("laptop", "alice", PASSWORD, "10.0.0.7", 1, OK),
        ("new-pc", "alice", PASSWORD, "10.0.0.5", 1, OK),  # not in the account-wide count either
    ],
    "a trusted browser is not held by its address's count (an attacker behind the same NAT)": [
        ("her-pc", "alice", PASSWORD, "10.0.0.5", 0, OK),
        *[("bot", "alice", WRONG, "10.0.0.5", 1, FAILED)] * MAX_FAILURES,
        ("bot", "alice", PASSWORD, "10.0.0.5", 1, WAIT),
        ("her-pc", "alice", PASSWORD, "10.0.0.5", 1, OK),
    ],
    "a forged or garbled cookie is an untrusted browser": [
        ("forger", "alice", PASSWORD, "10.0.0.5", 0, OK),
        ("forger", "alice", "!forge", "", 0, None),  # replace the token's signature
        *spread("alice", UNTRUSTED_MAX_FAILURES),
        ("forger", "alice", PASSWORD, "10.0.0.5", 1.5, WAIT),
        ("garbled", "alice", "!set 20260310.x~~.~" + "a" * 200, "", 1.5, None),
        ("garbled", "alice", PASSWORD, "10.0.0.5", 1.5, WAIT),
    ],
    "a token is believed for TRUSTED_DAYS only": [
        ("her-pc", "alice", PASSWORD, "10.0.0.5", 0, OK),
        *spread("alice", UNTRUSTED_MAX_FAILURES, minute=(TRUSTED_DAYS + 1) * 24 * 60),
        ("her-pc", "alice", PASSWORD, "10.0.0.5", (TRUSTED_DAYS + 1) * 24 * 60, WAIT),
    ],
    "a password change makes every token of the account worthless": [
        ("her-pc", "alice", PASSWORD, "10.0.0.5", 0, OK),
        ("admin", "alice", "!password", "", 0, None),
        *spread("alice", UNTRUSTED_MAX_FAILURES),
        ("her-pc", "alice", NEW_PASSWORD, "10.0.0.5", 1.5, WAIT),
    ],
}


def play(tracker, steps: list[tuple]) -> list[str | None]:
    cookies: dict[str, str] = {}
    got: list[str | None] = []
    for browser, user, password, address, minutes, _ in steps:
        if password == "!forge":  # the browser's token with another signature
            day, nonce, _sig = cookies[browser].split(".")
            cookies[browser] = f"{day}.{nonce}.{'A' * 32}"
            got.append(None)
            continue
        if password.startswith("!set "):
            cookies[browser] = password.removeprefix("!set ")
            got.append(None)
            continue
        if password == "!password":
            tracker.set_password(user, NEW_PASSWORD)
            got.append(None)
            continue
        now = T0 + dt.timedelta(minutes=minutes)
        try:
            result = sign_in(tracker, user, password, address=address, device=cookies.get(browser), now=now)
        except Throttled:
            got.append(WAIT)
        except SignInFailed:
            got.append(FAILED)
        else:
            cookies[browser] = result.device
            got.append(OK)
    return got


@pytest.mark.parametrize("name", list(CASES))
def test_account_wide_budget_for_untrusted_browsers(people, name):
    steps = CASES[name]
    assert play(people, steps) == [s[-1] for s in steps]


@pytest.mark.parametrize(
    ("device", "keys"),
    [
        (None, {"account:10.0.0.9:alice": MAX_FAILURES, "address:10.0.0.9": 20, "untrusted:alice": UNTRUSTED_MAX_FAILURES}),
        ("n0nce", {"device:n0nce": DEVICE_MAX_FAILURES}),
    ],
)
def test_throttle_keys(device, keys):
    assert throttle_keys("alice", "10.0.0.9", device) == keys


def test_a_spread_attack_checks_no_more_passwords_than_the_budget(people, monkeypatch):
    checked: list[str] = []
    real = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda p, s: checked.append(p) or real(p, s))
    outcomes = play(people, spread("alice", 200))
    assert outcomes.count(FAILED) == len(checked) == UNTRUSTED_MAX_FAILURES
    assert outcomes.count(WAIT) == 200 - UNTRUSTED_MAX_FAILURES


def test_a_token_is_kept_per_user_and_replaced_by_a_new_sign_in(people):
    first = sign_in(people, "alice", PASSWORD, address="10.0.0.5", now=T0).device
    both = sign_in(people, "bob", PASSWORD, address="10.0.0.5", device=first, now=T0).device
    again = sign_in(people, "alice", PASSWORD, address="10.0.0.5", device=both, now=T0).device
    assert len(both.split("~")) == 2 and len(again.split("~")) == 2 and first not in again
    assert trusted_device(people, "alice", again, T0) and trusted_device(people, "bob", again, T0)
    assert trusted_device(people, "carol", again, T0) is None


def test_an_attacker_trying_every_minute_for_an_hour_gets_few_more_tries(people):
    steps = spread("alice", UNTRUSTED_MAX_FAILURES, minute=0)
    steps += [(f"late{m}", "alice", WRONG, f"10.7.0.{m}", m, None) for m in range(1, 61)]
    outcomes = play(people, steps)
    # after the budget, the wait doubles from 60 s up to 15 minutes: 1, 3, 7, 15, 30, 45, 60
    assert outcomes.count(FAILED) == UNTRUSTED_MAX_FAILURES + 7
