"""Neo4j load benchmark: the batched, atomic loader against a naive loader.

Starts its own Neo4j (tools/neo4j) on a free loopback port in a temporary
home, with a random password, then for each size:

* **naive** (the baseline, only at sizes where it finishes): one transaction
  per flow, each ``MERGE``-ing both parties and the flow;
* **batched**: ``dataflows.db.loader.load`` — the whole map (parties, systems,
  categories, purposes, citations, figures, rules … not just flows), staged in
  committed ``UNWIND $rows`` batches and swapped in by one transaction — a
  first load: the map loaded before is removed first, untimed, so that no
  size pays for removing a map of another size (a reload pays for removing one
  as large, and is measured on its own, below);
* **reload**: the largest map loaded once more over itself, as a user who
  loads the same map again waits for it (the map removed is then as large as
  the one written; ``--no-reload`` skips it).
* **verify**: ``dataflows.db.loader.check`` on the largest map, what
  ``dataflows verify`` does: every node and relationship read back, the
  checksum recomputed and compared with the one recorded.

It reports flows per second — of the load itself, and including the building
of the rows from the graph (``graph_rows``), which ``dataflows load`` also does
— the ratio batched/naive, and the time of the everyday lookup queries in
cypher/ on the largest map, whole and their first 1,000 rows as
``dataflows query --limit 1000`` reads them (the analyses have their own
benchmark, ``bench_cypher_analyses.py``).

    python benchmarks/bench_neo4j_load.py --naive 2000 --sizes 2000,100000,1000000

Results are printed and written to benchmarks/results/neo4j_load.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import neo4j

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from neo4j_server import neo4j_server  # noqa: E402
from probe import machine_probe, probe_line  # noqa: E402

from dataflows import synth  # noqa: E402
from dataflows.db import loader, queries  # noqa: E402
from dataflows.db.rows import graph_rows  # noqa: E402
from dataflows.db.vocab import MAP_LABEL  # noqa: E402
from dataflows.gcpause import paused_gc  # noqa: E402

#: The everyday lookups timed on the largest map (the analyses: bench_cypher_analyses.py).
LOOKUPS = ("party", "flows-by-category", "source-supports", "flow-sources", "known-names")


def _merge_flow(tx: neo4j.ManagedTransaction, u: str, v: str, fid: str, props: dict[str, Any]) -> None:
    """The naive loader's one transaction: MERGE the sender, the recipient and the flow."""
    tx.run("MERGE (s:NaiveParty {id: $u}) MERGE (t:NaiveParty {id: $v}) "
           "MERGE (s)-[f:NAIVE_FLOW {id: $id}]->(t) SET f += $props",
           u=u, v=v, id=fid, props=props).consume()


def naive_load(drv: neo4j.Driver, g: Any) -> int:
    """One transaction per flow: MERGE the sender, the recipient and the flow."""
    drv.execute_query("MATCH (n:NaiveParty) DETACH DELETE n")
    drv.execute_query("CREATE CONSTRAINT naive_party IF NOT EXISTS FOR (n:NaiveParty) REQUIRE n.id IS UNIQUE")
    n = 0
    with drv.session() as session:
        for u, v, a in g.edges(data=True):
            if a["kind"] != "flow":
                continue
            props = {"purpose": a.get("purpose"), "mechanism": a.get("mechanism"), "status": a.get("status"),
                     "categories": list(a.get("categories") or []), "firewall": a["firewall"]["status"]}
            session.execute_write(_merge_flow, u, v, a["id"], props)
            n += 1
    drv.execute_query("MATCH (n:NaiveParty) DETACH DELETE n")
    return n


