"""Missing firewalls: routes from public services to immigration enforcement with no barrier.

The UN Special Rapporteur on the human rights of migrants (A/68/283 para 82,
quoted in seed ``004``) asks for "firewalls" between public services and
migration control. This module finds where the map shows none.

Definitions (the Cypher versions must give identical results)
--------------------------------------------------------------
*Origin* (public service): an agency whose sector is in ``public_sectors``
(default :data:`PUBLIC_SERVICE_SECTORS`), or a system that such an agency
``operates`` with role ``operator`` or ``owner``.

*Enforcement party*: an agency whose sector is in ``enforcement_sectors``
(default :data:`ENFORCEMENT_SECTORS`), or a system that such an agency
operates with role ``operator`` or ``owner``.

A *route* is a path of qualifying flows (filter and as-of date as in
:mod:`dataflows.analyses.index`) from an origin to an enforcement party. For
each pair ``(origin, target)`` with ``origin != target``:

* **missing** — some route has every hop's firewall ``absent`` (confirmed:
  nothing stands in the way);
* **unknown-barrier** — not *missing*, but some route has every hop's firewall
  ``absent`` or ``unknown`` (so at least one hop is ``unknown``).

Pairs sorted by origin id, then target id, in two lists. For each pair:

* ``witness`` — a shortest route of the pair's kind (only ``absent`` hops for
  *missing*; ``absent``/``unknown`` hops for *unknown-barrier*); tie-break
  from the origin towards the target: each hop is the flow to the party one
  step nearer the target with the smallest party id, then the smallest flow
  id (a breadth-first search run backwards from the target, see
  :mod:`dataflows.analyses.index`);
* ``cut_flows`` — the flows that lie on **every** route of the pair's kind:
  a firewall on any one of them cuts them all. Sorted by flow id; empty when
  no single flow does;
* for *missing* pairs, also ``cut_flows_unbarred`` — the flows on every route
  with no barrier known (``absent`` or ``unknown`` hops): a firewall there also
  cuts the routes whose barrier is unknown.

Algorithm and complexity
------------------------
For each enforcement party ``t`` (ids ascending), two backward breadth-first
searches (over ``absent`` flows, and over ``absent``/``unknown`` flows) find
every party that can reach ``t`` and its witness; then the post-dominator tree
of each searched region (Cooper–Harvey–Kennedy's iterative dominator
algorithm run backwards from ``t``, each flow treated as a node of its own so
parallel flows are handled) gives, for every origin at once, the flows on all
its routes: they are the flows met walking up the tree from the origin to
``t``. Each step costs O(V_t + E_t) for the region upstream of ``t`` (the
dominator iteration converges in a few passes on these graphs), so the whole
analysis costs O(Σ_t (V_t + E_t)) ≤ O(T·(V + E)) for T enforcement parties,
plus the output. No route is enumerated. The searches read flows in the
index's backward adjacency order, masks included (``FlowIndex.slot_mask``), and
each region's flows are gathered with numpy, so the cost per region does not
depend on the size of the whole map.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from .. import schema as s
from ..gcpause import paused_gc
from .index import (
    ABSENT,
    NO_FILTER,
    PRESENT,
    SECTOR_ROLES_RUN,
    FlowFilter,
    FlowIndex,
    check_name,
    flow_index,
    party_sectors,
    slot_ranges,
)
from .render import Report, Table, route_text

#: Public services the Special Rapporteur names (healthcare, education, housing,
#: labour inspection, local police), with welfare, local government and victim
#: support, since victims and witnesses report to police and to these services.
PUBLIC_SERVICE_SECTORS = frozenset({"health", "education", "housing", "labour_inspection", "welfare",
                                    "local_government", "victim_support", "police"})
#: Migration control.
ENFORCEMENT_SECTORS = frozenset({"immigration_enforcement", "border_agency"})

MISSING, UNKNOWN_BARRIER = "missing", "unknown-barrier"


@dataclass
class Region:
    """The parties that can reach one target over some flows, and their post-dominator tree."""

    dist: dict[int, int]
    """Hops from each party to the target."""
    via: dict[int, int]
    """First hop of each party's witness route."""
    local: dict[int, int] = field(default_factory=dict)
    """Party number → its number in the tree (flow-nodes are numbered after the parties)."""
    idom: list[int] = field(default_factory=list)
    """Immediate post-dominator of each tree node (see :func:`_postdominators`)."""
    flows: list[int] = field(default_factory=list)
    """Flow number of each flow-node (tree node ``len(local) + j`` is flow ``flows[j]``)."""

    def cut(self, node: int) -> list[int]:
        """Flow numbers on every route from *node* to the target, ascending."""
        if not self.idom or node not in self.local:
            return []
        k, idom = len(self.local), self.idom
        out = []
        x = self.local[node]
        while idom[x] != x:
            x = idom[x]
            if x >= k:
                out.append(self.flows[x - k])
        return sorted(out)


