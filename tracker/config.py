"""Settings from the environment: ``MINGDE_DB``, ``MINGDE_CONTENT``, ``MINGDE_LANG``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

LANGS = ("zh", "en")


@dataclass(frozen=True)
class Settings:
    db: Path
    content: Path
    lang: str


def settings(db: str | Path | None = None, content: str | Path | None = None, lang: str | None = None) -> Settings:
    """Explicit values win over the environment, which wins over the defaults."""
    lang = lang or os.environ.get("MINGDE_LANG") or "zh"
    return Settings(
        db=Path(db or os.environ.get("MINGDE_DB") or "data/mingde.db"),
        content=Path(content or os.environ.get("MINGDE_CONTENT") or "content"),
        lang=lang if lang in LANGS else "zh",
    )
