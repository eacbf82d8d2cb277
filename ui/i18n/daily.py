"""The catalogue's part for 每日一练, learning points and the 德 indicator (issue 19)."""

from __future__ import annotations

ZH: dict[str, str] = {}

EN: dict[str, str] = {}
