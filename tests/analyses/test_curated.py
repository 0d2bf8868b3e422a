"""The curated map in graph_data/ must produce the cases the sources describe.

No test here names a record: parties, purposes and sectors are found through
the hierarchy and the sectors, so the tests hold while curators rename things.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from dataflows.analyses import creep, firewalls, register, reports, safeguards, sharing
from dataflows.analyses.index import SECTOR_ROLES_RUN, hierarchy, party_sectors
from dataflows.dataset import load
from dataflows.graph import build

from ..conftest import GRAPH_DATA, seeds_dir

ENFORCEMENT = {"immigration_enforcement", "border_agency"}


@pytest.fixture(scope="module")
def real() -> nx.MultiDiGraph:
    return build(load(GRAPH_DATA, seeds_dir()))


def _roots(g: nx.MultiDiGraph, purposes: set[str]) -> set[str]:
    h = hierarchy(g, "purpose")
    return {h.ancestors(p)[-1][0] for p in purposes if p in h}


def test_purpose_rules_name_existing_purposes(real: nx.MultiDiGraph) -> None:
    rules = real.graph["purpose_rules"]
    assert rules, "graph_data/purpose_rules/ holds no rule"
    for r in rules:
        assert real.nodes[r["collected_for"]]["kind"] == "purpose"
        assert real.nodes[r["used_for"]]["kind"] == "purpose"
        assert r["reason"] and r["citations"]


def test_drift_finds_humanitarian_data_used_for_return_or_enforcement(real: nx.MultiDiGraph) -> None:
    # Humanitarian purposes: those held by systems humanitarian agencies run, or for which they send data.
    held = {a["purpose"] for u, _, a in real.edges(data=True)
            if a["kind"] == "holds" and "humanitarian" in party_sectors(real, u, frozenset({"operator", "owner"}))}
    sent = {a["collected_for"] for u, _, a in real.edges(data=True)
            if a["kind"] == "flow" and a["collected_for"] and real.nodes[u].get("sector") == "humanitarian"}
    h = hierarchy(real, "purpose")
    humanitarian = set().union(*(h.below(r) for r in _roots(real, held | sent)))
    # Return/enforcement uses: the purpose trees of what enforcement parties receive.
    received = {a["purpose"] for _, v, a in real.edges(data=True)
                if a["kind"] == "flow" and party_sectors(real, v, frozenset({"operator", "owner"})) & ENFORCEMENT}
    enforcement = set().union(*(h.below(r) for r in _roots(real, received - {"unknown"})))
    assert humanitarian and enforcement
    found = [(r["collected_for"], r["used_for"], r["path"]["flows"])
             for r in creep.drift(real).to_dict()["violations"]
             if r["collected_for"] in humanitarian and r["used_for"] in enforcement]
    assert found, "no humanitarian data reaching a return or enforcement use"


def _police_to_enforcement(real: nx.MultiDiGraph) -> list[dict[str, object]]:
    d = firewalls.firewalls(real).to_dict()
    return [r for r in d["missing"] + d["unknown_barrier"]
            if "police" in party_sectors(real, str(r["origin"]), SECTOR_ROLES_RUN)]


def test_police_data_reaches_enforcement_without_a_firewall(real: nx.MultiDiGraph) -> None:
    assert _police_to_enforcement(real)


def test_police_route_passes_through_an_enforcement_system(real: nx.MultiDiGraph) -> None:
    def enforcement_system(node: str) -> bool:
        return (real.nodes[node]["kind"] == "system"
                and bool(party_sectors(real, node, frozenset({"operator", "owner"})) & ENFORCEMENT))

    routes = [r["witness"]["hops"] for r in _police_to_enforcement(real)]  # type: ignore[index]
    assert any(enforcement_system(h["to"]) for hops in routes for h in hops)  # type: ignore[attr-defined]


def test_reports_on_the_real_map(real: nx.MultiDiGraph, tmp_path: Path) -> None:
    names = reports.write_reports(real, tmp_path)
    assert len(names) == 12
    assert len(sharing.flows(real)) == sum(1 for *_, k in real.edges(data="kind") if k == "flow")
    gaps = safeguards.safeguards(real)
    assert gaps["systems"] and gaps["flows"]
    entries = register.register(real)
    assert any(f["status"] == "unknown" for e in entries for f in e["fields"].values())
    assert creep.scope(real), "no system with a dated scope change"
