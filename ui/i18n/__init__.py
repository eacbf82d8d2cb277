"""All UI text, in Chinese (default) and English. ``translate(lang, key, **values)`` looks a key up.

One catalogue, kept in one module per area so that areas can grow side by side: each module has a
``ZH`` and an ``EN`` dict; they are merged here and a key may appear in only one module. The package
imports nothing but its own modules, so the CLI and the library can use it without Streamlit.
"""

from __future__ import annotations

import os

from ui.i18n import admin, authoring, base, cluster, daily, employee, events, importers, library, lint, live, training

PARTS = (base, library, employee, live, admin, authoring, events, lint, daily, importers, cluster, training)


def _merge(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for part in PARTS:
        for key, text in getattr(part, lang).items():
            if key in merged:
                raise ValueError(f"i18n key {key!r} is defined twice ({part.__name__})")
            merged[key] = text
    return merged


ZH: dict[str, str] = _merge("ZH")
EN: dict[str, str] = _merge("EN")
CATALOGUES: dict[str, dict[str, str]] = {"zh": ZH, "en": EN}
LANGS = {"zh": "中文", "en": "English"}


def default_lang() -> str:
    lang = os.environ.get("MINGDE_LANG", "zh")
    return lang if lang in CATALOGUES else "zh"


def translate(lang: str, key: str, **values: object) -> str:
    """The text of ``key`` in ``lang`` (falling back to Chinese, then to the key itself)."""
    text = CATALOGUES.get(lang, {}).get(key) or ZH.get(key) or key
    return text.format(**values) if values else text
