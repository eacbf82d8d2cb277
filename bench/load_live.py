"""Live-competition and online-contest load through the real server (run by hand; see bench/load_README.md).

``live``: one host, one big-screen scoreboard and N team devices (default 60), each a separate
websocket session speaking Streamlit's protocol, signed in as its own account. The team page and the
scoreboard refresh through ``st.fragment(run_every=…)`` (1 s and 0.5 s): like the browser, each client
re-runs the fragment (``rerun_script`` with the fragment id and ``is_auto_rerun``) at the interval the
server's ``auto_rerun`` message gives. The host opens
each question of a buzzer round; every device that sees the question open (the countdown is on its
page) buzzes after a human reaction time; the host waits until its page shows who answers, judges,
and moves on. Measured:

- buzz → scoreboard: from the moment the winning device sent its buzz to the first scoreboard
  frame (a received delta, not the end of the run) that shows "<team> 作答";
- judgment → scoreboard: from the host's click on 答对 to the first scoreboard frame whose score
  for that team changed;
- the latency of every interaction by kind (device and scoreboard refreshes, buzzes, host clicks),
  server CPU and RSS.

``contest``: N participants (default 300) take the online contest (``leaderboard: true``) through
``bench.load``'s client while one viewer keeps the 排行榜 open; measured: interaction latency and
answers recorded = answers sent (as ``bench.load``), and submission → leaderboard: from the moment a
participant saw their result to the first leaderboard frame whose participant count includes them.

Only ever connects to 127.0.0.1 / localhost. Every loop is bounded in count and in time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import html
import io
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from bench import load  # noqa: E402
from bench.bench_submit import commit, machine  # noqa: E402

LIVE_ID = "bench-live"
CONTEST_ID = "ethics-online-contest-2026"
ANSWERING = " 作答"  # zh text of live.answering after the team name
MAX_POLLS = 100_000
DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


def live_yaml(questions: int) -> str:
    return f"""id: {LIVE_ID}
title: 压测现场赛
kind: competition
teams: departments
start_score: 100
rounds:
  - name: 抢答题
    type: buzzer
    points: 10
    penalty: 10
    time_limit: 20s
    draw:
      - {{bank: safety-bank, count: {questions}, type: single}}
