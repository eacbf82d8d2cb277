"""Roll call (点名) of 40 people on an organizer's phone, through the real server and a real browser
(issue 17: "the audience as a list, one tap per person; 40 people in under five minutes").

Headless Chromium at 375×812 signs in as an organizer, opens 点名 for the bench lecture and taps 出席
for every person in the list, one after the other, waiting each time until the server has stored the
entry (read from the database). The wall time of the whole roll call is the figure; the page's own
first load, measured in the same run, is the baseline it is compared with. The database is checked:
every person once, method ``roll_call``. The time a person needs to find a name is not in it: this
measures what the app adds to the organizer's taps.

    .venv/bin/python bench/bench_rollcall.py [--people 40]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_checkin import EVENT, CheckinServer  # noqa: E402
from bench.bench_submit import commit, machine  # noqa: E402
from bench.load import PASSWORD, percentile  # noqa: E402

PHONE = {"width": 375, "height": 812}


class RollCallServer(CheckinServer):
    """The check-in bench's database and lecture, plus an organizer account ``bench-org``."""

    def seed(self) -> None:
        super().seed()
        from tracker import Tracker

        tracker = Tracker(self.db)
        tracker.add_user("bench-org", PASSWORD, "organizer")
        tracker.close()


def stored(db: Path) -> dict[str, tuple[str, str]]:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
        rows = con.execute("SELECT employee_id, status, method FROM attendance WHERE event_id = ?", (EVENT,)).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:g} s for {what}")
        time.sleep(0.02)


def roll_call(url: str, db: Path, people: int, timeout: float) -> dict:
    from playwright.sync_api import expect, sync_playwright

    names = [f"压测{i}" for i in range(1, people + 1)]
    ids = [f"L{i:04d}" for i in range(1, people + 1)]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport=PHONE, locale="zh-CN")
        page.set_default_timeout(timeout * 1000)
        page.goto(f"{url}/event_admin")
        page.get_by_label("用户名").fill("bench-org")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="活动管理")).to_be_visible()
        t0 = time.perf_counter()
        page.goto(f"{url}/event_rollcall?event={EVENT}&session=s1")
        expect(page.get_by_role("heading", name="点名")).to_be_visible()
        expect(page.get_by_text(f"{names[-1]} · ").first).to_be_attached()
        first_load = time.perf_counter() - t0
        taps: list[float] = []
        start = time.perf_counter()
        for name, eid in zip(names, ids, strict=True):
            t = time.perf_counter()
            label = page.get_by_text(f"{name} · ", exact=False).first
            box = label.locator("xpath=ancestor::*[.//button][1]")
            box.get_by_role("radio", name="出席").click()
            wait_for(lambda eid=eid: eid in stored(db), timeout, f"the entry of {eid}")
            taps.append(time.perf_counter() - t)
        total = time.perf_counter() - start
        shot = ROOT / "bench" / "results" / "rollcall-375.png"
        shot.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(shot), full_page=False)
        browser.close()
    rows = stored(db)
    wrong = [e for e in ids if rows.get(e) != ("present", "roll_call")]
    return {
        "people": people,
        "total_s": round(total, 1),
        "target_s": 300,
        "per_tap_p50_s": round(percentile(taps, 50), 2),
        "per_tap_p95_s": round(percentile(taps, 95), 2),
        "per_tap_max_s": round(max(taps), 2),
        "baseline_first_load_s": round(first_load, 2),
        "ratio_total_to_first_load": round(total / first_load, 1),
        "stored_right": people - len(wrong),
        "wrong": wrong,
    }


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--people", type=int, default=40)
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--server-option", action="append", default=["runner.postScriptGC=false"])
    args = p.parse_args(argv)
    load_before = os.getloadavg()[0]
    server = RollCallServer(args.server_option, args.people)
    server.seed()
    url = server.start()
    started = dt.datetime.now(dt.UTC)
    try:
        result = roll_call(url, server.db, args.people, args.timeout)
    finally:
        server.stop()
    result.update(
        machine=machine(), commit=commit(), date=started.strftime("%Y-%m-%d %H:%M UTC"), load_average_before=round(load_before, 1)
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return result


if __name__ == "__main__":
    main()
