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

**Scope expansion** (:func:`scope`): the ``scope_changes`` of every system,
sorted by date (earliest day the partial date may mean; unknown dates last),
then dimension, then description; systems sorted by id.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from .. import schema as s
from .index import (
    NO_FILTER,
    FlowFilter,
    FlowIndex,
    Hierarchy,
    check_node,
    flow_index,
    hierarchy,
    paused_gc,
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
        return a == b or self.categories.is_under(a, b) or self.categories.is_under(b, a)

    def of(self, sender: str, attrs: dict[str, Any]) -> frozenset[str]:
        """The origin purposes of a flow from *sender* with attributes *attrs*."""
        if attrs.get("collected_for") is not None:
            return frozenset({_norm(attrs["collected_for"])})
        if self.g.nodes[sender].get("kind") != "system":
            return frozenset({UNKNOWN})
        cats = tuple(attrs.get("categories") or ())
        key = (sender, cats)
        got = self._cache.get(key)
        if got is None:
            found = {p for c in cats for hc, p, _ in self.holds(sender) if self._matches(c, hc)}
            got = frozenset(found or {UNKNOWN})
            self._cache[key] = got
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

    # Origin purpose sets, then one bit per purpose (in id order). Flows often share their
    # category list and collected_for, so the sets are cached on those.
    attrs, nodes, src, dst = index.flow_attrs, index.nodes, index.src, index.dst
    sets: list[frozenset[str]] = []
    uses: list[str] = []
    cache: dict[tuple[Any, ...], frozenset[str]] = {}
    empty: frozenset[str] = frozenset()
    for f in range(m):
        a = attrs[f]
        uses.append(_norm(a.get("purpose")))
        if allowed is not None and not allowed[f]:
            sets.append(empty)
            continue
        cf = a.get("collected_for")
        key = (cf,) if cf is not None else (None, src[f], id(a.get("categories")))
        got = cache.get(key)
        if got is None:
            got = cache[key] = origins.of(nodes[src[f]], a)
        sets.append(got)
    del cache
    purposes = sorted(set().union(*set(sets))) if sets else []
    bit_of = {p: i for i, p in enumerate(purposes)}
    set_bits: dict[frozenset[str], int] = {}
    origin_bits: list[int] = []
    for st in sets:
        bits = set_bits.get(st)
        if bits is None:
            bits = 0
            for p in st:
                bits |= 1 << bit_of[p]
            set_bits[st] = bits
        origin_bits.append(bits)
    del sets

    # Per flow, by its use purpose Q: which origin bits give a violation, a gap, an unassessed use.
    by_use: dict[str, tuple[int, int, int, int, str]] = {}
    use_masks: list[tuple[int, int, int, int, str]] = []
    for q in uses:
        got_q = by_use.get(q)
        if got_q is None:
            vm = gm = um = 0
            for p, i in bit_of.items():
                verdict = rules.verdict(p, q)[0]
                if verdict == VIOLATION:
                    vm |= 1 << i
                elif verdict == GAP:
                    gm |= 1 << i
                elif verdict == UNASSESSED:
                    um |= 1 << i
            got_q = by_use[q] = (vm, gm, um, vm | gm | um, q)
        use_masks.append(got_q)
    del uses

    # Verdict bits per flow, in flat lists (a dict per hit costs more than 8 bytes per flow).
    viol = [0] * m
    gap = [0] * m
    unassessed_masks: Counter[tuple[str, int]] = Counter()
    compatible = 0
    reached = [0] * n
    log: list[tuple[int, int, int, int]] = []
    delta: dict[int, int] = {}
    out_ptr, out_flows = index.out_ptr, index.out_flows
    # Level 1: the flows that establish origin purposes, senders and flows in id order.
    for v in range(n):
        for i in range(out_ptr[v], out_ptr[v + 1]):
            f = out_flows[i]
            bits = origin_bits[f]
            if not bits:
                continue
            vm, gm, um, any_m, q = use_masks[f]
            hit = bits & any_m
            if hit:
                viol[f] |= hit & vm
                gap[f] |= hit & gm
                if hit & um:
                    unassessed_masks[(q, hit & um)] += 1
            compatible += (bits & ~any_m).bit_count()
            w = dst[f]
            new = bits & ~reached[w]
            if new:
                reached[w] |= new
                log.append((w, new, 1, f))
                delta[w] = delta.get(w, 0) | new
    # Further levels: each batch of purposes that reached a party at the previous level moves on.
    level = 1
    while delta:
        level += 1
        nxt: dict[int, int] = {}
        for v in sorted(delta):
            dm = delta[v]
            for f in out_flows[out_ptr[v]:out_ptr[v + 1]]:
                if allowed is not None and not allowed[f]:
                    continue
                mask = dm & ~origin_bits[f]  # purposes established at f itself were checked at level 1
                if mask:
                    vm, gm, um, any_m, q = use_masks[f]
                    hit = mask & any_m
                    if hit:
                        viol[f] |= hit & vm
                        gap[f] |= hit & gm
                        if hit & um:
                            unassessed_masks[(q, hit & um)] += 1
                    compatible += (mask & ~any_m).bit_count()
                w = dst[f]
                new = dm & ~reached[w]
                if new:
                    reached[w] |= new
                    log.append((w, new, level, f))
                    nxt[w] = nxt.get(w, 0) | new
        delta = nxt
    violations = {f: x for f, x in enumerate(viol) if x}
    gaps = {f: x for f, x in enumerate(gap) if x}
    del viol, gap

    unassessed: Counter[tuple[str, str]] = Counter()
    for (q, mask), count in unassessed_masks.items():
        for b in _bits(mask):
            unassessed[(purposes[b], q)] += count
    return DriftResult(index, rules, origins, purposes, origin_bits, violations, gaps, unassessed, compatible,
                       log)


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


def report(drift_result: DriftResult | None = None, timelines: list[dict[str, Any]] | None = None) -> Report:
    """The function-creep report: drift violations and gaps, and/or scope timelines."""
    tables: list[Table] = []
    summary: list[str] = []
    data: dict[str, Any] = {}
    cols = [("flow", "violating flow"), ("collected_for", "held for (P)"), ("used_for", "used for (Q)"),
            ("rule", "rule"), ("origin", "P established at"), ("change_hop", "purpose changes at"),
            ("route", "witness path"), ("sources", "sources per hop")]
    if drift_result is not None:
        d = drift_result.to_dict()
        data["drift"] = d
        c = d["counts"]
        summary.append(f"Purpose drift: {c['violations']} violations, {c['gaps']} gaps (purpose unknown), "
                       f"{c['unassessed']} unassessed uses (no rule), {c['compatible']} compatible uses.")
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
