"""Load the map into Neo4j: readers see the old map or the new one, never a mix.

Design, for readers who depend on the map being whole:

* **Constraints first**, in their own schema transactions (a uniqueness
  constraint on ``id`` for each label).
* **Stage**: the new map is written in committed batches of parameterised
  ``UNWIND $rows`` statements, two at a time (``writers``), but its nodes
  carry only the label ``DataflowsStaging`` and one naming their schema
  labels (``DataflowsStaging_Party_Agency`` …). Each row travels as a list
  of values, and the query names the property each position goes to
  (``CREATE (n {`id`: r[0], …})``, the keys checked by
  :func:`~dataflows.db.vocab.prop_key`): Neo4j then builds no map per row and
  plans no ``Eager`` step, as it does for ``SET n = r``, and the keys are not
  sent again with every row. Every query anchors its patterns on schema
  labels (``:Party``, ``:FLOW`` between parties …), so nothing staged is
  visible.
  Each batch of nodes answers with two lists, their ids and their element
  ids, rather than a record per node.
  Relationships find their ends by element id, a direct record fetch, and
  come grouped by the node they start at (``graph_rows`` orders them so),
  which Neo4j writes with less work than relationships in any order.
* **Swap**, in one transaction: the old map's nodes lose their schema labels
  (they become ``DataflowsRetired``) and the staged nodes gain theirs. The
  transaction changes labels on nodes only — never the (many more) flows — so
  it stays small however large the map.
* **Clean up**: the retired map is deleted in committed batches, counted against its
  MapInfo counts as progress (the new map is already live: queries can run).

A bad record, a killed process or a server that goes away at any point before
the swap commits leaves the previous map exactly as it was (Neo4j rolls back
an uncommitted transaction and does not replay it after a crash); what was
staged is invisible and the next load removes it, as it removes a retired map
left by an interrupted clean-up.

**Idempotent**: the load replaces the map, so loading the same data twice
gives the same graph; the ``MapInfo`` node records the content checksum (and
the scheme it was computed under, :data:`CHECKSUM_SCHEME`), and :func:`check`
recomputes it from what is in the database (``dataflows verify``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from itertools import chain
from typing import Any

import neo4j

from ..gcpause import without_gc
from .rows import Rows, canonical, rows_checksum
from .vocab import MAP_LABEL, UNIQUE_LABELS, Label, Rel, labels, prop_key, rel

BATCH = 10_000
"""Rows per committed batch. Neo4j's work per row grows with the size of the transaction: at a
million flows, the server spent 39-48 CPU-s (mean 42) on the flows in batches of 10,000, 42-47
(mean 45) in batches of 20,000 and 57-64 in batches of 40,000 (measured on one server, runs
interleaved; 5,000 was no better than 10,000). Removing a map took the same time in batches of
5,000 to 40,000."""
WRITERS = 2
"""Batches written at once. With one, the server waits while the client sends the next batch; on
a 2-core machine two wrote the flows of a 200k-flow map 1.7x faster than one, three no faster
than two. Two writers can deadlock on a node both link to: the driver retries that batch."""
STAGING = "DataflowsStaging"
RETIRED = "DataflowsRetired"
SWITCHING = "switching to the new map"
REMOVING = "the new map is live; removing the previous one"
"""The last stage :func:`load` reports: its progress counts the previous map's nodes and relationships removed."""
READING = "reading the loaded map"
"""The stage :func:`check` reports: its progress counts the loaded map's records read back."""
CHECKSUM_SCHEME = "sorted-record-sha256/1"
"""How the content checksum is computed (:func:`dataflows.db.rows.canonical`), recorded beside it. A change
to canonical() that changes checksums must change this name, so that a map loaded before is reported as
recorded under another scheme rather than as changed."""

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)`` — called as batches are written: records written out of the new map's, then,
in the stage :data:`REMOVING`, records removed out of the previous map's."""


@dataclass
class LoadResult:
    """What a load wrote."""

    counts: dict[str, int]
    checksum: str
    deleted: int
    """Nodes of the previous map removed."""


def _map_label() -> str:
    return f":`{MAP_LABEL}`"


