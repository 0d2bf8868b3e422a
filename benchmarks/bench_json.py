"""Time the JSON text of large answers: dataflows.jsontext against Python's json module.

Usage::

    python benchmarks/bench_json.py --sizes 100000,1000000

For each size a map from :func:`dataflows.synth.generate` (seed 0) is built,
and the reports a user asks for with ``--format json`` are written as JSON
text both ways: every flow (``who-shares`` / ``dataflows flows``), every
safeguard gap, and what the international border agency is reached from.
Each is timed ``--repeat`` times (the best is kept); the two texts must be the
same bytes. The baseline is what the project used before:
``json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str)``
(with an indent, Python writes JSON in pure Python). Results are printed and
written to benchmarks/results/json_output.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from dataflows import synth  # noqa: E402
from dataflows.analyses import paths, safeguards, sharing  # noqa: E402
from dataflows.jsontext import dumps  # noqa: E402


def python_json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def best_of(fn: Callable[[], str], repeat: int) -> tuple[float, str]:
    times, text = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        text = fn()
        times.append(time.perf_counter() - start)
    return min(times), text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,1000000", help="flow counts")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each encoder per report (the best is kept)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "json_output.json")
    args = ap.parse_args()
    results: list[dict[str, Any]] = []
    gc.disable()  # as the command line does while it builds large answers (dataflows.gcpause)
    for size in [int(s) for s in args.sizes.split(",")]:
        g = synth.generate(size, seed=0)
        reports = {
            "every flow": sharing.report(sharing.flows(g)),
            "every safeguard gap": safeguards.report(safeguards.safeguards(g)),
            "reach up: the international border agency":
                paths.reach_report(synth.INTL_BORDER_AGENCY, "up",
                                   paths.reach(g, synth.INTL_BORDER_AGENCY, direction="up")),
        }
        del g
        for name, report in reports.items():
            base_s, base_text = best_of(partial(python_json, report.data), args.repeat)
            new_s, new_text = best_of(partial(dumps, report.data), args.repeat)
            row = {"flows": size, "report": name, "megabytes": round(len(new_text.encode()) / 1e6, 1),
                   "python_json_s": round(base_s, 2), "jsontext_s": round(new_s, 2),
                   "speed_up": round(base_s / max(new_s, 1e-6), 1), "same_text": base_text == new_text}
            results.append(row)
            print(f"{size:>9,} flows  {name:<44} {row['megabytes']:>7.1f} MB  json {base_s:6.2f} s  "
                  f"jsontext {new_s:5.2f} s  {row['speed_up']:>5.1f}x  same text: {row['same_text']}", flush=True)
            del base_text, new_text
        del reports
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": machine, "results": results}, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    if not all(r["same_text"] for r in results):
        sys.exit("the two encoders wrote different text")


if __name__ == "__main__":
    main()
