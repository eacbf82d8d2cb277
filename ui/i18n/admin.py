"""The catalogue's part for administration: roster, accounts, passwords, audit log, sign-in security (issue 15)."""

from __future__ import annotations

ZH: dict[str, str] = {}

EN: dict[str, str] = {}