def ensure_schema(session: neo4j.Session) -> None:
    """Create the uniqueness constraints and indexes the loader and queries rely on."""
    for label in UNIQUE_LABELS:
        name = f"dataflows_{label.value.lower()}_id"
        session.run(f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n{labels(label)}) REQUIRE n.id IS UNIQUE").consume()
    session.run(f"CREATE INDEX dataflows_flow_id IF NOT EXISTS FOR ()-[f{rel(Rel.flow)}]-() ON (f.id)").consume()
    # Staged nodes carried their schema labels in an indexed property before they carried a label naming them.
    session.run("DROP INDEX dataflows_staging_kind IF EXISTS").consume()
    session.run("CALL db.awaitIndexes(300)").consume()


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _keys(props: Iterable[dict[str, Any]]) -> list[str]:
    """Every property key of a batch's rows, in the order the rows first give them.

    ``graph_rows`` puts the keys the analyses read most (a flow's id, categories, purpose,
    collected_for …) first. Neo4j reads a property by walking the record's property chain; with
    the keys in this order rather than sorted by name, purpose drift and the full listing of flows
    took about 4% less time inside Neo4j at a million flows (measured; close to the run-to-run spread).
    """
    return list(dict.fromkeys(chain.from_iterable(props)))


def _inline(keys: list[str], first: int) -> str:
    """``{`key`: r[first], …}``: where each value of a row (a list) goes; empty when there are no keys."""
    if not keys:
        return ""
    return "{" + ", ".join(f"{prop_key(k)}: r[{i}]" for i, k in enumerate(keys, first)) + "}"


def _staged(node_labels: tuple[Label, ...]) -> str:
    """``:`DataflowsStaging`:`DataflowsStaging_Party_Agency```: a staged node of these schema labels.

    The second label is made only from the vocabulary's labels (:func:`~dataflows.db.vocab.labels` checks them),
    so the swap finds each kind of node by a label scan. With the kind in a property (and an index on it), the
    swap at a million flows took about 2.0 s instead of 1.3 s (measured).
    """
    labels(*node_labels)
    return f":`{STAGING}`:`{STAGING}_{'_'.join(lbl.value for lbl in node_labels)}`"


def delete_marked(session: neo4j.Session, marker: str, batch: int,
                  removed: Callable[[int], None] | None = None) -> int:
    """Delete every node with the marker label (and its relationships), in committed batches.

    The marker is one of the loader's own labels (:data:`STAGING`, :data:`RETIRED`, or the live map's
    ``MAP_LABEL``, which the load benchmark removes to start from an empty database).

    *removed* is told how many relationships, then nodes, each batch removed. Returns the nodes removed.
    """
    # Every relationship of a map starts at one of its nodes: outgoing ones, each met once.
    while n := int(session.run(f"MATCH (:`{marker}`)-[r]->() WITH r LIMIT $limit DELETE r RETURN count(*) AS n",
                               limit=batch).single(strict=True)["n"]):
        if removed is not None:
            removed(n)
    deleted = 0
    while True:
        n = int(session.run(f"MATCH (n:`{marker}`) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
                            limit=batch).single(strict=True)["n"])
        deleted += n
        if n == 0:
            return deleted
        if removed is not None:
            removed(n)


class _Steps:
    """Progress reporting, and the deliberate failure tests use."""

    def __init__(self, total: int, progress: Progress | None, fail_after: int | None) -> None:
        self.total, self.progress, self.fail_after = total, progress, fail_after
        self.done = self.batches = 0

    def __call__(self, stage: str, n: int) -> None:
        self.done += n
        self.batches += 1
        if self.progress is not None:
            self.progress(stage, self.done, self.total)
        if self.fail_after is not None and self.batches >= self.fail_after:
            raise RuntimeError(f"load interrupted on purpose after {self.batches} batches")


class _Rows(list[Any]):
    """A batch's rows, as the driver sends them, with a short ``repr``.

    The driver formats every query's parameters for its debug log even when nothing logs at that
    level (``C: RUN`` in neo4j 6.4): at a million flows that text took about 6 s of the loader's
    CPU, which on a 2-core machine is taken from the server writing the batches. With this, a
    debug log says ``<10000 rows>`` instead of the data.
    """

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