"""


def team_name(i: int) -> str:
    return f"第{i:02d}队"


# ---------------------------------------------------------------------------------------------
# A session that also re-runs fragments and watches what it is shown
# ---------------------------------------------------------------------------------------------
class LiveSession(load.Session):
    """One browser tab on a page with a ``run_every`` fragment."""

    def __init__(
        self, n: int, base: str, user: str, timeout: float, stats: load.Stats, rng: random.Random, page: str, query: str
    ):
        super().__init__(n, base, user, "", 0, timeout, stats, rng)
        self.page_name, self.query = page, query
        self.fragment_id, self.interval = "", 1.0
        self.timer = False  # the countdown is on the page: answering/buzzing is open
        self.watch = None  # callable(element, received_at) for every new element

    def _absorb(self, msg: ForwardMsg) -> int | None:
        kind = msg.WhichOneof("type")
        if kind == "auto_rerun":
            self.fragment_id, self.interval = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            if el.WhichOneof("type") == "html" and 'role="timer"' in el.html.body:
                self.timer = True
            if self.watch is not None:
                self.watch(el, time.monotonic())
        return super()._absorb(msg)

    async def open(self) -> load.Run:
        self.timer = False
        return await self.interact(f"open_{self.page_name}", self.page_name, self.query)

    async def fragment(self, what: str, states: list | None = None) -> load.Run:
        """Re-run the page's fragment (a timer tick without ``states``, a click inside it with)."""
        if not self.fragment_id:
            raise load.ClientError(f"{what}: the page sent no auto_rerun fragment")
        back = BackMsg()
        cs = back.rerun_script
        cs.query_string = self.query
        cs.page_name = self.page_name
        cs.page_script_hash = self.page_hashes.get(self.page_name, "")
        cs.fragment_id = self.fragment_id
        cs.is_auto_rerun = not states
        for ws in states or []:
            cs.widget_states.widgets.append(ws)
        self.run = load.Run(query_string=self.query)
        self.timer = False
        t0, started = time.perf_counter(), time.monotonic()
        await self.ws.send(back.SerializeToString())
        deadline = t0 + self.timeout
        for _ in range(load.MAX_CHAIN_MSGS):
            left = deadline - time.perf_counter()
            if left <= 0:
                break
            try:
                msg = await asyncio.wait_for(self.queue.get(), left)
            except TimeoutError:
                break
            if msg is None:
                raise load.ClientError(f"{what}: websocket closed")
            status = self._absorb(msg)
            if status in DONE:
                self.stats.record(what, started, time.perf_counter() - t0)
                if self.run.exceptions:
                    raise load.ClientError(f"{what}: server exception {self.run.exceptions[:1]}")
                return self.run
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                raise load.ClientError(f"{what}: compile error")
        raise load.ClientError(f"{what}: no script_finished within {self.timeout:g} s")

    async def tick_loop(self, stop: asyncio.Event, on_run=None) -> None:
        """Re-run the fragment every ``run_every`` seconds (the browser's timer) until ``stop``."""
        next_tick = time.monotonic()
        for _ in range(MAX_POLLS):
            if stop.is_set():
                return
            run = await self.fragment("poll_" + self.page_name)
            if on_run is not None:
                await on_run(run)
            next_tick = max(next_tick + self.interval, time.monotonic())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), next_tick - time.monotonic())


@dataclass
class LiveLog:
    buzzes: dict[str, list[float]] = field(default_factory=dict)  # team -> send times
    host_answering: list[tuple[float, str]] = field(default_factory=list)  # (t, team) as the host console shows it
    board_answering: list[tuple[float, str]] = field(default_factory=list)  # (t, team) as the board shows it
    board_scores: list[tuple[float, str, str]] = field(default_factory=list)  # (t, team, score text)
    questions: list[dict] = field(default_factory=list)  # host: open, winner, judged times


async def device(s: LiveSession, team: str, log: LiveLog, stop: asyncio.Event, rng: random.Random, p_buzz: float) -> None:
    async def on_run(run: load.Run) -> None:
        button = run.widgets.get("buzz")
        if button is None or not s.timer or rng.random() > p_buzz:
            return
        await asyncio.sleep(rng.uniform(0.2, 1.5))  # a human's reaction
        log.buzzes.setdefault(team, []).append(time.monotonic())
        await s.fragment("buzz", [load._state(button[1], trigger_value=True)])

    await s.tick_loop(stop, on_run)


BOARD_ANSWERING = re.compile(r'data-answering="([^"]*)"')
BOARD_SCORE = re.compile(r'data-team="([^"]*)" data-score="([^"]*)"')


def host_watch(log: LiveLog):
    """When the host console shows "<team> 作答" (an info box drawn by its refresh)."""

    def watch(el, at: float) -> None:
        if el.WhichOneof("type") == "alert" and el.alert.body.endswith(ANSWERING):
            log.host_answering.append((at, el.alert.body[: -len(ANSWERING)].strip()))

    return watch


def board_watch(log: LiveLog):
    def watch(el, at: float) -> None:
        kind = el.WhichOneof("type")
        if kind == "html" and 'id="mingde-board"' in el.html.body:  # the big screen: one HTML block
            body = el.html.body
            for team in BOARD_ANSWERING.findall(body):
                log.board_answering.append((at, html.unescape(team)))
            for team, score in BOARD_SCORE.findall(body):
                log.board_scores.append((at, html.unescape(team), score))
        elif kind == "heading" and el.heading.body.endswith(ANSWERING):
            log.board_answering.append((at, el.heading.body[: -len(ANSWERING)].strip()))
        elif kind == "metric":
            label = el.metric.label.split(". ", 1)[-1]
            log.board_scores.append((at, label, el.metric.body))

    return watch


