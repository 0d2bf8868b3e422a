"""What the pages mark: the analyses' findings, turned into flags and cases.

Every finding comes from :mod:`dataflows.analyses` — the pages draw what the
reports say, never a second opinion:

* **missing firewall** (:mod:`dataflows.analyses.firewalls`): a flow is
  flagged when it lies on *some* route of flows, none with a firewall
  ``present``, from a public-service origin to an enforcement party (the
  analysis' origins and targets). Its reasons say whether the routes through
  it have every firewall confirmed ``absent`` or some ``unknown``, and name
  the origin/target pairs whose witness route uses it. Each pair of the
  analysis is one *case* (one page): its witness route.
* **function creep** (:mod:`dataflows.analyses.creep`): a flow where data
  collected for purpose P is used for an incompatible purpose Q (a
  *violation* of the purpose rules) is flagged; each violation is a case, its
  witness route the page. A system with dated scope changes is flagged, and
  each such system is a case (scope expansion).
* **safeguard gap** (:mod:`dataflows.analyses.safeguards`): a flow with no
  information-sharing agreement known (status ``no`` or ``unknown``) or an
  unknown legal basis; a system without a known DPIA, EIA, operating
  procedure or independent review. Shown on the flow (a circle at the
  sender's end) and in the details panel of both.

Reasons are plain text; the page shows them with ``textContent`` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ..analyses import creep, firewalls, safeguards
from ..analyses.index import NO_FILTER, FlowIndex


@dataclass
class Case:
    """One analysis result that gets a page of its own."""

    name: str
    """File stem: a slug, unique in the site."""
    group: str
    """``firewall`` or ``creep``."""
    title: str
    summary: list[str]
    """Plain-text lines: what the case is, with its definition."""
    flows: list[str] = field(default_factory=list)
    """Flow ids of the route, in travel order."""
    nodes: list[str] = field(default_factory=list)
    """Further nodes to show (the system of a scope change)."""


@dataclass
class Findings:
    """Flags on flows and nodes, and the cases that get their own page."""

    flow_flags: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """Flow id → flag key → reasons (plain text)."""
    node_flags: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """Node id → flag key → reasons."""
    cases: list[Case] = field(default_factory=list)

    def flag_flow(self, flow: str, flag: str, reason: str) -> None:
        """Add a reason to a flow's flag (no duplicates)."""
        reasons = self.flow_flags.setdefault(flow, {}).setdefault(flag, [])
        if reason not in reasons:
            reasons.append(reason)

    def flag_node(self, node: str, flag: str, reason: str) -> None:
        """Add a reason to a node's flag (no duplicates)."""
        reasons = self.node_flags.setdefault(node, {}).setdefault(flag, [])
        if reason not in reasons:
            reasons.append(reason)


def _label(g: nx.MultiDiGraph, node: str) -> str:
    return str(g.nodes[node].get("label", node)) if node in g else node


def _reach(index: FlowIndex, starts: list[int], allowed: bytearray, *, reverse: bool) -> bytearray:
    """Parties reachable from any of *starts* over allowed flows (or reaching them, with *reverse*)."""
    ptr, adj = (index.in_ptr, index.in_flows) if reverse else (index.out_ptr, index.out_flows)
    other = index.src if reverse else index.dst
    seen = bytearray(index.n_nodes)
    todo = list(starts)
    for v in todo:
        seen[v] = 1
    while todo:
        v = todo.pop()
        for i in range(ptr[v], ptr[v + 1]):
            f = adj[i]
            if allowed[f] and not seen[other[f]]:
                seen[other[f]] = 1
                todo.append(other[f])
    return seen


def _firewall(g: nx.MultiDiGraph, out: Findings) -> None:
    result = firewalls.firewalls(g)
    index = result.index
    absent, unbarred = firewalls.barrier_masks(index, NO_FILTER)
    on_route: dict[int, str] = {}
    for mask, what in ((absent, "absent"), (unbarred, "unknown")):
        fwd = _reach(index, result.origins, mask, reverse=False)
        bwd = _reach(index, result.targets, mask, reverse=True)
        for f in range(index.n_flows):
            if mask[f] and fwd[index.src[f]] and bwd[index.dst[f]]:
                on_route.setdefault(f, what)  # "absent" first: the stronger statement wins
    for f, what in sorted(on_route.items()):
        out.flag_flow(index.flow_ids[f], "missing_firewall",
                      "On a route from a public service to immigration enforcement on which every firewall "
                      "is confirmed absent." if what == "absent" else
                      "On a route from a public service to immigration enforcement with no firewall known "
                      "on any hop (each absent or unknown).")
    for n, (o, t, kind) in enumerate(result.pairs, start=1):
        rec = result.record(o, t, kind)
        origin, target = rec["origin"], rec["target"]
        flows = rec["witness"]["flows"]
        missing = kind == firewalls.MISSING
        name = f"firewall-{n:03d}-{origin}-to-{target}"
        title = f"Missing firewall: {_label(g, origin)} → {_label(g, target)}"
        summary = [
            ("Every firewall on this route is confirmed absent." if missing else
             "No firewall is known on this route: each hop's firewall is absent or unknown."),
            f"The shortest such route: {len(flows)} hop{'s' if len(flows) != 1 else ''} "
            f"({', '.join(flows)}).",
        ]
        if rec["cut_flows"]:
            summary.append("A firewall on any one of these flows would cut every such route: "
                           + ", ".join(rec["cut_flows"]) + ".")
        summary.append("Definition: a route from a public service (health, education, housing, labour "
                       "inspection, welfare, local government, victim support, police) to immigration "
                       "enforcement with no barrier (UN Special Rapporteur on the human rights of migrants, "
                       "A/68/283 para 82).")
        for fid in flows:
            out.flag_flow(fid, "missing_firewall", f"Part of route {n}: {_label(g, origin)} → {_label(g, target)}.")
        out.cases.append(Case(name, "firewall", title, summary, flows))


