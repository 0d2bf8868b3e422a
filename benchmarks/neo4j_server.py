"""A throw-away Neo4j for benchmarks: the project's launcher on a free loopback port, in a temporary home.

The same start/stop pattern as ``bench_neo4j_load.py``, as a context manager::

    with neo4j_server(heap="12g", pagecache="4g") as server:
        drv = neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", server.password))

The password is random and passed only through the launcher's environment;
the home folder is deleted afterwards.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tools" / "neo4j" / "neo4j.sh"


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Server:
    """How to reach a running benchmark server."""

    uri: str
    password: str
    home: Path


@contextmanager
def neo4j_server(heap: str = "12g", pagecache: str = "4g") -> Iterator[Server]:
    """Start a fresh server; stop it and remove its home on the way out."""
    home = Path(tempfile.mkdtemp(prefix="dataflows-bench-neo4j-"))
    port = free_port()
    password = secrets.token_urlsafe(18)
    env = {**os.environ, "NEO4J_PASSWORD": password, "NEO4J_BOLT_PORT": str(port),
           "DATAFLOWS_NEO4J_HOME": str(home), "JAVA_OPTS": f"-Xms{heap} -Xmx{heap}", "NEO4J_PAGECACHE": pagecache}
    subprocess.run(["bash", str(SCRIPT), "start"], env=env, check=True)
    try:
        yield Server(f"bolt://127.0.0.1:{port}", password, home)
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, check=False)
        shutil.rmtree(home, ignore_errors=True)
