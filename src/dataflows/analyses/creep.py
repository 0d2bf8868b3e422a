"""Function creep, in its two shapes: purpose drift along paths, scope expansion over time.

Definitions (the Cypher versions must give identical results)
--------------------------------------------------------------
**Origin purposes of a flow** ``f`` (sender ``u``), a set:

* ``{f.collected_for}`` when the flow has ``collected_for``;
* otherwise, when ``u`` is a system: the ``purpose`` of every ``holds`` edge
  of ``u`` whose category *matches* one of the flow's categories (the same
  category, or one lies under the other); ``{unknown}`` when none matches;
* otherwise ``{unknown}``.

``None`` and ``"unknown"`` are the same value, *unknown*.

**Routes.** Data with origin purpose ``P`` *reaches* a flow ``g`` when there is
a sequence of qualifying flows ``f1, …, fk = g`` (each starting where the
previous one ends) with ``P`` an origin purpose of ``f1``; consecutive hops may
not revisit a recipient (the recipients of ``f1 … f(k-1)`` are distinct). The
flow where ``P`` is established may itself be ``g`` (``k = 1``). Data
categories are not tracked from hop to hop (use ``flt.category`` to follow one
category); flows qualify under the :class:`FlowFilter` and the as-of date.

**Verdict** of a use ``Q`` (the purpose of ``g``) given origin ``P``:

1. *gap* — ``P`` or ``Q`` is unknown;
2. otherwise the most specific applicable rule decides: a rule
   ``(collected_for=C, used_for=U)`` applies when ``P`` is ``C`` or lies under
   it and ``Q`` is ``U`` or lies under it (purpose ``parent`` hierarchy, edges
   of kind ``broader``); most specific = smallest ``dist(P, C) + dist(Q, U)``;
   ties: an incompatible rule wins, then the smallest rule id. The rule's
   ``compatible`` gives *compatible* or *violation*;
3. no rule applies: *compatible* when ``Q`` is ``P`` or lies under it (the
   purpose did not change), else *unassessed* (counted, not a violation).

**Result.** The set of pairs ``(P, g)`` with verdict *violation* (and the set
with verdict *gap*), sorted by flow id then purpose id. Each has one witness
route: a shortest route (fewest hops) ending in ``g``; among those, the one
whose hops, read from ``g`` backwards, have the lexicographically smallest
``(sender id, flow id)`` keys. ``change_hop`` is the first hop of the witness
whose purpose is neither ``P`` nor under ``P`` (the violating hop when every
earlier one keeps to ``P``). Unassessed pairs are reported as counts per
``(P, Q)``.

**Algorithm.** Breadth-first search over states (party, origin purpose),
started from the flows that establish each purpose, with predecessor links.
The set of origin purposes reaching a party is kept as a bit set, so a flow is
relaxed once per *batch* of purposes arriving together rather than once per
purpose: O(K·(V + E)) in the worst case for K purposes, and close to O(V + E)
on real maps. No path is enumerated.

The search runs a level at a time on numpy columns: the flows of the level's
frontier parties in adjacency order (``out_flows``, senders ascending, flows
ascending within a sender — the order the definition relaxes them in), bit sets
as rows of 64-bit words (as many words as K needs). The flow by which a
purpose first reaches a party is the first flow of the level, in that order,
carrying it there, found per purpose with ``np.minimum.at``; so the witness
tie-break is the one a flow-by-flow search gives.

**Scope expansion** (:func:`scope`): the ``scope_changes`` of every system,
sorted by date (earliest day the partial date may mean; unknown dates last),
then dimension, then description; systems sorted by id.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from .. import schema as s
from ..gcpause import paused_gc
from .index import (
    NO_FILTER,
    FlowFilter,
    FlowIndex,
    Hierarchy,
    check_node,
    flow_index,
    hierarchy,
    slot_ranges,
    sources_of,
)
from .render import Report, Table, hop_sources, route_text, source_refs

UNKNOWN = "unknown"
GAP, VIOLATION, COMPATIBLE, UNASSESSED = "gap", "violation", "compatible", "unassessed"


def _norm(purpose: str | None) -> str:
    return UNKNOWN if purpose is None or purpose == UNKNOWN else purpose


# --------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------


class Rules:
    """The purpose-compatibility rules of a map, with the purpose hierarchy.

    Parameters
    ----------
    rules
        Rule dicts (``g.graph["purpose_rules"]``): id, collected_for,
        used_for, compatible, reason, citations.
    purposes
        The purpose hierarchy.
    """

    def __init__(self, rules: list[dict[str, Any]], purposes: Hierarchy) -> None:
        self.purposes = purposes
        self.by_pair: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for r in rules:
            self.by_pair.setdefault((r["collected_for"], r["used_for"]), []).append(r)
        self._cache: dict[tuple[str, str], tuple[str, dict[str, Any] | None]] = {}

    def verdict(self, p: str, q: str) -> tuple[str, dict[str, Any] | None]:
        """``(verdict, rule)`` of using data held for *p* for *q* (see the module docstring)."""
        key = (p, q)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if p == UNKNOWN or q == UNKNOWN:
            out: tuple[str, dict[str, Any] | None] = (GAP, None)
        else:
            best: tuple[int, bool, str] | None = None
            best_rule = None
            for c, dc in self.purposes.ancestors(p):
                for u, du in self.purposes.ancestors(q):
                    for r in self.by_pair.get((c, u), ()):
                        rank = (dc + du, bool(r["compatible"]), r["id"])
                        if best is None or rank < best:
                            best, best_rule = rank, r
            if best_rule is not None:
                out = (COMPATIBLE if best_rule["compatible"] else VIOLATION, best_rule)
            elif self.purposes.is_under(q, p):
                out = (COMPATIBLE, None)
            else:
                out = (UNASSESSED, None)
        self._cache[key] = out
        return out


def rules_of(g: nx.MultiDiGraph) -> Rules:
    """The :class:`Rules` of *g*."""
    return Rules(list(g.graph.get("purpose_rules") or []), hierarchy(g, "purpose"))


# --------------------------------------------------------------------------
# Origin purposes
# --------------------------------------------------------------------------


class Origins:
    """Origin purposes of flows (see the module docstring), with their evidence."""

    def __init__(self, g: nx.MultiDiGraph) -> None:
        self.g = g
        self.categories = hierarchy(g, "data_category")
        self._holds: dict[str, list[tuple[str, str, list[dict[str, Any]]]]] = {}
        self._cache: dict[tuple[str, tuple[str, ...]], frozenset[str]] = {}
        self._held: dict[tuple[str, str], frozenset[str]] = {}
        self._match: dict[tuple[str, str], bool] = {}

    def holds(self, system: str) -> list[tuple[str, str, list[dict[str, Any]]]]:
        """``(category, purpose, citations)`` of every ``holds`` edge of *system*."""
        got = self._holds.get(system)
        if got is None:
            succ: dict[str, dict[str, dict[str, Any]]] = self.g._succ[system]
            got = sorted(((c, _norm(a.get("purpose")), a.get("citations") or [])
                          for c, keyed in succ.items() for a in keyed.values() if a.get("kind") == "holds"),
                         key=lambda h: (h[0], h[1]))
            self._holds[system] = got
        return got

    def _matches(self, a: str, b: str) -> bool:
        key = (a, b)
        got = self._match.get(key)
        if got is None:
            got = self._match[key] = a == b or self.categories.is_under(a, b) or self.categories.is_under(b, a)
        return got

    def of(self, sender: str, attrs: dict[str, Any]) -> frozenset[str]:
        """The origin purposes of a flow from *sender* with attributes *attrs*."""
        if attrs.get("collected_for") is not None:
            return frozenset({_norm(attrs["collected_for"])})
        if self.g._node[sender].get("kind") != "system":
            return frozenset({UNKNOWN})
        cats = tuple(attrs.get("categories") or ())
        key = (sender, cats)
        got = self._cache.get(key)
        if got is None:
            found: set[str] = set()
            for c in cats:
                found |= self._held_for(sender, c)
            got = frozenset(found or {UNKNOWN})
            self._cache[key] = got
        return got

    def _held_for(self, sender: str, category: str) -> frozenset[str]:
        """Purposes of *sender*'s ``holds`` edges whose category matches *category*."""
        key = (sender, category)
        got = self._held.get(key)
        if got is None:
            got = self._held[key] = frozenset(p for hc, p, _ in self.holds(sender) if self._matches(category, hc))
        return got

    def evidence(self, sender: str, attrs: dict[str, Any], purpose: str) -> dict[str, Any]:
        """How *purpose* was established for a flow: ``collected_for``, ``held`` or ``unknown``."""
        if attrs.get("collected_for") is not None:
            return {"how": "collected_for", "citations": list(attrs.get("citations") or [])}
        if self.g.nodes[sender].get("kind") != "system":
            return {"how": UNKNOWN, "citations": []}
        cats = attrs.get("categories") or []
        cits = [c for hc, p, hcits in self.holds(sender) if p == purpose
                and any(self._matches(x, hc) for x in cats) for c in hcits]
        return {"how": "held" if cits or purpose != UNKNOWN else UNKNOWN, "citations": cits}


