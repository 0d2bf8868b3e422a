"""A compact, integer-indexed view of the flow edges, shared by the analyses.

The analyses never walk the networkx graph edge by edge: they build (once per
graph, per as-of date) a :class:`FlowIndex` — parties and flows numbered in
the order of their ids, sender/recipient arrays, CSR adjacency both ways (with
the far end of each adjacency slot alongside, ``out_dst`` and ``in_src``) and a
few one-byte columns (firewall status, best citation confidence) — and run
their breadth-first searches on plain integers. Because party *i* has the
*i*-th smallest id and flow *j* the *j*-th smallest flow id, "smallest id"
tie-breaks are integer comparisons.

The integer columns are ``array('i')`` (cheap to index one by one from Python)
built with numpy; analyses that work on whole columns view them as numpy arrays
without copying (``np.frombuffer``). On a map of a million flows the graph
fills a gigabyte or more and every random read of it is a cache miss, so the
index reads the flows' attribute dicts in memory order, searches read a
party's flows in adjacency order (masks included: :meth:`FlowIndex.slot_mask`),
and per-flow lookups by flow number are kept out of the inner loops.

Conventions shared by every analysis
------------------------------------
*Party*: a node of kind ``agency`` or ``system``.

*Flow filter* (:class:`FlowFilter`): a flow *qualifies* when

* ``category`` — one of its categories is the given category or lies under it
  (``data_category`` ``parent`` hierarchy);
* ``min_confidence`` — at least one of the flow's own citations has a
  confidence at least this high (``high`` > ``medium`` > ``low``);
* ``unfirewalled`` — its firewall status is not ``present``;
* ``day`` (as of) — :func:`dataflows.graph.in_force` holds for the flow and for
  every system at either end (exactly what :func:`dataflows.graph.as_of`
  keeps).

*Witness path* (one shortest path, fixed by a tie-break): a breadth-first
search runs from a *start* (a party, or for purpose drift the flows that set
the origin purpose). When several shortest paths exist, the witness is built
from the far end back towards the start: each hop is the qualifying flow whose
end nearer the start is one step closer to the start and has the smallest
party id; among parallel flows, the smallest flow id. Equivalently: among all
shortest paths, the one whose hops, read from the far end towards the start,
have the lexicographically smallest ``(nearer party id, flow id)`` keys.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import operator
import weakref
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from ..errors import UnknownName
from ..gcpause import paused_gc
from ..graph import in_force

#: Confidence grades, weakest first.
CONFIDENCE_RANK: dict[str, int] = {"low": 1, "medium": 2, "high": 3}
#: Firewall status codes in :attr:`FlowIndex.firewall`.
PRESENT, ABSENT, UNKNOWN_FW = 0, 1, 2
FIREWALL_CODE: dict[str, int] = {"present": PRESENT, "absent": ABSENT, "unknown": UNKNOWN_FW}
PARTY_KINDS = ("agency", "system")
UNKNOWN = "unknown"


# --------------------------------------------------------------------------
# Hierarchies (categories, purposes, jurisdictions)
# --------------------------------------------------------------------------


class Hierarchy:
    """A forest given by ``child → parent``; answers "is X under Y" and distances.

    Parameters
    ----------
    parents
        Every member's parent (``None`` for a root). Parents that are not
        members themselves are treated as roots.
    """

    def __init__(self, parents: dict[str, str | None]) -> None:
        self.parents = dict(parents)
        self._children: dict[str, list[str]] = {}
        for child, parent in sorted(self.parents.items()):
            if parent is not None:
                self._children.setdefault(parent, []).append(child)
        self._anc: dict[str, list[tuple[str, int]]] = {}

    def __contains__(self, item: object) -> bool:
        return item in self.parents

    def ancestors(self, item: str) -> list[tuple[str, int]]:
        """``[(item, 0), (parent, 1), (grandparent, 2), …]``."""
        cached = self._anc.get(item)
        if cached is None:
            cached = []
            seen: set[str] = set()
            node: str | None = item
            dist = 0
            while node is not None and node not in seen:
                cached.append((node, dist))
                seen.add(node)
                node = self.parents.get(node)
                dist += 1
            self._anc[item] = cached
        return cached

    def is_under(self, item: str, broader: str) -> bool:
        """Whether *item* is *broader* or lies (transitively) under it."""
        return any(a == broader for a, _ in self.ancestors(item))

    def below(self, item: str) -> set[str]:
        """*item* and every member under it."""
        out, todo = {item}, [item]
        while todo:
            for child in self._children.get(todo.pop(), ()):
                if child not in out:
                    out.add(child)
                    todo.append(child)
        return out


def hierarchy(g: nx.MultiDiGraph, kind: str) -> Hierarchy:
    """The ``data_category`` or ``purpose`` hierarchy of *g*."""
    return Hierarchy({n: a.get("parent") for n, a in g.nodes(data=True) if a.get("kind") == kind})


def jurisdictions(g: nx.MultiDiGraph) -> Hierarchy:
    """The jurisdiction hierarchy (``g.graph["jurisdictions"]``: id → parent)."""
    return Hierarchy(dict(g.graph.get("jurisdictions", {})))


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------


def check_name(name: str, known: Iterable[str], what: str) -> str:
    """Return *name* if it is in *known*, else raise :class:`UnknownName` with close matches."""
    pool = sorted(set(known))
    if name in pool:
        return name
    close = difflib.get_close_matches(name, pool, n=5, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UnknownName(f"unknown {what} '{name}'{hint}")


def check_party(g: nx.MultiDiGraph, party: str) -> str:
    """Check that *party* is an agency or system of *g* (else :class:`UnknownName`)."""
    if party in g and g.nodes[party].get("kind") in PARTY_KINDS:
        return party
    return check_name(party, (n for n, a in g.nodes(data=True) if a.get("kind") in PARTY_KINDS), "party")


def check_node(g: nx.MultiDiGraph, name: str, kind: str, what: str) -> str:
    """Check that *name* is a node of the given kind."""
    if name in g and g.nodes[name].get("kind") == kind:
        return name
    return check_name(name, (n for n, a in g.nodes(data=True) if a.get("kind") == kind), what)


# --------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowFilter:
    """Which flows may be used as hops (see the module docstring)."""

    category: str | None = None
    min_confidence: str | None = None
    unfirewalled: bool = False

    def check(self, g: nx.MultiDiGraph) -> None:
        """Raise :class:`UnknownName` for an unknown category or confidence."""
        if self.category is not None:
            check_node(g, self.category, "data_category", "data category")
        if self.min_confidence is not None:
            check_name(self.min_confidence, CONFIDENCE_RANK, "confidence")


#: No filter: every flow qualifies.
NO_FILTER = FlowFilter()


def best_confidence(citations: Sequence[dict[str, Any]]) -> int:
    """The rank of the strongest confidence among *citations* (0 when none)."""
    return max((CONFIDENCE_RANK.get(c.get("confidence", ""), 0) for c in citations), default=0)


# --------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------


@dataclass(eq=False)
class FlowIndex:
    """Parties and flows of a graph, numbered by id, with CSR adjacency.

    Build it with :func:`flow_index` (cached per graph and date).
    """

    graph: nx.MultiDiGraph
    day: dt.date | None
    nodes: list[str]
    """Party ids, sorted; a party's number is its position."""
    pos: dict[str, int]
    flow_ids: list[str]
    """Flow ids, sorted; a flow's number is its position."""
    flow_attrs: list[dict[str, Any]]
    """The graph's own attribute dict of each flow (shared, not copied: read-only)."""
    src: array[int]
    dst: array[int]
    out_ptr: array[int]
    out_flows: array[int]
    in_ptr: array[int]
    in_flows: array[int]
    firewall: bytearray
    confidence: bytearray
    out_dst: array[int]
    """Recipient of each flow in :attr:`out_flows` order (``out_dst[i] == dst[out_flows[i]]``)."""
    in_src: array[int]
    """Sender of each flow in :attr:`in_flows` order (``in_src[i] == src[in_flows[i]]``)."""
    # (src, dst, the CSR arrays, out_dst and in_src are array('i'); view them with np.frombuffer(x, np.int32).)
    _masks: dict[FlowFilter, bytearray | None] = field(default_factory=dict, repr=False)
    _slot_masks: dict[tuple[int, bool], tuple[bytearray, bytes]] = field(default_factory=dict, repr=False)

    @property
    def n_nodes(self) -> int:
        """Number of parties."""
        return len(self.nodes)

    @property
    def n_flows(self) -> int:
        """Number of flows (in force on :attr:`day`, when set)."""
        return len(self.flow_ids)

    def attrs(self, f: int) -> dict[str, Any]:
        """The graph attributes of flow number *f*."""
        return self.flow_attrs[f]

    def out_of(self, v: int) -> array[int]:
        """Flow numbers leaving party *v*, ascending."""
        return self.out_flows[self.out_ptr[v]:self.out_ptr[v + 1]]

    def into(self, v: int) -> array[int]:
        """Flow numbers reaching party *v*, ascending."""
        return self.in_flows[self.in_ptr[v]:self.in_ptr[v + 1]]

    def mask(self, flt: FlowFilter) -> bytearray | None:
        """``mask[f]`` is 1 when flow *f* qualifies under *flt*; ``None`` means all do."""
        if flt in self._masks:
            return self._masks[flt]
        if flt == NO_FILTER:
            self._masks[flt] = None
            return None
        m = bytearray(b"\x01") * self.n_flows
        if flt.category is not None:
            allowed = hierarchy(self.graph, "data_category").below(flt.category)
            verdict: dict[int, bool] = {}
            for f in range(self.n_flows):
                cats = self.attrs(f)["categories"]
                ok = verdict.get(id(cats))
                if ok is None:
                    ok = any(c in allowed for c in cats)
                    verdict[id(cats)] = ok  # category lists are often shared between flows
                if not ok:
                    m[f] = 0
        # The per-flow columns are compared whole (numpy, over the bytearrays' memory), not flow by flow.
        view = np.frombuffer(m, dtype=np.uint8)
        if flt.min_confidence is not None:
            view &= np.frombuffer(self.confidence, dtype=np.uint8) >= CONFIDENCE_RANK[flt.min_confidence]
        if flt.unfirewalled:
            view &= np.frombuffer(self.firewall, dtype=np.uint8) != PRESENT
        self._masks[flt] = m
        return m

    def slot_mask(self, allowed: bytearray | None, *, reverse: bool = False) -> bytes | None:
        """*allowed* (by flow number) in :attr:`out_flows` (or, with *reverse*, :attr:`in_flows`) order.

        Searches read a party's flows in adjacency order; with the mask in that order too they
        read memory in sequence. Cached per mask object (the mask is kept alive with it: masks are
        treated as read-only, like :meth:`mask`'s).
        """
        if allowed is None:
            return None
        key = (id(allowed), reverse)
        hit = self._slot_masks.get(key)
        if hit is not None and hit[0] is allowed:
            return hit[1]
        order = np.frombuffer(self.in_flows if reverse else self.out_flows, dtype=np.int32)
        out = np.frombuffer(allowed, dtype=np.uint8)[order].tobytes()
        self._slot_masks[key] = (allowed, out)
        return out

    def bfs(self, start: int, allowed: bytearray | None, *, reverse: bool = False,
            max_hops: int | None = None) -> tuple[dict[int, int], dict[int, int]]:
        """Breadth-first search from party *start* over qualifying flows.

        Returns ``(dist, via)``: hop distance of every party reached (the
        start at 0) and, for each reached party but the start, the flow by
        which the witness path reaches it (see the module docstring). With
        *reverse*, flows are followed backwards (who can reach *start*) and
        ``via[x]`` is the first hop of the witness path from *x*.
        """
        return self.bfs_slots(start, self.slot_mask(allowed, reverse=reverse), reverse=reverse, max_hops=max_hops)

    def bfs_slots(self, start: int, ok: bytes | bytearray | None, *, reverse: bool = False,
                  max_hops: int | None = None) -> tuple[dict[int, int], dict[int, int]]:
        """:meth:`bfs` with the mask already in adjacency order (see :meth:`slot_mask`)."""
        ptr, adj, other = (self.in_ptr, self.in_flows, self.in_src) if reverse else \
            (self.out_ptr, self.out_flows, self.out_dst)
        dist = {start: 0}
        via: dict[int, int] = {}
        frontier = [start]
        d = 0
        while frontier and (max_hops is None or d < max_hops):
            d += 1
            nxt: list[int] = []
            # Nearer parties in ascending order, their flows in ascending order:
            # the first flow to reach a party is the tie-break winner.
            for v in frontier:
                for i in range(ptr[v], ptr[v + 1]):
                    if ok is not None and not ok[i]:
                        continue
                    w = other[i]
                    if w not in dist:
                        dist[w] = d
                        via[w] = adj[i]
                        nxt.append(w)
            nxt.sort()
            frontier = nxt
        return dist, via

    def walk(self, via: dict[int, int], node: int, *, reverse: bool = False) -> list[int]:
        """The witness path to (or, with *reverse*, from) *node*, as flow numbers in travel order."""
        path: list[int] = []
        if reverse:
            while node in via:
                f = via[node]
                path.append(f)
                node = self.dst[f]
            return path
        while node in via:
            f = via[node]
            path.append(f)
            node = self.src[f]
        path.reverse()
        return path

    def walks(self, dist: dict[int, int], via: dict[int, int], *, reverse: bool = False,
              label: Sequence[Any] | None = None) -> dict[int, list[Any]]:
        """Every witness path of a search at once: ``{node: walk(via, node)}`` for each node in *dist*.

        *dist* must be in search order (as :meth:`bfs` returns it), so each path extends the
        already built path of the node one step nearer the start: O(total path length), with no
        walk back per node. With *label*, paths hold ``label[f]`` instead of flow numbers.
        """
        ends = self.dst if reverse else self.src
        out: dict[int, list[Any]] = {}
        for v in dist:
            f = via.get(v)
            if f is None:
                out[v] = []
                continue
            step = [f if label is None else label[f]]
            out[v] = step + out[ends[f]] if reverse else out[ends[f]] + step
        return out

    def hop(self, f: int) -> dict[str, Any]:
        """One hop of a path, with everything a reader needs to check it."""
        a = self.attrs(f)
        u, v = self.nodes[self.src[f]], self.nodes[self.dst[f]]
        g = self.graph
        fw = a.get("firewall") or {}
        return {
            "flow": a["id"],
            "from": u,
            "from_label": g.nodes[u].get("label", u),
            "to": v,
            "to_label": g.nodes[v].get("label", v),
            "categories": sorted(a.get("categories") or []),
            "purpose": a.get("purpose") or UNKNOWN,
            "collected_for": a.get("collected_for"),
            "firewall": {"status": fw.get("status", UNKNOWN), "note": fw.get("note"),
                         "citations": list(fw.get("citations") or [])},
            "citations": list(a.get("citations") or []),
        }


