"""The catalogue's part for training classes, lectures, exchange meetings: sign-up, check-in, 学时, certificates (issue 17)."""

from __future__ import annotations

ZH: dict[str, str] = {}

EN: dict[str, str] = {}
