"""Settings from the environment: ``MINGDE_DB`` (a SQLite file or a ``postgresql://`` URL), ``MINGDE_CONTENT``, ``MINGDE_LANG``,
``MINGDE_IDLE_MINUTES``, ``MINGDE_ADMIN_CONTACT``, ``MINGDE_TRUSTED_PROXIES``."""

from __future__ import annotations

import ipaddress
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

LANGS = ("zh", "en")
IDLE_MINUTES = 30.0


@dataclass(frozen=True)
class Settings:
    db: Path | str  # a SQLite file, or a postgresql:// URL (kept as text)
    content: Path
    lang: str
    idle_minutes: float = IDLE_MINUTES  # a session ends after this long without a click
    admin_contact: str = ""  # whom to ask for a forgotten password (shown on the sign-in page)
    trusted_proxies: tuple = field(default_factory=tuple)  # networks whose X-Forwarded-For is believed


def idle_minutes(text: str | None) -> float:
    """``MINGDE_IDLE_MINUTES``: more than 0 and at most a day; anything else gives the default (30)."""
    try:
        value = float(text) if text else IDLE_MINUTES
    except ValueError:
        return IDLE_MINUTES
    return value if math.isfinite(value) and 0 < value <= 24 * 60 else IDLE_MINUTES


def trusted_proxies(text: str | None) -> tuple:
    """``MINGDE_TRUSTED_PROXIES``: comma-separated addresses or networks (``10.0.0.5,10.0.1.0/24``);
    entries that are not addresses are ignored (and so not trusted)."""
    out = []
    for part in (text or "").split(","):
        try:
            out.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError:
            continue
    return tuple(out)


def database(target: str | Path) -> Path | str:
    """``MINGDE_DB``: a ``postgresql://`` (or ``postgres://``) URL selects PostgreSQL and stays text;
    anything else is the path of the SQLite file."""
    text = str(target)
    return text if text.startswith(("postgresql://", "postgres://")) else Path(target)


def settings(db: str | Path | None = None, content: str | Path | None = None, lang: str | None = None) -> Settings:
    """Explicit values win over the environment, which wins over the defaults."""
    lang = lang or os.environ.get("MINGDE_LANG") or "zh"
    return Settings(
        db=database(db or os.environ.get("MINGDE_DB") or "data/mingde.db"),
        content=Path(content or os.environ.get("MINGDE_CONTENT") or "content"),
        lang=lang if lang in LANGS else "zh",
        idle_minutes=idle_minutes(os.environ.get("MINGDE_IDLE_MINUTES")),
        admin_contact=(os.environ.get("MINGDE_ADMIN_CONTACT") or "").strip()[:200],
        trusted_proxies=trusted_proxies(os.environ.get("MINGDE_TRUSTED_PROXIES")),
    )
