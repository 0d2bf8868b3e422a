"""A real Neo4j server for the test session, started on loopback and stopped after.

The server is the project's own launcher (tools/neo4j), built from Maven
Central artefacts by tools/test-deps.sh. Each session gets a free port, a
fresh home in a temporary folder and a random password that is passed only
through the environment of the processes that need it.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import neo4j
import pytest

from dataflows.db.connect import Settings

from ..conftest import ROOT

SCRIPT = ROOT / "tools" / "neo4j" / "neo4j.sh"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running test server and how to reach and control it."""

    home: Path
    port: int
    password: str
    conf_file: Path | None = None  # extra neo4j.conf settings (NEO4J_CONF_FILE), e.g. TLS on Bolt

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(NEO4J_PASSWORD=self.password, NEO4J_BOLT_PORT=str(self.port),
                   DATAFLOWS_NEO4J_HOME=str(self.home), NEO4J_URI=self.uri, NEO4J_USER="neo4j",
                   NEO4J_DATABASE="neo4j", JAVA_OPTS=os.environ.get("DATAFLOWS_TEST_JAVA_OPTS", "-Xms1g -Xmx2g"))
        if self.conf_file is not None:
            env["NEO4J_CONF_FILE"] = str(self.conf_file)
        return env

    def settings(self, **kw: str) -> Settings:
        return Settings(uri=kw.get("uri", self.uri), user="neo4j", password=self.password,
                        database=kw.get("database", "neo4j"))

    def script(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", str(SCRIPT), *args], env=self.env, capture_output=True, text=True,
                              check=check, timeout=300)

    def start(self) -> str:
        """Start the server; what the launcher printed."""
        proc = self.script("start", check=False)
        assert proc.returncode == 0, f"neo4j did not start:\n{proc.stdout}\n{proc.stderr}"
        return proc.stdout

    def stop(self) -> None:
        self.script("stop", check=False)

    def kill(self) -> None:
        """Kill the server abruptly (SIGKILL), as a crash or a pulled plug would."""
        pid = int((self.home / "neo4j.pid").read_text().strip())
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            subprocess.run(["sleep", "0.1"], check=False)
        (self.home / "neo4j.pid").unlink(missing_ok=True)

    def driver(self) -> neo4j.Driver:
        return neo4j.GraphDatabase.driver(self.uri, auth=("neo4j", self.password))


@contextmanager
def running(server: Server) -> Iterator[Server]:
    """*server* started for the ``with`` block, and stopped after it."""
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    assert SCRIPT.is_file(), f"{SCRIPT} missing"
    with running(Server(tmp_path_factory.mktemp("neo4j-home"), _free_port(), secrets.token_urlsafe(18))) as server:
        yield server


@pytest.fixture
def drv(neo4j_server: Server) -> Iterator[neo4j.Driver]:
    d = neo4j_server.driver()
    try:
        yield d
    finally:
        d.close()