@dataclass
class _Batch:
    """One write: a query, its parameters, and what to do with its records once committed."""

    query: str
    params: dict[str, Any]
    done: Callable[[list[neo4j.Record]], None]


def _write_batches(driver: neo4j.Driver, database: str, batches: Iterable[_Batch], writers: int) -> None:
    """Commit each batch in its own transaction, up to *writers* at once.

    Batches are taken from *batches* (so they are built while the server
    writes the ones before), and each one's ``done`` is called in this thread
    as it commits. Each runs as a managed transaction: the driver retries it
    on a transient error (a deadlock between two writers, a leader switch),
    which is safe because the transaction did not commit; a connection lost
    during the commit itself is not retried (``IncompleteCommit``). On the
    first failure no new batch starts; those already running finish before
    the error is raised.
    """
    def write(b: _Batch) -> list[neo4j.Record]:
        return driver.execute_query(b.query, b.params, database_=database,
                                    routing_=neo4j.RoutingControl.WRITE).records

    source = iter(batches)
    with ThreadPoolExecutor(writers, thread_name_prefix="dataflows-writer") as pool:
        running: dict[Future[list[neo4j.Record]], _Batch] = {}
        try:
            while True:
                while len(running) < writers and (b := next(source, None)) is not None:
                    running[pool.submit(write, b)] = b
                if not running:
                    return
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    b = running.pop(future)
                    b.done(future.result())
                    # The driver keeps a query's parameters in objects that refer to each other, which only
                    # Python's cycle collector frees, and it is paused during a load. Emptied here, each
                    # batch's rows are freed at once; else they all waited for the first collection after
                    # the load, which at a million flows found 1,570,136 objects and took 1.4 s (measured).
                    b.params["rows"].clear()
        finally:
            for future in running:
                future.cancel()


Elements = dict[tuple[Label, str], str]
"""(label, id) → element id of each staged node: how relationships find their ends."""


def stage_nodes(driver: neo4j.Driver, database: str, rows: Rows, step: _Steps, batch: int = BATCH,
                writers: int = WRITERS) -> Elements:
    """Write the new map's nodes, staged, *writers* batches at a time; their element ids."""
    element: Elements = {}

    def written(node_labels: tuple[Label, ...], stage: str, n: int, records: list[neo4j.Record]) -> None:
        ids, elements = records[0]["ids"], records[0]["es"]
        for label in node_labels:
            element.update(zip([(label, i) for i in ids], elements, strict=True))
        step(stage, n)

    def batches() -> Iterator[_Batch]:
        for node_labels, items in sorted(rows.nodes.items(), key=lambda kv: [x.value for x in kv[0]]):
            stage = f"writing {node_labels[-1].value} nodes"
            for chunk in _batches(items, batch):
                keys = _keys(chunk)
                # One record with two lists, in the same order: reading a record per node took the client
                # about 4 s of CPU at a million flows, and the stage 5.2 s instead of 3.2 s (measured).
                query = (f"UNWIND $rows AS r CREATE (n{_staged(node_labels)} {_inline(keys, 0)}) "
                         "RETURN collect(n.id) AS ids, collect(elementId(n)) AS es")
                values = _Rows([[r.get(k) for k in keys] for r in chunk])
                yield _Batch(query, {"rows": values}, partial(written, node_labels, stage, len(chunk)))

    _write_batches(driver, database, batches(), writers)
    return element