# --------------------------------------------------------------------------
# Purpose drift
# --------------------------------------------------------------------------


@dataclass(eq=False)
class DriftResult:
    """Purpose drift: violation and gap pairs, with the search state to rebuild witnesses.

    ``violations`` and ``gaps`` map a flow number to the bit set of origin
    purposes (bit *i* is ``purposes[i]``) for which that flow is a violation
    (a gap). Witness routes are rebuilt on demand from ``arrivals``.
    """

    index: FlowIndex
    rules: Rules
    origins: Origins
    purposes: list[str]
    origin_bits: list[int]
    violations: dict[int, int]
    gaps: dict[int, int]
    unassessed: Counter[tuple[str, str]]
    compatible: int
    arrival_log: list[tuple[int, int, int, int]] = field(repr=False)
    """``(party, bits, level, flow)``: the bits that first reached a party at that level, by that flow."""
    _arrivals: dict[int, list[tuple[int, int, int]]] | None = field(default=None, repr=False)

    @property
    def arrivals(self) -> dict[int, list[tuple[int, int, int]]]:
        """party → ``[(bits, level, flow)]``, grouped from :attr:`arrival_log` on first use."""
        if self._arrivals is None:
            grouped: dict[int, list[tuple[int, int, int]]] = {}
            for w, bits, level, f in self.arrival_log:
                grouped.setdefault(w, []).append((bits, level, f))
            self._arrivals = grouped
        return self._arrivals

    def pairs(self, which: str = VIOLATION) -> list[tuple[int, int]]:
        """``(flow, bit)`` pairs of violations (or gaps), sorted by flow id then purpose id."""
        table = self.violations if which == VIOLATION else self.gaps
        return [(f, b) for f in sorted(table) for b in _bits(table[f])]

    def pair_ids(self, which: str = VIOLATION) -> list[tuple[str, str]]:
        """``(flow id, origin purpose)`` pairs, sorted."""
        return [(self.index.flow_ids[f], self.purposes[b]) for f, b in self.pairs(which)]

    def count(self, which: str = VIOLATION) -> int:
        """Number of violation (or gap) pairs."""
        table = self.violations if which == VIOLATION else self.gaps
        return sum(m.bit_count() for m in table.values())

    def witness(self, f: int, b: int) -> list[int]:
        """The witness route (flow numbers, travel order) of pair ``(f, bit b)``."""
        path = [f]
        if self.origin_bits[f] >> b & 1:
            return path
        node = self.index.src[f]
        bit = 1 << b
        arrivals = self.arrivals
        while True:
            entry = next(e for e in arrivals[node] if e[0] & bit)
            path.append(entry[2])
            if entry[1] == 1:
                break
            node = self.index.src[entry[2]]
        path.reverse()
        return path

    def record(self, f: int, b: int) -> dict[str, Any]:
        """A violation or gap with its witness route, rule and citations."""
        index = self.index
        p = self.purposes[b]
        route = self.witness(f, b)
        hops = [index.hop(x) for x in route]
        q = hops[-1]["purpose"]
        verdict, rule = self.rules.verdict(p, q)
        change = len(hops) - 1
        for i, h in enumerate(hops):
            if h["purpose"] == UNKNOWN or not self.rules.purposes.is_under(h["purpose"], p):
                change = i
                break
        first = route[0]
        u = index.nodes[index.src[first]]
        origin = self.origins.evidence(u, index.attrs(first), p)
        return {
            "flow": index.flow_ids[f],
            "collected_for": p,
            "used_for": q,
            "verdict": verdict,
            "rule": None if rule is None else {k: rule.get(k) for k in
                                               ("id", "collected_for", "used_for", "compatible", "reason",
                                                "citations")},
            "origin": {"flow": index.flow_ids[first], "how": origin["how"], "citations": origin["citations"]},
            "change_hop": {"position": change + 1, "flow": hops[change]["flow"]},
            "path": {"length": len(hops), "flows": [h["flow"] for h in hops], "hops": hops},
        }

    def to_dict(self, *, limit: int | None = None) -> dict[str, Any]:
        """The JSON-ready result (at most *limit* violations and gaps each, when given)."""
        v_pairs, g_pairs = self.pairs(VIOLATION), self.pairs(GAP)
        return {
            "counts": {"violations": len(v_pairs), "gaps": len(g_pairs),
                       "unassessed": sum(self.unassessed.values()), "compatible": self.compatible},
            "violations": [self.record(f, b) for f, b in v_pairs[:limit]],
            "gaps": [self.record(f, b) for f, b in g_pairs[:limit]],
            "unassessed": [{"collected_for": p, "used_for": q, "count": n}
                           for (p, q), n in sorted(self.unassessed.items())],
            "as_of": self.index.day.isoformat() if self.index.day else None,
        }


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def drift(g: nx.MultiDiGraph, *, flt: FlowFilter = NO_FILTER, day: dt.date | None = None) -> DriftResult:
    """Find purpose drift: data held for one purpose reaching an incompatible use.

    Parameters
    ----------
    g
        The graph from :func:`dataflows.graph.build` (rules in
        ``g.graph["purpose_rules"]``).
    flt
        Which flows may be hops (category, minimum confidence).
    day
        Only what was in force on this date.

    Returns
    -------
    DriftResult
        Violation and gap pairs; :meth:`DriftResult.to_dict` gives the report data.

    Examples
    --------
    >>> from dataflows import synth
    >>> r = drift(synth.generate(200, seed=1))
    >>> r.count() == len(r.pair_ids())
    True
    """
    flt.check(g)
    index = flow_index(g, day)
    with paused_gc():
        return _drift(g, index, flt)


