"""Load the map into Neo4j: all of it, or none of it.

Design, for readers who depend on the map being whole:

* **Constraints first**, in their own schema transactions (a uniqueness
  constraint on ``id`` for each label, and an index on ``Citation.about``).
* **One write transaction** for the whole map: the previous map (every node
  labelled ``DataflowsMap``) is deleted and the new one written inside the
  same explicit transaction, in batches of parameterised ``UNWIND $rows``
  statements. Readers see the old map until the commit, then the new one.
  A bad record, a killed process or a server that goes away before the
  commit leaves the previous map exactly as it was: Neo4j rolls back an
  uncommitted transaction (and does not replay it after a crash).
* **Idempotent**: the load replaces the map, so loading the same data twice
  gives the same graph; the ``MapInfo`` node records the content checksum,
  and :func:`read_checksum` recomputes it from what is in the database.

The cost of atomicity is memory: the server holds the transaction's state in
its heap until the commit (see the README for sizes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import neo4j

from .rows import Rows, canonical, rows_checksum
from .vocab import MAP_LABEL, UNIQUE_LABELS, Label, Rel, labels, rel

BATCH = 20_000

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)`` — called as batches are written."""


@dataclass
class LoadResult:
    """What a load wrote."""

    counts: dict[str, int]
    checksum: str
    deleted: int


def _map_label() -> str:
    return f":`{MAP_LABEL}`"


def ensure_schema(session: neo4j.Session) -> None:
    """Create the uniqueness constraints and indexes the loader and queries rely on."""
    for label in UNIQUE_LABELS:
        name = f"dataflows_{label.value.lower()}_id"
        session.run(f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n{labels(label)}) REQUIRE n.id IS UNIQUE").consume()
    session.run(f"CREATE INDEX dataflows_citation_about IF NOT EXISTS FOR (c{labels(Label.citation)}) ON (c.about)"
                ).consume()
    session.run(f"CREATE INDEX dataflows_flow_id IF NOT EXISTS FOR ()-[f{rel(Rel.flow)}]-() ON (f.id)").consume()
    session.run("CALL db.awaitIndexes(300)").consume()


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def write_map(tx: neo4j.Transaction, rows: Rows, checksum: str, version: str,
              progress: Progress | None = None, batch: int = BATCH,
              fail_after: int | None = None) -> LoadResult:
    """Replace the map inside the open transaction *tx* (the caller commits).

    ``fail_after`` raises after that many batches: tests use it to prove a
    failed load leaves the previous map intact.
    """
    total = sum(len(r) for r in rows.nodes.values()) + sum(len(r) for r in rows.rels.values())
    done = 0
    batches = 0

    def step(stage: str, n: int) -> None:
        nonlocal done, batches
        done += n
        batches += 1
        if progress is not None:
            progress(stage, done, total)
        if fail_after is not None and batches >= fail_after:
            raise RuntimeError(f"load interrupted on purpose after {batches} batches")

    deleted = 0
    while True:
        record = tx.run(f"MATCH (n{_map_label()}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
                        limit=batch).single()
        n = int(record["n"]) if record else 0
        deleted += n
        if n == 0:
            break
        if progress is not None:
            progress("removing the previous map", deleted, deleted)

    # Element ids of the nodes written, by (id label, id): relationships find
    # their ends by element id, a direct record fetch. Looking them up by
    # property would have to merge this transaction's uncommitted index
    # updates on every seek, which is several times slower.
    element: dict[tuple[Label, str], str] = {}
    for node_labels, items in sorted(rows.nodes.items(), key=lambda kv: [x.value for x in kv[0]]):
        query = (f"UNWIND $rows AS r CREATE (n{_map_label()}{labels(*node_labels)}) SET n = r "
                 "RETURN n.id AS id, elementId(n) AS e")
        for chunk in _batches(items, batch):
            for record in tx.run(query, rows=chunk):
                for label in node_labels:
                    element[(label, record["id"])] = record["e"]
            step(f"writing {node_labels[-1].value} nodes", len(chunk))

    for (rtype, start, end), items in sorted(rows.rels.items(), key=lambda kv: (kv[0][0].value, kv[0][1].value,
                                                                                  kv[0][2].value)):
        query = (f"UNWIND $rows AS r MATCH (a) WHERE elementId(a) = r.a MATCH (b) WHERE elementId(b) = r.b "
                 f"CREATE (a)-[x{rel(rtype)}]->(b) SET x = r.props")
        for chunk in _batches(items, batch):
            try:
                args = [{"a": element[(start, r["from"])], "b": element[(end, r["to"])], "props": r["props"]}
                        for r in chunk]
            except KeyError as exc:
                raise RuntimeError(f"a {rtype.value} relationship points at a missing node {exc.args[0]}") from None
            tx.run(query, rows=args).consume()
            step(f"writing {rtype.value} relationships", len(chunk))

    counts = rows.counts()
    tx.run(
        f"CREATE (m{_map_label()}{labels(Label.map_info)}) SET m = $props",
        props={"id": "map", "checksum": checksum, "version": version,
               "count_keys": list(counts), "count_values": list(counts.values())},
    ).consume()
    return LoadResult(counts=counts, checksum=checksum, deleted=deleted)


def load(driver: neo4j.Driver, database: str, rows: Rows, *, version: str,
         progress: Progress | None = None, batch: int = BATCH, fail_after: int | None = None) -> LoadResult:
    """Create the schema, then replace the map in one transaction and commit it."""
    checksum = rows_checksum(rows)
    with driver.session(database=database) as session:
        ensure_schema(session)
    with driver.session(database=database) as session, session.begin_transaction() as tx:
        result = write_map(tx, rows, checksum, version, progress, batch, fail_after)
        tx.commit()
    return result


def read_checksum(driver: neo4j.Driver, database: str) -> tuple[str | None, str]:
    """(checksum recorded at load time, checksum recomputed from the database's content)."""
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        recorded = session.run(f"MATCH (m{labels(Label.map_info)} {{id: 'map'}}) RETURN m.checksum AS c").single()
        nodes = [
            ([lb for lb in r["labels"] if lb != MAP_LABEL], dict(r["props"]))
            for r in session.run(
                f"MATCH (n{_map_label()}) WHERE NOT n{labels(Label.map_info)} "
                "RETURN labels(n) AS labels, properties(n) AS props"
            )
        ]
        rels = [
            (r["type"], r["a"], r["b"], dict(r["props"]))
            for r in session.run(
                f"MATCH (a{_map_label()})-[x]->(b{_map_label()}) "
                "RETURN type(x) AS type, a.id AS a, b.id AS b, properties(x) AS props"
            )
        ]
    return (recorded["c"] if recorded else None), canonical(iter(nodes), iter(rels))


def map_counts(driver: neo4j.Driver, database: str) -> dict[str, int]:
    """Counts recorded with the loaded map (empty when no map is loaded)."""
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        r = session.run(f"MATCH (m{labels(Label.map_info)} {{id: 'map'}}) "
                        "RETURN m.count_keys AS k, m.count_values AS v").single()
    if r is None:
        return {}
    return dict(zip(r["k"], r["v"], strict=True))