def _creep(g: nx.MultiDiGraph, out: Findings) -> None:
    result = creep.drift(g)
    for n, (f, b) in enumerate(result.pairs(creep.VIOLATION), start=1):
        rec = result.record(f, b)
        p, q = rec["collected_for"], rec["used_for"]
        rule = rec.get("rule") or {}
        reason = (f"Data collected for '{_label(g, p)}' is used here for '{_label(g, q)}'"
                  + (f" — rule {rule.get('id')}: {str(rule.get('reason') or '').rstrip('.')}" if rule else "") + ".")
        out.flag_flow(rec["flow"], "function_creep", reason)
        flows = rec["path"]["flows"]
        summary = [
            reason,
            f"Where the purpose was set: flow {rec['origin']['flow']} ({rec['origin']['how']}); "
            f"the purpose changes at hop {rec['change_hop']['position']} ({rec['change_hop']['flow']}).",
            f"The shortest such route: {', '.join(flows)}.",
            "Definition: purpose drift — data collected for one purpose reaches a use the purpose rules "
            "call incompatible (function creep, seed 004, Box 3).",
        ]
        out.cases.append(Case(f"creep-{n:03d}-{rec['flow']}-{p}", "creep",
                              f"Function creep: {_label(g, p)} → {_label(g, q)} ({rec['flow']})", summary, flows))
    for timeline in creep.scope(g):
        system = timeline["system"]
        lines = [f"{ch.get('date') or 'date unknown'} — {ch['dimension'].replace('_', ' ')} "
                 f"({ch['status'].replace('_', ' ')}): {ch['description']}" for ch in timeline["changes"]]
        for line in lines:
            out.flag_node(system, "function_creep", "Scope grew: " + line)
        summary = [f"{timeline['label']}: {len(lines)} dated change{'s' if len(lines) != 1 else ''} in scope.",
                   *lines,
                   "Definition: scope expansion — a system gains new data categories, subjects, users or "
                   "purposes over time (function creep, seed 004, Box 3)."]
        related = sorted({x for ch in timeline["changes"]
                          for x in (*ch.get("categories", []), *ch.get("subjects", []),
                                    *ch.get("users", []), *ch.get("purposes", [])) if x in g})
        out.cases.append(Case(f"scope-{system}", "creep", f"Scope expansion: {timeline['label']}", summary,
                              [], [system, *related]))


def _safeguards(g: nx.MultiDiGraph, out: Findings) -> None:
    result = safeguards.safeguards(g)
    for row in result["flows"]:
        for gap in row["gaps"]:
            name = str(gap["safeguard"]).replace("_", " ")
            says = "unknown — the sources do not say" if gap["status"] == "unknown" else \
                f"{gap['status']}: {gap['says']}"
            out.flag_flow(row["flow"], "unknown_safeguards", f"{name}: {says}")
    for row in result["systems"]:
        for gap in row["gaps"]:
            name = str(gap["safeguard"]).replace("_", " ")
            says = "unknown — the sources do not say" if gap["status"] == "unknown" else \
                f"{gap['status']}: {gap['says']}"
            out.flag_node(row["system"], "unknown_safeguards", f"{name}: {says}")


def findings(g: nx.MultiDiGraph) -> Findings:
    """Run the analyses on *g* and collect what the pages mark.

    Flags and reasons are listed in a fixed order (the analyses' own orders),
    so pages built from the same graph are identical.
    """
    out = Findings()
    _firewall(g, out)
    _creep(g, out)
    _safeguards(g, out)
    return out


def case_by_name(found: Findings, name: str) -> Case | None:
    """The case called *name*, if any."""
    return next((c for c in found.cases if c.name == name), None)


def as_dict(found: Findings) -> dict[str, Any]:
    """A JSON-ready summary (for ``dataflows render list --format json``)."""
    return {"cases": [{"name": c.name, "group": c.group, "title": c.title, "flows": c.flows, "nodes": c.nodes}
                      for c in found.cases],
            "flagged_flows": {k: sorted(v) for k, v in sorted(found.flow_flags.items())}}
