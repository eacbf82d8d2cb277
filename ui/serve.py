"""Starting ``streamlit run app.py`` as a child process and waiting until it answers.

Used by the end-to-end tests, the benchmarks and ``deploy/cluster.py``. No streamlit import here.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    port: int,
    env: Mapping[str, str],
    options: Sequence[str] = (),
    *,
    server_address: str = "127.0.0.1",
    log: IO | None = None,
    root: Path = ROOT,
) -> subprocess.Popen:
    """``streamlit run app.py`` on 127.0.0.1:``port``; ``options`` are extra ``--section.option value`` words;
    ``root`` is the checkout whose app.py runs (another one compares two versions of the code).

    ``browser.serverAddress`` is always set, so Streamlit never looks up a public address.
    """
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.serverAddress",
            server_address,
            *options,
        ],
        cwd=root,
        env=dict(env),
        stdout=log if log is not None else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if log is not None else subprocess.DEVNULL,
    )


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Poll ``url/_stcore/health`` until it answers 200; ``RuntimeError`` if the process exits first,
    ``TimeoutError`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{' '.join(map(str, proc.args[:5]))} exited with {proc.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
            if r.status == 200:
                return
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not become healthy in {timeout:g} s")


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Terminate, then kill if it does not end within ``timeout`` seconds."""
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


class RestartableServer:
    """``streamlit run app.py`` on one fixed port, with a log per start, that can be SIGKILLed and
    started again on the same database and port (for the fault tests)."""

    def __init__(self, db: Path, content: Path, log_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "MINGDE_DB": str(db), "MINGDE_CONTENT": str(content), "MINGDE_LANG": "zh"}
        self.log_dir, self.logs, self.proc = Path(log_dir), [], None

    def start(self) -> None:
        log = open(self.log_dir / f"streamlit-{len(self.logs)}.log", "w")  # noqa: SIM115 (open for the server's life)
        self.logs.append(log)
        self.proc = start_server(self.port, self.env, log=log)  # no new session: the process is streamlit itself
        try:
            wait_healthy(self.url, self.proc)
        except (RuntimeError, TimeoutError) as e:
            raise RuntimeError(f"{e}; see {log.name}") from None

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)

    def close(self) -> None:
        if self.proc is not None:
            stop(self.proc)
        for log in self.logs:
            log.close()
