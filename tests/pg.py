"""A throwaway PostgreSQL cluster for the tests: Debian's binaries, run as the ``postgres`` user when root.

``start_cluster()`` runs ``initdb -A trust`` in a temporary directory and starts the server on a free loopback
port with its socket in that directory; ``Cluster.stop()`` stops it and removes everything. When the binaries are
missing the fixture skips loudly, or fails when ``PLAYGROUND_REQUIRE_POSTGRES=1`` (CI).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

REQUIRE = "PLAYGROUND_REQUIRE_POSTGRES"


def find_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` with ``initdb`` and ``pg_ctl`` (or ones on PATH)."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))[::-1]:
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    """A running server: its folder, port and binaries."""

    root: Path
    port: int
    bin: Path
    as_user: list[str]

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [*self.as_user, str(self.bin / tool), *args]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh empty database's SQLAlchemy URL."""
        name = "t_" + uuid.uuid4().hex[:12]
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)

    def dump(self, url: str) -> str:
        """``pg_dump`` of the database behind ``url`` (schema and data as SQL text)."""
        name = url.rsplit("/", 1)[1]
        return self.run("pg_dump", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name).stdout

    def stop(self) -> None:
        try:
            self.run("pg_ctl", "-D", str(self.root / "data"), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_cluster() -> Cluster:
    """Initialise and start a cluster in a new temporary directory."""
    binaries = find_bin()
    if binaries is None:
        raise FileNotFoundError("PostgreSQL binaries (initdb, pg_ctl) not found")
    root = Path(tempfile.mkdtemp(prefix="playground-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        shutil.chown(root, user="postgres", group="postgres")
        os.chmod(root, 0o700)
        as_user = ["runuser", "-u", "postgres", "--"]
    cluster = Cluster(root, _free_port(), binaries, as_user)
    cluster.run("initdb", "-D", str(root / "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
    options = f"-p {cluster.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
    cluster.run("pg_ctl", "-D", str(root / "data"), "-o", options, "-l", str(root / "log"), "-w", "start")
    return cluster
