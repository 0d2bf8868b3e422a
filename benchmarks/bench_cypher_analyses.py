"""Time every analysis answered by Neo4j (the stored queries in cypher/) on synthetic maps.

Usage::

    python benchmarks/bench_cypher_analyses.py --sizes 100000,1000000

For each size a map from :func:`dataflows.synth.generate` (seed 0) is loaded
with :mod:`dataflows.db.loader` into a fresh Neo4j started for the run (see
``neo4j_server.py``; a 12 GB heap and a 4 GB page cache by default). After each
load every question's query is planned first (``EXPLAIN``, forcing a new plan,
as Neo4j would on first use since the map's statistics changed); those seconds
are recorded apart (``plan_seconds``), so the times are of running. Then each
question of :class:`dataflows.db.analyses.Neo4jAnalyses` is asked ``--repeat``
times (3 by default) and timed, wall clock, including the transfer of the
answer and its reshaping in Python. Its figure (``seconds``) is the median, and
every run is kept (``runs``): on this 2-core machine runs of the same query on
the same map differ by more than a second at 1M flows (purpose drift: 11.0 to
12.6 s in one run of this benchmark). Each question has a time limit
(``--timeout``); past it the server stops the query and the result says so.

Each question's query is then run as many times inside Neo4j only
(``neo4j_seconds``, the median; ``neo4j_runs``): wrapped as
``CALL () { query } RETURN count([every column])``, so the server produces
every row and every value but sends one number. It is planned first, and the
planning is not timed. (Discarding the rows instead does not measure this:
Neo4j then skips producing them.) A query that runs ``CALL { … } IN
CONCURRENT TRANSACTIONS`` (purpose drift) cannot be wrapped so; it is run as it
is and its rows read (purpose drift answers one row). The gap
between the two times is the answer's journey: streaming the rows to Python
(the driver reads each row as its own message), reshaping them, and the report.

Purpose drift and missing firewalls are asked with ``--limit`` records of each
kind (the counts are always complete): at these sizes the full lists are
millions of drift records and hundreds of thousands of firewall pairs. Who
shares what and safeguard gaps are asked both ways: every row listed (a
million flows; hundreds of thousands of gaps), and, as on the command line with
``--limit``, the complete counts with the first ``--limit`` rows of each kind.

Up to ``--compare-up-to`` flows, the same questions are also answered by the
embedded engine, timed, and the rendered JSON of both compared (``same``).

Results are printed and written to benchmarks/results/cypher_analyses.json.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import neo4j

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from neo4j_server import neo4j_server  # noqa: E402
from probe import machine_probe, probe_line  # noqa: E402

from dataflows import synth  # noqa: E402
from dataflows.analyses import creep, firewalls, paths, register, safeguards, sharing  # noqa: E402
from dataflows.analyses.render import Report, to_json  # noqa: E402
from dataflows.db import loader  # noqa: E402
from dataflows.db.analyses import Neo4jAnalyses, Page, drift_result, firewall_result  # noqa: E402
from dataflows.db.connect import run_query  # noqa: E402
from dataflows.db.rows import graph_rows  # noqa: E402

TARGET_S = 10.0
SOURCE, TARGET = "r000000-gp", "c0000-immigration-enforcement"


def flows_report(page: Page, limit: int) -> Report:
    """The flows report from the first rows Neo4j sent and its complete count."""
    return sharing.report(page.rows, limit=limit, count=page.total)


def questions(drift_limit: int) -> list[tuple[str, Callable[[Neo4jAnalyses], Report], Callable[[Any], Report]]]:
    """(name, ask Neo4j, ask the embedded engine) — each giving the report a user would get."""
    return [
        ("who-shares: every flow, all listed",
         lambda db: sharing.report(db.flows().rows), lambda g: sharing.report(sharing.flows(g))),
        (f"who-shares: every flow (count, first {drift_limit} listed)",
         lambda db: flows_report(db.flows(limit=drift_limit), drift_limit),
         lambda g: sharing.report(sharing.flows(g), limit=drift_limit)),
        ("who-shares: one party",
         lambda db: sharing.report(db.flows(party="r000000-police").rows),
         lambda g: sharing.report(sharing.flows(g, party="r000000-police"))),
        ("who-shares: category and jurisdiction",
         lambda db: sharing.report(db.flows(category="fingerprints", jurisdiction="c0000").rows),
         lambda g: sharing.report(sharing.flows(g, category="fingerprints", jurisdiction="c0000"))),
        ("party-matrix",
         lambda db: sharing.matrix_report(db.matrix()),
         lambda g: sharing.matrix_report(sharing.matrix(sharing.flows(g)))),
        ("shortest-path",
         lambda db: paths.paths_report(SOURCE, TARGET, [p for p in [db.shortest_path(SOURCE, TARGET)] if p]),
         lambda g: paths.paths_report(SOURCE, TARGET, [p for p in [paths.shortest_path(g, SOURCE, TARGET)] if p])),
        ("paths (max 4 hops)",
         lambda db: paths.paths_report(SOURCE, TARGET, db.all_paths(SOURCE, TARGET, max_hops=4), max_hops=4),
         lambda g: paths.paths_report(SOURCE, TARGET, paths.all_paths(g, SOURCE, TARGET, max_hops=4), max_hops=4)),
        ("reach down: a local police force",
         lambda db: paths.reach_report("r000000-police", "down", db.reach("r000000-police")),
         lambda g: paths.reach_report("r000000-police", "down", paths.reach(g, "r000000-police"))),
        ("reach up: a national enforcement agency",
         lambda db: paths.reach_report(TARGET, "up", db.reach(TARGET, direction="up")),
         lambda g: paths.reach_report(TARGET, "up", paths.reach(g, TARGET, direction="up"))),
        ("reach up: the international border agency (most of the map)",
         lambda db: paths.reach_report(synth.INTL_BORDER_AGENCY, "up", db.reach(synth.INTL_BORDER_AGENCY,
                                                                                 direction="up")),
         lambda g: paths.reach_report(synth.INTL_BORDER_AGENCY, "up", paths.reach(g, synth.INTL_BORDER_AGENCY,
                                                                                  direction="up"))),
        (f"creep-drift (counts, first {drift_limit} records)",
         lambda db: creep.report(drift_result(db.drift(limit=drift_limit)), limit=drift_limit),
         lambda g: creep.report(creep.drift(g), limit=drift_limit)),
        ("creep-scope",
         lambda db: creep.report(None, db.scope()), lambda g: creep.report(None, creep.scope(g))),
        (f"missing-firewalls (counts, first {drift_limit} pairs)",
         lambda db: firewalls.report(firewall_result(db.firewalls(limit=drift_limit)), limit=drift_limit),
         lambda g: firewalls.report(firewalls.firewalls(g), limit=drift_limit)),
        ("safeguard-gaps, all listed",
         lambda db: safeguards.report(db.safeguards()), lambda g: safeguards.report(safeguards.safeguards(g))),
        (f"safeguard-gaps (counts, first {drift_limit} of each kind listed)",
         lambda db: safeguards.report(db.safeguards(limit=drift_limit), limit=drift_limit),
         lambda g: safeguards.report(safeguards.safeguards(g), limit=drift_limit)),
        ("transparency-register",
         lambda db: register.report(db.register()), lambda g: register.report(register.register(g))),
    ]


def size_of(report: Report) -> dict[str, Any]:
    """What the answer holds, in a line."""
    d = report.data
    for key in ("count",):
        if key in d:
            return {"count": d[key]}
    if "drift" in d:
        return {"counts": d["drift"]["counts"]}
    if "counts" in d:
        return {"counts": d["counts"]}
    if "scope" in d:
        return {"systems": len(d["scope"])}
    return {k: len(v) for k, v in d.items() if isinstance(v, list)}


class _Planned(Exception):
    """Raised by :class:`Planner` once a question's query is planned."""