def stage_relationships(driver: neo4j.Driver, database: str, rows: Rows, element: Elements, step: _Steps,
                        batch: int = BATCH, writers: int = WRITERS) -> None:
    """Write the new map's relationships between its staged nodes, *writers* batches at a time."""
    def written(stage: str, n: int, _: list[neo4j.Record]) -> None:
        step(stage, n)

    def batches() -> Iterator[_Batch]:
        for (rtype, start, end), items in sorted(rows.rels.items(), key=lambda kv: (kv[0][0].value, kv[0][1].value,
                                                                                      kv[0][2].value)):
            stage = f"writing {rtype.value} relationships"
            for chunk in _batches(items, batch):
                keys = _keys(r["props"] for r in chunk)
                query = (f"UNWIND $rows AS r MATCH (a) WHERE elementId(a) = r[0] MATCH (b) WHERE elementId(b) = r[1] "
                         f"CREATE (a)-[x{rel(rtype)} {_inline(keys, 2)}]->(b)")
                try:
                    args = [[element[(start, r["from"])], element[(end, r["to"])], *map(r["props"].get, keys)]
                            for r in chunk]
                except KeyError as exc:
                    raise RuntimeError(f"a {rtype.value} relationship points at a missing node {exc.args[0]}") \
                        from None
                yield _Batch(query, {"rows": _Rows(args)}, partial(written, stage, len(chunk)))

    _write_batches(driver, database, batches(), writers)


def stage_map_info(session: neo4j.Session, rows: Rows, checksum: str, version: str) -> None:
    """Stage the MapInfo node: the map's checksum, version and counts."""
    counts = rows.counts()
    session.run(
        f"CREATE (m{_staged((Label.map_info,))}) SET m = $props",
        props={"id": "map", "checksum": checksum, "checksum_scheme": CHECKSUM_SCHEME, "version": version,
               "count_keys": list(counts), "count_values": list(counts.values())},
    ).consume()


def swap(tx: neo4j.Transaction, kinds: list[tuple[Label, ...]]) -> None:
    """Retire the live map and make the staged one live, in the caller's transaction."""
    for label in Label:
        tx.run(f"MATCH (n{_map_label()}{labels(label)}) REMOVE n{labels(label)}").consume()
    tx.run(f"MATCH (n{_map_label()}) SET n:`{RETIRED}` REMOVE n{_map_label()}").consume()
    for node_labels in kinds:
        staged = _staged(node_labels)
        tx.run(f"MATCH (n{staged}) SET n{_map_label()}{labels(*node_labels)} REMOVE n{staged}").consume()


@without_gc
def load(driver: neo4j.Driver, database: str, rows: Rows, *, version: str,
         progress: Progress | None = None, batch: int = BATCH, writers: int = WRITERS,
         fail_after: int | None = None) -> LoadResult:
    """Stage the map, swap it in atomically, remove the previous one.

    Python's cyclic collector is paused while it runs (:mod:`dataflows.gcpause`): the rows hold no
    cycles, and its collections over them cost seconds of the client's CPU at a million flows.
    """
    total = sum(len(r) for r in rows.nodes.values()) + sum(len(r) for r in rows.rels.values())
    step = _Steps(total, progress, fail_after)
    with ThreadPoolExecutor(1, thread_name_prefix="dataflows-checksum") as pool, \
            driver.session(database=database) as session:
        ensure_schema(session)
        # What an interrupted load left behind: never visible, removed first.
        delete_marked(session, STAGING, batch)
        delete_marked(session, RETIRED, batch)
        element = stage_nodes(driver, database, rows, step, batch, writers)
        # The checksum is needed only once everything is staged, so Python computes it while the server writes
        # the relationships. Not earlier: it would hold the interpreter lock while the node batches' element ids
        # are read back, which made that stage five times slower at a million flows.
        pending = pool.submit(rows_checksum, rows)
        stage_relationships(driver, database, rows, element, step, batch, writers)
        checksum = pending.result()
        stage_map_info(session, rows, checksum, version)
        # The map about to be replaced, as its MapInfo counts it: what the last stage's progress counts down.
        previous = sum(map_counts(driver, database).values())
        if progress is not None:
            progress(SWITCHING, step.done, total)
        with session.begin_transaction() as tx:
            swap(tx, [*rows.nodes, (Label.map_info,)])
            tx.commit()
        removed = 0

        def report(n: int) -> None:
            nonlocal removed
            removed += n
            if progress is not None:
                progress(REMOVING, min(removed, previous), previous)

        report(0)
        deleted = delete_marked(session, RETIRED, batch, report)
    return LoadResult(counts=rows.counts(), checksum=checksum, deleted=deleted)


