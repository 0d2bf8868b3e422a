"""A query past the server's memory limit: one clear line with what to do, and no retries.

The server is the test command's own Neo4j, started with a NEO4J_CONF_FILE that allows a transaction
16 MB (db.memory.transaction.max), so that a list of a few million numbers passes it at once. Neo4j
reports this as a transient error, which the driver would otherwise retry for its whole retry budget,
running the same query again each time.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
from neo4j import exceptions as nx_exc

from dataflows import synth
from dataflows.db import loader, queries
from dataflows.db.analyses import Neo4jAnalyses
from dataflows.db.connect import explain, out_of_memory, retrying
from dataflows.db.rows import graph_rows

from ..conftest import ROOT
from .conftest import Server, _free_port, running
from .test_cli_db import run

BIG = ("// name: big\n// title: Big\n// description: One number from a list of $n numbers.\n"
       "// param: n (int) How many numbers.\n// mode: read\n\n"
       "UNWIND range(1, $n) AS x\nRETURN size(collect(x)) AS n\n")


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server that allows each transaction 16 MB."""
    conf = tmp_path_factory.mktemp("neo4j-small-conf") / "small.conf"
    conf.write_text("db.memory.transaction.max=16m\n", encoding="utf-8")
    with running(Server(tmp_path_factory.mktemp("neo4j-small-home"), _free_port(), secrets.token_urlsafe(18),
                        conf)) as server:
        yield server


@pytest.fixture
def big(tmp_path: Path) -> Path:
    (tmp_path / "big.cypher").write_text(BIG, encoding="utf-8")
    return tmp_path


class Retries(logging.Handler):
    """The driver's own retries, as it logs them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "retried" in record.getMessage():
            self.seen.append(record.getMessage())


@pytest.fixture
def driver_retries() -> Iterator[Retries]:
    handler = Retries()
    log = logging.getLogger("neo4j")
    old = log.level
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        log.removeHandler(handler)
        log.setLevel(old)


def test_the_command_line_says_what_to_do_in_one_line(small_server: Server, big: Path) -> None:
    fits = run(small_server, "query", "big", "--queries-dir", str(big), "-p", "n=1000", "-f", "json")
    assert fits.returncode == 0, fits.stderr
    proc = run(small_server, "query", "big", "--queries-dir", str(big), "-p", "n=5000000")
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"error: Neo4j at bolt://127.0.0.1:{small_server.port} (database 'neo4j') stopped"
                               " the query: it needed more memory than the server allows ("), lines[0]
    assert lines[0].endswith("— ask for fewer records (--limit N; a stored query's own limit: -p limit=N) or raise"
                             " the server's db.memory.transaction.max or db.memory.transaction.total.max"), lines[0]
    assert "db.memory.transaction.max" in lines[0].split("(", 2)[2]  # the server's own words name the setting
    assert small_server.password not in proc.stdout + proc.stderr


def test_a_query_out_of_memory_is_not_run_again(small_server: Server, big: Path, driver_retries: Retries) -> None:
    q = queries.get("big", big)
    calls: list[int] = []
    with small_server.driver() as drv:
        def work() -> queries.Answer:
            calls.append(1)
            return queries.execute(drv, q, {"n": 5_000_000}, database="neo4j")

        with pytest.raises(nx_exc.TransientError) as caught:
            retrying(work, delay=0.0)
        # The same query a thousandth the size answers: the limit, not the query, stopped it.
        assert queries.execute(drv, q, {"n": 5_000}, database="neo4j").records[0]["n"] == 5_000
    assert out_of_memory(caught.value), caught.value.code
    assert calls == [1]  # not again by retrying()
    assert driver_retries.seen == []  # nor by the driver's own retries
    line = str(explain(caught.value, small_server.settings()))
    assert "stopped the query: it needed more memory than the server allows" in line


def test_the_analyses_raise_it_at_once(small_server: Server, big: Path, driver_retries: Retries) -> None:
    with small_server.driver() as drv:
        db = Neo4jAnalyses(drv, "neo4j", queries_dir=big)
        assert db.run("big", n=10) == [{"n": 10}]
        with pytest.raises(nx_exc.TransientError) as caught:
            db.run("big", n=5_000_000)
    assert out_of_memory(caught.value)
    assert driver_retries.seen == []


def test_other_errors_are_not_taken_for_memory(small_server: Server, big: Path) -> None:
    with small_server.driver() as drv, pytest.raises(nx_exc.Neo4jError) as caught:
        drv.execute_query("RETURN 1 / $zero AS x", {"zero": 0}, database_="neo4j")
    assert not out_of_memory(caught.value)
    assert not out_of_memory(neo4j.exceptions.ServiceUnavailable("gone"))


def test_purpose_drift_with_a_long_filter_list_fits_a_small_server(small_server: Server) -> None:
    """Drift's first pass runs in transactions of its own, one row per batch of senders: Neo4j charges every row
    that enters or leaves such a call with every list it carries, so one row per sender would be charged the list
    of citations a confidence filter admits once per sender (here 548 senders and 3,036 citations: far past the
    server's 16 MB, where a batch of them passes)."""
    g = synth.generate(5000, seed=1)
    with small_server.driver() as drv:
        loader.load(drv, "neo4j", graph_rows(g), version="test", batch=500)  # batches that fit in 16 MB
        db = Neo4jAnalyses(drv, "neo4j", ROOT / "cypher")
        before = db.run("creep-drift", min_confidence="low", limit=5)
        # Citations no flow cites: the filter's list grows, the answer stays the same.
        drv.execute_query("UNWIND range(1, 3000) AS i "
                          "CREATE (:Citation:UnrelatedData {id: 'extra-' + toString(i), confidence: 'high'})")
        try:
            assert drv.execute_query("MATCH (c:Citation) RETURN count(c) AS n").records[0]["n"] > 3000
            after = db.run("creep-drift", min_confidence="low", limit=5)
        finally:
            drv.execute_query("MATCH (n:UnrelatedData) DETACH DELETE n")
    assert after == before
    assert before[0]["counts"]["violations"] > 0 and len(before[0]["records"][0]) == 5
