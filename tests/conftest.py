"""Shared fixtures: a fresh database per test, the starter content, small content folders.

``MINGDE_TEST_BACKEND=postgresql`` runs the suite on PostgreSQL: a throwaway cluster is started for
the run (tests/pgcluster.py; or the one ``MINGDE_TEST_PG`` already names), and every database file a
test opens (``Tracker(tmp_path / "x.db")``, ``--db``, ``MINGDE_DB``, in this process and in the servers
it starts) stands for a fresh schema of its own there. Tests about SQLite itself are marked
``sqlite_only`` and skipped.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
import textwrap
from pathlib import Path

import psycopg
import pytest
from hypothesis import configuration as hypothesis_configuration
from hypothesis import settings as hypothesis_settings
from hypothesis.database import DirectoryBasedExampleDatabase

from quizzes import load_catalog
from tracker import Tracker

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
DATA = Path(__file__).resolve().parent / "data"
UTC = dt.UTC

# Hypothesis keeps its example database and caches outside the working tree (not in .hypothesis/).
HYPOTHESIS_HOME = Path(tempfile.gettempdir()) / "mingde-hypothesis"
hypothesis_configuration.set_hypothesis_home_dir(HYPOTHESIS_HOME)
hypothesis_settings.register_profile("mingde", database=DirectoryBasedExampleDatabase(HYPOTHESIS_HOME / "examples"))
hypothesis_settings.load_profile("mingde")


POSTGRESQL = os.environ.get("MINGDE_TEST_BACKEND") == "postgresql"
# What a violated constraint raises, on either engine.
INTEGRITY_ERRORS = (sqlite3.IntegrityError, psycopg.IntegrityError)
_CLUSTER = None


def pytest_configure(config):
    global _CLUSTER
    if POSTGRESQL and not os.environ.get("MINGDE_TEST_PG"):
        from tests.pgcluster import Cluster

        _CLUSTER = Cluster.start()
        os.environ["MINGDE_TEST_PG"] = _CLUSTER.url  # read by Store, inherited by the servers tests start


def pytest_unconfigure(config):
    if _CLUSTER is not None:
        from tracker.store.attempts import stop_all_sweepers

        stop_all_sweepers()  # the pages' stores sweep every 30 s: not into a cluster that is gone
        os.environ.pop("MINGDE_TEST_PG", None)
        _CLUSTER.remove()


def pytest_report_header(config):
    return f"mingde database: {'PostgreSQL (' + os.environ.get('MINGDE_TEST_PG', '') + ')' if POSTGRESQL else 'SQLite'}"


@pytest.hookimpl(trylast=True)  # after the folders' conftests have added their markers
def pytest_collection_modifyitems(config, items):
    if not POSTGRESQL:
        return
    skip = pytest.mark.skip(reason="about SQLite itself (MINGDE_TEST_BACKEND=postgresql)")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _recycle_postgresql_schemas(request):
    """On PostgreSQL: after each test, the schemas of its database files are emptied for the next."""
    yield
    tmp = request.node.funcargs.get("tmp_path") if POSTGRESQL and hasattr(request.node, "funcargs") else None
    if tmp is not None and os.environ.get("MINGDE_TEST_PG"):
        from tests.pgcluster import recycle

        recycle(os.environ["MINGDE_TEST_PG"], tmp)


@pytest.fixture
def tracker(tmp_path):
    """A fresh, empty store in a temporary folder; closed after the test."""
    t = Tracker(tmp_path / "mingde.db")
    yield t
    t.close()


def wrong_code(secret: bytes, event_id: str, session_id: str, moment: dt.datetime) -> str:
    """A 6-digit 签到码 that is no code of the session around ``moment``, not even an expired one (so a
    test that types it is told 错误, never 已过期)."""
    from tracker import attendance as rules

    slot = rules.slot_of(moment)
    near = range(slot - rules.TYPED_EXPIRED_SLOTS - 3, slot + 3)
    codes = {rules.typed_code(secret, event_id, session_id, s) for s in near}
    return next(c for c in (f"{n:06d}" for n in range(0, 10**6, 111_111)) if c not in codes)


@pytest.fixture
def fast_hashing(monkeypatch):
    """Cheap password hashes (scrypt N = 2**8) for tests that create many accounts."""
    from tracker import passwords

    monkeypatch.setattr(passwords, "N", 2**8)


@pytest.fixture
def store(tracker):
    """A store with a small roster: E0–E4 in 执法大队/执法一中队, X1 in 办公室, L1 left (inactive)."""
    for i in range(5):
        tracker.add_employee(f"E{i}", f"执法员{i}", "执法大队", "执法一中队")
    tracker.add_employee("X1", "办公室员工", "办公室", "综合组")
    tracker.add_employee("L1", "已离职", "执法大队", active=False)
    return tracker


@pytest.fixture(scope="module")
def cluster_url():
    """The URL of a database in the test run's PostgreSQL cluster (or in one started for the module)."""
    from tests import pgcluster

    if url := os.environ.get("MINGDE_TEST_PG"):
        yield url
        return
    if not pgcluster.available():
        pytest.skip("PostgreSQL server binaries not installed")
    with pgcluster.Cluster.start() as cluster:
        yield cluster.url


