"""Safeguard gaps and the transparency register on the made-up land."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from dataflows.analyses import register, safeguards
from dataflows.errors import UnknownName


def test_flow_gaps(land: nx.MultiDiGraph) -> None:
    result = safeguards.safeguards(land)
    flows = {r["flow"]: r for r in result["flows"]}
    assert "f01" not in flows  # agreement yes, legal basis stated
    assert [f"f{i:02d}" for i in range(2, 19)] == sorted(flows)
    f13 = flows["f13"]["gaps"]
    assert f13 == [{"safeguard": "sharing_agreement", "status": "no", "says": "No agreement was published.",
                    "citations": f13[0]["citations"], "sources": [{"source": "fixture-report", "locator": "p13"}]}]
    assert [g["safeguard"] for g in flows["f02"]["gaps"]] == ["sharing_agreement", "legal_basis"]
    assert all(g["says"] == "unknown" for g in flows["f02"]["gaps"])


def test_system_gaps(land: nx.MultiDiGraph) -> None:
    systems = {r["system"]: r for r in safeguards.safeguards(land)["systems"]}
    assert "patient-db" not in systems
    assert sorted(systems) == ["gang-matrix", "iabs", "old-system", "refugee-db", "scanner"]
    dpia = systems["scanner"]["gaps"][0]
    assert (dpia["safeguard"], dpia["status"], dpia["says"]) == ("dpia", "no", "No DPIA was done before roll-out.")
    assert [g["safeguard"] for g in systems["iabs"]["gaps"]] == ["dpia", "eia", "operating_procedure",
                                                                "independent_review"]
    assert "old-system" not in {r["system"] for r in safeguards.safeguards(land, day=dt.date(2020, 1, 1))["systems"]}


def test_register(land: nx.MultiDiGraph) -> None:
    entries = {e["system"]: e for e in register.register(land)}
    assert sorted(entries) == ["gang-matrix", "iabs", "old-system", "patient-db", "refugee-db", "scanner"]
    sc = entries["scanner"]
    assert sc["fields"]["purpose"]["status"] == "known"
    assert sc["fields"]["purpose"]["text"] == "Check identity on the spot."
    assert sc["fields"]["reviews"] == {"status": "unknown", "text": "unknown", "citations": []}
    assert sc["operators"] == [{"agency": "police-north", "label": "Police North", "role": "operator"}]
    assert sc["holds"] == [{"category": "fingerprints", "purpose": "identity-check"}]
    assert [d["flow"] for d in sc["data_sources"]] == ["f03", "f18"]
    assert sc["sources"] == ["fixture-report"]
    assert [o["role"] for o in entries["iabs"]["operators"]] == ["operator", "user"]
    assert register.register(land, system="iabs")[0]["system"] == "iabs"
    with pytest.raises(UnknownName, match="did you mean iabs"):
        register.register(land, system="iab")


def test_register_report_shows_unknown(land: nx.MultiDiGraph) -> None:
    rep = register.report(register.register(land))
    row = next(r for r in rep.tables[0].rows if r["system"] == "scanner")
    assert row["purpose"] == "known: Check identity on the spot."
    assert row["reviews"] == "unknown"
    assert rep.summary[0] == "6 systems; 29 of 30 register fields unknown."
