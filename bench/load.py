"""Load client that speaks Streamlit's own websocket protocol (run by hand; see bench/load_README.md).

Each simulated employee signs in over HTTP (POST /auth/login, keeps the ``mingde_session`` cookie),
opens ``/_stcore/stream`` with that cookie, and drives the app the way the browser does: BackMsg
``rerun_script`` with a ClientState (page, query string, widget states), reading the ForwardMsgs
back (new_session, delta, page_info_changed, script_finished). It opens the quizzes page, clicks
``start:<quiz>``, answers every question on the take page (one rerun per answer, think time between),
submits (and confirms when asked) and reads the result, then starts again until ``--duration`` ends.

Latency of one interaction = from sending the rerun BackMsg to the script_finished that ends its run
chain (st.switch_page / st.rerun chains end with FINISHED_SUCCESSFULLY, not FINISHED_EARLY_FOR_RERUN).

Only ever connects to 127.0.0.1 / localhost. Every loop is bounded in count and in time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import http.client
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from bench.bench_submit import commit, machine  # noqa: E402
from ui.serve import free_port, start_server, wait_healthy  # noqa: E402

PASSWORD = "mingde-demo"
COOKIE = "mingde_session"
XSRF_COOKIE = "_streamlit_xsrf"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
BENCH_QUIZ = "bench-load"
MAX_CHAIN_MSGS = 20_000  # ForwardMsgs accepted for one interaction before giving up (bounds a runaway loop)
MAX_ATTEMPTS_PER_SESSION = 1_000
MAX_QUESTIONS = 200


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def user_key(element_id: str) -> str | None:
    """The user key embedded in a widget id (``$$ID-<hash>-<key>``), or None."""
    parts = element_id.split("-", 2)
    if len(parts) == 3 and parts[0] == "$$ID" and parts[2] != "None":
        return parts[2]
    return None


class ClientError(Exception):
    """One failed interaction (timeout, server exception, missing widget, refused sign-in …)."""


class Stop(Exception):
    """The run's hard end: the session leaves its attempt unfinished (not an error)."""


# ---------------------------------------------------------------------------------------------
# One simulated browser session
# ---------------------------------------------------------------------------------------------
@dataclass
class Run:
    """What one run chain sent back."""

    widgets: dict[str, tuple[str, str, object]] = field(default_factory=dict)  # key -> (kind, id, proto)
    fragments: dict[str, str] = field(default_factory=dict)  # widget key -> id of the fragment it is in
    metrics: list[tuple[str, str]] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # st.error texts
    query_string: str | None = None
    page_script_hash: str = ""


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # kind -> seconds
    logins: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    interactions: int = 0
    submitted: int = 0
    abandoned: int = 0
    client_cpu_s: float = 0.0
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (monotonic start, seconds) per interaction
    steady_from: float | None = None  # monotonic time after which every session is signed in and working

    def record(self, what: str, started: float, seconds: float) -> None:
        self.latencies.setdefault(what, []).append(seconds)
        self.timeline.append((started, seconds))
        self.interactions += 1

    # attempt id -> {"user", "quiz", "sent": {question key: ("radio", index) | ("checkbox", display positions) | ("text", [...])}}
    attempts: dict[str, dict] = field(default_factory=dict)


