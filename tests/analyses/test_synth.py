"""The synthetic map generator: shape, determinism, sharing of repeated values."""

from __future__ import annotations

from dataflows import synth
from dataflows.analyses import creep, firewalls, register, safeguards, sharing
from dataflows.graph import EDGE_KINDS, NODE_KINDS


def test_shape_like_graph_build() -> None:
    g = synth.generate(3000, seed=3)
    flows = [a for *_, a in g.edges(data=True) if a["kind"] == "flow"]
    assert len(flows) == 3000
    assert {a["kind"] for _, a in g.nodes(data=True)} <= set(NODE_KINDS)
    assert {a["kind"] for *_, a in g.edges(data=True)} <= set(EDGE_KINDS)
    keys = {"id", "categories", "purpose", "collected_for", "mechanism", "status", "period", "jurisdiction",
            "legal_basis", "firewall", "safeguards", "description", "citations", "kind"}
    assert all(set(a) == keys for a in flows)
    assert {a["firewall"]["status"] for a in flows} == {"present", "absent", "unknown"}
    assert any(a["purpose"] == "unknown" for a in flows)
    assert all(a["citations"][0]["source"] in g.graph["sources"] for a in flows)
    assert all(j is None or j in g.graph["jurisdictions"] for j in g.graph["jurisdictions"].values())
    # repeated values are shared, not copied
    assert len({id(a["citations"]) for a in flows}) <= 36


def test_deterministic() -> None:
    a, b = synth.generate(500, seed=7), synth.generate(500, seed=7)
    assert sorted(a.edges(keys=True)) == sorted(b.edges(keys=True))
    assert sorted(a.edges(keys=True)) != sorted(synth.generate(500, seed=8).edges(keys=True))


def test_every_analysis_runs_and_finds_something() -> None:
    g = synth.generate(2000, seed=1)
    assert creep.drift(g).count() > 0
    assert firewalls.firewalls(g).kind_pairs(firewalls.MISSING)
    assert sharing.flows(g, sector="police")
    assert safeguards.safeguards(g)["systems"]
    assert register.register(g)