@dataclass(eq=False)
class FirewallResult:
    """Missing-firewall pairs; witness routes and cut flows rebuilt from the regions."""

    index: FlowIndex
    origins: list[int]
    targets: list[int]
    pairs: list[tuple[int, int, str]]
    """``(origin, target, kind)`` sorted by origin id, then target id."""
    absent: dict[int, Region]
    unbarred: dict[int, Region]
    public_sectors: frozenset[str]
    enforcement_sectors: frozenset[str]

    def kind_pairs(self, kind: str) -> list[tuple[int, int]]:
        """``(origin, target)`` of one kind."""
        return [(o, t) for o, t, k in self.pairs if k == kind]

    def pair_ids(self, kind: str) -> list[tuple[str, str]]:
        """``(origin id, target id)`` of one kind, sorted."""
        return [(self.index.nodes[o], self.index.nodes[t]) for o, t in self.kind_pairs(kind)]

    def witness(self, o: int, t: int, kind: str) -> list[int]:
        """Witness route of a pair, as flow numbers in travel order."""
        region = (self.absent if kind == MISSING else self.unbarred)[t]
        return self.index.walk(region.via, o, reverse=True)

    def cut_flows(self, o: int, t: int, kind: str) -> list[int]:
        """Flows on every route of the pair's kind."""
        return (self.absent if kind == MISSING else self.unbarred)[t].cut(o)

    def record(self, o: int, t: int, kind: str) -> dict[str, Any]:
        """A pair with its witness route (hops and citations) and cut flows."""
        index = self.index
        hops = [index.hop(f) for f in self.witness(o, t, kind)]
        out: dict[str, Any] = {
            "origin": index.nodes[o], "origin_label": index.graph.nodes[index.nodes[o]].get("label"),
            "target": index.nodes[t], "target_label": index.graph.nodes[index.nodes[t]].get("label"),
            "kind": kind,
            "witness": {"length": len(hops), "flows": [h["flow"] for h in hops], "hops": hops},
            "cut_flows": [index.flow_ids[f] for f in self.cut_flows(o, t, kind)],
        }
        if kind == MISSING:
            out["cut_flows_unbarred"] = [index.flow_ids[f] for f in self.unbarred[t].cut(o)]
        return out

    def to_dict(self, *, limit: int | None = None) -> dict[str, Any]:
        """The JSON-ready result (at most *limit* pairs of each kind detailed, when given; counts complete)."""
        nodes = self.index.nodes
        return {
            "public_sectors": sorted(self.public_sectors),
            "enforcement_sectors": sorted(self.enforcement_sectors),
            "origins": [nodes[o] for o in self.origins],
            "enforcement_parties": [nodes[t] for t in self.targets],
            "counts": {MISSING: len(self.kind_pairs(MISSING)), UNKNOWN_BARRIER: len(self.kind_pairs(UNKNOWN_BARRIER))},
            "missing": [self.record(o, t, MISSING) for o, t in self.kind_pairs(MISSING)[:limit]],
            "unknown_barrier": [self.record(o, t, UNKNOWN_BARRIER)
                                for o, t in self.kind_pairs(UNKNOWN_BARRIER)[:limit]],
            "as_of": self.index.day.isoformat() if self.index.day else None,
        }