def sample_params(g: Any) -> dict[str, dict[str, str]]:
    """Parameters for the stored queries, picked from the synthetic map."""
    party = next(n for n, a in g.nodes(data=True) if a["kind"] == "system")
    flow = next(a["id"] for _, _, a in g.edges(data=True) if a["kind"] == "flow")
    return {"id": {"id": party}, "party": {"party": party}, "flow": {"flow": flow},
            "category": {"category": "biometric"}, "source": {"source": synth.SOURCE_ID}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="2000,100000,1000000", help="flow counts for the batched loader")
    ap.add_argument("--naive", type=int, default=2000, help="flow count for the naive baseline")
    ap.add_argument("--heap", default="12g", help="Neo4j max heap")
    ap.add_argument("--writers", type=int, default=loader.WRITERS, help="batches the loader writes at once")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "neo4j_load.json"))
    ap.add_argument("--no-reload", dest="reload", action="store_false",
                    help="skip loading the largest map a second time over itself (a reload: the old map is as large)")
    ap.add_argument("--query-timeout", type=float, default=60.0, help="seconds before a stored query is abandoned")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]

    results: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                               "heap": args.heap, "writers": args.writers, "naive": {}, "batched": [], "queries": {},
                               # The machine's speed this hour (probe.py): the same fixed work, timed before and after.
                               "machine_probe_s": {"start": machine_probe()}}
    with neo4j_server(args.heap, "4g") as server:
        drv = neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", server.password),
                                     notifications_min_severity="OFF")
        # Warm the JVM so neither loader pays for it.
        loader.load(drv, "neo4j", graph_rows(synth.generate(2000, seed=99)), version="bench")

        g = synth.generate(args.naive, seed=1)
        t0 = time.perf_counter()
        n = naive_load(drv, g)
        naive_s = time.perf_counter() - t0
        results["naive"] = {"flows": n, "seconds": round(naive_s, 2), "flows_per_s": round(n / naive_s)}
        print(f"naive   {n:>9,} flows  {naive_s:8.2f} s  {n / naive_s:>9,.0f} flows/s", flush=True)

        g = None
        rows = None
        for size in sizes:
            g = synth.generate(size, seed=1)
            gc.collect()  # untimed: what building the synthetic map leaves to the collector
            # As 'dataflows load' does, the collector stays paused from building the rows through the load;
            # the command then frees the rows before it resumes, so it never scans them.
            with paused_gc():
                t0 = time.perf_counter()
                rows = graph_rows(g)
                rows_s = time.perf_counter() - t0
                emptied = empty(drv)
                row = timed_load(drv, rows, args.writers)
            gc.collect()  # untimed: the rows are kept here (for the queries and the reload), not freed
            row["emptied_before_nodes"] = emptied
            row["rows_seconds"] = round(rows_s, 2)
            row["flows_per_s_incl_rows"] = round(row["flows"] / (row["load_seconds"] + rows_s))
            results["batched"].append(row)
            save(args.out, results)
            print(f"batched {row['flows']:>9,} flows  {row['load_seconds']:8.2f} s  {row['flows_per_s']:>9,} flows/s "
                  f"({row['writes']:,} nodes+relationships, into an empty database; live after "
                  f"{row['live_after_seconds']:.1f} s; building rows {rows_s:.1f} s; "
                  f"cycle collector during the load {row['collector_seconds']:.1f} s)", flush=True)
            if size != sizes[-1]:
                rows = None

        same = next((b for b in results["batched"] if b["flows"] == results["naive"]["flows"]), None)
        if same:
            results["speedup_same_size"] = round(same["flows_per_s"] / results["naive"]["flows_per_s"], 1)
        results["speedup_largest"] = round(results["batched"][-1]["flows_per_s"] / results["naive"]["flows_per_s"], 1)
        results["speedup_largest_incl_rows"] = round(
            results["batched"][-1]["flows_per_s_incl_rows"] / results["naive"]["flows_per_s"], 1)
        print(f"speed-up over naive: same size {results.get('speedup_same_size')}x, "
              f"largest {results['speedup_largest']}x ({results['speedup_largest_incl_rows']}x with building rows)")

        params = sample_params(g)
        for name, q in queries.catalogue(ROOT / "cypher").items():
            if name not in LOOKUPS:
                continue
            given = {}
            for p in q.params:
                if p.required:
                    given.update(params.get(p.name, {}))
            try:
                bound = queries.bind(q, given)
            except Exception as exc:  # a query whose parameters the benchmark cannot fill
                results["queries"][name] = {"skipped": str(exc)}
                continue
            timing: dict[str, Any] = {}
            # The whole answer, then its first rows as 'dataflows query --limit' reads them.
            for key, limit in (("", None), ("first_1000_", 1000)):
                t0 = time.perf_counter()
                try:
                    answer = queries.execute(drv, q, bound, database="neo4j", limit=limit,
                                             timeout=args.query_timeout)
                except neo4j.exceptions.Neo4jError as exc:
                    timing.update({f"{key}seconds": round(time.perf_counter() - t0, 2), f"{key}failed": exc.code})
                    continue
                timing.update({f"{key}seconds": round(time.perf_counter() - t0, 2), f"{key}rows": len(answer.records)})
                if limit is not None:
                    timing["first_1000_more"] = answer.more
            results["queries"][name] = timing
            print(f"query {name:<24} " + "  ".join(f"{k} {v}" for k, v in timing.items()), flush=True)
            save(args.out, results)

        # What 'dataflows verify' waits for on the largest map: every record read back and hashed.
        t0 = time.perf_counter()
        found = loader.check(drv, "neo4j")
        results["verify"] = {"flows": found.content_counts.get("FLOW", 0),
                             "records": sum(found.content_counts.values()),
                             "seconds": round(time.perf_counter() - t0, 2), "intact": found.intact}
        save(args.out, results)
        print(f"verify  {results['verify']['flows']:>9,} flows  {results['verify']['seconds']:8.2f} s  "
              f"({results['verify']['records']:,} records read back; intact: {found.intact})", flush=True)

        if args.reload and rows is not None:
            # What a user who loads the same map again waits for: the new map is staged beside the old one,
            # swapped in, and the old one (as large) removed.
            gc.collect()  # untimed: what the queries and the check left to the collector
            row = timed_load(drv, rows, args.writers)
            results["reload"] = row
            save(args.out, results)
            removal = row["load_seconds"] - row["live_after_seconds"]
            print(f"reload  {row['flows']:>9,} flows  {row['load_seconds']:8.2f} s  {row['flows_per_s']:>9,} flows/s "
                  f"(live after {row['live_after_seconds']:.1f} s, then {removal:.1f} s removing the "
                  f"{row['replaced_nodes']:,} nodes of the map it replaced)", flush=True)
        drv.close()
    results["machine_probe_s"]["end"] = machine_probe()
    save(args.out, results)
    print(probe_line(results["machine_probe_s"]))
    print(f"wrote {args.out}")