class Session:
    def __init__(self, n: int, base: str, user: str, quiz: str, think: float, timeout: float, stats: Stats, rng: random.Random):
        self.n, self.base, self.user, self.quiz, self.think, self.timeout = n, base, user, quiz, think, timeout
        self.stats, self.rng = stats, rng
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.cookies: dict[str, str] = {}
        self.ws = None
        self.queue: asyncio.Queue[ForwardMsg] = asyncio.Queue()
        self.page_hashes: dict[str, str] = {}  # url path -> page script hash
        self.page_hash = ""
        self.run = Run()
        self.hard_until = float("inf")

    # -- HTTP sign-in --------------------------------------------------------------------------
    def _post_login(self) -> dict[str, str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            body = urllib.parse.urlencode({"username": self.user, "password": PASSWORD})
            conn.request("POST", "/auth/login", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
            resp = conn.getresponse()
            resp.read()
            cookies = {}
            for name, value in resp.getheaders():
                if name.lower() == "set-cookie":
                    k, _, v = value.split(";", 1)[0].partition("=")
                    cookies[k.strip()] = v.strip().strip('"')
            if resp.status != 303 or COOKIE not in cookies:
                raise ClientError(f"sign-in of {self.user} refused: HTTP {resp.status} {resp.getheader('location')}")
            return cookies
        finally:
            conn.close()

    async def login(self) -> None:
        t0 = time.perf_counter()
        self.cookies.update(await asyncio.wait_for(asyncio.to_thread(self._post_login), self.timeout))
        self.stats.logins.append(time.perf_counter() - t0)

    # -- websocket -----------------------------------------------------------------------------
    async def connect(self) -> None:
        protocols = ["streamlit"] + ([self.cookies[XSRF_COOKIE]] if XSRF_COOKIE in self.cookies else [])
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.ws = await websockets.connect(
            f"ws://{self.host}:{self.port}/_stcore/stream",
            subprotocols=protocols,
            additional_headers={"Cookie": cookie, "Origin": f"http://{self.host}:{self.port}"},
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,
        )
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for data in self.ws:
                if isinstance(data, bytes):
                    msg = ForwardMsg()
                    msg.ParseFromString(data)
                    self.queue.put_nowait(msg)
        except websockets.ConnectionClosed:
            pass
        finally:
            self.queue.put_nowait(None)  # type: ignore[arg-type]

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.reader, 5)

    def _absorb(self, msg: ForwardMsg) -> int | None:
        """Update the run state from one ForwardMsg; the script_finished status when it is one."""
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            # page_info_changed (the query string of st.switch_page) comes before the new run's new_session
            self.run = Run(page_script_hash=msg.new_session.page_script_hash, query_string=self.run.query_string)
            for page in msg.new_session.app_pages:
                self.page_hashes[page.url_pathname] = page.page_script_hash
        elif kind == "navigation":
            for page in msg.navigation.app_pages:
                self.page_hashes[page.url_pathname] = page.page_script_hash
            self.run.page_script_hash = msg.navigation.page_script_hash or self.run.page_script_hash
        elif kind == "page_info_changed":
            self.run.query_string = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            etype = el.WhichOneof("type")
            if etype in ("button", "radio", "checkbox", "text_input"):
                proto = getattr(el, etype)
                key = user_key(proto.id)
                if key is not None:
                    self.run.widgets[key] = (etype, proto.id, proto)
                    if msg.delta.fragment_id:
                        self.run.fragments[key] = msg.delta.fragment_id
            elif etype == "metric":
                self.run.metrics.append((el.metric.label, el.metric.body))
            elif etype == "exception":
                self.run.exceptions.append(f"{el.exception.type}: {el.exception.message}")
            elif etype == "alert" and el.alert.format == 1:  # ERROR
                self.run.errors.append(el.alert.body)
        elif kind == "script_finished":
            return msg.script_finished
        return None

    async def interact(self, what: str, page: str, query: str = "", states: list | None = None, fragment: str = "") -> Run:
        """Send one rerun_script (of the whole page, or of ``fragment`` as the browser does for a widget
        inside one); wait (bounded) for the script_finished ending its run chain."""
        back = BackMsg()
        cs = back.rerun_script
        cs.query_string = query
        cs.page_name = page
        cs.page_script_hash = self.page_hashes.get(page, "")
        cs.fragment_id = fragment
        done = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR) + (
            (ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,) if fragment else ()
        )
        for ws in states or []:
            cs.widget_states.widgets.append(ws)
        self.run = Run(query_string=query)
        t0, started = time.perf_counter(), time.monotonic()
        await self.ws.send(back.SerializeToString())
        deadline = t0 + self.timeout
        for _ in range(MAX_CHAIN_MSGS):
            left = deadline - time.perf_counter()
            if left <= 0:
                break
            try:
                msg = await asyncio.wait_for(self.queue.get(), left)
            except TimeoutError:
                break
            if msg is None:
                raise ClientError(f"{what}: websocket closed")
            status = self._absorb(msg)
            if status in done:
                self.stats.record(what, started, time.perf_counter() - t0)
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR or self.run.exceptions:
                    raise ClientError(f"{what}: server exception {self.run.exceptions[:1]}")
                return self.run
        raise ClientError(f"{what}: no script_finished within {self.timeout:g} s")

    async def pause(self) -> None:
        if time.monotonic() >= self.hard_until:
            raise Stop
        if self.think > 0:
            await asyncio.sleep(self.rng.uniform(0.5, 1.5) * self.think)

    # -- the scenario --------------------------------------------------------------------------
    async def take_quiz(self) -> bool:
        """One attempt: quizzes page, start, answer everything, submit. False when it cannot start."""
        run = await self.interact("quizzes", "quizzes")
        start = run.widgets.get(f"start:{self.quiz}")
        if start is None:
            raise ClientError(f"no start:{self.quiz} button for {self.user} (attempts used up, or the quiz is not visible)")
        await self.pause()
        trig = _state(start[1], trigger_value=True)
        run = await self.interact("start", "quizzes", states=[trig])
        qs = urllib.parse.parse_qs(run.query_string or "")
        attempt = (qs.get("attempt") or [""])[0]
        if not attempt:
            raise ClientError(
                f"start:{self.quiz}: no attempt id in the page info ({run.query_string!r}, errors {run.errors[:1]})"
            )
        query = f"attempt={attempt}"
        record = self.stats.attempts.setdefault(attempt, {"user": self.user, "quiz": self.quiz, "sent": {}, "session": self.n})
        if record["session"] != self.n:
            raise ClientError(f"attempt {attempt} shared by sessions {record['session']} and {self.n} (same user twice)")
        questions = _questions(run, attempt)
        if not questions:
            raise ClientError(f"attempt {attempt}: no question widgets on the take page")
        page = run  # the whole page; fragment runs (one question card) update their part of it
        current: dict[str, object] = {}  # widget id -> WidgetState: what the browser would send (all inputs)
        for qkey, widgets in list(questions.items())[:MAX_QUESTIONS]:
            await self.pause()
            sent = self._answer(qkey, widgets, current)
            record["sent"][qkey] = sent
            mine = f"{attempt}:{qkey}"
            fragment = next((f for k, f in page.fragments.items() if k == mine or k.startswith(mine + ":")), "")
            run = await self.interact("answer", "take", query, list(current.values()), fragment)
            page.widgets.update(run.widgets)
        await self.pause()
        for _ in range(3):  # submit, then submit_anyway when the page asks to confirm
            button = page.widgets.get("submit") or page.widgets.get("submit_anyway")
            if button is None:
                break
            page = run = await self.interact(
                "submit", "take", query, list(current.values()) + [_state(button[1], trigger_value=True)]
            )
        if not any(run.metrics):
            raise ClientError(f"attempt {attempt}: no result after submitting (errors {run.errors[:1]})")
        record["result"] = run.metrics
        record["acked_at"] = time.monotonic()
        self.stats.submitted += 1
        return True

    def _answer(self, qkey: str, widgets: dict, current: dict) -> tuple:
        kinds = {w[0] for w in widgets.values()}
        if "radio" in kinds:
            _, wid, proto = widgets[""]
            i = self.rng.randrange(len(proto.options))
            current[wid] = _state(wid, string_value=proto.options[i])
            return ("radio", i)
        if "checkbox" in kinds:
            letters = sorted(widgets)
            chosen = sorted(self.rng.sample(letters, self.rng.randint(1, len(letters))))
            for letter in letters:
                wid = widgets[letter][1]
                current[wid] = _state(wid, bool_value=letter in chosen)
            return ("checkbox", "".join(chosen))
        values = []
        for idx in sorted(widgets, key=int):
            wid = widgets[idx][1]
            text = f"答{self.n}-{idx}-{self.rng.randrange(10**6)}"
            current[wid] = _state(wid, string_value=text)
            values.append(text)
        return ("text", values)

    async def main(self, until: float, hard_until: float = float("inf")) -> None:
        """Sign in, connect, then take quizzes: at least one, new ones until ``until``; at ``hard_until``
        (monotonic) leave the attempt in progress."""
        self.hard_until = hard_until
        try:
            await self.login()
            await self.connect()
        except (TimeoutError, ClientError, OSError, websockets.WebSocketException) as e:
            self.stats.errors.append(f"session {self.n} ({self.user}): {type(e).__name__}: {e}")
            await self.close()
            return
        try:
            for i in range(MAX_ATTEMPTS_PER_SESSION):  # at least one attempt, new ones until ``until``
                if i and time.monotonic() >= until:
                    break
                await self.take_quiz()
        except Stop:
            self.stats.abandoned += 1
        except (TimeoutError, ClientError, OSError, websockets.WebSocketException) as e:
            self.stats.errors.append(f"session {self.n} ({self.user}): {type(e).__name__}: {e}")
        finally:
            await self.close()