class Planner(Neo4jAnalyses):
    """Asks each question only as far as planning it: EXPLAIN, which fills Neo4j's plan cache.

    After a load the map's statistics have changed, so Neo4j plans each query
    again on its next use; planning the questions first keeps that (seconds for
    the longest queries, timed separately) out of the timings of running them.
    """

    def _check(self, kind: str, name: str, what: str) -> str:
        return name

    def run(self, name: str, **params: Any) -> list[dict[str, Any]]:
        query, values = self.bound(name, **params)
        run_query(self.driver, "CYPHER replan=force EXPLAIN " + query.text, values, neo4j.Result.consume,
                  database=self.database, auto_commit=query.auto_commit)
        raise _Planned(name)


class _Ran(Exception):
    """Raised by :class:`InNeo4j` once a question's query has run in the server."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class InNeo4j(Neo4jAnalyses):
    """Asks each question only as far as Neo4j's own work: every row produced in the server, one number sent."""

    def _check(self, kind: str, name: str, what: str) -> str:
        return name

    def run(self, name: str, **params: Any) -> list[dict[str, Any]]:
        query, values = self.bound(name, **params)
        if query.auto_commit:
            # CALL { … } IN TRANSACTIONS cannot sit inside another CALL: run as it is, its rows read.
            run_query(self.driver, "EXPLAIN " + query.text, values, neo4j.Result.consume, database=self.database,
                      auto_commit=True)  # planned, not timed
            start = time.perf_counter()
            run_query(self.driver, query.text, values, list, database=self.database, timeout=self.timeout,
                      every_row=True, auto_commit=True)
            raise _Ran(time.perf_counter() - start)
        keys = self.driver.execute_query("EXPLAIN " + query.text, values, database_=self.database).keys
        columns = ", ".join(f"`{k}`" for k in keys)
        wrapped = f"CALL () {{\n{query.text}\n}}\nRETURN count([{columns}]) AS rows"
        self.driver.execute_query("EXPLAIN " + wrapped, values, database_=self.database)  # planned, not timed
        start = time.perf_counter()
        self.driver.execute_query(neo4j.Query(wrapped, timeout=self.timeout), values, database_=self.database,
                                  routing_=neo4j.RoutingControl.READ)
        raise _Ran(time.perf_counter() - start)


