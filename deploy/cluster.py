"""Run several Streamlit processes behind nginx, sharing one database (``make run-cluster``).

Streamlit runs every session of a process in one Python process (one core). This starts N
``streamlit run app.py`` processes on consecutive ports and an nginx in front of them (Debian's
package) that keeps each signed-in user on one process (``hash $cookie_mingde_session consistent``)
and forwards the websocket. All share the database and one cookie secret, so a user who lands on
another process after a restart is still signed in. Stop with Ctrl-C.

SQLite (``MINGDE_DB`` a file): the *workers* share the file (WAL mode) on this machine.

PostgreSQL (``MINGDE_DB=postgresql://…``): the *nodes* share nothing but the database, as on separate
machines: each has a folder of its own (``node-<i>/`` in the run folder: its copy of the content
folder, its log, its temp folder) and, with ``--netns`` (root, ``ip netns``), a network namespace of
its own: it listens on its own address behind a veth pair and reaches nothing of the other nodes;
nginx reaches it over that veth. The database is then reached through its unix socket (a
``host=/path`` URL) or an address routable from the namespace.

    python deploy/cluster.py --workers 2 --port 8501
    MINGDE_DB=postgresql://mingde@db1/mingde python deploy/cluster.py --nodes 3 --netns
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
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


def nginx_conf(run: Path, address: str, port: int, worker_ports: list[int], hosts: list[str] | None = None) -> str:
    hosts = hosts or ["127.0.0.1"] * len(worker_ports)
    servers = "\n".join(f"        server {h}:{p};" for h, p in zip(hosts, worker_ports, strict=True))
    return NGINX_CONF.format(run=run, address=address, port=port, servers=servers)


def is_postgres(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


@dataclass
class Node:
    """One node of a PostgreSQL cluster: its folder, address and (optional) network namespace."""

    index: int
    folder: Path
    host: str = "127.0.0.1"
    port: int = 0
    netns: str | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=30)


def make_netns(node: Node) -> None:
    """A network namespace for ``node`` with loopback and a veth pair to this namespace (10.231.k.0/30)."""
    k = (os.getpid() % 40) * 6 + node.index  # distinct per run on a shared machine, and per node
    name = f"mgd{os.getpid() % 100000}n{node.index}"
    outside, inside = f"{name}o", f"{name}i"
    _ip("netns", "add", name)
    node.netns = name
    _ip("link", "add", outside, "type", "veth", "peer", "name", inside)
    _ip("link", "set", inside, "netns", name)
    _ip("addr", "add", f"10.231.{k}.1/30", "dev", outside)
    _ip("link", "set", outside, "up")
    _ip("-n", name, "addr", "add", f"10.231.{k}.2/30", "dev", inside)
    _ip("-n", name, "link", "set", inside, "up")
    _ip("-n", name, "link", "set", "lo", "up")
    node.host = f"10.231.{k}.2"


def drop_netns(node: Node) -> None:
    if node.netns:
        subprocess.run(["ip", "link", "del", f"{node.netns}o"], capture_output=True, timeout=30)
        subprocess.run(["ip", "netns", "del", node.netns], capture_output=True, timeout=30)
        node.netns = None


def start_node(node: Node, env: dict, extra: list[str], server_address: str) -> subprocess.Popen:
    """``streamlit run app.py`` for one node: cwd the code, its own folder for content, log and temp files."""
    content = node.folder / "content"
    if not content.exists():
        shutil.copytree(Path(env.get("MINGDE_CONTENT") or ROOT / "content"), content)  # deployed per machine
    (node.folder / "tmp").mkdir(exist_ok=True)
    node_env = {**env, "MINGDE_CONTENT": str(content), "TMPDIR": str(node.folder / "tmp"), "MINGDE_NODE": str(node.index)}
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(node.port), "--server.address", node.host,
        "--browser.serverAddress", server_address, *extra,
    ]  # fmt: skip
    if node.netns:
        command = ["ip", "netns", "exec", node.netns, *command]
    log = (node.folder / "streamlit.log").open("w")
    return subprocess.Popen(command, cwd=ROOT, env=node_env, stdout=log, stderr=subprocess.STDOUT)


def start(
    workers: int,
    port: int,
    address: str,
    server_address: str,
    extra: list[str],
    run: Path,
    *,
    netns: bool = False,
    nodes_out: list[Node] | None = None,
) -> list[subprocess.Popen]:
    """Start the workers (SQLite) or nodes (PostgreSQL) and nginx; return the processes (nginx last).
    ``nodes_out`` receives the nodes (PostgreSQL), e.g. to read their folders and addresses."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit(say("cluster.needs_nginx"))
    worker_ports = [port + 100 + i for i in range(workers)]
    db = os.environ.get("MINGDE_DB", str(ROOT / "data" / "mingde.db"))
    # The cookie secret is shared so that XSRF tokens validate on every worker (env only, never argv).
    env = {
        **os.environ,
        "MINGDE_DB": db,
        "STREAMLIT_SERVER_COOKIE_SECRET": os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or secrets.token_hex(32),
    }
    hosts = ["127.0.0.1"] * workers
    if is_postgres(db):
        nodes = [Node(i + 1, run / f"node-{i + 1}", port=worker_ports[i]) for i in range(workers)]
        if nodes_out is not None:
            nodes_out.extend(nodes)
        procs = []
        try:
            for node in nodes:
                node.folder.mkdir(parents=True, exist_ok=True)
                if netns:
                    make_netns(node)
                procs.append(start_node(node, env, extra, server_address))
            for proc, node in zip(procs, nodes, strict=True):
                wait_healthy(node.url, proc)
        except BaseException:
            stop(procs)
            for node in nodes:
                drop_netns(node)
            raise
        hosts = [n.host for n in nodes]
    else:
        procs = [
            start_server(p, env, extra, server_address=server_address, log=(run / f"worker-{p}.log").open("w"))
            for p in worker_ports
        ]
        for proc, p in zip(procs, worker_ports, strict=True):
            wait_healthy(f"http://127.0.0.1:{p}", proc)
    (run / "nginx.conf").write_text(nginx_conf(run, address, port, worker_ports, hosts), encoding="utf-8")
    procs.append(
        subprocess.Popen(
            [nginx, "-c", str(run / "nginx.conf"), "-p", str(run)],
            stdout=subprocess.DEVNULL,
            stderr=(run / "nginx.log").open("w"),
        )
    )
    wait_healthy(f"http://{address}:{port}", procs[-1])
    return procs