def _state(wid: str, **value):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    ws = WidgetState(id=wid)
    for k, v in value.items():
        setattr(ws, k, v)
    return ws


def _questions(run: Run, attempt: str) -> dict[str, dict[str, tuple]]:
    """Question key -> {sub key ('' for a radio, display position for a checkbox, blank index for a text input): widget}."""
    out: dict[str, dict[str, tuple]] = {}
    prefix = f"{attempt}:"
    for key, w in run.widgets.items():
        if not key.startswith(prefix):
            continue
        rest = key[len(prefix) :]
        if w[0] == "radio":
            out.setdefault(rest, {})[""] = w
        else:
            qkey, _, sub = rest.rpartition(":")
            out.setdefault(qkey, {})[sub] = w
    return out


# ---------------------------------------------------------------------------------------------
# Server: find, measure, start
# ---------------------------------------------------------------------------------------------
def check_local(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname
    if host not in LOCAL_HOSTS:
        raise SystemExit(f"refusing {url}: the load client only connects to 127.0.0.1 / localhost")


def find_server_pid(port: int) -> int | None:
    """The process holding the listening socket of ``port`` (via /proc/net/tcp and /proc/*/fd)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                cols = line.split()
                if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(cols[9])
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    link = os.readlink(f"/proc/{pid}/fd/{fd}")
                    if link.startswith("socket:[") and link[8:-1] in inodes:
                        return int(pid)
    return None


class ProcSampler:
    """CPU seconds and RSS of the server's processes (summed: workers and nginx of a cluster) from
    /proc/<pid>, sampled once a second."""

    def __init__(self, pid: int | list[int] | None):
        self.pids = [p for p in (pid if isinstance(pid, list) else [pid]) if p]
        self.pid = self.pids[0] if self.pids else None
        self.peak_rss, self.rss, self.cpu0, self.t0 = 0, [], 0.0, 0.0
        self.tick = os.sysconf("SC_CLK_TCK")

    def cpu(self) -> float:
        total = 0
        for pid in self.pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / self.tick

    def rss_mb(self) -> float:
        total = 0
        for pid in self.pids:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total / 1024

    async def run(self, stop: asyncio.Event) -> None:
        if not self.pid:
            return
        self.cpu0, self.t0 = self.cpu(), time.monotonic()
        for _ in range(100_000):
            with contextlib.suppress(OSError):
                self.rss.append(self.rss_mb())
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
            if stop.is_set():
                break
        self.cpu1, self.t1 = self.cpu(), time.monotonic()

    def summary(self) -> dict:
        if not self.pid or not self.rss:
            return {}
        wall = self.t1 - self.t0
        return {
            "server_pid": self.pid,
            "server_processes": len(self.pids),
            "server_cpu_s": round(self.cpu1 - self.cpu0, 1),
            "server_cpu_pct": round(100 * (self.cpu1 - self.cpu0) / wall, 1) if wall else None,
            "server_rss_mb_start": round(self.rss[0], 1),
            "server_rss_mb_peak": round(max(self.rss), 1),
            "server_rss_mb_end": round(self.rss[-1], 1),
        }


BENCH_QUIZ_YAML = """id: bench-load
title: 压力测试测验
kind: quiz
time_limit: 10m
pass_percent: 60
max_attempts: 100000
shuffle_questions: true
shuffle_options: true
multiple_scoring: half
draw:
  - {bank: safety-bank, count: 4, type: single}
  - {bank: safety-bank, count: 2, type: multiple}
  - {bank: safety-bank, count: 2, type: true_false}
  - {bank: safety-bank, count: 1, type: fill_blank}
  - {bank: safety-bank, count: 1, type: scenario}
"""


class LocalServer:
    """A demo database in a temp folder (plus bench accounts ``load0001`` … and the quiz ``bench-load``)
    and ``streamlit run app.py`` with the given ``--server-option``s; stopped on exit."""

    def __init__(
        self,
        options: list[str],
        users: int,
        demo_db: Path | None = None,
        workers: int = 1,
        app_root: Path = ROOT,
        postgres: str | None = None,
    ):
        self.options, self.users, self.demo_db, self.workers, self.app_root = options, users, demo_db, workers, app_root
        self.postgres = postgres  # a PostgreSQL server URL: the seeded data is copied into a new database there
        self.tmp = Path(tempfile.mkdtemp(prefix="mingde-load-"))
        self.db = self.tmp / "mingde.db"
        self.proc = None
        self.procs: list[subprocess.Popen] = []

    def seed(self) -> None:
        content = self.tmp / "content"
        shutil.copytree(ROOT / "content", content)
        (content / "quizzes" / f"{BENCH_QUIZ}.yaml").write_text(BENCH_QUIZ_YAML, encoding="utf-8")
        if self.demo_db and self.demo_db.exists():
            shutil.copy(self.demo_db, self.db)
        else:
            subprocess.run(
                [sys.executable, "-m", "ui.cli_main", "demo", "--db", str(self.db), "--content", str(content)],
                check=True,
                cwd=ROOT,
                capture_output=True,
                timeout=600,
            )
        with contextlib.closing(sqlite3.connect(self.db)) as db, db:
            for i in range(1, self.users + 1):
                db.execute(
                    "INSERT OR IGNORE INTO employees (id, name, department, team, active) VALUES (?, ?, ?, ?, 1)",
                    (f"L{i:04d}", f"压测{i}", "压测部", None),
                )
                db.execute(
                    "INSERT OR IGNORE INTO accounts (username, password_hash, role, employee_id, created_at) "
                    "SELECT ?, password_hash, 'employee', ?, created_at FROM accounts WHERE username = 'e003'",
                    (f"load{i:04d}", f"L{i:04d}"),
                )
        self.content = content
        if self.postgres:  # the same data on PostgreSQL: the servers get its URL (nodes: nothing else shared)
            from bench import pgcopy

            LocalServer.databases += 1
            url = pgcopy.create_database(self.postgres, f"load_{os.getpid()}_{LocalServer.databases}")
            pgcopy.copy(self.db, url)
            self.db = url

    databases = 0

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs] or ([self.proc.pid] if self.proc else [])

    def start(self) -> str:
        port = free_port()
        options = []
        for opt in self.options:
            k, _, v = opt.partition("=")
            options += [f"--{k}", v]
        env = {**os.environ, "MINGDE_DB": str(self.db), "MINGDE_CONTENT": str(self.content), "MINGDE_LANG": "zh"}
        if self.workers > 1:  # deploy/cluster.py: the workers behind nginx, sticky by session cookie
            sys.path.insert(0, str(ROOT / "deploy"))
            import cluster

            os.environ.update({k: env[k] for k in ("MINGDE_DB", "MINGDE_CONTENT", "MINGDE_LANG")})
            self.procs = cluster.start(self.workers, port, "127.0.0.1", "127.0.0.1", options, self.tmp)
            return f"http://127.0.0.1:{port}"
        self.log = open(self.tmp / "streamlit.log", "w")  # noqa: SIM115
        self.proc = start_server(port, env, options, log=self.log, root=self.app_root)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, self.proc)
        except (RuntimeError, TimeoutError) as e:
            raise SystemExit(f"{e}; see {self.log.name}") from None
        return url

    def stop(self, keep: bool = False) -> None:
        if self.procs:
            import cluster

            cluster.stop(self.procs)
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
            self.log.close()
        if not keep:
            shutil.rmtree(self.tmp, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Verification against the database
# ---------------------------------------------------------------------------------------------
def verify(db: Path, attempts: dict[str, dict]) -> tuple[int, list[str]]:
    """Compare, per attempt, the answers recorded in ``db`` with the answers the clients sent."""
    from tracker import Tracker

    tracker = Tracker(db)
    mismatches: list[str] = []
    checked = 0
    try:
        for aid, rec in attempts.items():
            paper = tracker.paper(aid)
            stored = tracker.saved_responses(aid)
            sent = rec["sent"]
            for qkey, (kind, value) in sent.items():
                pq = paper.question(qkey)
                qtype = pq.question.type
                got = stored.get(qkey)
                if kind == "radio":
                    want = (value == 0) if qtype == "true_false" else pq.display_letters[value]
                    ok = got == want
                elif kind == "checkbox":  # checkboxes are keyed by display position, the answer is the author's letters
                    want = "".join(sorted(pq.display_letters[int(p)] for p in value))
                    ok = isinstance(got, str) and sorted(got) == sorted(want)
                else:
                    want = value
                    ok = got == value
                checked += 1
                if not ok:
                    mismatches.append(f"{aid} {qkey}: sent {want!r}, recorded {got!r}")
            extra = {k for k, v in stored.items() if v not in (None, "", []) and k not in sent}
            if extra:
                mismatches.append(f"{aid}: recorded answers nobody sent for {sorted(extra)}")
            if rec.get("result"):
                row = tracker.attempt(aid)
                if not row["submitted_at"]:
                    mismatches.append(f"{aid}: the client saw a result but the attempt is not submitted")
    finally:
        tracker.close()
    return checked, mismatches


# ---------------------------------------------------------------------------------------------
# One load run, sweeps, reporting
# ---------------------------------------------------------------------------------------------
def users_from_db(db: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
        rows = con.execute(
            "SELECT username FROM accounts WHERE role = 'employee' AND employee_id IS NOT NULL AND disabled = 0 ORDER BY username"
        ).fetchall()
    return [r[0] for r in rows]


async def load(
    url: str,
    sessions: int,
    users: list[str],
    quiz: str,
    think: float,
    duration: float,
    ramp: float,
    timeout: float,
    pid: int | None,
    seed: int,
    drain: float = float("inf"),
) -> tuple[Stats, dict, float]:
    stats = Stats()
    rng = random.Random(seed)
    if sessions > len(users):
        raise SystemExit(
            f"{sessions} sessions need {sessions} distinct users (have {len(users)}): two sessions of one "
            "user would resume the same attempt; use --start-server (it creates load0001 …) or --users"
        )
    sampler = ProcSampler(pid)
    stop = asyncio.Event()
    sampling = asyncio.create_task(sampler.run(stop))
    t0 = time.monotonic()
    until = t0 + ramp + duration
    stats.steady_from = t0 + ramp + 10  # every session signed in and past its first page

    async def one(i: int) -> None:
        await asyncio.sleep(ramp * i / max(1, sessions))
        s = Session(i, url, users[i], quiz, think, timeout, stats, random.Random(rng.random()))
        await s.main(until, until + drain)

    bound = ramp + duration + min(drain, 1e6) + 40 * timeout + 60  # an attempt takes at most ~15 interactions
    cpu0 = time.process_time()
    await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(sessions))), bound)
    stats.client_cpu_s = time.process_time() - cpu0
    wall = time.monotonic() - t0
    stop.set()
    await sampling
    return stats, sampler.summary(), wall


def summarize(stats: Stats, server: dict, wall: float, sessions: int) -> dict:
    lat = [x for v in stats.latencies.values() for x in v]
    out = {
        "sessions": sessions,
        "interactions": stats.interactions,
        "errors": len(stats.errors),
        "attempts_started": len(stats.attempts),
        "attempts_submitted": stats.submitted,
        "attempts_abandoned_at_end": stats.abandoned,
        "wall_s": round(wall, 1),
        "client_cpu_pct": round(100 * stats.client_cpu_s / wall, 1) if wall else None,
        "throughput_per_s": round(stats.interactions / wall, 2) if wall else 0,
        "p50_ms": round(1000 * percentile(lat, 50), 1),
        "p95_ms": round(1000 * percentile(lat, 95), 1),
        "p99_ms": round(1000 * percentile(lat, 99), 1),
        "max_ms": round(1000 * max(lat), 1) if lat else None,
        "login_p50_ms": round(1000 * percentile(stats.logins, 50), 1),
        "by_kind_p95_ms": {k: round(1000 * percentile(v, 95), 1) for k, v in sorted(stats.latencies.items())},
    }
    if stats.steady_from is not None:  # after the sign-in ramp: what people see once everyone is in
        steady = [x for t, x in stats.timeline if t >= stats.steady_from]
        out.update(
            steady_interactions=len(steady),
            steady_p50_ms=round(1000 * percentile(steady, 50), 1),
            steady_p95_ms=round(1000 * percentile(steady, 95), 1),
            steady_p99_ms=round(1000 * percentile(steady, 99), 1),
        )
    out.update(server)
    return out


def run_once(
    url: str,
    sessions: int,
    users: list[str],
    quiz: str,
    *,
    think: float = 2.0,
    duration: float = 60,
    ramp: float | None = None,
    timeout: float = 30,
    pid: int | None = None,
    seed: int = 1,
    db: str | Path | None = None,
    drain: float = float("inf"),
) -> dict:
    """One load run against a running server: the summary (``answer_mismatches`` and ``mismatches`` with ``db``)."""
    check_local(url)
    if pid is None:
        pid = find_server_pid(urllib.parse.urlsplit(url).port or 80)
    ramp = min(20.0, sessions / 25) if ramp is None else ramp
    stats, srv, wall = asyncio.run(load(url, sessions, users, quiz, think, duration, ramp, timeout, pid, seed, drain))
    result = summarize(stats, srv, wall, sessions)
    result["error_messages"] = stats.errors[:20]
    if db:
        checked, mismatches = verify(db if str(db).startswith("postgres") else Path(db), stats.attempts)
        result["answers_checked"] = checked
        result["answer_mismatches"] = len(mismatches)
        result["mismatches"] = mismatches[:20]
    result["attempts"] = stats.attempts
    return result


def warm_up(url: str, user: str, quiz: str, timeout: float) -> None:
    """One unmeasured attempt without think time, so the first measured runs do not pay the imports."""
    stats = Stats()

    async def go() -> None:
        s = Session(-1, url, user, quiz, 0, timeout, stats, random.Random(0))
        await s.main(time.monotonic() + 0.1)

    asyncio.run(asyncio.wait_for(go(), 4 * timeout))
    if stats.errors:
        print("WARM-UP ERROR", stats.errors[0], file=sys.stderr)


def one_size(args, n: int, options: list[str], demo_db: Path | None) -> dict:
    """One measurement of ``n`` sessions (own server when --start-server)."""
    server = None
    url, db, pid = args.url, args.db, args.server_pid
    if args.start_server:
        server = LocalServer(options, n + 1, demo_db, args.workers, Path(args.app_root or ROOT), args.postgres)
        server.seed()
        url, db = server.start(), server.db
        pid = server.pids
    try:
        check_local(url)
        if args.users:
            users = args.users.split(",")
        elif server is not None:
            users = [f"load{i:04d}" for i in range(1, n + 1)]
        elif args.users_from_db or db:
            users = users_from_db(Path(args.users_from_db or db))
        else:
            users = [f"e{i:03d}" for i in range(3, 81)]
        quiz = args.quiz or (BENCH_QUIZ if server else "work-safety-check")
        if server is not None:
            warm_up(url, f"load{n + 1:04d}", quiz, args.timeout)
        result = run_once(
            url,
            n,
            users,
            quiz,
            think=args.think,
            duration=args.duration,
            ramp=args.ramp,
            timeout=args.timeout,
            pid=pid,
            seed=args.seed,
            db=db,
            drain=float("inf") if args.drain < 0 else args.drain,
        )
        result.pop("attempts")
        for e in result.pop("error_messages"):
            print("ERROR", e, file=sys.stderr)
        if server is not None and result.get("answer_mismatches"):
            print("see", server.tmp, file=sys.stderr)
        for m in result.pop("mismatches", []):
            print("MISMATCH", m, file=sys.stderr)
        return result
    finally:
        if server is not None:
            server.stop(keep=args.keep)


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8501")
    p.add_argument("--sessions", type=int, default=10)
    p.add_argument("--think", type=float, default=2.0, help="mean think time between interactions (s)")
    p.add_argument("--duration", type=float, default=60, help="seconds after the ramp during which sessions start new attempts")
    p.add_argument("--ramp", type=float, default=None, help="seconds over which sessions sign in (default min(20, N/25))")
    p.add_argument(
        "--drain",
        type=float,
        default=-1,
        help="seconds after the end during which sessions may finish their attempt (default: no limit); "
        "after it they leave it in progress (counted as abandoned, not as errors)",
    )
    p.add_argument("--timeout", type=float, default=30, help="limit of one interaction / sign-in (s)")
    p.add_argument("--quiz", help="quiz id (default bench-load with --start-server, else work-safety-check)")
    p.add_argument("--users", help="comma-separated user names, one per session")
    p.add_argument("--users-from-db", help="take the employee accounts from this database")
    p.add_argument("--db", help="the server's database: verify the recorded answers against the sent ones")
    p.add_argument("--server-pid", type=int)
    p.add_argument("--sweep", help="comma-separated session counts, run one after another")
    p.add_argument("--repeat", type=int, default=1, help="runs per size; figures are medians")
    p.add_argument("--start-server", action="store_true", help="seed a demo database in a temp folder and start/stop streamlit")
    p.add_argument(
        "--server-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="streamlit config for --start-server, e.g. runner.postScriptGC=false (repeatable)",
    )
    p.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="KEY=V1,V2",
        help="with --start-server: run every size once per value of this option, e.g. runner.postScriptGC=true,false",
    )
    p.add_argument(
        "--app-root",
        help="with --start-server: run app.py of this checkout (e.g. a git worktree of an older commit) as the baseline",
    )
    p.add_argument("--workers", type=int, default=1, help="with --start-server: this many streamlit processes behind nginx")
    p.add_argument(
        "--postgres",
        help="with --start-server: run on PostgreSQL, a new database on this server URL, or 'auto' for a throwaway "
        "cluster (fsync on); with --workers the processes are nodes sharing nothing but the database",
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--keep", action="store_true", help="keep the temp folder of --start-server")
    p.add_argument("--json", help="write all results to this file")
    p.add_argument("--out", help="append the Markdown table to this file (e.g. docs/benchmarks-load.md)")
    args = p.parse_args(argv)
    check_local(args.url)
    if args.compare and not args.start_server:
        p.error("--compare needs --start-server")
    if args.workers > 1 and not args.start_server:
        p.error("--workers needs --start-server")
    if args.app_root and (args.workers > 1 or not args.start_server):
        p.error("--app-root needs --start-server and one worker")

    sizes = [int(x) for x in args.sweep.split(",")] if args.sweep else [args.sessions]
    variants: list[list[str]] = [list(args.server_option)]
    for spec in args.compare:
        key, _, values = spec.partition("=")
        variants = [v + [f"{key}={val}"] for v in variants for val in values.split(",")]

    demo_db = None
    tmp_demo = None
    pg_cluster = None
    if args.postgres == "auto":
        from bench.bench_nodes import DURABLE
        from tests import pgcluster

        pgcluster.SERVER_OPTIONS = DURABLE
        pg_cluster = pgcluster.Cluster.start()
        args.postgres = pg_cluster.url
    if args.start_server:  # seed the demo once, copy it per server
        tmp_demo = Path(tempfile.mkdtemp(prefix="mingde-demo-"))
        demo_db = tmp_demo / "demo.db"
        subprocess.run(
            [sys.executable, "-m", "ui.cli_main", "demo", "--db", str(demo_db), "--content", str(ROOT / "content")],
            check=True,
            cwd=ROOT,
            capture_output=True,
            timeout=600,
        )
    rows = []
    try:
        for options in variants:
            for n in sizes:
                runs = []
                for r in range(args.repeat):
                    res = one_size(args, n, options, demo_db)
                    print(json.dumps({"options": options, "run": r + 1, **res}, ensure_ascii=False), flush=True)
                    runs.append(res)
                med = {
                    k: statistics.median(x[k] for x in runs)
                    for k in runs[0]
                    if isinstance(runs[0][k], (int, float)) and all(isinstance(x.get(k), (int, float)) for x in runs)
                }
                label = options + ([f"app {args.app_root}"] if args.app_root else []) + (["PostgreSQL"] if args.postgres else [])
                rows.append({"options": label, "workers": args.workers, "sessions": n, "runs": len(runs), **med})
    finally:
        if tmp_demo:
            shutil.rmtree(tmp_demo, ignore_errors=True)
        if pg_cluster is not None:
            pg_cluster.remove()
    text = table(rows, args)
    print(text)
    if args.out:
        with open(args.out, "a", encoding="utf-8") as f:
            f.write("\n" + text + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return {"rows": rows}


def table(rows: list[dict], args) -> str:
    lines = [
        f"Date {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {machine()} · commit {commit()} · "
        f"think {args.think:g} s · duration {args.duration:g} s · medians of {args.repeat} run(s)",
        "",
        "| server options | workers | N | p50 ms | p95 ms | p99 ms | p95 after the ramp ms | sign-in p50 ms | interactions/s | "
        "errors | answer mismatches | server CPU % | server RSS peak MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {' '.join(r['options']) or 'defaults'} | {r.get('workers', 1)} | {r['sessions']} | {r.get('p50_ms', '')} | {r.get('p95_ms', '')} | "
            f"{r.get('p99_ms', '')} | {r.get('steady_p95_ms', '')} | {r.get('login_p50_ms', '')} | {r.get('throughput_per_s', '')} | {r.get('errors', '')} | "
            f"{r.get('answer_mismatches', '—')} | {r.get('server_cpu_pct', '')} | {r.get('server_rss_mb_peak', '')} |"
        )
    lines.append("")
    by_opt: dict[str, list[dict]] = {}
    for r in rows:
        by_opt.setdefault(" ".join(r["options"]) or "defaults", []).append(r)
    for opt, rs in by_opt.items():
        ok = [r["sessions"] for r in rs if r.get("p95_ms", float("inf")) < 1000 and r.get("errors", 1) == 0]
        lines.append(f"Largest N with p95 < 1 s and no errors ({opt}): {max(ok) if ok else 'none'}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