def _check_sectors(sectors: Iterable[str]) -> frozenset[str]:
    known = [x.value for x in s.Sector]
    return frozenset(check_name(x, known, "sector") for x in sectors)


def parties_in(g: nx.MultiDiGraph, index: FlowIndex, *sector_sets: frozenset[str]) -> list[list[int]]:
    """For each set of sectors, the party numbers whose sectors (own, or of their operators/owners) meet it."""
    out: list[list[int]] = [[] for _ in sector_sets]
    for i, p in enumerate(index.nodes):
        mine = party_sectors(g, p, SECTOR_ROLES_RUN, index.day)
        if mine:
            for j, sectors in enumerate(sector_sets):
                if mine & sectors:
                    out[j].append(i)
    return out


def firewalls(
    g: nx.MultiDiGraph,
    *,
    public_sectors: Iterable[str] = PUBLIC_SERVICE_SECTORS,
    enforcement_sectors: Iterable[str] = ENFORCEMENT_SECTORS,
    flt: FlowFilter = NO_FILTER,
    day: dt.date | None = None,
) -> FirewallResult:
    """Find the routes from public services to immigration enforcement with no barrier.

    Parameters
    ----------
    g
        The graph from :func:`dataflows.graph.build`.
    public_sectors, enforcement_sectors
        Override the sector sets (see :data:`PUBLIC_SERVICE_SECTORS`, :data:`ENFORCEMENT_SECTORS`).
    flt
        Which flows may be hops (category, minimum confidence).
    day
        Only what was in force on this date.

    Returns
    -------
    FirewallResult
        Pairs of each kind; :meth:`FirewallResult.to_dict` gives the report data.

    Raises
    ------
    UnknownName
        For an unknown sector, category or confidence.
    """
    pub, enf = _check_sectors(public_sectors), _check_sectors(enforcement_sectors)
    flt.check(g)
    index = flow_index(g, day)
    origins, targets = parties_in(g, index, pub, enf)
    return firewalls_on(index, origins, targets, flt, pub, enf)


def barrier_masks(index: FlowIndex, flt: FlowFilter) -> tuple[bytearray, bytearray]:
    """``(absent, unbarred)`` masks: qualifying flows whose firewall is absent / not present."""
    base = index.mask(flt)
    fw = np.frombuffer(index.firewall, dtype=np.uint8)
    ok = np.ones(index.n_flows, dtype=np.bool_) if base is None else np.frombuffer(base, dtype=np.uint8) != 0
    absent = ok & (fw == ABSENT)
    unbarred = ok & (fw != PRESENT)
    return bytearray(absent.tobytes()), bytearray(unbarred.tobytes())


def firewalls_on(index: FlowIndex, origins: list[int], targets: list[int], flt: FlowFilter = NO_FILTER,
                 public_sectors: frozenset[str] = PUBLIC_SERVICE_SECTORS,
                 enforcement_sectors: frozenset[str] = ENFORCEMENT_SECTORS) -> FirewallResult:
    """:func:`firewalls` on a prepared index with given origin and target party numbers."""
    with paused_gc():
        return _firewalls_on(index, origins, targets, flt, public_sectors, enforcement_sectors)