_CACHE: weakref.WeakKeyDictionary[nx.MultiDiGraph, dict[Any, tuple[tuple[int, int], FlowIndex]]] = (
    weakref.WeakKeyDictionary()
)


def flow_index(g: nx.MultiDiGraph, day: dt.date | None = None) -> FlowIndex:
    """The :class:`FlowIndex` of *g* (as of *day*), built once and cached.

    The cache is keyed by the graph object and the date, and checked against
    the graph's node and edge counts; a graph changed in place after its index
    was built should be copied first.

    Complexity: O(V + E log E) time (the sort of the flow ids is near-linear
    when flows were added in id order, see :func:`_key_order`), O(V + E)
    memory in compact arrays. A cache hit costs one pass over the adjacency
    dicts (the edge count).
    """
    # The edge count as networkx's number_of_edges() gives it, without its per-node degree views
    # (half the cost of a cache hit on a million flows).
    succ: dict[str, dict[str, dict[str, Any]]] = g._succ
    stamp = (g.number_of_nodes(), sum(map(len, itertools.chain.from_iterable(nbrs.values() for nbrs in succ.values()))))
    per_graph = _CACHE.setdefault(g, {})
    hit = per_graph.get(day)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    with paused_gc():
        index = _build(g, day)
    per_graph[day] = (stamp, index)
    return index