async def host(s: LiveSession, log: LiveLog, questions: int, rng: random.Random, settle: float) -> None:
    """Start, then per question: reveal, open, wait for the answering team, judge, next."""
    run = await s.open()
    if "start" in run.widgets:
        run = await s.interact("host_start", "host", s.query, [load._state(run.widgets["start"][1], trigger_value=True)])
    for _ in range(questions):
        await asyncio.sleep(settle)
        run = await click(s, run, "reveal")
        await asyncio.sleep(settle)
        run = await click(s, run, "open")
        q = {"open": time.monotonic()}
        judge = None
        for _ in range(30):  # the console refreshes itself (its 1 s fragment, as in a browser) until someone answers
            judge = next((k for k in run.widgets if k.startswith("judge:") and k.endswith(":right")), None)
            if judge:
                break
            await asyncio.sleep(s.interval)
            run = await s.fragment("host_tick")
        if judge is None:
            raise load.ClientError("no team buzzed within 30 s")
        q["winner"] = judge.split(":")[1]
        await asyncio.sleep(settle)
        q["judged"] = time.monotonic()
        run = await click(s, run, judge)
        log.questions.append(q)
        await asyncio.sleep(settle)
        run = await click(s, run, "next")


async def click(s: LiveSession, run: load.Run, key: str) -> load.Run:
    w = run.widgets.get(key)
    if w is None:
        raise load.ClientError(f"host: no '{key}' button (have {sorted(run.widgets)[:8]})")
    return await s.interact("host_" + key.split(":")[0], "host", s.query, [load._state(w[1], trigger_value=True)])


def latencies(log: LiveLog) -> tuple[list[float], list[float], list[str], list[float]]:
    """buzz → board, judgment → board and buzz → host console, per question; problems found on the way."""
    buzz_lat, judge_lat, problems, host_lat = [], [], [], []
    for i, q in enumerate(log.questions):
        team = q["winner"]
        sent = [t for t in log.buzzes.get(team, []) if t >= q["open"]]
        seen = [t for t, shown in log.board_answering if shown == team and t >= q["open"]]
        if not sent or not seen:
            problems.append(f"question {i + 1}: buzz of {team} sent {bool(sent)}, on the board {bool(seen)}")
        else:
            buzz_lat.append(min(seen) - min(sent))
        on_host = [t for t, shown in log.host_answering if shown == team and t >= q["open"]]
        if sent and on_host:
            host_lat.append(min(on_host) - min(sent))
        before = [score for t, name, score in log.board_scores if name == team and t < q["judged"]]
        after = [t for t, name, score in log.board_scores if name == team and t >= q["judged"] and before and score != before[-1]]
        if not after:
            problems.append(f"question {i + 1}: the board never showed the new score of {team}")
        else:
            judge_lat.append(min(after) - q["judged"])
    return buzz_lat, judge_lat, problems, host_lat


def first_buzzes(db: Path, run_id: str) -> list[str]:
    """Per question (from each ``open``), the team whose buzz the server logged first."""
    from tracker import Tracker
    from tracker import competitions as comp

    tracker = Tracker(db)
    try:
        firsts: list[str | None] = []
        for ev in comp.events(tracker, run_id):
            if ev.kind == "open":
                firsts.append(None)
            elif ev.kind == "buzz" and firsts and firsts[-1] is None:
                firsts[-1] = ev.data.get("team")
        return [f for f in firsts if f]
    finally:
        tracker.close()


