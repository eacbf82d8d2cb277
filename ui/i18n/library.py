"""The catalogue's part for words the library builds: report headers and flags, export columns, CLI messages, errors (issue 12)."""

from __future__ import annotations

ZH: dict[str, str] = {}

EN: dict[str, str] = {}
