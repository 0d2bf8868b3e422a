"""Interoperability: paths between two parties, and everything a party can reach.

Only ``flow`` edges are followed, in their direction (sender → recipient), and
only flows that *qualify* under the :class:`~dataflows.analyses.index.FlowFilter`
and the as-of date (see :mod:`dataflows.analyses.index`).

Definitions (the Cypher versions must give identical results)
--------------------------------------------------------------
:func:`shortest_path`
    One shortest path (fewest hops) from ``source`` to ``target``: the
    *witness path* of a breadth-first search from ``source`` (tie-break in
    :mod:`dataflows.analyses.index`: walking back from ``target``, each hop is
    the qualifying flow whose sender is one step nearer ``source`` with the
    smallest sender id, then the smallest flow id). ``None`` when there is none.
:func:`all_paths`
    Every *simple* path (no party twice, ``source`` and ``target`` included)
    of 1 to ``max_hops`` qualifying flows; parallel flows make distinct paths.
    Sorted by number of hops, then by the sequence of flow ids
    (lexicographically). ``limit`` keeps the first ``limit`` of that order.
:func:`reach`
    ``direction="down"``: every party reachable from ``party`` (where its data
    can go); ``"up"``: every party from which ``party`` can be reached (whose
    data can reach it). Each with its hop distance and the witness path of the
    breadth-first search from ``party`` (for ``"up"`` the search runs against
    the flows; the path is given in travel order, ending at ``party``).
    ``party`` itself is not listed. Sorted by distance, then party id.
    Complexity O(V + E): one breadth-first search.

A path is a list of *hops*; each hop has the flow id, sender and recipient
(id and label), categories, purpose, collected_for, firewall (status, note,
citations) and the flow's citations.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import networkx as nx

from ..gcpause import paused_gc
from .index import NO_FILTER, FlowFilter, FlowIndex, check_party, flow_index
from .render import LazyRows, Report, Table, hop_sources, route_text

Direction = Literal["down", "up"]


def _path(index: FlowIndex, flows: list[int]) -> dict[str, Any]:
    hops = [index.hop(f) for f in flows]
    return {"length": len(hops), "flows": [h["flow"] for h in hops], "hops": hops}


def _prepare(g: nx.MultiDiGraph, parties: list[str], flt: FlowFilter, day: dt.date | None) -> FlowIndex:
    for p in parties:
        check_party(g, p)
    flt.check(g)
    return flow_index(g, day)


def shortest_path(
    g: nx.MultiDiGraph, source: str, target: str, *, flt: FlowFilter = NO_FILTER, day: dt.date | None = None,
) -> dict[str, Any] | None:
    """The witness shortest path from *source* to *target*, or ``None``.

    Parameters
    ----------
    g
        The graph from :func:`dataflows.graph.build`.
    source, target
        Party ids (agencies or systems).
    flt
        Which flows may be hops.
    day
        Only what was in force on this date.

    Returns
    -------
    dict or None
        ``{"length", "flows", "hops"}``.

    Raises
    ------
    UnknownName
        If a party, the category or the confidence does not exist.
    """
    index = _prepare(g, [source, target], flt, day)
    if source not in index.pos or target not in index.pos or source == target:
        return None
    s, t = index.pos[source], index.pos[target]
    dist, via = index.bfs(s, index.mask(flt))
    if t not in dist:
        return None
    return _path(index, index.walk(via, t))


def all_paths(
    g: nx.MultiDiGraph, source: str, target: str, *, max_hops: int = 4, flt: FlowFilter = NO_FILTER,
    day: dt.date | None = None, limit: int | None = None,
) -> list[dict[str, Any]]:
    """Every simple path of at most *max_hops* flows from *source* to *target*.

    The search is pruned with the hop distance of every party to *target*
    (one backward breadth-first search), so it only walks prefixes that can
    still reach *target* in time; its cost grows with the number of paths.

    Returns
    -------
    list of dict
        Paths sorted by length, then flow ids (see the module docstring).
    """
    index = _prepare(g, [source, target], flt, day)
    if source not in index.pos or target not in index.pos or source == target or max_hops < 1:
        return []
    s, t = index.pos[source], index.pos[target]
    allowed = index.mask(flt)
    to_t, _ = index.bfs(t, allowed, reverse=True, max_hops=max_hops)
    found: list[list[int]] = []
    on_path = {s}
    stack: list[int] = []

    def extend(v: int) -> None:
        left = max_hops - len(stack)
        for f in index.out_of(v):
            if allowed is not None and not allowed[f]:
                continue
            w = index.dst[f]
            if w in on_path or to_t.get(w, left) > left - 1:
                continue
            stack.append(f)
            if w == t:
                found.append(list(stack))
            else:
                on_path.add(w)
                extend(w)
                on_path.discard(w)
            stack.pop()

    extend(s)
    found.sort(key=lambda p: (len(p), [index.flow_ids[f] for f in p]))
    if limit is not None:
        found = found[:limit]
    return [_path(index, p) for p in found]


def reach(
    g: nx.MultiDiGraph, party: str, *, direction: Direction = "down", flt: FlowFilter = NO_FILTER,
    day: dt.date | None = None, max_hops: int | None = None,
) -> list[dict[str, Any]]:
    """Every party downstream (or upstream) of *party*, with distance and witness path.

    Parameters
    ----------
    direction
        ``"down"``: where *party*'s data can go; ``"up"``: whose data can reach *party*.
    max_hops
        Stop after this many hops (default: no limit).

    Returns
    -------
    list of dict
        ``{"party", "label", "kind", "distance", "path"}`` sorted by distance, then id.
    """
    index = _prepare(g, [party], flt, day)
    if party not in index.pos:
        return []
    reverse = direction == "up"
    start = index.pos[party]
    out = []
    with paused_gc():  # many small acyclic objects on a large graph: see paused_gc
        dist, via = index.bfs(start, index.mask(flt), reverse=reverse, max_hops=max_hops)
        walks = index.walks(dist, via, reverse=reverse)
        for v in sorted(dist, key=lambda x: (dist[x], x)):
            if v == start:
                continue
            node = index.nodes[v]
            attrs = g.nodes[node]
            out.append({"party": node, "label": attrs.get("label", node), "kind": attrs.get("kind"),
                        "distance": dist[v], "path": _path(index, walks[v])})
    return out


def reach_ids(index: FlowIndex, party: str, *, direction: Direction = "down",
              flt: FlowFilter = NO_FILTER) -> dict[str, tuple[int, list[str]]]:
    """Reach on a prepared index: party id → (distance, witness flow ids). For tests and benchmarks."""
    reverse = direction == "up"
    start = index.pos[party]
    with paused_gc():
        dist, via = index.bfs(start, index.mask(flt), reverse=reverse)
        walks = index.walks(dist, via, reverse=reverse, label=index.flow_ids)
        return {index.nodes[v]: (d, walks[v]) for v, d in dist.items() if v != start}


# --------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------


def _filter_lines(flt: FlowFilter, day: dt.date | None) -> list[str]:
    parts = []
    if flt.category:
        parts.append(f"category={flt.category}")
    if flt.min_confidence:
        parts.append(f"min-confidence={flt.min_confidence}")
    if flt.unfirewalled:
        parts.append("only unfirewalled flows")
    if day:
        parts.append(f"as of {day.isoformat()}")
    return ["Filters: " + (", ".join(parts) if parts else "none")]


def paths_report(source: str, target: str, paths: list[dict[str, Any]], *, flt: FlowFilter = NO_FILTER,
                 day: dt.date | None = None, max_hops: int | None = None) -> Report:
    """Report of the paths from *source* to *target*."""
    rows = [{"n": i + 1, "length": p["length"], "route": route_text(p["hops"]),
             "categories": [f"{h['flow']}: {', '.join(h['categories'])}" for h in p["hops"]],
             "sources": hop_sources(p["hops"])} for i, p in enumerate(paths)]
    table = Table("paths", f"Paths from {source} to {target}",
                  [("n", "#"), ("length", "hops"), ("route", "route"), ("categories", "data per hop"),
                   ("sources", "sources per hop")], rows)
    count = f"{len(paths)} path{'s' if len(paths) != 1 else ''}" + (f" of at most {max_hops} hops" if max_hops else "")
    summary = [*_filter_lines(flt, day), count + "."]
    return Report("paths", f"Paths: {source} → {target}", summary, [table],
                  {"from": source, "to": target, "max_hops": max_hops, "count": len(paths), "paths": paths,
                   "filters": {"category": flt.category, "min_confidence": flt.min_confidence,
                               "unfirewalled": flt.unfirewalled, "as_of": day.isoformat() if day else None}})


def reach_report(party: str, direction: Direction, reached: list[dict[str, Any]], *,
                 flt: FlowFilter = NO_FILTER, day: dt.date | None = None) -> Report:
    """Report of what *party* reaches (down) or is reached from (up)."""
    rows = LazyRows(reached, lambda r: {
        "party": r["party"], "label": r["label"], "kind": r["kind"], "distance": r["distance"],
        "route": route_text(r["path"]["hops"]), "sources": hop_sources(r["path"]["hops"])})
    what = "downstream of" if direction == "down" else "upstream of"
    table = Table("reach", f"Parties {what} {party}",
                  [("party", "party"), ("label", "name"), ("kind", "kind"), ("distance", "hops"),
                   ("route", "witness path"), ("sources", "sources per hop")], rows)
    return Report("reach", f"Reach: {what} {party}", [*_filter_lines(flt, day), f"{len(reached)} parties."],
                  [table], {"party": party, "direction": direction, "count": len(reached), "reached": reached,
                            "filters": {"category": flt.category, "min_confidence": flt.min_confidence,
                                        "unfirewalled": flt.unfirewalled,
                                        "as_of": day.isoformat() if day else None}})