def stage_live(server: load.LocalServer, teams: int, questions: int) -> str:
    """Write the competition file and stage a run with ``teams`` teams, captain of team i = load000i."""
    from quizzes import load_catalog
    from tracker import Tracker
    from tracker import competitions as comp

    (server.content / "quizzes" / f"{LIVE_ID}.yaml").write_text(live_yaml(questions), encoding="utf-8")
    catalog = load_catalog(server.content)
    tracker = Tracker(server.db)
    try:
        organizer = next(u for u in tracker.users() if u.username == "organizer")
        spec = [{"name": team_name(i), "members": [f"L{i:04d}"], "captain": f"load{i:04d}"} for i in range(1, teams + 1)]
        return comp.create_run(
            tracker, organizer, catalog.competitions[LIVE_ID], teams=spec, mode="devices", banks=catalog.banks, seed=7
        )
    finally:
        tracker.close()


async def live_run(url: str, run_id: str, teams: int, questions: int, pid: int | None, seed: int, timeout: float, p_buzz: float):
    stats, log, stop = load.Stats(), LiveLog(), asyncio.Event()
    rng = random.Random(seed)
    sampler = load.ProcSampler(pid)
    sampling = asyncio.create_task(sampler.run(stop))
    query = f"run={run_id}"
    board = LiveSession(0, url, "admin", timeout, stats, random.Random(1), "scoreboard", query)
    board.watch = board_watch(log)
    chair = LiveSession(-1, url, "organizer", timeout, stats, random.Random(2), "host", query)
    chair.watch = host_watch(log)
    devices = [
        LiveSession(i, url, f"load{i:04d}", timeout, stats, random.Random(rng.random()), "team", "") for i in range(1, teams + 1)
    ]
    everyone = [board, chair, *devices]
    t0 = time.monotonic()
    for k, s in enumerate(everyone):  # sign in over a few seconds, as a room of people would
        await s.login()
        await s.connect()
        if k % 10 == 9:
            await asyncio.sleep(0.2)
    cpu0 = time.process_time()

    async def guarded(coro, who: str) -> None:
        try:
            await coro
        except (TimeoutError, load.ClientError, OSError) as e:
            stats.errors.append(f"{who}: {type(e).__name__}: {e}")

    await board.open()
    await asyncio.gather(*(s.open() for s in devices))  # every device has its page open before the first question
    watchers = [asyncio.create_task(guarded(board.tick_loop(stop), "scoreboard"))]
    for s in devices:
        watchers.append(asyncio.create_task(guarded(device(s, team_name(s.n), log, stop, s.rng, p_buzz), s.user)))
    measured_from = time.monotonic()
    await guarded(asyncio.wait_for(host(chair, log, questions, rng, settle=1.0), 60 * questions), "host")
    await asyncio.sleep(2)  # the last judgment reaches the board
    stop.set()
    await asyncio.wait_for(asyncio.gather(*watchers), 3 * timeout)
    wall = time.monotonic() - measured_from
    stats.client_cpu_s = time.process_time() - cpu0
    for s in everyone:
        await s.close()
    await sampling
    return stats, log, sampler.summary(), wall, time.monotonic() - t0


def ms(values: list[float], p: float) -> float:
    return round(1000 * load.percentile(values, p), 1)


def summarize_live(stats: load.Stats, log: LiveLog, server: dict, wall: float, teams: int) -> dict:
    buzz_lat, judge_lat, problems, host_lat = latencies(log)
    out = load.summarize(stats, server, wall, teams + 2)
    out.update(
        teams=teams,
        questions=len(log.questions),
        buzzes=sum(len(v) for v in log.buzzes.values()),
        buzz_to_board_p50_ms=ms(buzz_lat, 50),
        buzz_to_board_max_ms=round(1000 * max(buzz_lat), 1) if buzz_lat else None,
        judge_to_board_p50_ms=ms(judge_lat, 50),
        judge_to_board_max_ms=round(1000 * max(judge_lat), 1) if judge_lat else None,
        buzz_to_host_p50_ms=ms(host_lat, 50),
        buzz_to_host_max_ms=round(1000 * max(host_lat), 1) if host_lat else None,
        host_tick_p50_ms=ms(stats.latencies.get("host_tick", []), 50),
        host_tick_p95_ms=ms(stats.latencies.get("host_tick", []), 95),
        by_kind_p50_ms={k: ms(v, 50) for k, v in sorted(stats.latencies.items())},
        by_kind_n={k: len(v) for k, v in sorted(stats.latencies.items())},
        problems=problems[:10],
        errors_list=stats.errors[:10],
    )
    return out


