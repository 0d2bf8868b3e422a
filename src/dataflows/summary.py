"""Counts that describe the map: what the main job prints first."""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from . import schema as s
from .dataset import Dataset, iter_citations


def _sorted(counter: Counter[str]) -> dict[str, int]:
    return {k: counter[k] for k in sorted(counter)}


def summarise(ds: Dataset, g: nx.MultiDiGraph) -> dict[str, Any]:
    """Counts by node kind, flow kind, status, jurisdiction, evidence type and source.

    Returns a JSON-ready dict with sorted keys, so output diffs cleanly.
    """
    nodes_by_kind = Counter(a["kind"] for _, a in g.nodes(data=True))
    flow_edges = [a for _, _, a in g.edges(data=True) if a["kind"] == "flow"]
    by_mechanism = Counter(a["mechanism"] for a in flow_edges)
    by_status = Counter(a["status"] for a in flow_edges)
    by_firewall = Counter(a["firewall"]["status"] for a in flow_edges)
    jurisdictions: Counter[str] = Counter()
    for _, a in g.nodes(data=True):
        if a.get("jurisdiction"):
            jurisdictions[f"{a['jurisdiction']}"] += 1
    for a in flow_edges:
        if a.get("jurisdiction"):
            jurisdictions[a["jurisdiction"]] += 1

    sources = ds.sources

    def seed_of(src_id: str) -> str:
        """The seed file a source is, or is cited in (a document known through a seed)."""
        src = sources[src_id]
        while src.file is None and src.cited_in in sources:
            src = sources[src.cited_in]
        return src.file or src.id

    node_sections = {"agencies", "systems", "data_categories", "purposes", "groups", "outcomes"}
    seed_nodes: dict[str, set[str]] = {}
    seed_flows: dict[str, set[str]] = {}
    seed_citations: Counter[str] = Counter()
    evidence: Counter[str] = Counter()
    citations_by_source: Counter[str] = Counter()
    records_by_source: dict[str, Counter[str]] = {}
    for section, records in ds.records.items():
        for rec in records:
            cited: set[str] = set()
            for _, c in iter_citations(rec):
                evidence[(c.evidence_type or sources[c.source].evidence_type).value] += 1
                citations_by_source[c.source] += 1
                cited.add(c.source)
                seed = seed_of(c.source)
                seed_citations[seed] += 1
                if section in node_sections:
                    seed_nodes.setdefault(seed, set()).add(rec.id)
                elif section == "flows":
                    seed_flows.setdefault(seed, set()).add(rec.id)
            for src in cited:
                records_by_source.setdefault(src, Counter())[section] += 1

    def seed_label(src_id: str) -> str:
        src = sources[src_id]
        if src.file:
            return src.file
        return f"{src_id} (cited in {src.cited_in})" if src.cited_in else src_id

    return {
        "nodes": sum(nodes_by_kind.values()),
        "flows": len(flow_edges),
        "citations": sum(citations_by_source.values()),
        "nodes_by_kind": _sorted(nodes_by_kind),
        "flows_by_kind": _sorted(by_mechanism),
        "flows_by_status": _sorted(by_status),
        "flows_by_firewall": _sorted(by_firewall),
        "by_jurisdiction": _sorted(jurisdictions),
        "citations_by_evidence_type": _sorted(evidence),
        "by_source": {
            src: {
                "file": seed_label(src),
                "citations": citations_by_source[src],
                "records": _sorted(records_by_source.get(src, Counter())),
            }
            for src in sorted(citations_by_source)
        },
        "by_seed": {
            seed: {"nodes": len(seed_nodes.get(seed, ())), "flows": len(seed_flows.get(seed, ())),
                   "citations": seed_citations[seed]}
            for seed in sorted(seed_citations)
        },
        "figures": len(ds.section("figures")),
        "systems_with_unknown_register_fields": sum(
            1 for r in ds.section("systems")
            if any(f.status == s.Knowledge.unknown for _, f in r.transparency)
        ),
        "quotes": dict(ds.quote_checks),
    }