def _firewalls_on(index: FlowIndex, origins: list[int], targets: list[int], flt: FlowFilter,
                  public_sectors: frozenset[str], enforcement_sectors: frozenset[str]) -> FirewallResult:
    absent_mask, unbarred_mask = barrier_masks(index, flt)
    # The searches run backwards, reading flows in in_flows order: the masks are put in that order.
    absent_in = index.slot_mask(absent_mask, reverse=True)
    unbarred_in = index.slot_mask(unbarred_mask, reverse=True)
    scratch = _Scratch(index)
    origin_set = set(origins)
    pairs: list[tuple[int, int, str]] = []
    absent: dict[int, Region] = {}
    unbarred: dict[int, Region] = {}
    for t in targets:
        ra = Region(*index.bfs_slots(t, absent_in, reverse=True))
        ru = Region(*index.bfs_slots(t, unbarred_in, reverse=True))
        found_a = [o for o in ra.dist if o in origin_set and o != t]
        found_u = [o for o in ru.dist if o in origin_set and o != t and o not in ra.dist]
        if found_a:
            _postdominators(scratch, t, ra, absent_in)
        if found_a or found_u:
            _postdominators(scratch, t, ru, unbarred_in)
        absent[t], unbarred[t] = ra, ru
        pairs += [(o, t, MISSING) for o in found_a]
        pairs += [(o, t, UNKNOWN_BARRIER) for o in found_u]
    pairs.sort()
    return FirewallResult(index, sorted(origins), sorted(targets), pairs, absent, unbarred,
                          frozenset(public_sectors), frozenset(enforcement_sectors))


class _Scratch:
    """The index's backward adjacency as numpy columns, and a reusable party → local number map."""

    def __init__(self, index: FlowIndex) -> None:
        self.in_ptr = np.frombuffer(index.in_ptr, dtype=np.int32).astype(np.int64)
        self.in_flows = np.frombuffer(index.in_flows, dtype=np.int32)
        self.in_src = np.frombuffer(index.in_src, dtype=np.int32)
        self.local = np.full(index.n_nodes, -1, dtype=np.int64)  # reset after each use


def _postdominators(scratch: _Scratch, t: int, region: Region, allowed_in: bytes | None) -> None:
    """Fill ``region``'s post-dominator tree, rooted at *t*.

    Each flow is a node of its own between its sender and recipient, so the
    tree can say that a *flow* lies on every route, parallel flows included.
    Cooper–Harvey–Kennedy: iterate ``idom(u) = intersect(u's onward
    flow-nodes)`` in reverse post-order of a depth-first search run backwards
    from *t*, until nothing changes. Tree nodes are renumbered locally
    (parties ``0…k-1`` in the order the search reached them, flow-nodes
    ``k…`` grouped by recipient, then in in_flows order) so the loops index
    lists. *allowed_in* is the flow mask in in_flows order
    (:meth:`FlowIndex.slot_mask`).
    """
    parties = np.fromiter(region.dist, dtype=np.int64, count=len(region.dist))
    k = parties.size
    loc = scratch.local
    loc[parties] = np.arange(k, dtype=np.int64)
    # The flows inside the region, numpy-wise: the in-slots of its parties (in local order), allowed,
    # from a party of the region.
    slots = slot_ranges(scratch.in_ptr, parties)
    if allowed_in is not None:
        slots = slots[np.frombuffer(allowed_in, dtype=np.uint8)[slots] != 0]
    senders = loc[scratch.in_src[slots]]
    inside = senders >= 0
    slots, senders = slots[inside], senders[inside]
    recipients = np.searchsorted(scratch.in_ptr, slots, side="right") - 1
    e_dst_np = loc[recipients]
    loc[parties] = -1
    flows: list[int] = scratch.in_flows[slots].tolist()
    e_src: list[int] = senders.tolist()
    e_dst: list[int] = e_dst_np.tolist()
    # Flow-nodes into each party are consecutive (grouped by recipient, in local order): back_ptr.
    back_ptr: list[int] = np.searchsorted(e_dst_np, np.arange(k + 1)).tolist()
    # Each party's flow-nodes inside the region (as j, flow-node k + j), ascending.
    onward_order = np.argsort(senders, kind="stable")
    onward_j: list[int] = onward_order.tolist()
    onward_ptr: list[int] = np.searchsorted(senders[onward_order], np.arange(k + 1)).tolist()
    del slots, senders, inside, recipients, e_dst_np, onward_order
    # Post-order numbers of a depth-first search backwards from t over parties and flow-nodes.
    total = k + len(flows)
    order = [-1] * total
    seen = bytearray(total)
    root = int(np.flatnonzero(parties == t)[0])
    seen[root] = 1
    count = 0
    stack: list[tuple[int, int]] = [(root, 0)]
    while stack:
        x, i = stack[-1]
        if x < k:
            e = back_ptr[x] + i
            if e < back_ptr[x + 1]:
                stack[-1] = (x, i + 1)
                e += k
                if not seen[e]:
                    seen[e] = 1
                    stack.append((e, 0))
                continue
        elif i == 0:
            stack[-1] = (x, 1)
            u = e_src[x - k]
            if not seen[u]:
                seen[u] = 1
                stack.append((u, 0))
            continue
        stack.pop()
        order[x] = count
        count += 1
    rpo = sorted((x for x in range(k) if x != root), key=order.__getitem__, reverse=True)
    idom = [-1] * total
    idom[root] = root
    changed = True
    while changed:
        changed = False
        # A pass that never skips an unprocessed flow-node computed the exact tree (an acyclic region
        # in reverse post-order is done in one pass); otherwise repeat until nothing changes.
        skipped = False
        for u in rpo:
            new = -1
            for j in onward_j[onward_ptr[u]:onward_ptr[u + 1]]:
                v = e_dst[j]
                if idom[v] < 0:
                    skipped = True
                    continue
                e = k + j
                idom[e] = v
                if new < 0:
                    new = e
                    continue
                a, b = e, new  # intersect: walk both fingers up to their common ancestor
                while a != b:
                    while order[a] < order[b]:
                        a = idom[a]
                    while order[b] < order[a]:
                        b = idom[b]
                new = a
            if new >= 0 and idom[u] != new:
                idom[u] = new
                changed = True
        if not skipped:
            break
    region.local = dict(zip(parties.tolist(), range(k), strict=True))
    region.idom, region.flows = idom, flows