# ---------------------------------------------------------------------------------------------
# Online contest with a leaderboard viewer
# ---------------------------------------------------------------------------------------------
def participants_of(el, department: str) -> int | None:
    """Participants of ``department`` in a leaderboard table (Arrow IPC in the delta), else None."""
    import pyarrow as pa

    if el.WhichOneof("type") != "dataframe":
        return None
    with contextlib.suppress(Exception):
        table = pa.ipc.open_stream(io.BytesIO(el.dataframe.arrow_data.data)).read_all().to_pandas()
        cols = [str(c) for c in table.columns]
        if "部门" in cols and "参赛人数" in cols:
            rows = table[table["部门"] == department]
            if len(rows):
                return int(rows["参赛人数"].iloc[0])
    return None


async def contest_run(url: str, n: int, users: list[str], think: float, ramp: float, timeout: float, pid: int | None, seed: int):
    seen: list[tuple[float, int]] = []  # (t, participants shown)
    stop = asyncio.Event()
    vstats = load.Stats()
    viewer = LiveSession(0, url, "leader", timeout, vstats, random.Random(3), "leaderboard", "")

    def watch(el, at: float) -> None:
        count = participants_of(el, "压测部")
        if count is not None:
            seen.append((at, count))

    viewer.watch = watch
    await viewer.login()
    await viewer.connect()
    await viewer.open()
    ticking = asyncio.create_task(viewer.tick_loop(stop))
    stats, server, wall = await load.load(url, n, users, CONTEST_ID, think, 0, ramp, timeout, pid, seed)
    await asyncio.sleep(30)  # the leaderboard's cache (10 s) and refresh (15 s) catch up
    stop.set()
    await asyncio.wait_for(ticking, 3 * timeout)
    await viewer.close()
    acked = sorted(r["acked_at"] for r in stats.attempts.values() if r.get("acked_at"))
    lat = []
    for k, t in enumerate(acked, start=1):
        shown = [at for at, count in seen if count >= k and at >= t]
        if shown:
            lat.append(min(shown) - t)
    return stats, server, wall, lat, len(acked), vstats