def in_neo4j(drv: neo4j.Driver, ask: Callable[[Neo4jAnalyses], Report], timeout: float) -> float | str:
    """Seconds Neo4j took to produce every row of a question's answer, sending none; or the error that stopped it."""
    try:
        ask(InNeo4j(drv, "neo4j", ROOT / "cypher", timeout=timeout))
    except _Ran as ran:
        return round(ran.seconds, 2)
    except neo4j.exceptions.Neo4jError as exc:
        return f"{exc.code}: {(exc.message or '')[:200]}"
    raise AssertionError("the question ran no query")


def plan_all(drv: neo4j.Driver, limit: int) -> dict[str, float]:
    """Plan every question's query (forcing a new plan); seconds each took."""
    planner = Planner(drv, "neo4j", ROOT / "cypher")
    seconds: dict[str, float] = {}
    for name, ask, _ in questions(limit):
        start = time.perf_counter()
        with contextlib.suppress(_Planned):
            ask(planner)
        seconds[name] = round(time.perf_counter() - start, 2)
    return seconds


def timed(fn: Callable[[], Report]) -> tuple[float, Report | None, str]:
    start = time.perf_counter()
    try:
        out = fn()
    except neo4j.exceptions.Neo4jError as exc:
        return time.perf_counter() - start, None, f"{exc.code}: {(exc.message or '')[:200]}"
    return time.perf_counter() - start, out, "ok"


