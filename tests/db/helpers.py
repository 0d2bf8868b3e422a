"""Graphs for the Neo4j tests: big enough to interrupt a load half-way."""

from __future__ import annotations

import networkx as nx


def big_graph(n_flows: int, n_parties: int = 500, tag: str = "big") -> nx.MultiDiGraph:
    """A graph shaped like graph.build's output, with *n_flows* flows between agencies."""
    cite = [{"source": "src", "title": "T", "publisher": "P", "file": None, "url": None, "locator": "p. 1",
             "quote": "q", "evidence_type": "ngo_report", "confidence": "high", "note": None}]
    g = nx.MultiDiGraph()
    g.graph["sources"] = {"src": {"id": "src", "title": "T", "publisher": "P", "evidence_type": "ngo_report"}}
    g.graph["jurisdictions"] = {"j": None}
    g.graph["jurisdiction_names"] = {"j": "J"}
    g.add_node("cat", kind="data_category", label="Category", description=None, parent=None, special=False,
               citations=cite)
    for i in range(n_parties):
        g.add_node(f"{tag}-p{i}", kind="agency", label=f"Party {i}", sector="police", jurisdiction="j",
                   aliases=[], description=None, citations=cite)
    for i in range(n_flows):
        fid = f"{tag}-f{i}"
        g.add_edge(f"{tag}-p{i % n_parties}", f"{tag}-p{(i * 7 + 1) % n_parties}", key=fid, kind="flow", id=fid,
                   categories=["cat"], purpose="unknown", collected_for=None, mechanism="report", status="active",
                   period={"start": None, "end": None}, jurisdiction="j",
                   legal_basis={"status": "unknown", "text": None, "citations": []},
                   firewall={"status": "unknown", "note": None, "citations": []}, safeguards={},
                   description="d", citations=cite)
    return g