_NO_ID: Any = object()


def _build(g: nx.MultiDiGraph, day: dt.date | None) -> FlowIndex:
    if day is None:
        nodes = sorted(n for n, a in g.nodes(data=True) if a.get("kind") in PARTY_KINDS)
    else:
        nodes = sorted(n for n, a in g.nodes(data=True) if a.get("kind") == "agency"
                       or (a.get("kind") == "system" and in_force(a, day)))
    pos = {n: i for i, n in enumerate(nodes)}
    # One pass over the edges, keeping each flow's own attribute dict (no copies, no look-ups later).
    # The adjacency dicts are read directly: networkx's edge views cost a function call per edge.
    # Every edge between two parties is taken in bulk (C-level ``extend``, parties looked up once per
    # pair); the few that are not flows (``operates``) are dropped below, once the edges are in id
    # order: flows are usually created in that order, so their dicts lie in memory in it too, and
    # reading them in it is several times faster on a large map than in adjacency order.
    succ: dict[str, dict[str, dict[str, dict[str, Any]]]] = g._succ
    keys: list[Any] = []
    attrs: list[dict[str, Any]] = []
    pair_src: list[int] = []
    pair_dst: list[int] = []
    pair_len: list[int] = []
    for u, nbrs in succ.items():
        pu = pos.get(u, -1)
        for v, keyed in nbrs.items():
            pv = pos.get(v, -1)
            if pu >= 0 and pv >= 0:
                keys.extend(keyed)
                attrs.extend(keyed.values())
                pair_src.append(pu)
                pair_dst.append(pv)
                pair_len.append(len(keyed))
            elif day is None and any(a.get("kind") == "flow" for a in keyed.values()):
                raise KeyError(u if pu < 0 else v)  # a flow with an end that is not a party
    lengths = np.array(pair_len, dtype=np.int64)
    src_all = np.repeat(np.array(pair_src, dtype=np.int32), lengths)
    dst_all = np.repeat(np.array(pair_dst, dtype=np.int32), lengths)
    del pair_src, pair_dst, pair_len, lengths
    try:
        order = _key_order(keys, attrs)
    except TypeError:
        # Keys of other edges that do not compare with the flows' (say, networkx's default integer
        # keys): keep only the flows, then sort (raising, as ever, if the flows' own keys do not compare).
        is_flow = [a.get("kind") == "flow" for a in attrs]
        keys, attrs = list(itertools.compress(keys, is_flow)), list(itertools.compress(attrs, is_flow))
        src_all, dst_all = src_all[np.array(is_flow, dtype=np.bool_)], dst_all[np.array(is_flow, dtype=np.bool_)]
        order = _key_order(keys, attrs)
    src_all, dst_all = src_all[order], dst_all[order]
    order_list: list[int] = order.tolist()
    del order
    # Every value is read by a C-level loop over the dicts in key order; shared values (firewall
    # dicts, citation lists) are decoded once per object.
    edges = list(map(attrs.__getitem__, order_list))
    keep = list(map(operator.eq, map(operator.methodcaller("get", "kind"), edges), itertools.repeat("flow")))
    if day is not None:
        keep = [k and in_force(a, day) for k, a in zip(keep, edges, strict=True)]
    all_flows = all(keep)
    flow_attrs = edges if all_flows else list(itertools.compress(edges, keep))
    del edges
    m = len(flow_attrs)
    fws = list(map(operator.methodcaller("get", "firewall"), flow_attrs))
    fw_code = {i: FIREWALL_CODE.get((x or {}).get("status", UNKNOWN), UNKNOWN_FW)  # may be shared
               for i, x in dict(zip(map(id, fws), fws, strict=True)).items()}
    firewall = bytearray(np.fromiter(map(fw_code.__getitem__, map(id, fws)), dtype=np.uint8, count=m).tobytes())
    del fws
    cits = list(map(operator.methodcaller("get", "citations"), flow_attrs))
    conf_code = {i: best_confidence(x or [])  # citation lists may be shared between flows
                 for i, x in dict(zip(map(id, cits), cits, strict=True)).items()}
    confidence = bytearray(np.fromiter(map(conf_code.__getitem__, map(id, cits)), dtype=np.uint8, count=m).tobytes())
    del cits
    flow_ids: list[str] = list(map(operator.methodcaller("get", "id", _NO_ID), flow_attrs))
    if any(map(operator.is_, flow_ids, itertools.repeat(_NO_ID))):  # no "id": the edge key, as networkx has it
        positions = order_list if all_flows else list(itertools.compress(order_list, keep))
        flow_ids = [keys[i] if fid is _NO_ID else fid for fid, i in zip(flow_ids, positions, strict=True)]
    del keys, attrs, order_list
    keep_np = np.array(keep, dtype=np.bool_)
    n = len(nodes)
    if not all_flows:
        src_np, dst_np = src_all[keep_np], dst_all[keep_np]
    else:
        src_np, dst_np = src_all, dst_all
    del src_all, dst_all, keep, keep_np
    out_ptr, out_flows = _csr(n, src_np)
    in_ptr, in_flows = _csr(n, dst_np)
    return FlowIndex(g, day, nodes, pos, flow_ids, flow_attrs, _ints(src_np), _ints(dst_np), _ints(out_ptr),
                     _ints(out_flows), _ints(in_ptr), _ints(in_flows), firewall, confidence,
                     _ints(dst_np[out_flows]), _ints(src_np[in_flows]))


