"""Check-in burst through the real server: N people check in to one lecture within a few minutes
(run by hand: ``python -m bench.bench_checkin --people 300 --window 120``; results in
docs/benchmarks-load.md).

Each phone is already signed in (POST /auth/login, timed apart) and does what a phone does after
scanning the projector's QR code: GET ``/c/<code>`` (the code of the current 20 s slot, made with the
server's secret as the projector makes it) → 303 to ``/checkin?ticket=…``; GET that page; open
``/_stcore/stream`` with its cookies and run the check-in page with the ticket (bench/load.py's
websocket client) until its ``script_finished``. **Latency of a check-in** = from the GET ``/c/`` to
that ``script_finished``. Arrivals are uniform at random over ``--window`` seconds.

Baseline in the same run: ``--baseline`` people check in one after the other on the idle server
first; the report gives the burst's p95 over the baseline's. Afterwards the database must hold
exactly one 出席 row per person (nothing lost, nothing doubled) and every ticket used once.

Only ever connects to 127.0.0.1. Every loop is bounded in count and in time.
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
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_submit import commit, machine  # noqa: E402
from bench.load import PASSWORD, ClientError, LocalServer, ProcSampler, Session, Stats, percentile  # noqa: E402

EVENT = "bench-checkin"
SECRET = "bench-checkin-secret"
DEPARTMENT = "压测部"


def event_yaml(now: dt.datetime) -> str:
    """A lecture for the bench department that started a minute ago (everyone is on time)."""
    from quizzes.fields import SHANGHAI

    local = now.astimezone(SHANGHAI)
    start = min(local - dt.timedelta(minutes=1), local.replace(hour=23, minute=0))
    return (
        f"id: {EVENT}\ntitle: 压测专题讲座\nkind: lecture\norganizer: 压测部\n"
        f"audience: {{departments: [{DEPARTMENT}]}}\ncredit_hours: 2\nlate_after: 2h\n"
        f"sessions:\n  - date: {local.date().isoformat()}\n    start: '{start:%H:%M}'\n    end: '23:59'\n"
        "    place: 礼堂\n"
    )


class CheckinServer(LocalServer):
    """A small database of its own (no demo data): ``people`` employees of 压测部 with accounts
    ``load0001`` …, the bench lecture in the content and its check-in open."""

    def seed(self) -> None:
        from quizzes import load_catalog
        from tracker import Tracker

        content = self.tmp / "content"
        shutil.copytree(ROOT / "content", content)
        (content / "events" / f"{EVENT}.yaml").write_text(event_yaml(dt.datetime.now(dt.UTC)), encoding="utf-8")
        tracker = Tracker(self.db)
        tracker.add_employee("L0000", "压测模板", DEPARTMENT)
        tracker.add_user("load0000", PASSWORD, "employee", "L0000")
        tracker.open_checkin(load_catalog(content).events[EVENT], "s1", "bench")
        tracker.close()
        with contextlib.closing(sqlite3.connect(self.db)) as db, db:
            for i in range(1, self.users + 1):
                db.execute(
                    "INSERT INTO employees (id, name, department, team, active) VALUES (?, ?, ?, NULL, 1)",
                    (f"L{i:04d}", f"压测{i}", DEPARTMENT),
                )
                db.execute(  # the template's password hash: hashing 300 passwords is not what is measured
                    "INSERT INTO accounts (username, password_hash, role, employee_id, created_at) "
                    "SELECT ?, password_hash, 'employee', ?, created_at FROM accounts WHERE username = 'load0000'",
                    (f"load{i:04d}", f"L{i:04d}"),
                )
        self.content = content


def current_code() -> str:
    """What the projector shows now."""
    from quizzes.fields import utcnow
    from tracker.attendance import make_code, slot_of

    return make_code(SECRET.encode(), EVENT, "s1", slot_of(utcnow()))


class Phone(Session):
    """One signed-in phone that scans the code and lands on the check-in page."""

    def _get(self, path: str) -> tuple[int, str | None, dict[str, str]]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request("GET", path, headers={"Cookie": cookie})
            resp = conn.getresponse()
            resp.read()
            cookies = {}
            for name, value in resp.getheaders():
                if name.lower() == "set-cookie":
                    k, _, v = value.split(";", 1)[0].partition("=")
                    cookies[k.strip()] = v.strip().strip('"')
            return resp.status, resp.getheader("location"), cookies
        finally:
            conn.close()

    async def check_in(self, parts: dict[str, list[float]]) -> float:
        t0 = time.perf_counter()
        status, location, cookies = await asyncio.to_thread(self._get, f"/c/{current_code()}")
        if status != 303 or not location or "ticket=" not in location:
            raise ClientError(f"{self.user}: /c/ answered {status} {location}")
        self.cookies.update(cookies)  # the device cookie
        t1 = time.perf_counter()
        status, _, _ = await asyncio.to_thread(self._get, location)
        if status != 200:
            raise ClientError(f"{self.user}: {location} answered {status}")
        t2 = time.perf_counter()
        await self.connect()
        query = urllib.parse.urlsplit(location).query
        run = await self.interact("checkin", "checkin", query)
        if run.errors:
            raise ClientError(f"{self.user}: the check-in page says {run.errors[0]!r}")
        t3 = time.perf_counter()
        for name, seconds in (("scan", t1 - t0), ("page_html", t2 - t1), ("checkin_page", t3 - t2)):
            parts.setdefault(name, []).append(seconds)
        return t3 - t0


async def burst(
    url: str, users: list[str], window: float, timeout: float, seed: int, pid: int | None, login_window: float = 20
) -> dict:
    """Sign everyone in (spread over ``login_window`` s), then check them in at random times in ``window`` s."""
    stats = Stats()
    rng = random.Random(seed)
    phones = [Phone(i, url, u, "", 0, timeout, stats, random.Random(rng.random())) for i, u in enumerate(users)]
    errors: list[str] = []

    async def sign_in(i: int, phone: Phone) -> None:
        await asyncio.sleep(login_window * i / max(1, len(phones)))
        try:
            await phone.login()
        except (TimeoutError, ClientError, OSError) as e:
            errors.append(f"sign-in {phone.user}: {type(e).__name__}: {e}")

    await asyncio.wait_for(asyncio.gather(*(sign_in(i, p) for i, p in enumerate(phones))), login_window + 4 * timeout)
    latencies: list[float] = []
    parts: dict[str, list[float]] = {}
    arrivals = sorted(rng.uniform(0, window) for _ in phones)
    sampler = ProcSampler(pid)
    stop = asyncio.Event()
    sampling = asyncio.create_task(sampler.run(stop))
    t0 = time.monotonic()

    async def scan(phone: Phone, at: float) -> None:
        await asyncio.sleep(max(0.0, t0 + at - time.monotonic()))
        try:
            latencies.append(await phone.check_in(parts))
        except (TimeoutError, ClientError, OSError) as e:
            errors.append(f"check-in {phone.user}: {type(e).__name__}: {e}")
        finally:
            await phone.close()

    await asyncio.wait_for(asyncio.gather(*(scan(p, a) for p, a in zip(phones, arrivals, strict=True))), window + 4 * timeout)
    wall = time.monotonic() - t0
    stop.set()
    await sampling
    return {
        "people": len(users),
        "window_s": window,
        "wall_s": round(wall, 1),
        "checked_in": len(latencies),
        "errors": errors,
        "p50_ms": round(1000 * percentile(latencies, 50), 1),
        "p95_ms": round(1000 * percentile(latencies, 95), 1),
        "p99_ms": round(1000 * percentile(latencies, 99), 1),
        "max_ms": round(1000 * max(latencies), 1) if latencies else None,
        "parts_p95_ms": {k: round(1000 * percentile(v, 95), 1) for k, v in parts.items()},
        "login_p95_ms": round(1000 * percentile(stats.logins, 95), 1),
        **sampler.summary(),
    }


def verify(db: Path, users: list[str]) -> dict:
    """Exactly one 出席 row per person who checked in, and one used ticket each."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
        rows = con.execute(
            "SELECT a.employee_id, a.status, a.method, COUNT(*) FROM attendance a WHERE a.event_id = ? "
            "GROUP BY a.employee_id, a.status, a.method",
            (EVENT,),
        ).fetchall()
        used = con.execute("SELECT COUNT(*) FROM checkin_tickets WHERE used_at IS NOT NULL").fetchone()[0]
        tickets = con.execute("SELECT COUNT(*) FROM checkin_tickets").fetchone()[0]
    wanted = {f"L{u[4:]}" for u in users}
    got = {r[0] for r in rows}
    return {
        "rows": sum(r[3] for r in rows),
        "lost": sorted(wanted - got)[:10],
        "extra": sorted(got - wanted)[:10],
        "doubled": [r[0] for r in rows if r[3] > 1],
        "not_present_by_code": [r[0] for r in rows if (r[1], r[2]) != ("present", "code")][:10],
        "tickets_issued": tickets,
        "tickets_used": used,
    }


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--people", type=int, default=300)
    p.add_argument("--window", type=float, default=120, help="seconds over which they arrive")
    p.add_argument("--baseline", type=int, default=10, help="check-ins one at a time on the idle server first")
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--server-option", action="append", default=["runner.postScriptGC=false"])
    p.add_argument("--keep", action="store_true", help="keep the temp folder (database, log)")
    args = p.parse_args(argv)
    os.environ["MINGDE_CHECKIN_SECRET"] = SECRET  # the server's secret, as the projector has it
    total = args.baseline + args.people
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    server = CheckinServer(args.server_option, total + 1)  # + one to warm up
    server.seed()
    url = server.start()
    started = dt.datetime.now(dt.UTC)
    try:
        users = [f"load{i:04d}" for i in range(1, total + 2)]
        base_users, burst_users, warm = users[: args.baseline], users[args.baseline : total], users[total]
        asyncio.run(burst(url, [warm], 0.0, args.timeout, args.seed, None, 0.0))  # the imports: not measured
        baseline = None
        if base_users:
            runs = [asyncio.run(burst(url, [u], 0.0, args.timeout, args.seed, None, 0.0)) for u in base_users]  # one at a time
            lat = [r["p50_ms"] for r in runs if r["checked_in"]]
            baseline = {"people": len(base_users), "p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95)}
        result = asyncio.run(burst(url, burst_users, args.window, args.timeout, args.seed, server.pids))
        result["baseline"] = baseline
        if baseline and baseline["p95_ms"]:
            result["p95_over_baseline"] = round(result["p95_ms"] / baseline["p95_ms"], 2)
        result["db"] = verify(server.db, users)
        result.update(
            machine=machine(), commit=commit(), date=started.strftime("%Y-%m-%d %H:%M UTC"), load_average_before=load_before
        )
        return result
    finally:
        server.stop(keep=args.keep)


if __name__ == "__main__":
    out = main()
    errors = out.pop("errors")
    for e in errors[:20]:
        print("ERROR", e, file=sys.stderr)
    out["errors"] = len(errors)
    print(json.dumps(out, ensure_ascii=False, indent=2))