# ---------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("scenario", choices=["live", "contest"])
    p.add_argument("--teams", type=int, default=60)
    p.add_argument("--questions", type=int, default=10)
    p.add_argument("--buzz-probability", type=float, default=1.0, help="share of devices that buzz on each question")
    p.add_argument("--participants", type=int, default=300)
    p.add_argument("--think", type=float, default=10.0, help="contest: mean think time per question (s)")
    p.add_argument("--ramp", type=float, default=60, help="contest: seconds over which the participants sign in")
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--server-option", action="append", default=[], metavar="KEY=VALUE", help="streamlit config (repeatable)")
    p.add_argument("--out", help="append the result table to this markdown file")
    p.add_argument("--json", help="write the result to this file")
    p.add_argument("--keep", action="store_true")
    args = p.parse_args(argv)

    users = args.teams if args.scenario == "live" else args.participants
    server = load.LocalServer(args.server_option, users + 1, None)
    try:
        server.seed()
        if args.scenario == "live":
            run_id = stage_live(server, args.teams, args.questions)
        url = server.start()
        pid = server.proc.pid
        if args.scenario == "live":
            stats, log, srv, wall, total = asyncio.run(
                live_run(url, run_id, args.teams, args.questions, pid, args.seed, args.timeout, args.buzz_probability)
            )
            result = summarize_live(stats, log, srv, wall, args.teams)
            winners = [q["winner"] for q in log.questions]
            result["winners_match_event_log"] = winners == first_buzzes(server.db, run_id)[: len(winners)]
        else:
            user_list = [f"load{i:04d}" for i in range(1, args.participants + 1)]
            stats, srv, wall, lat, acked, vstats = asyncio.run(
                contest_run(url, args.participants, user_list, args.think, args.ramp, args.timeout, pid, args.seed)
            )
            result = load.summarize(stats, srv, wall, args.participants)
            checked, mismatches = load.verify(server.db, stats.attempts)
            result.update(
                answers_checked=checked,
                answer_mismatches=len(mismatches),
                acknowledged=acked,
                leaderboard_seen=len(lat),
                submit_to_board_p50_ms=ms(lat, 50),
                submit_to_board_max_ms=round(1000 * max(lat), 1) if lat else None,
                leaderboard_refresh_p95_ms=ms(vstats.latencies.get("poll_leaderboard", []), 95),
                errors_list=(stats.errors + vstats.errors)[:10],
                mismatches=mismatches[:10],
            )
    finally:
        server.stop(keep=args.keep)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.out:
        with open(args.out, "a", encoding="utf-8") as f:
            f.write("\n" + report(args, result) + "\n")
    return result


def report(args, r: dict) -> str:
    head = (
        f"Date {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {machine()} · commit {commit()} · "
        f"options {' '.join(args.server_option) or 'as .streamlit/config.toml'}"
    )
    if args.scenario == "live":
        return "\n".join(
            [
                f"### Live competition: 1 host, 1 scoreboard, {r['teams']} team devices ({head})",
                "",
                "| questions | buzzes | buzz→board p50 / max ms | judgment→board p50 / max ms | buzz→host console p50 / max ms | "
                "host console refresh p50 / p95 ms | interactions/s | p50 / p95 / p99 ms | errors | server CPU % | RSS peak MB |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
                f"| {r['questions']} | {r['buzzes']} | {r['buzz_to_board_p50_ms']} / {r['buzz_to_board_max_ms']} | "
                f"{r['judge_to_board_p50_ms']} / {r['judge_to_board_max_ms']} | "
                f"{r['buzz_to_host_p50_ms']} / {r['buzz_to_host_max_ms']} | {r['host_tick_p50_ms']} / {r['host_tick_p95_ms']} | "
                f"{r['throughput_per_s']} | "
                f"{r['p50_ms']} / {r['p95_ms']} / {r['p99_ms']} | {r['errors']} | {r.get('server_cpu_pct')} | "
                f"{r.get('server_rss_mb_peak')} |",
                "",
                "p95 by kind (ms): " + ", ".join(f"{k} {v}" for k, v in r["by_kind_p95_ms"].items()),
            ]
        )
    return "\n".join(
        [
            f"### Online contest: {r['sessions']} participants signing in over {args.ramp:g} s, think {args.think:g} s ({head})",
            "",
            "| submitted | p50 / p95 / p99 ms | p95 after the ramp ms | sign-in p50 ms | errors | answers checked / mismatches | submit→leaderboard p50 / max s | "
            "server CPU % | RSS peak MB |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {r['attempts_submitted']} | {r['p50_ms']} / {r['p95_ms']} / {r['p99_ms']} | {r.get('steady_p95_ms')} | "
            f"{r['login_p50_ms']} | {r['errors']} | "
            f"{r['answers_checked']} / {r['answer_mismatches']} | {r['submit_to_board_p50_ms'] / 1000:.1f} / "
            f"{(r['submit_to_board_max_ms'] or 0) / 1000:.1f} | {r.get('server_cpu_pct')} | {r.get('server_rss_mb_peak')} |",
        ]
    )


if __name__ == "__main__":
    main()