@pytest.fixture
def pg_url(cluster_url):
    """A fresh, empty PostgreSQL database of its own, dropped after the test."""
    import uuid

    name = "mingde_" + uuid.uuid4().hex[:12]
    with psycopg.connect(cluster_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, query = cluster_url.partition("?")
    yield f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")
    with psycopg.connect(cluster_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg(pg_url):
    """A store on a fresh PostgreSQL database."""
    t = Tracker(pg_url)
    yield t
    t.close()


@pytest.fixture(scope="session")
def starter_catalog():
    """The starter content in content/, loaded once."""
    return load_catalog(CONTENT)


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: YAML text}`` under ``root`` (text is dedented); return ``root``."""
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_content(tmp_path):
    """``make_content({path: yaml})`` → a content folder in tmp_path."""

    def make(files: dict[str, str]) -> Path:
        return write_files(tmp_path / "content", files)

    return make


SMALL_LESSON = """
id: basics
title: 职业道德基础
sections:
  - title: 什么是职业道德
    body: 职业道德是从业人员在职业活动中应当遵循的行为准则。
"""


SMALL_QUIZ = """
id: small
title: 小测验
pass_percent: 60
shuffle_questions: false
shuffle_options: false
questions:
  - id: s1
    type: single
    prompt: 职业道德的首要要求是？
    options: [爱岗敬业, 追求私利, 只对领导负责, 按关系办事]
    answer: A
    points: 2
  - id: m1
    type: multiple
    prompt: 属于职业道德基本规范的有？
    options: [爱岗敬业, 诚实守信, 投机取巧, 办事公道]
    answer: ABD
    points: 3
  - id: t1
    type: true_false
    prompt: 安全生产方针包括“安全第一”。
    answer: 对
  - id: f1
    type: fill_blank
    prompt: 安全生产方针是安全第一、___、综合治理。
    answer: [预防为主]
  - id: c1
    type: scenario
    prompt: 服务对象送来土特产表示感谢，你应当？
    options:
      - {text: 婉言谢绝并说明纪律要求, credit: 1}
      - {text: 收下后上交单位, credit: 0.5}
      - {text: 收下自用, credit: 0}
"""


@pytest.fixture
def small_quiz(make_content):
    """A self-contained five-question quiz (one of each type), in authored order, 8 points."""
    root = make_content({"quizzes/small.yaml": SMALL_QUIZ})
    return load_catalog(root).quizzes["small"]


def at(text: str) -> dt.datetime:
    """'2026-03-01T08:00' (UTC) as an aware datetime, for fixed clocks in tests."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def in_own_thread(fn, *args, timeout: float = 300):
    """``fn(*args)`` in a thread of its own, its result or its exception. For code that calls
    ``asyncio.run``: Playwright's sync API (the e2e tests of the same session) keeps an event loop
    running in the main thread, where ``asyncio.run`` refuses to start."""
    import threading

    out: dict = {}

    def run() -> None:
        try:
            out["value"] = fn(*args)
        except BaseException as e:  # handed to the caller
            out["error"] = e

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError(f"{getattr(fn, '__name__', fn)} did not finish in {timeout:g} s")
    if "error" in out:
        raise out["error"]
    return out["value"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A copy of the starter content and a demo database (``tracker.demo.seed_demo``), shared by the
    tests of one module: ``(tracker, content)``."""
    import shutil

    from tracker.demo import seed_demo

    root = tmp_path_factory.mktemp("demo")
    content = root / "content"
    shutil.copytree(CONTENT, content)
    tracker = Tracker(root / "demo.db")
    seed_demo(tracker, load_catalog(content))
    yield tracker, content
    tracker.close()


@pytest.fixture
def demo_app(demo, monkeypatch):
    """The demo database and content set for AppTests of ``app.py`` (working folder, ``MINGDE_DB``,
    ``MINGDE_CONTENT``, ``MINGDE_LANG=zh``); the tracker."""
    tracker, content = demo
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MINGDE_DB", str(tracker.path))
    monkeypatch.setenv("MINGDE_CONTENT", str(content))
    monkeypatch.setenv("MINGDE_LANG", "zh")
    return tracker


def app_store(
    monkeypatch,
    db: Path,
    content: Path,
    *,
    employees: tuple[tuple[str, ...], ...] = (),
    users: tuple[tuple[str | None, ...], ...] = (),
    password: str = "password-1",
) -> Tracker:
    """A store for AppTests of ``app.py``: the working folder, ``MINGDE_DB``, ``MINGDE_CONTENT`` and
    ``MINGDE_LANG=zh`` set for the app, with ``employees`` (id, name, department[, team]) and ``users``
    (user name, role[, employee id]) added; every account has ``password``."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MINGDE_DB", str(db))
    monkeypatch.setenv("MINGDE_CONTENT", str(content))
    monkeypatch.setenv("MINGDE_LANG", "zh")
    tracker = Tracker(db)
    for employee in employees:
        tracker.add_employee(*employee)
    for name, role, *employee in users:
        tracker.add_user(name, password, role, *employee)
    return tracker


def signed_in_page(
    tracker, user: str, path: str, *, password: str = "password-1", token: str | None = None, timeout: float = 60, **params
):
    """An AppTest of ``app.py`` signed in as ``user`` (or with ``token``), on the page ``path`` with the
    query ``params``; fails on any exception."""
    from streamlit.testing.v1 import AppTest

    from tracker.auth import sign_in

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.session_state["session_token"] = token or sign_in(tracker, user, password).token
    at.run()
    at.switch_page(path)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at
