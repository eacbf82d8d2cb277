"""The catalogue's part for employee journeys: home page, lessons, taking a quiz, answer sheet, phone navigation (issue 13)."""

from __future__ import annotations

ZH: dict[str, str] = {}

EN: dict[str, str] = {}
