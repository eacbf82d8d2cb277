"""Run several Streamlit processes behind nginx, sharing one SQLite database (``make run-cluster``).

Streamlit runs every session of a process in one Python process (one core). This starts WORKERS
``streamlit run app.py`` processes on consecutive ports and an nginx in front of them (Debian's
package) that keeps each signed-in user on one worker (``hash $cookie_mingde_session consistent``)
and forwards the websocket. All workers share the database (WAL mode) and one cookie secret, so a
user who lands on another worker after a restart is still signed in. Stop with Ctrl-C.

    python deploy/cluster.py --workers 2 --port 8501
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from ui.serve import start_server, wait_healthy

ROOT = Path(__file__).resolve().parent.parent

NGINX_CONF = """
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
daemon off;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    client_max_body_size 20m;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    upstream mingde {{
        hash $cookie_mingde_session consistent;   # one signed-in user, one worker
{servers}
    }}
    server {{
        listen {address}:{port};
        location / {{
            proxy_pass http://mingde;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 86400;
            proxy_buffering off;
            add_header X-Mingde-Worker $upstream_addr always;
        }}
    }}
}}
"""


def nginx_conf(run: Path, address: str, port: int, worker_ports: list[int]) -> str:
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in worker_ports)
    return NGINX_CONF.format(run=run, address=address, port=port, servers=servers)


def start(workers: int, port: int, address: str, server_address: str, extra: list[str], run: Path) -> list[subprocess.Popen]:
    """Start the workers and nginx; return the processes (nginx last)."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("nginx is not installed: apt-get install -y nginx-light")
    worker_ports = [port + 100 + i for i in range(workers)]
    # The cookie secret is shared so that XSRF tokens validate on every worker (env only, never argv).
    env = {
        **os.environ,
        "MINGDE_DB": os.environ.get("MINGDE_DB", str(ROOT / "data" / "mingde.db")),
        "STREAMLIT_SERVER_COOKIE_SECRET": os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or secrets.token_hex(32),
    }
    procs = [
        start_server(p, env, extra, server_address=server_address, log=(run / f"worker-{p}.log").open("w")) for p in worker_ports
    ]
    for proc, p in zip(procs, worker_ports, strict=True):
        wait_healthy(f"http://127.0.0.1:{p}", proc)
    (run / "nginx.conf").write_text(nginx_conf(run, address, port, worker_ports), encoding="utf-8")
    procs.append(
        subprocess.Popen(
            [nginx, "-c", str(run / "nginx.conf"), "-p", str(run)],
            stdout=subprocess.DEVNULL,
            stderr=(run / "nginx.log").open("w"),
        )
    )
    wait_healthy(f"http://{address}:{port}", procs[-1])
    return procs


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in reversed(procs):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--address", default="0.0.0.0", help="where nginx listens")
    parser.add_argument("--server-address", default="localhost", help="the host name users type (browser.serverAddress)")
    parser.add_argument("streamlit_options", nargs="*", help="extra options for every worker, e.g. --runner.postScriptGC=false")
    args = parser.parse_args()
    run = Path(tempfile.mkdtemp(prefix="mingde-cluster-"))
    procs = start(args.workers, args.port, args.address, args.server_address, args.streamlit_options, run)
    print(f"Mingde: {args.workers} workers behind nginx on http://{args.server_address}:{args.port} (logs in {run})")
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stop(procs)


if __name__ == "__main__":
    main()
