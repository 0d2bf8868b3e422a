"""Benchmark the path analyses on synthetic maps, against the brute-force baseline.

Usage::

    python benchmarks/bench_analyses.py --sizes 1000,10000,100000,1000000

For each size (number of flows) a fresh process generates a map with
:func:`dataflows.synth.generate` and times: building the flow index, purpose
drift (``creep``), missing firewalls, and reach (down from three parties, up
from one enforcement party); then the brute-force versions in
:mod:`dataflows.analyses.bruteforce`, each with a time cap ("did not finish"
past it). Peak memory is the process's maximum resident set size. The table is
printed and the results written to ``benchmarks/results/analyses.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from dataflows import synth  # noqa: E402
from dataflows.analyses import bruteforce, creep, firewalls, paths  # noqa: E402
from dataflows.analyses.index import flow_index  # noqa: E402

ANALYSES = ("index", "drift", "firewalls", "reach")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


CPU: dict[str, float] = {}


def _timed(fn: Any, name: str | None = None) -> tuple[float, Any]:
    """Wall time of ``fn()`` (and, under *name*, its CPU time: steadier on a shared machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    if name:
        CPU[name] = round(time.process_time() - cpu, 3)
    return time.perf_counter() - start, out


def one(size: int, brute_cap: float, brute: bool) -> dict[str, Any]:
    """Measure one size (run in its own process, so peak memory is its own)."""
    res: dict[str, Any] = {"flows": size, "load_average_start": [round(x, 2) for x in os.getloadavg()]}
    res["generate_s"], g = _timed(lambda: synth.generate(size, seed=0))
    res["parties"] = sum(1 for _, k in g.nodes(data="kind") if k in ("agency", "system"))
    res["rss_after_generate_mb"] = round(_rss_mb(), 1)
    res["index_s"], index = _timed(lambda: flow_index(g), "index")
    res["drift_s"], d = _timed(lambda: creep.drift(g), "drift")
    res["drift_counts"] = {"violations": d.count(), "gaps": d.count(creep.GAP),
                           "unassessed": sum(d.unassessed.values()), "compatible": d.compatible}
    pairs = d.pairs()[:1000]
    res["drift_witnesses_1000_s"], _ = _timed(lambda: [d.witness(f, b) for f, b in pairs])
    res["firewalls_s"], fw = _timed(lambda: firewalls.firewalls(g), "firewalls")
    res["firewall_pairs"] = {k: len(fw.kind_pairs(k)) for k in (firewalls.MISSING, firewalls.UNKNOWN_BARRIER)}
    cuts = fw.pairs[:1000]
    res["firewall_cuts_1000_s"], _ = _timed(lambda: [fw.cut_flows(o, t, k) for o, t, k in cuts])
    # Local starts, and one whose upstream is most of the map (every country's police database feeds it).
    starts = [("r000000-police", "down"), ("r000000-gp", "down"), ("c0000-immigration-enforcement", "up"),
              (synth.INTL_BORDER_AGENCY, "up")]
    reach_times, reached = [], []
    for party, direction in starts:
        t, got = _timed(lambda p=party, w=direction: paths.reach_ids(index, p, direction=w))
        reach_times.append(t)
        reached.append(len(got))
    res["reach_s"] = sum(reach_times)
    res["cpu_s"] = dict(CPU)
    res["reach_each_s"] = reach_times
    res["reach_parties"] = reached
    res["peak_rss_mb"] = round(_rss_mb(), 1)
    res["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    if brute:
        res["brute"] = {}
        for name, fn in (
            ("drift", lambda dl: bruteforce.drift(g, deadline=dl)),
            ("firewalls", lambda dl: bruteforce.firewalls(g, deadline=dl)),
            ("reach", lambda dl: [bruteforce.reach(g, p, direction=w, deadline=dl) for p, w in starts]),
        ):
            start = time.perf_counter()
            try:
                fn(time.monotonic() + brute_cap)
                res["brute"][name] = round(time.perf_counter() - start, 3)
            except TimeoutError:
                res["brute"][name] = None  # did not finish within the cap
    return res


def _fmt(x: float | None) -> str:
    return "DNF" if x is None else f"{x:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000,1000000", help="Comma-separated numbers of flows.")
    parser.add_argument("--brute-cap", type=float, default=60.0, help="Seconds before a brute force gives up.")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "analyses.json")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--brute", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, args.brute_cap, args.brute)))
        return

    sizes = [int(s) for s in args.sizes.split(",")]
    results: list[dict[str, Any]] = []
    brute_alive = {"drift": True, "firewalls": True, "reach": True}
    for size in sizes:
        cmd = [sys.executable, __file__, "--one", str(size), "--brute-cap", str(args.brute_cap)]
        if any(brute_alive.values()):
            cmd.append("--brute")
        print(f"running {size} flows …", file=sys.stderr, flush=True)
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        res = json.loads(proc.stdout)
        for name, value in res.get("brute", {}).items():
            if value is None:
                brute_alive[name] = False  # larger maps will not finish either
        results.append(res)

    # Growth ratios between consecutive sizes (time ratio / size ratio).
    for prev, cur in itertools.pairwise(results):
        cur["growth"] = {a: round(cur[f"{a}_s"] / prev[f"{a}_s"], 2) if prev[f"{a}_s"] > 0 else None
                         for a in ANALYSES}
        cur["size_ratio"] = cur["flows"] / prev["flows"]

    header = (f"{'flows':>9} {'parties':>8} {'gen s':>7} {'index s':>8} {'drift s':>8} {'firewalls s':>11} "
              f"{'reach s':>8} {'peak MB':>8} | {'brute drift':>11} {'brute fw':>9} {'brute reach':>11}")
    print(header)
    print("-" * len(header))
    for r in results:
        b = r.get("brute", {})
        print(f"{r['flows']:>9} {r['parties']:>8} {r['generate_s']:>7.2f} {r['index_s']:>8.3f} {r['drift_s']:>8.3f} "
              f"{r['firewalls_s']:>11.3f} {r['reach_s']:>8.4f} {r['peak_rss_mb']:>8.0f} | "
              f"{_fmt(b.get('drift', None)) if 'drift' in b else '-':>11} "
              f"{_fmt(b.get('firewalls')) if 'firewalls' in b else '-':>9} "
              f"{_fmt(b.get('reach')) if 'reach' in b else '-':>11}")
    print()
    print("CPU seconds (index, drift, firewalls):")
    for r in results:
        print(f"  {r['flows']:>9}: " + ", ".join(f"{k} {v:.3f}" for k, v in r["cpu_s"].items()))
    print()
    print("growth (time ratio for a 10x larger map; linear = 10):")
    for r in results[1:]:
        print(f"  {r['flows']:>9}: " + ", ".join(f"{a} {r['growth'][a]}" for a in ANALYSES))
    print()
    print("speed-up against brute force (where it finished):")
    for r in results:
        for name, key in (("drift", "drift_s"), ("firewalls", "firewalls_s"), ("reach", "reach_s")):
            bt = r.get("brute", {}).get(name, "skip")
            if bt == "skip":
                continue
            if bt is None:
                print(f"  {r['flows']:>9} {name}: brute force did not finish in {args.brute_cap:.0f} s "
                      f"(fast: {r[key]:.3f} s)")
            else:
                print(f"  {r['flows']:>9} {name}: {bt:.3f} s vs {r[key]:.4f} s = {bt / max(r[key], 1e-6):.0f}x")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    print("load average (1 min) at the start of each size: "
          + ", ".join(f"{r['flows']}: {r['load_average_start'][0]}" for r in results)
          + f" — on {machine['cpus']} CPUs; other work on the machine inflates wall times")
    args.out.write_text(json.dumps({"brute_cap_s": args.brute_cap, "machine": machine, "results": results},
                                   indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
