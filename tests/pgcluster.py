"""A throwaway PostgreSQL cluster owned by the test run: ``initdb`` and ``pg_ctl`` in a temporary folder,
listening only on a unix socket in that folder (no TCP port, no system service).

``initdb`` refuses to run as root, and CI runs as root: then the cluster's folder is given to ``nobody``
and every server binary runs as that user (``setpriv``). ``Cluster.url`` is a ``postgresql://`` URL
with the socket folder as its host.

    with Cluster.start() as cluster:
        Tracker(cluster.url)

Binaries are searched on ``PATH``, in ``MINGDE_PG_BIN``, /usr/local/bin and Debian's
/usr/lib/postgresql/<version>/bin. ``python tests/pgcluster.py`` starts one and prints its URL (for a
shell: stop it with ``pg_ctl -D <folder>/data stop``).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER = "mingde"
DATABASE = "mingde_test"
# A test cluster trades durability for speed (it is thrown away); connections: hundreds of Trackers.
SERVER_OPTIONS = (
    "-c listen_addresses='' -c max_connections=400 -c fsync=off -c synchronous_commit=off "
    "-c full_page_writes=off -c shared_buffers=64MB"
)


def find_binary(name: str) -> str | None:
    """The path of a PostgreSQL server binary (``initdb``, ``pg_ctl``, ``postgres``), or None."""
    folders = [os.environ.get("MINGDE_PG_BIN", ""), "/usr/local/bin"]
    folders += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    for folder in folders:
        if folder and os.access(os.path.join(folder, name), os.X_OK):
            return os.path.join(folder, name)
    return shutil.which(name)


def available() -> bool:
    return all(find_binary(n) for n in ("initdb", "pg_ctl", "postgres"))


@dataclass
class Cluster:
    folder: Path
    as_nobody: bool

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket(self) -> Path:
        return self.folder / "socket"

    def url_for(self, database: str = DATABASE) -> str:
        return f"postgresql://{USER}@/{database}?host={self.socket}"

    @property
    def url(self) -> str:
        return self.url_for(DATABASE)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_nobody:
            cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, cwd=self.folder, timeout=120)

    @classmethod
    def start(cls, folder: Path | None = None) -> Cluster:
        """Create and start a cluster (in a new temporary folder unless ``folder`` is given), with the
        database ``mingde_test`` owned by the superuser ``mingde``. As root, ``folder`` must be one that
        ``nobody`` can reach (pytest's tmp_path is not: its parents are private to root)."""
        missing = [n for n in ("initdb", "pg_ctl", "postgres") if not find_binary(n)]
        if missing:
            raise RuntimeError(f"PostgreSQL server binaries not found: {', '.join(missing)} (install Debian's postgresql)")
        folder = Path(folder or tempfile.mkdtemp(prefix="mingde-pg-"))
        cluster = cls(folder, as_nobody=os.geteuid() == 0)
        cluster.socket.mkdir(parents=True, exist_ok=True)
        if cluster.as_nobody:
            for p in (folder, cluster.socket):
                shutil.chown(p, "nobody", "nogroup")
        try:
            cluster._run(
                find_binary("initdb"),
                "-D",
                str(cluster.data),
                "-U",
                USER,
                "--auth=trust",
                "--locale=C",
                "-E",
                "UTF8",
                "--no-sync",
            )
            cluster._run(
                find_binary("pg_ctl"), "-D", str(cluster.data), "-l", str(folder / "server.log"), "-w", "-t", "60",
                "-o", f"-k {cluster.socket} {SERVER_OPTIONS}", "start",
            )  # fmt: skip
        except subprocess.CalledProcessError as e:
            raise RuntimeError(f"cannot start a PostgreSQL cluster in {folder}: {e.stderr or e.stdout}") from e
        cluster.create_database(DATABASE)
        return cluster

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url_for("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (the folder stays until ``remove``)."""
        self._run(find_binary("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self) -> None:
        self._run(
            find_binary("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-t", "60",
            "-o", f"-k {self.socket} {SERVER_OPTIONS}", "start",
        )  # fmt: skip

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


if __name__ == "__main__":
    c = Cluster.start(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(c.url)


# -- recycling the schemas of ended tests (see tracker/store/pg.py: test_schema) ---------------------


def _standard_tables() -> set[str]:
    import re

    from tracker.schema import MIGRATIONS

    names = {m.lower() for text in MIGRATIONS for m in re.findall(r"CREATE\s+TABLE\s+(\w+)", text, re.I)}
    return names | {"mingde_schema"}


def recycle(url: str, folder: Path) -> int:
    """Empty the schemas that stood for database files under ``folder`` (an ended test's tmp_path)
    and hand them to the next new files; a schema a test changed (a table more or less) is dropped.
    Returns how many were recycled."""
    import psycopg

    from tracker.schema import SCHEMA_VERSION
    from tracker.store.pg import TEST_MAP

    prefix = str(Path(folder).resolve()).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%"
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(7263540)")
            conn.execute(TEST_MAP)
            schemas = [
                r[0] for r in conn.execute("DELETE FROM public.mingde_test_map WHERE path LIKE %s RETURNING schema", (prefix,))
            ]
        if not schemas:
            return 0
        conn.execute("SET lock_timeout = '5s'")
        standard = _standard_tables()
        done = 0
        for schema in schemas:
            tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)).fetchall()}
            try:
                version = (
                    conn.execute(f'SELECT version FROM "{schema}".mingde_schema').fetchone()
                    if "mingde_schema" in tables
                    else None
                )
                if tables != standard or version is None or version[0] != SCHEMA_VERSION:
                    conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
                    continue
                # DELETE (not TRUNCATE, which makes new files for every table and index) with the
                # foreign keys' triggers off, and the identity columns numbered from 1 again
                wipe = "".join(f'DELETE FROM "{schema}"."{t}";' for t in sorted(tables - {"mingde_schema"}))
                with conn.transaction():
                    conn.execute("SET LOCAL session_replication_role = replica;" + wipe)
                    conn.execute(
                        "SELECT setval(s.oid, 1, false) FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace "
                        "WHERE s.relkind = 'S' AND n.nspname = %s",
                        (schema,),
                    )
                    conn.execute("INSERT INTO public.mingde_test_free (schema) VALUES (%s)", (schema,))
                done += 1
            except psycopg.errors.LockNotAvailable:
                continue  # still in use by a thread the test left running: left alone
        return done