def say(key: str, **values) -> str:
    from ui.i18n import default_lang, translate

    return translate(default_lang(), key, **values)


def stop(procs: list[subprocess.Popen], nodes: list[Node] | None = None) -> None:
    """Stop nginx and the processes; remove the nodes' network namespaces."""
    for proc in reversed(procs):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    for node in nodes or ():
        drop_netns(node)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workers", "--nodes", dest="workers", type=int, default=2, help="processes (SQLite) or nodes (PostgreSQL)"
    )
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--address", default="0.0.0.0", help="where nginx listens")
    parser.add_argument("--server-address", default="localhost", help="the host name users type (browser.serverAddress)")
    parser.add_argument("--netns", action="store_true", help="PostgreSQL: each node in a network namespace of its own (root)")
    parser.add_argument("streamlit_options", nargs="*", help="extra options for every worker, e.g. --runner.postScriptGC=false")
    args = parser.parse_args()
    run = Path(tempfile.mkdtemp(prefix="mingde-cluster-"))
    nodes: list[Node] = []
    procs = start(
        args.workers, args.port, args.address, args.server_address, args.streamlit_options, run, netns=args.netns, nodes_out=nodes
    )
    db = os.environ.get("MINGDE_DB", str(ROOT / "data" / "mingde.db"))
    print(say("cluster.started", nodes=args.workers, address=args.server_address, port=args.port, db=redact(db), logs=run))
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stop(procs, nodes)


def redact(db: str) -> str:
    """The database as shown: a URL without its password."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(db)
    if not is_postgres(db) or parts.password is None:
        return db
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))


if __name__ == "__main__":
    main()
