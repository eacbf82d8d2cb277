"""The catalogue's part for live competitions, the big screen, team phones and the online-contest leaderboard (issue 14)."""

from __future__ import annotations

ZH: dict[str, str] = {}

EN: dict[str, str] = {}
