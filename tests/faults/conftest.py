"""Fixtures of the fault tests."""

from __future__ import annotations

import pytest

from tests.faults.inject import Fault


@pytest.fixture
def fault():
    """``fault(kind, *trackers)`` → a ``Fault`` on those stores; every one is cleared after the test."""
    made: list[Fault] = []

    def make(kind: str, *trackers) -> Fault:
        made.append(Fault(kind, *trackers))
        return made[-1]

    yield make
    for f in reversed(made):
        f.clear()
