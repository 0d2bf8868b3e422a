"""Which part of the map a page shows: the views.

A :class:`View` is a selection of the graph's nodes and edges with a title,
plain-text lines that say what it shows and why, and optionally a route to
lay out left to right. Views never copy or change the graph; pages read the
attributes from the graph itself.

=================  ========================================================
view               nodes and edges
=================  ========================================================
:func:`whole`      everything
:func:`ego`        a party and every party within *hops* steps of it,
                   downstream (following flows and ``operates`` in their
                   direction) and upstream (against it); the edges among
                   them; the party's own data categories, outcomes and groups
:func:`jurisdiction`  the parties in a jurisdiction (or in one inside it), every
                   edge touching them and the nodes at their other ends
:func:`path`       every simple path of at most *max_hops* flows between two
                   parties (:func:`dataflows.analyses.paths.all_paths`), laid
                   out by hop
:func:`case`       one analysis result (a missing-firewall route, a
                   function-creep route, a system's scope expansion): its
                   route laid out by hop, with the relations among its nodes
=================  ========================================================

:func:`standard_views` is the set the main job publishes: the whole map, one
view per case, one per jurisdiction that has parties.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from ..analyses import paths as paths_analysis
from ..analyses.index import PARTY_KINDS, check_name, check_party, jurisdictions
from ..errors import UnknownName
from .findings import Case, Findings

Edge = tuple[str, str, str]


@dataclass
class View:
    """A selection of the map for one page."""

    name: str
    """File stem (a slug)."""
    title: str
    group: str
    """``map``, ``firewall``, ``creep``, ``jurisdiction``, ``ego`` or ``path``."""
    summary: list[str]
    """What the view shows and why, one plain-text line each."""
    nodes: list[str]
    """Node ids, sorted."""
    edges: list[Edge]
    """``(u, v, key)``, sorted by key."""
    route: list[str] = field(default_factory=list)
    """Flow ids to highlight, in travel order."""
    columns: dict[str, int] | None = None
    """Column of each node for a left-to-right layout; ``None`` for the force layout."""
    focus: str | None = None
    """A node to select when the page opens."""
    teaser: str | None = None
    """One line for the index (default: the first line of :attr:`summary`)."""


def _make(name: str, title: str, group: str, summary: list[str], nodes: Iterable[str], edges: Iterable[Edge], *,
          route: list[str] | None = None, columns: dict[str, int] | None = None, focus: str | None = None,
          teaser: str | None = None) -> View:
    node_list = sorted(set(nodes))
    edge_list = sorted(set(edges), key=lambda e: (e[2], e[0], e[1]))
    return View(name, title, group, summary, node_list, edge_list, route=list(route or []), columns=columns,
                focus=focus, teaser=teaser)


def _label(g: nx.MultiDiGraph, node: str) -> str:
    return str(g.nodes[node].get("label", node))


def _among(g: nx.MultiDiGraph, nodes: set[str], kinds: Iterable[str] | None = None) -> list[Edge]:
    """Edges with both ends in *nodes* (of the given kinds); cost proportional to their degrees."""
    allowed = set(kinds) if kinds is not None else None
    return [(u, v, k) for u in sorted(nodes) for _, v, k, kind in g.out_edges(u, keys=True, data="kind")
            if v in nodes and (allowed is None or kind in allowed)]


def whole(g: nx.MultiDiGraph) -> View:
    """The whole map."""
    summary = [f"The whole map: {g.number_of_nodes()} nodes and {g.number_of_edges()} relations, "
               f"{sum(1 for *_, k in g.edges(data='kind') if k == 'flow')} of them flows of personal data."]
    if g.graph.get("as_of"):
        summary.append(f"As of {g.graph['as_of']}: only what was in force that day.")
    return _make("map", "The map", "map", summary, g.nodes, g.edges(keys=True))


def ego(g: nx.MultiDiGraph, party: str, hops: int = 2) -> View:
    """A party and its neighbourhood, *hops* steps up- and downstream.

    Raises
    ------
    UnknownName
        If *party* is not an agency or system of the map.
    """
    check_party(g, party)
    if hops < 1:
        raise UnknownName(f"--hops must be at least 1, not {hops}")
    steps = ("flow", "operates")
    reached = {party}
    for reverse in (False, True):
        frontier = [party]
        seen = {party}
        for _ in range(hops):
            nxt = []
            for v in frontier:
                near = g.in_edges(v, data="kind") if reverse else g.out_edges(v, data="kind")
                for a, b, kind in near:
                    w = a if reverse else b
                    if kind in steps and w not in seen:
                        seen.add(w)
                        nxt.append(w)
            frontier = sorted(nxt)
        reached |= seen
    nodes = set(reached)
    edges = _among(g, reached, steps)
    for _, v, k, kind in g.out_edges(party, keys=True, data="kind"):
        if kind not in steps:
            nodes.add(v)
            edges.append((party, v, k))
    summary = [f"{_label(g, party)} and every party within {hops} step{'s' if hops != 1 else ''} of it: "
               "downstream (where its data goes, and the systems it runs) and upstream (whose data reaches it).",
               f"{len(reached) - 1} other part{'ies' if len(reached) != 2 else 'y'}."]
    return _make(f"ego-{party}", f"Around {_label(g, party)}", "ego", summary, nodes, edges, focus=party)


def jurisdiction(g: nx.MultiDiGraph, jur: str) -> View:
    """The parties of a jurisdiction (or of one inside it) with everything they touch.

    Raises
    ------
    UnknownName
        If *jur* is not a jurisdiction of the map.
    """
    tree = jurisdictions(g)
    if jur not in tree:
        check_name(jur, tree.parents, "jurisdiction")
    name = g.graph.get("jurisdiction_names", {}).get(jur, jur)
    parties = {n for n, a in g.nodes(data=True)
               if a.get("kind") in PARTY_KINDS and a.get("jurisdiction") and tree.is_under(a["jurisdiction"], jur)}
    nodes = set(parties)
    edges: list[Edge] = []
    for u, v, k in g.edges(keys=True):
        if u in parties or v in parties:
            edges.append((u, v, k))
            nodes.update((u, v))
    edges += [e for e in _among(g, nodes, ("broader",)) if e not in edges]
    summary = [f"Parties in {name} (or a jurisdiction inside it): {len(parties)}, with every relation "
               "they take part in; parties elsewhere appear where data crosses the border."]
    return _make(f"jurisdiction-{jur}", f"Jurisdiction: {name}", "jurisdiction", summary, nodes, edges,
                 teaser=f"{len(parties)} part{'ies' if len(parties) != 1 else 'y'}, {len(edges)} relations")


def _columns(routes: list[list[Edge]], source: str | None = None, target: str | None = None) -> dict[str, int]:
    cols: dict[str, int] = {}
    longest = max((len(r) for r in routes), default=0)
    for r in routes:
        for i, (u, v, _) in enumerate(r):
            cols[u] = min(cols.get(u, i), i)
            cols[v] = min(cols.get(v, i + 1), i + 1)
    if source is not None:
        cols[source] = 0
    if target is not None and routes:
        cols[target] = longest
    return cols


def flow_edges(g: nx.MultiDiGraph) -> dict[str, Edge]:
    """Flow id → ``(u, v, key)``."""
    return {k: (u, v, k) for u, v, k, kind in g.edges(keys=True, data="kind") if kind == "flow"}


def path(g: nx.MultiDiGraph, source: str, target: str, *, max_hops: int = 4, limit: int = 50) -> View:
    """Every simple path of at most *max_hops* flows from *source* to *target* (at most *limit*)."""
    found = paths_analysis.all_paths(g, source, target, max_hops=max_hops, limit=limit)
    by_key = flow_edges(g)
    routes = [[by_key[f] for f in p["flows"]] for p in found]
    nodes = {source, target} | {x for r in routes for u, v, _ in r for x in (u, v)}
    edges = {e for r in routes for e in r}
    edges.update(_among(g, nodes, ("operates",)))
    if routes:
        summary = [f"{len(routes)} path{'s' if len(routes) != 1 else ''} of at most {max_hops} flows from "
                   f"{_label(g, source)} to {_label(g, target)}"
                   + (f" (the first {limit})." if len(routes) == limit else "."),
                   "Shortest first: " + " → ".join([_label(g, source), *(_label(g, v) for _, v, _ in routes[0])])]
    else:
        summary = [f"No path of at most {max_hops} flows from {_label(g, source)} to {_label(g, target)} "
                   "is in the map."]
    route = [k for _, _, k in routes[0]] if routes else []
    return _make(f"path-{source}-to-{target}", f"Paths: {_label(g, source)} → {_label(g, target)}", "path",
                 summary, nodes, edges, route=route, columns=_columns(routes, source, target), focus=source)


def case(g: nx.MultiDiGraph, c: Case, by_id: dict[str, Edge] | None = None) -> View:
    """The view of one analysis result (*by_id*: :func:`flow_edges` of *g*, to reuse)."""
    by_id = by_id if by_id is not None else flow_edges(g)
    missing = [f for f in c.flows if f not in by_id]
    if missing:
        raise UnknownName(f"unknown flow '{missing[0]}'")
    route = [by_id[f] for f in c.flows]
    nodes = {x for u, v, _ in route for x in (u, v)} | {n for n in c.nodes if n in g}
    edges: set[Edge] = set(route)
    if c.nodes and c.nodes[0] in g and not route:
        # Scope expansion: the system with its relations (who runs it, what it holds, whom it affects).
        system = c.nodes[0]
        for u, v, k in [*g.in_edges(system, keys=True), *g.out_edges(system, keys=True)]:
            edges.add((u, v, k))
            nodes.update((u, v))
    edges.update(_among(g, nodes, ("operates", "broader")))
    columns = _columns([route]) if route else None
    if columns is not None:
        extra = sorted(n for n in nodes if n not in columns)
        for n in extra:  # relations of route nodes: beside the first node they touch
            columns[n] = min((columns[x] for x in nodes if x in columns and
                              (g.has_edge(n, x) or g.has_edge(x, n))), default=0)
    return _make(c.name, c.title, c.group, list(c.summary), nodes, edges, route=list(c.flows), columns=columns,
                 focus=c.nodes[0] if c.nodes and not route else None)


#: At most this many pages per kind of finding (the first in the analyses' order); the reports list them all.
MAX_CASE_PAGES = 100


def jurisdictions_with_parties(g: nx.MultiDiGraph) -> list[str]:
    """Jurisdictions that hold a party, directly or through one inside them, sorted by id."""
    used = {a["jurisdiction"] for _, a in g.nodes(data=True) if a.get("kind") in PARTY_KINDS and a.get("jurisdiction")}
    tree = jurisdictions(g)
    return sorted(j for j in {anc for u in used for anc, _ in tree.ancestors(u)} if j in tree)


def published_cases(found: Findings, max_cases: int | None = MAX_CASE_PAGES) -> list[Case]:
    """The cases that get a page: the first *max_cases* of each group, in the analyses' order."""
    taken: dict[str, int] = {}
    out = []
    for c in found.cases:
        taken[c.group] = taken.get(c.group, 0) + 1
        if max_cases is None or taken[c.group] <= max_cases:
            out.append(c)
    return out


def standard_views(g: nx.MultiDiGraph, found: Findings, *, max_cases: int | None = MAX_CASE_PAGES) -> list[View]:
    """What the main job publishes: the map, each case (at most *max_cases* per group), each jurisdiction."""
    views = [whole(g)]
    by_id = flow_edges(g)
    views += [case(g, c, by_id) for c in published_cases(found, max_cases)]
    views += [jurisdiction(g, j) for j in jurisdictions_with_parties(g)]
    return views
