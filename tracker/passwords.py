"""Password hashing with ``hashlib.scrypt``: slow, salted, and compared in constant time; the
password policy (``check_password``) and one-time passwords."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache
from pathlib import Path

from tracker.errors import AccountError

N, R, P = 2**14, 8, 1
MIN_LENGTH = 8


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (hex) for a password; the password itself is never stored."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a hash made by ``hash_password``."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(digest) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual.hex(), digest)


_DUMMY = hash_password(secrets.token_hex(8))


def burn_time(password: str) -> None:
    """Spend the time of one verification, so that unknown users take as long as known ones."""
    verify_password(password, _DUMMY)


# -- the password policy ---------------------------------------------------------------------------
COMMON_FILE = Path(__file__).parent / "data" / "common-passwords.txt"
EXTRA_FILE = Path(__file__).parent / "data" / "common-passwords-zh.txt"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped lists of common passwords (``tracker/data/``, see ``SOURCES.md`` there), lower-cased."""
    words: set[str] = set()
    for path in (COMMON_FILE, EXTRA_FILE):
        words.update(line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return frozenset(words)


class WeakPassword(AccountError):
    """A password that breaks a rule of the policy; ``rule`` names it (``too_short``, ``common``,
    ``contains_name``, ``repeated``) and the message says which, for ``user``."""

    def __init__(self, rule: str, user: str, message: str):
        super().__init__(f"user {user}: {message}")
        self.rule = self.code = rule
        self.user = user


def check_password(password: str, username: str, employee_id: str | None = None) -> None:
    """Refuse a weak password with ``WeakPassword`` naming the rule it breaks: at least ``MIN_LENGTH``
    characters, not one character repeated, not a common password, not containing the user name or 工号."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise WeakPassword("too_short", username, f"the password needs at least {MIN_LENGTH} characters")
    if len(set(password)) == 1:
        raise WeakPassword("repeated", username, "the password is one character repeated")
    if password.strip().lower() in common_passwords():
        raise WeakPassword("common", username, "the password is in the list of common passwords")
    lowered = password.lower()
    for name in (username, employee_id):
        if name and len(name) >= 2 and name.lower() in lowered:
            raise WeakPassword("contains_name", username, "the password contains the user name or 工号")


ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed from paper


def one_time_password(username: str = "", employee_id: str | None = None, length: int = 10) -> str:
    """A random password to hand out once (it must be changed at the next sign-in) that passes the
    policy for this user (a short user name like ``e3`` could otherwise turn up in it)."""
    while True:
        candidate = "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(length))
        try:
            check_password(candidate, username, employee_id)
        except WeakPassword:
            continue
        return candidate
