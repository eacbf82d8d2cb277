"""The catalogue's part for authoring in the browser and the importers' messages (issue 16)."""

from __future__ import annotations

ZH: dict[str, str] = {}

EN: dict[str, str] = {}
