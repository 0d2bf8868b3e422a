"""Benchmark the published pages against pyvis's own, in headless Chromium.

Usage::

    python benchmarks/bench_render.py                       # the standard run (a few minutes)
    python benchmarks/bench_render.py --sizes 500,2000 --dense-sizes 500 --cap 60

Graphs come from :func:`dataflows.synth.generate` (shaped like the real map's
graph), cut to exactly *n* nodes (the first parties by id, with every data
category, purpose, group and outcome) and, for the *map-like* series, thinned
to :data:`DENSITY` relations per node — the curated map has about 1.2; the
generator's own density (about 10 flows per party) is kept in the *dense*
series, a stress test.

For each graph:

* **ours** — :func:`dataflows.render.page.render_page` of the whole map:
  generation time (analyses' findings, layout and HTML), page size, and time
  to interactive: from navigation start to ``window.dataflows.ready`` (set
  when the laid-out network is first drawn), read from ``performance.now()``
  in the page; then the time of one zoom redraw. The network is blocked
  (every non-file request aborted); requests and console errors are counted.
* **pyvis** — ``Network().from_nx(g)`` and ``write_html`` with default
  settings. Offline it cannot draw: its page loads vis-network from a CDN
  (cdnjs, with an integrity hash the bundled copy does not match) and
  Bootstrap from jsDelivr; the run records what happens. To still measure its
  layout time, the same graph is written with ``cdn_resources="in_line"`` (vis
  inlined; Bootstrap still requested and blocked) and timed from navigation
  start to vis-network's ``stabilizationIterationsDone``, capped at ``--cap``
  seconds. pyvis is skipped above :data:`BASELINE_MAX_EDGES` relations (its
  generation alone is quadratic in the number of edges).

Results are printed as a table and written to ``benchmarks/results/render.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import networkx as nx  # noqa: E402
from playwright.sync_api import Browser, sync_playwright  # noqa: E402
from pyvis.network import Network  # noqa: E402

from dataflows import synth  # noqa: E402
from dataflows.render import views  # noqa: E402
from dataflows.render.findings import findings  # noqa: E402
from dataflows.render.page import AGGREGATE_ABOVE, AGGREGATE_EDGES_ABOVE, render_page  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
DENSITY = 2.0
PARTIES = ("agency", "system")
RESULTS = ROOT / "benchmarks" / "results" / "render.json"

# In pyvis's pages `network` is a global created by drawGraph(); vis-network stabilises in timed
# batches after the constructor returns, so a hook attached within a few milliseconds sees the end.
PYVIS_HOOK = """
(() => {
  const hook = () => {
    if (window.network && window.network.once) {
      window.network.once("stabilizationIterationsDone", () => { window.__stabilized = performance.now(); });
      window.network.once("afterDrawing", () => { window.__drawn = performance.now(); });
    } else if (!window.__gaveUp) {
      setTimeout(hook, 2);
    }
  };
  hook();
})();
"""


def sized_graph(n: int, *, seed: int = 0, density: float | None = DENSITY) -> nx.MultiDiGraph:
    """A synthetic map of exactly *n* nodes; thinned to *density* relations per node unless ``None``."""
    flows = max(200, n * 8)
    g = synth.generate(flows, seed=seed)
    while sum(1 for _, k in g.nodes(data="kind") if k in PARTIES) + \
            sum(1 for _, k in g.nodes(data="kind") if k not in PARTIES) < n:
        flows = int(flows * 1.4)
        g = synth.generate(flows, seed=seed)
    others = sorted(v for v, k in g.nodes(data="kind") if k not in PARTIES)
    parties = sorted(v for v, k in g.nodes(data="kind") if k in PARTIES)
    keep = (others + parties)[:n] if len(others) < n else others[:n]
    h = g.subgraph(keep).copy()
    h.graph = dict(g.graph)
    if density is not None:
        flow_keys = sorted((u, v, k) for u, v, k, kind in h.edges(keys=True, data="kind") if kind == "flow")
        structural = h.number_of_edges() - len(flow_keys)
        target = max(0, int(density * n) - structural)
        if target < len(flow_keys):
            rng = random.Random(seed)
            drop = set(rng.sample(range(len(flow_keys)), len(flow_keys) - target))
            h.remove_edges_from([flow_keys[i] for i in sorted(drop)])
    return h


def _open(browser: Browser, url: str, *, block: bool) -> tuple[Any, Any, dict[str, Any]]:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    log: dict[str, Any] = {"requests": [], "blocked": [], "errors": []}
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on("console", lambda m: log["errors"].append(m.text[:200]) if m.type == "error" else None)
    page.on("pageerror", lambda e: log["errors"].append(str(e)[:200]))
    if block:
        def route(r: Any) -> None:
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            else:
                log["blocked"].append(r.request.url)
                r.abort()
        context.route("**/*", route)
    return context, page, log


def measure_ours(browser: Browser, g: nx.MultiDiGraph, folder: Path, cap: float) -> dict[str, Any]:
    start = time.perf_counter()
    found = findings(g)
    view = views.whole(g)
    html = render_page(g, view, found, version="bench", data_date="bench")
    gen = time.perf_counter() - start
    path = folder / "ours.html"
    path.write_text(html, encoding="utf-8")
    context, page, log = _open(browser, path.as_uri(), block=True)
    out: dict[str, Any] = {"generate_s": round(gen, 3), "page_bytes": path.stat().st_size}
    try:
        page.goto(path.as_uri(), timeout=cap * 1000)
        page.wait_for_function("() => window.dataflows && window.dataflows.ready === true", timeout=cap * 1000,
                               polling=20)
        out["interactive_s"] = round(page.evaluate("() => window.dataflows.readyAt") / 1000, 3)
        out["drawn"] = page.evaluate("() => window.dataflows.counts()")
        out["redraw_ms"] = round(page.evaluate("""() => new Promise(done => {
            const net = window.dataflows.network, t0 = performance.now();
            net.once("afterDrawing", () => done(performance.now() - t0));
            net.moveTo({scale: net.getScale() * 1.5});
        })"""), 1)
        agg = json.loads(page.evaluate("() => document.getElementById('data').textContent"))["view"]["aggregated"]
        out["aggregated"] = bool(agg)
    except Exception as exc:  # a failed run is a result
        out["interactive_s"] = None
        out["failure"] = str(exc).splitlines()[0][:200]
    out["requests_outside_file"] = [u for u in log["requests"] if not u.startswith(("file:", "data:"))]
    out["console_errors"] = len(log["errors"])
    context.close()
    return out


def _pyvis_page(g: nx.MultiDiGraph, folder: Path, name: str, **kwargs: Any) -> tuple[float, Path]:
    cwd = os.getcwd()
    os.chdir(folder)  # write_html copies its lib/ folder into the working folder
    try:
        start = time.perf_counter()
        net = Network(**kwargs)
        net.from_nx(g)
        net.write_html(name)
        return time.perf_counter() - start, folder / name
    finally:
        os.chdir(cwd)


def _pyvis_run(browser: Browser, path: Path, cap: float) -> dict[str, Any]:
    context, page, log = _open(browser, path.as_uri(), block=True)
    page.add_init_script(PYVIS_HOOK)
    out: dict[str, Any] = {}
    try:
        page.goto(path.as_uri(), timeout=cap * 1000)
        page.wait_for_function("() => window.__stabilized !== undefined", timeout=cap * 1000, polling=50)
        out["stabilized_s"] = round(page.evaluate("() => window.__stabilized") / 1000, 3)
    except Exception as exc:  # a failed run is a result
        out["stabilized_s"] = None
        drawn = page.evaluate("() => window.__drawn !== undefined")
        vis = page.evaluate("() => typeof window.vis !== 'undefined'")
        out["failure"] = ("vis-network never loaded (it comes from a CDN): nothing is drawn" if not vis else
                          "drawn but still moving after the cap" if drawn else
                          "still stabilising after the cap: nothing drawn") + \
            f" [{str(exc).splitlines()[0][:80]}]"
    out["blocked_requests"] = sorted({u.split("?")[0] for u in log["blocked"]})
    out["console_errors"] = log["errors"][:3]
    page.evaluate("() => { window.__gaveUp = true; }")
    context.close()
    return out


def measure_pyvis(browser: Browser, g: nx.MultiDiGraph, folder: Path, cap: float) -> dict[str, Any]:
    gen, path = _pyvis_page(g, folder, "pyvis-default.html")
    out: dict[str, Any] = {"generate_s": round(gen, 3), "page_bytes": path.stat().st_size,
                           "offline_default": _pyvis_run(browser, path, min(cap, 20))}
    gen_inline, inline = _pyvis_page(g, folder, "pyvis-inline.html", cdn_resources="in_line")
    out["inline"] = {"generate_s": round(gen_inline, 3), "page_bytes": inline.stat().st_size,
                     **_pyvis_run(browser, inline, cap)}
    return out


#: pyvis is only measured up to this many relations: its undirected default compares each new edge with
#: every edge so far (quadratic), so larger graphs take many minutes just to generate.
BASELINE_MAX_EDGES = 12_000


def run(sizes: list[int], dense_sizes: list[int], cap: float, baseline: bool) -> dict[str, Any]:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    # The browser the tests use, found on PATH: not untrusted input.
    version = subprocess.run([chromium, "--version"], capture_output=True, text=True,
                             check=False).stdout.strip()
    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for series, series_sizes, density in (("map-like", sizes, DENSITY), ("dense", dense_sizes, None)):
                for n in series_sizes:
                    g = sized_graph(n, density=density)
                    row: dict[str, Any] = {"series": series, "nodes": g.number_of_nodes(),
                                           "edges": g.number_of_edges(),
                                           "flows": sum(1 for *_, k in g.edges(data="kind") if k == "flow")}
                    with tempfile.TemporaryDirectory() as tmp:
                        row["ours"] = measure_ours(browser, g, Path(tmp), cap)
                        if baseline and g.number_of_edges() <= BASELINE_MAX_EDGES:
                            row["pyvis"] = measure_pyvis(browser, g, Path(tmp), cap)
                    results.append(row)
                    print(_line(row), flush=True)
        finally:
            browser.close()
    return {"aggregate_above_nodes": AGGREGATE_ABOVE, "aggregate_above_edges": AGGREGATE_EDGES_ABOVE,
            "baseline_max_edges": BASELINE_MAX_EDGES,
            "density_map_like": DENSITY, "cap_s": cap,
            "machine": {"python": platform.python_version(), "platform": platform.platform(),
                        "chromium": version, "cpus": os.cpu_count()},
            "results": results}


def _fmt(x: Any, unit: str = "") -> str:
    return "—" if x is None else f"{x}{unit}"


def _line(r: dict[str, Any]) -> str:
    o = r["ours"]
    parts = [f"{r['series']:8} {r['nodes']:>6} nodes {r['edges']:>6} edges",
             f"ours: gen {o['generate_s']}s, {o['page_bytes'] / 1e6:.2f} MB, "
             f"interactive {_fmt(o['interactive_s'], 's')}{' (aggregated)' if o.get('aggregated') else ''}, "
             f"redraw {_fmt(o.get('redraw_ms'), 'ms')}"]
    if "pyvis" in r:
        pv = r["pyvis"]
        offline = pv["offline_default"]["stabilized_s"]
        parts.append(f"pyvis: gen {pv['generate_s']}s, {pv['page_bytes'] / 1e6:.2f} MB, "
                     f"offline: {_fmt(offline, 's') if offline else 'fails'}, "
                     f"in_line stabilised {_fmt(pv['inline']['stabilized_s'], 's')}")
    return " | ".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default=f"500,2000,5000,{AGGREGATE_ABOVE + 1},20000",
                    help="node counts of the map-like series")
    ap.add_argument("--dense-sizes", default="500,1000,2000", help="node counts of the dense series ('' for none)")
    ap.add_argument("--cap", type=float, default=120.0, help="seconds to wait for a page")
    ap.add_argument("--no-baseline", action="store_true", help="skip pyvis")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x]
    dense = [int(x) for x in args.dense_sizes.split(",") if x]
    result = run(sizes, dense, args.cap, not args.no_baseline)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
