"""Loading the map into a real Neo4j: counts, checksums, idempotence, atomicity."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time

import neo4j
import pytest

from dataflows.dataset import load as load_dataset
from dataflows.db import loader
from dataflows.db.rows import graph_rows, rows_checksum
from dataflows.db.vocab import Label
from dataflows.graph import build

from ..conftest import ROOT, TEXTS, VALID
from .conftest import Server
from .helpers import big_graph


def count_map(drv: neo4j.Driver) -> tuple[int, int]:
    records, _, _ = drv.execute_query(
        "MATCH (n:DataflowsMap) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS n, count(r) AS r")
    return int(records[0]["n"]), int(records[0]["r"])


@pytest.fixture(scope="module")
def fixture_rows():  # type: ignore[no-untyped-def]
    return graph_rows(build(load_dataset(VALID, TEXTS)))


def test_load_writes_everything_with_a_checksum(drv: neo4j.Driver, fixture_rows) -> None:  # type: ignore[no-untyped-def]
    result = loader.load(drv, "neo4j", fixture_rows, version="test")
    assert result.checksum == rows_checksum(fixture_rows)
    recorded, recomputed = loader.read_checksum(drv, "neo4j")
    assert recorded == recomputed == result.checksum
    assert loader.map_counts(drv, "neo4j") == fixture_rows.counts()
    nodes, rels = count_map(drv)
    assert nodes == sum(len(r) for r in fixture_rows.nodes.values()) + 1  # + the MapInfo node
    assert rels == sum(len(r) for r in fixture_rows.rels.values())
    # Sources and citations are queryable: which documents support this flow?
    records, _, _ = drv.execute_query(
        "MATCH ()-[f:FLOW {id: $flow}]->() MATCH (c:Citation)-[:CITES]->(s:Source) WHERE c.id IN f.citation_ids "
        "RETURN s.id AS s, c.quote AS quote", flow="clinic-to-border-office")
    assert [(r["s"], r["quote"]) for r in records] == [
        ("test-report", "The Clinic shares patient addresses with the Border Office for enforcement.")]
    # … and what does this document support? (a safeguard finding and a scope change)
    records, _, _ = drv.execute_query(
        "MATCH (:Source {id: 'test-cited-doc'})<-[:CITES]-(:Citation)-[s:SUPPORTS]->(n) "
        "RETURN n.id AS about, s.claim AS claim ORDER BY about, claim")
    assert [(r["about"], r["claim"]) for r in records] == [
        ("border-register", "safeguards.dpia"), ("border-register:scope:0", "record")]


def test_loading_twice_gives_the_same_graph(drv: neo4j.Driver, fixture_rows) -> None:  # type: ignore[no-untyped-def]
    first = loader.load(drv, "neo4j", fixture_rows, version="test")
    before = count_map(drv), loader.read_checksum(drv, "neo4j")
    second = loader.load(drv, "neo4j", fixture_rows, version="test")
    after = count_map(drv), loader.read_checksum(drv, "neo4j")
    assert first.checksum == second.checksum
    assert before == after
    assert second.deleted == before[0][0]  # the previous map was replaced, not added to


def test_constraints_exist(drv: neo4j.Driver) -> None:
    records, _, _ = drv.execute_query("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names")
    names = set(records[0]["names"])
    assert {"dataflows_party_id", "dataflows_citation_id", "dataflows_source_id"} <= names


def flows_seen_by_readers(drv: neo4j.Driver) -> int:
    records, _, _ = drv.execute_query("MATCH (:Party)-[f:FLOW]->(:Party) RETURN count(f) AS n")
    return int(records[0]["n"])


def test_removing_the_previous_map_counts_its_records_once_the_new_one_is_live(  # type: ignore[no-untyped-def]
        drv: neo4j.Driver, fixture_rows) -> None:
    previous = graph_rows(big_graph(3_000, tag="replaced"))
    loader.load(drv, "neo4j", previous, version="test")
    size = sum(len(r) for r in previous.nodes.values()) + sum(len(r) for r in previous.rels.values())
    seen: list[tuple[int, int, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == loader.REMOVING:
            seen.append((done, total, flows_seen_by_readers(drv)))

    loader.load(drv, "neo4j", fixture_rows, version="test", batch=500, progress=progress)
    # Readers see the new map (3 flows) from the first report of the last stage on, while the previous one
    # (3,000 flows) is removed batch by batch, counted against its own size.
    assert seen[0] == (0, size, 3)
    assert len(seen) > size // 500
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)
    assert seen[-1][:2] == (size, size)
    assert {(t, f) for _, t, f in seen} == {(size, 3)}


def test_a_load_failing_half_way_leaves_the_previous_map(drv: neo4j.Driver, fixture_rows) -> None:  # type: ignore[no-untyped-def]
    loader.load(drv, "neo4j", fixture_rows, version="test")
    before = loader.read_checksum(drv, "neo4j"), count_map(drv)
    with pytest.raises(RuntimeError, match="interrupted on purpose"):
        loader.load(drv, "neo4j", graph_rows(big_graph(30_000)), version="test", batch=2_000, fail_after=20)
    # Thousands of staged flows are in the database, but a reader sees the previous map only.
    records, _, _ = drv.execute_query(
        "MATCH (n:DataflowsStaging) RETURN count(n) AS n, "
        "count(CASE WHEN any(x IN labels(n) WHERE x IN $schema) THEN 1 END) AS labelled",
        schema=[lbl.value for lbl in Label])
    assert records[0]["n"] > 0
    assert records[0]["labelled"] == 0  # staged nodes carry no label a query anchors on
    assert flows_seen_by_readers(drv) == 3
    assert (loader.read_checksum(drv, "neo4j"), count_map(drv)) == before
    # The next load clears what the interrupted one staged.
    loader.load(drv, "neo4j", fixture_rows, version="test")
    records, _, _ = drv.execute_query("MATCH (n) WHERE n:DataflowsStaging OR n:DataflowsRetired RETURN count(n) AS n")
    assert records[0]["n"] == 0
    assert (loader.read_checksum(drv, "neo4j"), count_map(drv)) == before


def test_a_bad_record_fails_the_load_and_leaves_the_previous_map(drv: neo4j.Driver, fixture_rows) -> None:  # type: ignore[no-untyped-def]
    loader.load(drv, "neo4j", fixture_rows, version="test")
    before = loader.read_checksum(drv, "neo4j")
    bad = graph_rows(big_graph(5_000))
    # A relationship to a node that is not in the map: the database rejects the batch.
    rows = next(iter(bad.rels.values()))
    rows[-1] = {**rows[-1], "to": "no-such-party"}
    with pytest.raises(RuntimeError, match="points at a missing node"):
        loader.load(drv, "neo4j", bad, version="test")
    assert loader.read_checksum(drv, "neo4j") == before


def test_the_drivers_debug_log_counts_a_batchs_rows_without_writing_them(  # type: ignore[no-untyped-def]
        drv: neo4j.Driver, caplog) -> None:
    rows = graph_rows(big_graph(300, n_parties=20, tag="quiet"))
    with caplog.at_level(logging.DEBUG, logger="neo4j"):
        loader.load(drv, "neo4j", rows, version="test", batch=100)
    runs = [r.getMessage() for r in caplog.records if "C: RUN" in r.getMessage() and "UNWIND $rows" in r.getMessage()]
    assert any("<100 rows>" in m for m in runs)
    assert runs and not any("quiet-" in m for m in runs)  # no party or flow id, no property of the map
    assert loader.read_checksum(drv, "neo4j") == (rows_checksum(rows), rows_checksum(rows))


@pytest.mark.parametrize("writers", [1, 4])
def test_the_number_of_writers_does_not_change_the_map(drv: neo4j.Driver, writers: int) -> None:
    rows = graph_rows(big_graph(6_000, tag="writers"))
    result = loader.load(drv, "neo4j", rows, version="test", batch=500, writers=writers)
    # Batches commit in whatever order the writers finish them; the map read back is the one given.
    assert loader.read_checksum(drv, "neo4j") == (rows_checksum(rows), rows_checksum(rows))
    assert result.checksum == rows_checksum(rows)
    assert count_map(drv)[1] == sum(len(r) for r in rows.rels.values())


def test_a_batch_the_server_rejects_fails_the_load_and_leaves_the_previous_map(  # type: ignore[no-untyped-def]
        drv: neo4j.Driver, fixture_rows) -> None:
    loader.load(drv, "neo4j", fixture_rows, version="test")
    before = loader.read_checksum(drv, "neo4j"), count_map(drv)
    bad = graph_rows(big_graph(8_000, tag="rejected"))
    flows = next(rows for (rtype, _, _), rows in bad.rels.items() if rtype.value == "FLOW")
    # Neo4j stores no map as a property value: the server refuses the batch holding this flow, in a
    # writer's transaction, while other batches are being written beside it.
    flows[5_000] = {**flows[5_000], "props": {**flows[5_000]["props"], "nested": {"not": "allowed"}}}
    with pytest.raises(neo4j.exceptions.CypherTypeError):
        loader.load(drv, "neo4j", bad, version="test", batch=500, writers=2)
    assert (loader.read_checksum(drv, "neo4j"), count_map(drv)) == before
    assert flows_seen_by_readers(drv) == 3


KILL_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
import neo4j
from dataflows.db import loader
from dataflows.db.rows import graph_rows
from tests.db.helpers import big_graph
rows = graph_rows(big_graph(60_000, tag="killed"))
drv = neo4j.GraphDatabase.driver({uri!r}, auth=("neo4j", sys.stdin.readline().strip()))
def progress(stage, done, total):
    print("progress", done, total, flush=True)
loader.load(drv, "neo4j", rows, version="test", batch=2_000, progress=progress)
print("committed", flush=True)
"""


