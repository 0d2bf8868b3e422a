"""How fast the machine is right now: a fixed workload, timed, recorded beside each benchmark's figures.

The machine the project is measured on is a 2-core virtual machine on shared hardware, and its speed
changes from hour to hour: on 2026-12-06 the naive Neo4j loader wrote 386 flows/s in one run and 275
in another, and purpose drift at a million flows took 8.26 s in one run and 12.21 s in another, with
the same code and nothing else running. A figure against a target in seconds means little without
knowing which kind of hour it was measured in, so the Neo4j benchmarks time this probe when they
start and when they end (``machine_probe_s``): the same work each time, in the same interpreter.
"""

from __future__ import annotations

import hashlib
import statistics
import time


def _work() -> int:
    """Building, hashing and sorting a few hundred thousand small Python objects, as the client does."""
    d: dict[str, int] = {}
    for i in range(300_000):
        d[f"flow-{i * 7919 % 300_000:07d}"] = i
    rows = sorted(d.items())
    return len(hashlib.sha256("".join(k for k, _ in rows[::100]).encode()).digest()) + len(rows)


def machine_probe(repeat: int = 5) -> float:
    """Seconds the fixed workload takes: the median of *repeat* runs (lower is a faster hour)."""
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        _work()
        runs.append(time.perf_counter() - t0)
    return round(statistics.median(runs), 3)


def probe_line(probe: dict[str, float]) -> str:
    """The line a benchmark prints of its ``machine_probe_s``."""
    return (f"machine probe (fixed work, lower is faster): {probe['start']:.3f} s at the start, "
            f"{probe['end']:.3f} s at the end")


if __name__ == "__main__":
    print(f"machine probe: {machine_probe():.3f} s")