@dataclass(frozen=True)
class Check:
    """The loaded map as its MapInfo records it, and as the database holds it now."""

    loaded: bool
    """Whether a map loaded by ``dataflows load`` is in the database (a MapInfo node)."""
    recorded: str | None
    """The checksum recorded when it was loaded."""
    scheme: str | None
    """The checksum scheme recorded with it (None: loaded before schemes were recorded)."""
    version: str | None
    """The dataflows version that loaded it."""
    content: str
    """The checksum of what the database holds now, under :data:`CHECKSUM_SCHEME`."""
    recorded_counts: dict[str, int]
    content_counts: dict[str, int]

    @property
    def intact(self) -> bool:
        """The database holds what was loaded: same checksum, same counts."""
        return self.loaded and self.recorded == self.content and self.recorded_counts == self.content_counts

    @property
    def comparable(self) -> bool:
        """The recorded checksum was computed the way this version computes it."""
        return self.scheme == CHECKSUM_SCHEME


def _count_key(node_labels: list[str]) -> str:
    """The label a node is counted under, as :meth:`Rows.counts` does: its own, not the shared ``Party``."""
    return next((lb for lb in node_labels if lb != Label.party), Label.party.value)


@without_gc
def check(driver: neo4j.Driver, database: str, progress: Progress | None = None) -> Check:
    """Recompute the loaded map's checksum and counts from the database, beside what its MapInfo recorded.

    Every node and relationship of the map is read once and streamed into the checksum, which keeps only
    a hash per record (a million flows: 1,553,175 records in about 31 s, 359 MB of client memory at the
    peak, measured). *progress* gets (:data:`READING`, records read, records the MapInfo counts).
    """
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        info = session.run(f"MATCH (m{labels(Label.map_info)} {{id: 'map'}}) "
                           "RETURN m.checksum AS c, m.checksum_scheme AS s, m.version AS v").single()
        recorded_counts = map_counts(driver, database)
        total = sum(recorded_counts.values())
        counts: dict[str, int] = {}
        read = 0

        def seen(key: str) -> None:
            nonlocal read
            counts[key] = counts.get(key, 0) + 1
            read += 1
            if progress is not None and read % 10_000 == 0:
                progress(READING, read, max(total, read))

        def nodes() -> Iterator[tuple[list[str], dict[str, Any]]]:
            for r in session.run(f"MATCH (n{_map_label()}) WHERE NOT n{labels(Label.map_info)} "
                                 "RETURN labels(n) AS labels, properties(n) AS props"):
                node_labels = [lb for lb in r["labels"] if lb != MAP_LABEL]
                seen(_count_key(node_labels))
                yield node_labels, dict(r["props"])

        def rels() -> Iterator[tuple[str, str, str, dict[str, Any]]]:
            # Run only once every node is read (canonical() takes the nodes first).
            for r in session.run(f"MATCH (a{_map_label()})-[x]->(b{_map_label()}) "
                                 "RETURN type(x) AS type, a.id AS a, b.id AS b, properties(x) AS props"):
                seen(r["type"])
                yield r["type"], r["a"], r["b"], dict(r["props"])

        if progress is not None:
            progress(READING, 0, total)
        content = canonical(nodes(), rels())
        if progress is not None:
            progress(READING, read, max(total, read))
    return Check(loaded=info is not None, recorded=info["c"] if info else None, scheme=info["s"] if info else None,
                 version=info["v"] if info else None, content=content, recorded_counts=recorded_counts,
                 content_counts=dict(sorted(counts.items())))


def read_checksum(driver: neo4j.Driver, database: str) -> tuple[str | None, str]:
    """(checksum recorded at load time, checksum recomputed from the database's content)."""
    c = check(driver, database)
    return c.recorded, c.content


def map_counts(driver: neo4j.Driver, database: str) -> dict[str, int]:
    """Counts recorded with the loaded map (empty when no map is loaded)."""
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        r = session.run(f"MATCH (m{labels(Label.map_info)} {{id: 'map'}}) "
                        "RETURN m.count_keys AS k, m.count_values AS v").single()
    if r is None or r["k"] is None or r["v"] is None:
        return {}
    return dict(zip(r["k"], r["v"], strict=True))
