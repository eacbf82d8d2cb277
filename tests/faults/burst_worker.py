"""A process that submits attempts from many threads and prints each acknowledged attempt id.

Run by tests/faults/test_kill_burst.py, which kills it with SIGKILL in the middle of the burst.
Usage: python -m tests.faults.burst_worker DB CONTENT THREADS PER_THREAD
"""

from __future__ import annotations

import sys
import threading

from quizzes import load_catalog
from tracker import Tracker


def main() -> None:
    db, content, threads, per_thread = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    quiz = load_catalog(content).quizzes["small"]
    tracker = Tracker(db)
    lock = threading.Lock()
    print("READY", flush=True)

    def work(n: int) -> None:
        for _ in range(per_thread):
            emp = f"E{n:03d}"
            attempt = tracker.start_attempt(emp, quiz)
            tracker.save_answer(attempt, "s1", "A")
            tracker.submit_attempt(attempt, {"m1": "ABD", "t1": True})
            with lock:  # acknowledged: the submission returned
                print(f"ACK {attempt}", flush=True)

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