def _key_order(keys: list[Any], attrs: list[dict[str, Any]]) -> NDArray[np.intp]:
    """Positions of *keys* in ascending order, ties in their given order (what ``sorted`` gives).

    Maps are usually built flow by flow in id order, so their attribute dicts lie in memory
    mostly in key order. The keys are therefore sorted starting from memory order (an integer
    sort of the dicts' addresses, which does not touch them): Python's sort is near-linear on
    such long ascending runs, and it walks memory in sequence instead of jumping over a heap of
    a gigabyte or more, which is what made sorting the keys in adjacency order superlinear.
    The addresses only choose where the sort starts: when all keys differ the result is the
    sorted order whatever the start; with repeated keys (whose order must be the given one) the
    keys are sorted again from the given order.
    """
    start = np.argsort(np.fromiter(map(id, attrs), dtype=np.uint64, count=len(attrs)))  # distinct: any sort
    started = list(map(keys.__getitem__, start.tolist()))
    perm = sorted(range(len(started)), key=started.__getitem__)
    ordered = list(map(started.__getitem__, perm))
    if all(map(operator.lt, ordered, itertools.islice(ordered, 1, None))):
        return start[np.array(perm, dtype=np.intp)]
    return np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.intp)


def slot_ranges(ptr: NDArray[np.int64], parties: NDArray[np.int64]) -> NDArray[np.int64]:
    """The adjacency slots ``ptr[v] … ptr[v + 1] - 1`` of each of *parties*, concatenated in their order."""
    starts = ptr[parties]
    lengths = ptr[parties + 1] - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    out: NDArray[np.int64] = np.arange(total, dtype=np.int64) + np.repeat(starts - (np.cumsum(lengths) - lengths),
                                                                          lengths)
    return out