def report(result: FirewallResult, *, limit: int | None = None) -> Report:
    """The missing-firewalls report (with *limit*, the first *limit* pairs of each kind; counts complete)."""
    d = result.to_dict() if limit is None else result.to_dict(limit=limit)

    def rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"origin": r["origin"], "target": r["target"], "hops": r["witness"]["length"],
                 "route": route_text(r["witness"]["hops"]), "cut_flows": r["cut_flows"],
                 "cut_flows_unbarred": r.get("cut_flows_unbarred", []),
                 "sources": [f"{h['flow']}: {c['source']} ({c['locator']})" for h in r["witness"]["hops"]
                             for c in [*h["citations"], *h["firewall"]["citations"]]]}
                for r in items]

    cols = [("origin", "public service"), ("target", "enforcement party"), ("hops", "hops"),
            ("route", "witness route"), ("cut_flows", "a firewall on any of these cuts every route"),
            ("sources", "sources per hop")]
    tables = [
        Table(MISSING, "Missing firewalls (every hop: firewall absent)",
              [*cols[:5], ("cut_flows_unbarred", "…and every route of unknown barrier too"), cols[5]],
              rows(d["missing"])),
        Table(UNKNOWN_BARRIER, "Unknown barrier (hops absent or unknown, at least one unknown)", cols,
              rows(d["unknown_barrier"])),
    ]
    summary = [
        f"Public-service sectors: {', '.join(d['public_sectors'])}.",
        f"Enforcement sectors: {', '.join(d['enforcement_sectors'])}.",
        f"{len(d['origins'])} public-service parties, {len(d['enforcement_parties'])} enforcement parties; "
        f"Pairs (public service, enforcement party) with a missing firewall: {d['counts'][MISSING]}; "
        f"with an unknown barrier: {d['counts'][UNKNOWN_BARRIER]}.",
    ]
    if limit is not None:
        d = {**d, "limit": limit}
        summary.append(f"Listed: the first {len(d['missing'])} pairs with a missing firewall and the first "
                       f"{len(d['unknown_barrier'])} with an unknown barrier, by origin then target "
                       f"(--limit {limit}); the counts above are complete.")
    return Report("firewalls", "Missing firewalls between public services and immigration enforcement",
                  summary, tables, d)