def _drift(g: nx.MultiDiGraph, index: FlowIndex, flt: FlowFilter) -> DriftResult:
    allowed = index.mask(flt)
    rules = rules_of(g)
    origins = Origins(g)
    m, n = index.n_flows, index.n_nodes

    # Per flow, a code for its use purpose Q and one for its set of origin purposes. The attribute
    # dicts are read in flow-id order (usually the order they lie in memory), each value once, by
    # C-level loops; everything else works on integer codes. Origin sets depend only on the
    # collected_for value, or on the sender and the category list (the very list: they are often
    # shared), so origins.of runs once per distinct combination.
    attrs, nodes = index.flow_attrs, index.nodes
    src = np.frombuffer(index.src, dtype=np.int32)
    raw_uses = list(map(operator.methodcaller("get", "purpose"), attrs))
    use_of = {raw: i for i, raw in enumerate(dict.fromkeys(raw_uses))}
    uses = list(dict.fromkeys(_norm(raw) for raw in use_of))
    use_of = {raw: uses.index(_norm(raw)) for raw in use_of}
    use_codes = np.fromiter(map(use_of.__getitem__, raw_uses), dtype=np.int32, count=m)
    del raw_uses
    raw_cfs = list(map(operator.methodcaller("get", "collected_for"), attrs))
    cf_of = {raw: i for i, raw in enumerate(dict.fromkeys(raw_cfs))}
    cf_codes = np.fromiter(map(cf_of.__getitem__, raw_cfs), dtype=np.int64, count=m)
    del raw_cfs
    cat_ids = list(map(id, map(operator.methodcaller("get", "categories"), attrs)))
    cat_of = {x: i for i, x in enumerate(dict.fromkeys(cat_ids))}
    cat_codes = np.fromiter(map(cat_of.__getitem__, cat_ids), dtype=np.int64, count=m)
    del cat_ids
    # One key per origin combination: the collected_for code; else, for a system sender, (sender,
    # category list) after them; else (an agency: unknown, whatever the categories) one more key.
    no_cf = cf_of.get(None, -1)
    node_attrs = g._node
    is_system = np.fromiter((node_attrs[v].get("kind") == "system" for v in nodes), dtype=np.bool_, count=n)
    keys = np.where(cf_codes != no_cf, cf_codes,
                    np.where(is_system[src], len(cf_of) + 1 + src.astype(np.int64) * len(cat_of) + cat_codes,
                             len(cf_of)))
    del cf_codes, cat_codes
    qualifying = np.ones(m, dtype=np.bool_) if allowed is None else np.frombuffer(allowed, np.uint8).view(np.bool_)
    set_codes = np.zeros(m, dtype=np.int32)  # code 0: no origin purpose (the flow does not qualify)
    empty: frozenset[str] = frozenset()
    sets: list[frozenset[str]] = [empty]
    set_of: dict[frozenset[str], int] = {empty: 0}
    flows = np.flatnonzero(qualifying)
    if flows.size:
        combos, first_flow, inverse = np.unique(keys[flows], return_index=True, return_inverse=True)
        combo_codes = np.zeros(combos.size, dtype=np.int32)
        for c, f in enumerate(flows[first_flow].tolist()):
            st = origins.of(nodes[int(src[f])], attrs[f])
            code = set_of.get(st)
            if code is None:
                code = set_of[st] = len(sets)
                sets.append(st)
            combo_codes[c] = code
        set_codes[flows] = combo_codes[inverse.reshape(-1)]
    del keys, flows, set_of
    purposes = sorted(set().union(*sets))
    bit_of = {p: i for i, p in enumerate(purposes)}
    words = max(1, -(-len(purposes) // 64))
    set_bits = [sum(1 << bit_of[p] for p in st) for st in sets]
    origin_bits: list[int] = _object_column(set_bits)[set_codes].tolist()

    # Per use purpose Q: which origin bits give a violation, a gap, an unassessed use.
    vms, gms, ums = [], [], []
    for q in uses:
        vm = gm = um = 0
        for p, i in bit_of.items():
            verdict = rules.verdict(p, q)[0]
            if verdict == VIOLATION:
                vm |= 1 << i
            elif verdict == GAP:
                gm |= 1 << i
            elif verdict == UNASSESSED:
                um |= 1 << i
        vms.append(vm)
        gms.append(gm)
        ums.append(um)
    v_tab, g_tab, u_tab = _word_rows(vms, words), _word_rows(gms, words), _word_rows(ums, words)
    any_tab = v_tab | g_tab | u_tab
    set_tab = _word_rows(set_bits, words)

    # The search runs on the flows in out_flows order ("slots"): each level takes the slots of its
    # frontier parties (ascending), which is the order the definition relaxes them in, and works on
    # whole columns of slots at once. Verdict bits are kept per slot, as 64-bit words.
    out_ptr = np.frombuffer(index.out_ptr, dtype=np.int32).astype(np.int64)
    slot_flow = np.frombuffer(index.out_flows, dtype=np.int32)
    slot_dst = np.frombuffer(index.out_dst, dtype=np.int32)
    slot_src = np.repeat(np.arange(n, dtype=np.int32), np.diff(out_ptr))
    slot_set = set_codes[slot_flow]
    slot_use = use_codes[slot_flow]
    del set_codes, use_codes
    slot_ok = None if allowed is None else np.frombuffer(allowed, dtype=np.uint8)[slot_flow].view(np.bool_)
    viol = np.zeros((m, words), dtype=np.uint64)
    gap = np.zeros((m, words), dtype=np.uint64)
    unassessed_counts = np.zeros((len(purposes), len(uses)), dtype=np.int64)
    compatible = 0
    reached = np.zeros((n, words), dtype=np.uint64)
    first = np.full(n, m, dtype=np.int64)  # scratch: first slot (of a level) reaching each party
    log_parts: list[tuple[NDArray[np.int32], NDArray[np.uint64], int, NDArray[np.int32]]] = []

    # Level 1: the flows that establish origin purposes (every qualifying flow), senders and flows
    # in id order; further levels: each batch of purposes that reached a party at the previous
    # level moves on along the party's qualifying flows.
    rows = np.flatnonzero(slot_set)
    carried = set_tab[slot_set[rows]]  # the purposes each slot carries on to its recipient
    checked = carried  # the purposes checked against the slot's use (not those established there)
    level = 1
    while rows.size:
        u = slot_use[rows]
        hit = checked & any_tab[u]
        viol[rows] |= hit & v_tab[u]
        gap[rows] |= hit & g_tab[u]
        compatible += int(np.bitwise_count(checked & ~any_tab[u]).sum())
        um_hit = hit & u_tab[u]
        some = np.flatnonzero(um_hit.any(axis=1))
        if some.size:
            um_hit, u_some = um_hit[some], u[some]
            for b in range(len(purposes)):
                has = (um_hit[:, b >> 6] & np.uint64(1 << (b & 63))) != 0
                if has.any():
                    unassessed_counts[b] += np.bincount(u_some[has], minlength=len(uses))
        # Which purposes first reach each recipient, and by which slot: for each (party, purpose),
        # the first slot of the level that carries the purpose there.
        w = slot_dst[rows]
        cand = carried & ~reached[w]
        new = np.zeros_like(cand)
        for b in range(len(purposes)):
            j, bit = b >> 6, np.uint64(1 << (b & 63))
            pos = np.flatnonzero(cand[:, j] & bit)
            if not pos.size:
                continue
            ws = w[pos]
            np.minimum.at(first, ws, pos)
            win = pos[first[ws] == pos]
            first[ws] = m
            new[win, j] |= bit
        got = np.flatnonzero(new.any(axis=1))
        if not got.size:
            break
        new, got_w = new[got], w[got]
        log_parts.append((got_w, new, level, slot_flow[rows[got]]))
        # The next frontier: parties that received new purposes, ascending; their slots in order.
        delta = np.zeros((n, words), dtype=np.uint64)
        np.bitwise_or.at(delta, got_w, new)
        reached |= delta
        frontier = np.flatnonzero(delta.any(axis=1))
        rows = slot_ranges(out_ptr, frontier)
        if slot_ok is not None:
            rows = rows[slot_ok[rows]]
        carried = delta[slot_src[rows]]
        checked = carried & ~set_tab[slot_set[rows]]  # purposes established at the flow were checked at level 1
        level += 1

    log: list[tuple[int, int, int, int]] = []
    for got_w, new, lvl, by in log_parts:
        log += zip(got_w.tolist(), _word_ints(new), itertools.repeat(lvl), by.tolist())
    violations, gaps = _by_flow(viol, slot_flow), _by_flow(gap, slot_flow)
    del viol, gap
    unassessed: Counter[tuple[str, str]] = Counter()
    for b, q_code in zip(*np.nonzero(unassessed_counts), strict=True):
        unassessed[(purposes[b], uses[q_code])] = int(unassessed_counts[b, q_code])
    return DriftResult(index, rules, origins, purposes, origin_bits, violations, gaps, unassessed, compatible,
                       log)


def _object_column(values: list[int]) -> NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _word_rows(values: list[int], words: int) -> NDArray[np.uint64]:
    """Python-int bit sets as rows of 64-bit words, least significant word first."""
    out = np.zeros((len(values), words), dtype=np.uint64)
    for i, x in enumerate(values):
        for j in range(words):
            out[i, j] = (x >> (64 * j)) & 0xFFFF_FFFF_FFFF_FFFF
    return out


def _word_ints(rows: NDArray[np.uint64]) -> list[int]:
    """Rows of 64-bit words back to Python-int bit sets."""
    out: list[int] = rows[:, 0].tolist()
    for j in range(1, rows.shape[1]):
        out = [x | y << (64 * j) for x, y in zip(out, rows[:, j].tolist(), strict=True)]
    return out


def _by_flow(bits: NDArray[np.uint64], slot_flow: NDArray[np.int32]) -> dict[int, int]:
    """Flow number → bit set (nonzero ones only, ascending flow numbers) from per-slot words."""
    per_flow = np.zeros_like(bits)
    per_flow[slot_flow] = bits  # slot_flow is a permutation: every flow once
    flows = np.flatnonzero(per_flow.any(axis=1))
    return dict(zip(flows.tolist(), _word_ints(per_flow[flows]), strict=True))


# --------------------------------------------------------------------------
# Scope expansion
# --------------------------------------------------------------------------


def _date_key(date: str | None) -> tuple[int, str]:
    if not date:
        return (1, "")
    return (0, s.PartialDate(date).earliest().isoformat())


def scope(g: nx.MultiDiGraph, *, system: str | None = None, day: dt.date | None = None) -> list[dict[str, Any]]:
    """The dated scope changes of every system (or one), as timelines.

    Parameters
    ----------
    system
        Only this system.
    day
        Leave out changes dated after this day (changes of unknown date stay).

    Returns
    -------
    list of dict
        ``{"system", "label", "changes": [...]}`` for systems with at least
        one change, sorted by system id; changes sorted as in the module docstring.
    """
    if system is not None:
        check_node(g, system, "system", "system")
    out = []
    for node, a in sorted(g.nodes(data=True), key=lambda x: x[0]):
        if a.get("kind") != "system" or (system is not None and node != system):
            continue
        changes = [dict(ch) for ch in a.get("scope_changes") or []
                   if day is None or not ch.get("date") or s.PartialDate(ch["date"]).earliest() <= day]
        if not changes:
            continue
        changes.sort(key=lambda ch: (_date_key(ch.get("date")), ch.get("date") or "", ch["dimension"],
                                     ch["description"]))
        for ch in changes:
            ch["sources"] = sources_of(ch.get("citations") or [])
        out.append({"system": node, "label": a.get("label", node), "changes": changes})
    return out


# --------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------


def _record_row(r: dict[str, Any]) -> dict[str, Any]:
    hops = r["path"]["hops"]
    return {
        "flow": r["flow"], "collected_for": r["collected_for"], "used_for": r["used_for"],
        "rule": (f"{r['rule']['id']}: {r['rule']['reason']}" if r["rule"] else ""),
        "origin": f"{r['origin']['flow']} ({r['origin']['how']})",
        "change_hop": f"hop {r['change_hop']['position']}: {r['change_hop']['flow']}",
        "route": route_text(hops), "sources": hop_sources(hops),
    }


def report(drift_result: DriftResult | None = None, timelines: list[dict[str, Any]] | None = None, *,
           limit: int | None = None) -> Report:
    """The function-creep report: drift violations and gaps, and/or scope timelines.

    With *limit*, only the first *limit* violations and gaps (by flow id) are listed; the counts stay complete.
    """
    tables: list[Table] = []
    summary: list[str] = []
    data: dict[str, Any] = {}
    cols = [("flow", "violating flow"), ("collected_for", "held for (P)"), ("used_for", "used for (Q)"),
            ("rule", "rule"), ("origin", "P established at"), ("change_hop", "purpose changes at"),
            ("route", "witness path"), ("sources", "sources per hop")]
    if drift_result is not None:
        d = drift_result.to_dict() if limit is None else drift_result.to_dict(limit=limit)
        data["drift"] = d
        c = d["counts"]
        summary.append(f"Purpose drift: {c['violations']} violations, {c['gaps']} gaps (purpose unknown), "
                       f"{c['unassessed']} unassessed uses (no rule), {c['compatible']} compatible uses.")
        if limit is not None:
            data["limit"] = limit
            summary.append(f"Listed: the first {len(d['violations'])} violations and the first {len(d['gaps'])} "
                           f"gaps, by flow id (--limit {limit}); the counts above are complete.")
        tables.append(Table("violations", "Purpose drift: violations", cols,
                            [_record_row(r) for r in d["violations"]],
                            "Data held for P reaches a use Q that a rule says is incompatible with P."))
        tables.append(Table("gaps", "Purpose drift: gaps (P or Q unknown)", cols,
                            [_record_row(r) for r in d["gaps"]],
                            "Where the sources do not say the purpose, compatibility cannot be assessed."))
        tables.append(Table("unassessed", "Purpose drift: uses no rule assesses",
                            [("collected_for", "held for (P)"), ("used_for", "used for (Q)"), ("count", "uses")],
                            list(d["unassessed"])))
    if timelines is not None:
        data["scope"] = timelines
        n = sum(len(t["changes"]) for t in timelines)
        summary.append(f"Scope expansion: {n} dated changes in {len(timelines)} systems.")
        tables.append(Table(
            "scope", "Scope expansion over time",
            [("system", "system"), ("date", "date"), ("dimension", "what grew"), ("status", "status"),
             ("description", "change"), ("added", "added"), ("sources", "sources")],
            [{"system": t["system"], "date": ch.get("date") or "unknown", "dimension": ch["dimension"],
              "status": ch["status"], "description": ch["description"],
              "added": [f"{k}: {x}" for k in ("categories", "subjects", "users", "purposes") for x in ch.get(k, [])],
              "sources": source_refs(ch["sources"])}
             for t in timelines for ch in t["changes"]]))
    return Report("creep", "Function creep", summary, tables, data)
