"""Fixtures of the fault tests, which all carry the ``faults`` marker (``pytest -m faults`` runs
only them; ``make test`` runs them with the rest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.inject import Fault

FAULTS = Path(__file__).resolve().parent


# These inject their faults into SQLite itself (PRAGMAs, file modes, its backup and WAL recovery):
# skipped on PostgreSQL, whose faults are tested in tests/test_postgres.py. The SIGKILL burst is
# about the store and runs on both.
BOTH_BACKENDS = {"test_kill_burst.py"}


def pytest_collection_modifyitems(items):
    for item in items:
        if FAULTS in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.faults)
            if Path(item.fspath).name not in BOTH_BACKENDS:
                item.add_marker(pytest.mark.sqlite_only)


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
