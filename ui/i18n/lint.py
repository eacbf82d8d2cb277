"""The catalogue's part for the authoring lint and content review messages (issue 18)."""

from __future__ import annotations

ZH: dict[str, str] = {}

EN: dict[str, str] = {}
