"""Brute-force versions of the path analyses, by enumerating every simple path.

They restate the definitions of :mod:`~dataflows.analyses.paths`,
:mod:`~dataflows.analyses.creep` and :mod:`~dataflows.analyses.firewalls` in
the most literal way — list every route, then pick — and read the networkx
graph directly (not the :class:`~dataflows.analyses.index.FlowIndex`). The
tests compare them with the efficient algorithms on random small maps; the
benchmark uses them as the baseline. Exponential time: small graphs only.

Every function takes an optional ``deadline`` (a :func:`time.monotonic`
value) and raises :class:`TimeoutError` once it has passed.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import networkx as nx

from ..graph import as_of
from .creep import GAP, VIOLATION, Origins, rules_of
from .firewalls import ENFORCEMENT_SECTORS, MISSING, PUBLIC_SERVICE_SECTORS, UNKNOWN_BARRIER
from .index import CONFIDENCE_RANK, NO_FILTER, SECTOR_ROLES_RUN, FlowFilter, hierarchy, party_sectors

#: A flow as the brute force sees it: (flow id, sender, recipient, attributes).
Edge = tuple[str, str, str, dict[str, Any]]


def _tick(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise TimeoutError("brute force ran out of time")


def qualifying(g: nx.MultiDiGraph, flt: FlowFilter = NO_FILTER, day: dt.date | None = None) -> list[Edge]:
    """Every flow that qualifies under *flt* and *day*, sorted by flow id."""
    view = as_of(g, day) if day is not None else g
    below = hierarchy(g, "data_category").below(flt.category) if flt.category else None
    need = CONFIDENCE_RANK[flt.min_confidence] if flt.min_confidence else 0
    out = []
    for u, v, a in view.edges(data=True):
        if a.get("kind") != "flow":
            continue
        if below is not None and not set(a["categories"]) & below:
            continue
        if need and not any(CONFIDENCE_RANK[c["confidence"]] >= need for c in a["citations"]):
            continue
        if flt.unfirewalled and a["firewall"]["status"] == "present":
            continue
        out.append((a["id"], u, v, a))
    return sorted(out, key=lambda e: e[0])


def _adjacency(edges: list[Edge]) -> dict[str, list[Edge]]:
    adj: dict[str, list[Edge]] = {}
    for e in edges:
        adj.setdefault(e[1], []).append(e)
    return adj


def simple_paths(adj: dict[str, list[Edge]], start: str, deadline: float | None = None,
                 max_hops: int | None = None) -> Iterator[list[Edge]]:
    """Every simple path (no party twice) of one or more flows from *start*."""
    path: list[Edge] = []
    on = {start}

    def walk(v: str) -> Iterator[list[Edge]]:
        _tick(deadline)
        if max_hops is not None and len(path) >= max_hops:
            return
        for e in adj.get(v, []):
            if e[2] in on:
                continue
            path.append(e)
            on.add(e[2])
            yield list(path)
            yield from walk(e[2])
            on.discard(e[2])
            path.pop()

    yield from walk(start)


def _down_key(path: list[Edge]) -> list[tuple[str, str]]:
    # From the far end back to the start: (sender, flow) of each hop.
    return [(e[1], e[0]) for e in reversed(path)]


def _up_key(path: list[Edge]) -> list[tuple[str, str]]:
    # From the far end (the first sender) to the start: (recipient, flow) of each hop.
    return [(e[2], e[0]) for e in path]


def reach(g: nx.MultiDiGraph, party: str, *, direction: str = "down", flt: FlowFilter = NO_FILTER,
          day: dt.date | None = None, deadline: float | None = None) -> dict[str, tuple[int, list[str]]]:
    """Party → (distance, witness flow ids), by enumerating every simple path."""
    edges = qualifying(g, flt, day)
    if direction == "up":
        flipped = [(f, v, u, a) for f, u, v, a in edges]
        best: dict[str, list[Edge]] = {}
        for p in simple_paths(_adjacency(flipped), party, deadline):
            travel = [(f, v, u, a) for f, u, v, a in reversed(p)]
            x = travel[0][1]
            cur = best.get(x)
            if cur is None or (len(travel), _up_key(travel)) < (len(cur), _up_key(cur)):
                best[x] = travel
    else:
        best = {}
        for p in simple_paths(_adjacency(edges), party, deadline):
            x = p[-1][2]
            cur = best.get(x)
            if cur is None or (len(p), _down_key(p)) < (len(cur), _down_key(cur)):
                best[x] = p
    return {x: (len(p), [e[0] for e in p]) for x, p in best.items()}


def shortest_path(g: nx.MultiDiGraph, source: str, target: str, *, flt: FlowFilter = NO_FILTER,
                  day: dt.date | None = None, deadline: float | None = None) -> list[str] | None:
    """Witness shortest path as flow ids, or ``None``."""
    got = reach(g, source, flt=flt, day=day, deadline=deadline).get(target)
    return None if got is None or source == target else got[1]


def all_paths(g: nx.MultiDiGraph, source: str, target: str, *, max_hops: int = 4, flt: FlowFilter = NO_FILTER,
              day: dt.date | None = None) -> list[list[str]]:
    """Every simple path of at most *max_hops* flows, as flow ids, sorted by length then ids."""
    adj = _adjacency(qualifying(g, flt, day))
    found = [[e[0] for e in p] for p in simple_paths(adj, source, max_hops=max_hops) if p[-1][2] == target]
    return sorted(found, key=lambda p: (len(p), p))


def drift(g: nx.MultiDiGraph, *, flt: FlowFilter = NO_FILTER, day: dt.date | None = None,
          deadline: float | None = None) -> dict[str, dict[tuple[str, str], list[str]]]:
    """``{"violation": {(flow, P): witness}, "gap": {...}}`` by enumerating every route.

    A route starts with a flow that establishes origin purpose ``P``; it may
    continue from a recipient not met before on the route (see
    :mod:`~dataflows.analyses.creep`).
    """
    edges = qualifying(g, flt, day)
    adj = _adjacency(edges)
    rules = rules_of(g)
    origins = Origins(g)
    best: dict[str, dict[tuple[str, str], list[Edge]]] = {VIOLATION: {}, GAP: {}}

    def key(route: list[Edge]) -> tuple[int, list[tuple[str, str]]]:
        return (len(route), _down_key(route))

    def record(route: list[Edge], p: str) -> None:
        last = route[-1]
        verdict = rules.verdict(p, last[3].get("purpose") or "unknown")[0]
        if verdict not in best:
            return
        k = (last[0], p)
        cur = best[verdict].get(k)
        if cur is None or key(route) < key(cur):
            best[verdict][k] = list(route)

    def walk(route: list[Edge], seen: set[str], p: str) -> None:
        _tick(deadline)
        for e in adj.get(route[-1][2], []):
            route.append(e)
            record(route, p)
            if e[2] not in seen:
                seen.add(e[2])
                walk(route, seen, p)
                seen.discard(e[2])
            route.pop()

    for e in edges:
        for p in sorted(origins.of(e[1], e[3])):
            record([e], p)
            walk([e], {e[2]}, p)
    return {k: {pair: [x[0] for x in r] for pair, r in sorted(v.items())} for k, v in best.items()}


def firewalls(g: nx.MultiDiGraph, *, public_sectors: frozenset[str] = PUBLIC_SERVICE_SECTORS,
              enforcement_sectors: frozenset[str] = ENFORCEMENT_SECTORS, flt: FlowFilter = NO_FILTER,
              day: dt.date | None = None, deadline: float | None = None) -> dict[tuple[str, str], dict[str, Any]]:
    """``{(origin, target): {kind, witness, cut_flows, cut_flows_unbarred?}}`` by enumerating every route."""
    view = as_of(g, day) if day is not None else g
    parties = sorted(n for n, a in view.nodes(data=True) if a.get("kind") in ("agency", "system"))
    origins = [p for p in parties if party_sectors(view, p, SECTOR_ROLES_RUN) & public_sectors]
    targets = {p for p in parties if party_sectors(view, p, SECTOR_ROLES_RUN) & enforcement_sectors}
    unbarred = [e for e in qualifying(g, flt, day) if e[3]["firewall"]["status"] != "present"]
    adj = _adjacency(unbarred)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for o in origins:
        routes: dict[str, list[list[Edge]]] = {}
        for p in simple_paths(adj, o, deadline):
            if p[-1][2] in targets:
                routes.setdefault(p[-1][2], []).append(p)
        for t, rs in sorted(routes.items()):
            confirmed = [r for r in rs if all(e[3]["firewall"]["status"] == "absent" for e in r)]
            kind = MISSING if confirmed else UNKNOWN_BARRIER
            chosen = confirmed if confirmed else rs
            witness = min(chosen, key=lambda r: (len(r), _up_key(r)))
            cut = set.intersection(*({e[0] for e in r} for r in chosen))
            rec: dict[str, Any] = {"kind": kind, "witness": [e[0] for e in witness], "cut_flows": sorted(cut)}
            if kind == MISSING:
                rec["cut_flows_unbarred"] = sorted(set.intersection(*({e[0] for e in r} for r in rs)))
            out[(o, t)] = rec
    return out