def _ints(values: NDArray[Any]) -> array[int]:
    """A numpy integer column as a compact ``array('i')`` (fast to index from Python)."""
    out = array("i")
    out.frombytes(np.ascontiguousarray(values, dtype=np.int32).tobytes())
    return out


def _csr(n: int, ends: NDArray[np.int32]) -> tuple[NDArray[np.int64], NDArray[np.int32]]:
    """Compressed adjacency: flows grouped by *ends*, ascending within a group.

    A stable sort of the flow numbers by *ends*, as one or two radix passes over 16-bit digits
    (numpy sorts 16-bit keys by radix, in linear time).
    """
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(ends, minlength=n), out=ptr[1:])
    flows = np.argsort((ends & 0xFFFF).astype(np.uint16), kind="stable")
    if n > 1 << 16:
        flows = flows[np.argsort((ends[flows] >> 16).astype(np.uint16), kind="stable")]
    return ptr, flows.astype(np.int32)


# --------------------------------------------------------------------------
# Sectors
# --------------------------------------------------------------------------

#: Roles through which a system takes on its agencies' sectors, for filtering.
SECTOR_ROLES_ALL = frozenset({"operator", "owner", "user"})
#: Roles that make a system "run by" an agency (firewall analysis).
SECTOR_ROLES_RUN = frozenset({"operator", "owner"})


def party_sectors(g: nx.MultiDiGraph, party: str, roles: frozenset[str], day: dt.date | None = None) -> set[str]:
    """Sectors of a party: an agency's own; a system's, those of the agencies with one of *roles*.

    With *day*, only operator relations in force on that day count.
    """
    a = g.nodes[party]
    if a.get("kind") == "agency":
        return {a["sector"]} if a.get("sector") else set()
    out: set[str] = set()
    pred: dict[str, dict[str, dict[str, Any]]] = g._pred[party]  # raw dicts: this runs once per party
    for u, keyed in pred.items():
        for e in keyed.values():
            if e.get("kind") == "operates" and e.get("role") in roles and (day is None or in_force(e, day)):
                sector = g.nodes[u].get("sector")
                if sector:
                    out.add(sector)
    return out


def sources_of(citations: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """``[{source, locator}]`` of citations, deduplicated and sorted."""
    return [{"source": s, "locator": loc}
            for s, loc in sorted({(c["source"], c["locator"]) for c in citations})]