def test_killing_the_loader_process_leaves_the_previous_map(drv: neo4j.Driver, neo4j_server: Server,  # type: ignore[no-untyped-def]
                                                            fixture_rows) -> None:
    loader.load(drv, "neo4j", fixture_rows, version="test")
    before = loader.read_checksum(drv, "neo4j"), count_map(drv)
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT.format(root=str(ROOT), uri=neo4j_server.uri)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(neo4j_server.password + "\n")
    proc.stdin.flush()
    seen = 0
    for line in proc.stdout:
        if line.startswith("progress"):
            seen += 1
            if seen == 8:  # well into the load, long before its commit
                proc.kill()
                break
    proc.wait(timeout=60)
    assert seen == 8, "the load finished before it could be interrupted"
    # The server rolls the abandoned transaction back; readers still see the previous map.
    deadline = time.monotonic() + 60
    while True:
        try:
            after = loader.read_checksum(drv, "neo4j"), count_map(drv)
            break
        except neo4j.exceptions.TransientError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
    assert after == before


def test_the_server_going_away_leaves_the_previous_map(drv: neo4j.Driver, neo4j_server: Server,  # type: ignore[no-untyped-def]
                                                       fixture_rows) -> None:
    loader.load(drv, "neo4j", fixture_rows, version="test")
    before = loader.read_checksum(drv, "neo4j"), count_map(drv)
    rows = graph_rows(big_graph(60_000, tag="crash"))
    killed = threading.Event()
    errors: list[BaseException] = []

    def progress(stage: str, done: int, total: int) -> None:
        if done > total // 4 and not killed.is_set():
            neo4j_server.kill()
            killed.set()

    def work() -> None:
        d = neo4j_server.driver()
        try:
            loader.load(d, "neo4j", rows, version="test", batch=2_000, progress=progress)
        except BaseException as exc:  # the load must fail: the server is gone
            errors.append(exc)
        finally:
            d.close()

    t = threading.Thread(target=work)
    t.start()
    t.join(timeout=300)
    assert killed.is_set() and errors, "the load was not interrupted by the server going away"
    neo4j_server.start()  # recovery from the transaction log
    fresh = neo4j_server.driver()
    try:
        assert (loader.read_checksum(fresh, "neo4j"), count_map(fresh)) == before
    finally:
        fresh.close()


