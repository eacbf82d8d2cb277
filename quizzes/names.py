"""Readable ids from names in any script: ``题库导入模板`` → ``ti-ku-dao-ru-mu-ban``.

Chinese is spelled in pinyin (pypinyin, whose dictionary ships with it: nothing is downloaded);
Latin letters and digits are kept; a name with neither gets a short hash, so two different names
never fall back to the same id.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

MAX_ID = 60


def _ascii_slug(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[^a-z0-9_]+", "-", text).strip("-_")


def file_stem(name: str) -> str:
    """A file name without folders (``/`` or ``\\``) and without its extension; ``.hidden`` → ``''``."""
    stem = Path(str(name).replace("\\", "/")).name
    return stem.rsplit(".", 1)[0] if "." in stem else stem


def readable_id(stem: str) -> str:
    """An id of ``[a-z0-9_-]`` (at most 60 characters, never empty) from a name or title."""
    try:
        from pypinyin import lazy_pinyin

        parts = lazy_pinyin(stem, errors=lambda chunk: [chunk])
    except ImportError:  # pragma: no cover - pypinyin is a dependency
        parts = [stem]
    slugs = [_ascii_slug(part) for part in parts]
    lost = any(not s and any(ch.isalnum() for ch in part) for s, part in zip(slugs, parts, strict=True))
    digest = hashlib.sha256(stem.encode("utf-8")).hexdigest()[:8]
    out = re.sub(r"-{2,}", "-", "-".join(s for s in slugs if s)).strip("-_")
    if not out:
        return f"f-{digest}"
    if lost:  # letters of another script were left out: a hash keeps two such names apart
        return f"{out[: MAX_ID - 9].strip('-_')}-{digest}"
    return out[:MAX_ID].strip("-_")


def free_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3`` … the first that is not in ``taken``."""
    if base not in taken:
        return base
    n = 2
    while f"{base[: MAX_ID - 4]}-{n}" in taken:
        n += 1
    return f"{base[: MAX_ID - 4]}-{n}"
