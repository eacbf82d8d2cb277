"""Fixtures of the fault tests, which all carry the ``faults`` marker (``pytest -m faults`` runs
only them; ``make test`` runs them with the rest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.inject import Fault

FAULTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        if FAULTS in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.faults)


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