def one_size(drv: neo4j.Driver, size: int, args: argparse.Namespace) -> dict[str, Any]:
    res: dict[str, Any] = {"flows": size, "load_average_start": [round(x, 2) for x in os.getloadavg()]}
    t0 = time.perf_counter()
    g = synth.generate(size, seed=0)
    res["generate_s"] = round(time.perf_counter() - t0, 2)
    res["parties"] = sum(1 for _, k in g.nodes(data="kind") if k in ("agency", "system"))
    t0 = time.perf_counter()
    rows = graph_rows(g)
    res["rows_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    loaded = loader.load(drv, "neo4j", rows, version="bench")
    res["load_s"] = round(time.perf_counter() - t0, 2)
    print(f"{size:>9,} flows: loaded in {res['load_s']:.1f} s ({loaded.counts.get('FLOW', 0):,} flows)", flush=True)
    del rows
    compare = size <= args.compare_up_to
    if not compare:
        del g
        gc.collect()
    plans = plan_all(drv, args.limit)
    db = Neo4jAnalyses(drv, "neo4j", ROOT / "cypher", timeout=args.timeout)
    res["analyses"] = []
    for name, ask, ask_embedded in questions(args.limit):
        runs: list[float] = []
        report: Report | None = None
        for _ in range(args.repeat):
            report = None  # the answer before is freed first: at 1M flows it takes gigabytes
            secs, report, status = timed(partial(ask, db))
            runs.append(round(secs, 2))
            if status != "ok":
                break
        secs = statistics.median(runs)
        row: dict[str, Any] = {"analysis": name, "seconds": round(secs, 2), "status": status,
                               "under_target": status == "ok" and secs < TARGET_S, "plan_seconds": plans[name],
                               "runs": runs}
        if report is not None:
            row["answer"] = size_of(report)
        in_server = [in_neo4j(drv, ask, args.timeout) for _ in range(args.repeat if status == "ok" else 1)]
        numbers = [x for x in in_server if isinstance(x, float)]
        row["neo4j_seconds"] = round(statistics.median(numbers), 2) if len(numbers) == len(in_server) else in_server[-1]
        row["neo4j_runs"] = in_server
        if compare:
            esecs, ereport, _ = timed(partial(ask_embedded, g))
            row["embedded_seconds"] = round(esecs, 2)
            if report is not None and ereport is not None:
                row["same_json_as_embedded"] = to_json(report) == to_json(ereport)
        res["analyses"].append(row)
        extra = (f"  embedded {row['embedded_seconds']:.2f} s, same {row.get('same_json_as_embedded')}"
                 if compare else "")
        spread = f" ({min(runs):.2f}-{max(runs):.2f})" if len(runs) > 1 else ""
        print(f"    {name:<62} {secs:8.2f} s{spread} (in Neo4j {row['neo4j_seconds']} s; "
              f"planned in {plans[name]:.2f} s)  "
              f"{status if status != 'ok' else row.get('answer')}{extra}", flush=True)
    res["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,1000000", help="flow counts")
    ap.add_argument("--heap", default="12g", help="Neo4j max heap")
    ap.add_argument("--pagecache", default="4g", help="Neo4j page cache")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds each question may take")
    ap.add_argument("--limit", type=int, default=1000,
                    help="records of each kind detailed by creep-drift and missing-firewalls")
    ap.add_argument("--repeat", type=int, default=3,
                    help="times each question is asked; its figure is the median (every run is recorded)")
    ap.add_argument("--compare-up-to", type=int, default=100000, help="largest size also run on the embedded engine")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "cypher_analyses.json"))
    args = ap.parse_args()
    if args.repeat < 1:
        ap.error(f"--repeat must be 1 or more, not {args.repeat}")
    sizes = [int(x) for x in args.sizes.split(",")]
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "neo4j": {"heap": args.heap, "pagecache": args.pagecache, "timeout_s": args.timeout},
        "target_s": TARGET_S, "limit": args.limit, "repeat": args.repeat, "results": [],
        # The machine's speed this hour (probe.py): the same fixed work, timed before and after.
        "machine_probe_s": {"start": machine_probe()},
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with neo4j_server(args.heap, args.pagecache) as server:
        drv = neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", server.password),
                                     notifications_min_severity="OFF")
        try:
            # Compile every query's plan on a small map first: the timings are of running, not planning.
            loader.load(drv, "neo4j", graph_rows(synth.generate(2000, seed=99)), version="bench")
            warm = Neo4jAnalyses(drv, "neo4j", ROOT / "cypher")
            for _, ask, _ in questions(args.limit):
                ask(warm)
            for size in sizes:
                results["results"].append(one_size(drv, size, args))
                # Written after every size: a later size that runs out of time still leaves these.
                out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        finally:
            drv.close()
    results["machine_probe_s"]["end"] = machine_probe()
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(probe_line(results["machine_probe_s"]))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