def empty(drv: neo4j.Driver) -> int:
    """Remove the loaded map (untimed), as the loader removes a map it replaces; the nodes removed."""
    with drv.session(database="neo4j") as session:
        return loader.delete_marked(session, MAP_LABEL, loader.BATCH)


class CollectorTime:
    """Seconds Python's cycle collector ran while installed (``gc.callbacks``), and its full collections."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.full = 0
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.full += info["generation"] == 2

    def __enter__(self) -> CollectorTime:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


def timed_load(drv: neo4j.Driver, rows: Any, writers: int) -> dict[str, Any]:
    """Load *rows* (replacing what is loaded): the figures of one batched load, with when each stage began.

    The caller runs the cycle collector first, untimed: what came before (building the synthetic map,
    the queries) leaves it a collection over every object made, which otherwise falls where Python's
    counters say, inside the load in some runs and not in others. What it still spends during the
    load is recorded (``collector_seconds``).
    """
    starts: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        starts.setdefault(stage, time.perf_counter())

    with CollectorTime() as collector:
        t0 = time.perf_counter()
        res = loader.load(drv, "neo4j", rows, version="bench", progress=progress, writers=writers)
        load_s = time.perf_counter() - t0
    flows = res.counts.get("FLOW", 0)
    live = starts[loader.REMOVING] - t0
    writes = sum(len(r) for r in rows.nodes.values()) + sum(len(r) for r in rows.rels.values())
    return {"flows": flows, "writes": writes,
            "load_seconds": round(load_s, 2), "flows_per_s": round(flows / load_s),
            # The new map is live (swapped in) after this; the rest removes the map it replaced.
            "live_after_seconds": round(live, 2), "replaced_nodes": res.deleted,
            "flows_per_s_until_live": round(flows / live),
            # Seconds from the start of the load to the start of each stage, in the order they began.
            "stage_starts": {stage: round(t - t0, 2) for stage, t in starts.items()},
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "collector_seconds": round(collector.seconds, 2), "collector_full_collections": collector.full}


def save(out: str, results: dict[str, Any]) -> None:
    """Write what is measured so far: a long run interrupted still leaves its figures."""
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