def test_a_property_key_that_is_not_an_identifier_is_refused_before_it_reaches_cypher(  # type: ignore[no-untyped-def]
        drv: neo4j.Driver, fixture_rows) -> None:
    # Property keys are the one part of the loader's Cypher text taken from the rows: only lower-case
    # identifiers pass, so a key can never close the property map and add a clause.
    loader.load(drv, "neo4j", fixture_rows, version="test")
    before = loader.read_checksum(drv, "neo4j"), count_map(drv)
    bad = graph_rows(big_graph(3_000, tag="badkey"))
    flows = next(rows for (rtype, _, _), rows in bad.rels.items() if rtype.value == "FLOW")
    key = "x`: 1}]->(b) WITH a MATCH (n) DETACH DELETE n //"
    flows[2_000] = {**flows[2_000], "props": {**flows[2_000]["props"], key: "boom"}}
    with pytest.raises(ValueError, match="is not a property key the loader writes"):
        loader.load(drv, "neo4j", bad, version="test", batch=500)
    assert (loader.read_checksum(drv, "neo4j"), count_map(drv)) == before


def test_a_batch_s_rows_are_freed_once_it_commits(drv: neo4j.Driver) -> None:
    """The driver holds a query's parameters in reference cycles, kept while the loader pauses the cycle
    collector: each written batch's rows are emptied once its records are handed on, not left until the end."""
    seen: list[int] = []
    batches = [loader._Batch("UNWIND $rows AS r RETURN sum(r[0]) AS total", {"rows": loader._Rows([[i], [i + 1]])},
                             lambda records: seen.append(records[0]["total"]))
               for i in range(0, 10, 2)]
    loader._write_batches(drv, "neo4j", iter(batches), writers=2)
    assert sorted(seen) == [1, 5, 9, 13, 17]  # each batch was written with its rows
    assert [b.params["rows"] for b in batches] == [[]] * 5
