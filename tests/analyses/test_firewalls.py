"""Missing firewalls on the made-up land: pairs, witnesses, cut flows, overrides, filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import networkx as nx
import pytest

from dataflows.analyses import firewalls as fw
from dataflows.analyses.index import FlowFilter
from dataflows.errors import UnknownName


def table(result: fw.FirewallResult) -> dict[tuple[str, str], tuple[str, list[str], list[str], Any]]:
    d = result.to_dict()
    return {(r["origin"], r["target"]): (r["kind"], r["witness"]["flows"], r["cut_flows"], r.get("cut_flows_unbarred"))
            for r in d["missing"] + d["unknown_barrier"]}


def test_pairs_on_the_land(land: nx.MultiDiGraph) -> None:
    assert table(fw.firewalls(land)) == {
        ("old-system", "immigration-office"): ("missing", ["f16"], ["f16"], ["f16"]),
        ("patient-db", "immigration-office"): ("missing", ["f02"], ["f02"], ["f02"]),
        ("police-north", "iabs"): ("missing", ["f18", "f04"], ["f04", "f18"], ["f04"]),
        ("police-north", "immigration-office"): ("missing", ["f18", "f04", "f05"], ["f04", "f05", "f18"],
                                                 ["f04", "f05"]),
        ("scanner", "iabs"): ("missing", ["f04"], ["f04"], ["f04"]),
        ("scanner", "immigration-office"): ("missing", ["f04", "f05"], ["f04", "f05"], ["f04", "f05"]),
        ("gp-north", "immigration-office"): ("unknown-barrier", ["f15", "f16"], ["f15", "f16"], None),
        ("school-south", "immigration-office"): ("unknown-barrier", ["f11", "f12"], ["f11", "f12"], None),
        ("victim-service", "iabs"): ("unknown-barrier", ["f06", "f03", "f04"], ["f04", "f06"], None),
        ("victim-service", "immigration-office"): ("unknown-barrier", ["f06", "f03", "f04", "f05"],
                                                   ["f04", "f05", "f06"], None),
    }


def test_parties_and_order(land: nx.MultiDiGraph) -> None:
    d = fw.firewalls(land).to_dict()
    assert d["enforcement_parties"] == ["border-force", "iabs", "immigration-office"]
    assert d["origins"] == ["dwp", "gang-matrix", "gp-north", "old-system", "patient-db", "police-north",
                            "scanner", "school-south", "victim-service"]
    keys = [(r["origin"], r["target"]) for r in d["missing"]]
    assert keys == sorted(keys)
    assert d["counts"] == {"missing": 6, "unknown-barrier": 4}
    hop = d["missing"][0]["witness"]["hops"][0]
    assert hop["firewall"]["status"] == "absent" and hop["firewall"]["citations"]


def test_as_of(land: nx.MultiDiGraph) -> None:
    got = table(fw.firewalls(land, day=dt.date(2020, 1, 1)))
    assert ("old-system", "immigration-office") not in got and ("gp-north", "immigration-office") not in got
    # without f18 (from 2021), police-north reaches iabs only through f03, whose barrier is unknown
    assert got[("police-north", "iabs")] == ("unknown-barrier", ["f03", "f04"], ["f03", "f04"], None)


def test_overrides(land: nx.MultiDiGraph) -> None:
    got = table(fw.firewalls(land, public_sectors=["humanitarian"], enforcement_sectors=["foreign_authority"]))
    assert got == {("refugee-db", "foreign-gov"): ("missing", ["f10"], ["f10"], ["f10"]),
                   ("unhcr", "foreign-gov"): ("unknown-barrier", ["f09", "f10"], ["f09", "f10"], None)}
    # police removed from public services: only the police's systems drop out, not what they reach
    got = table(fw.firewalls(land, public_sectors=["health"]))
    assert set(got) == {("old-system", "immigration-office"), ("patient-db", "immigration-office"),
                        ("gp-north", "immigration-office")}


def test_filters(land: nx.MultiDiGraph) -> None:
    got = table(fw.firewalls(land, flt=FlowFilter(category="address")))
    assert set(got) == {("patient-db", "immigration-office"), ("school-south", "immigration-office")}
    got = table(fw.firewalls(land, flt=FlowFilter(min_confidence="high")))
    assert got[("police-north", "iabs")] == ("unknown-barrier", ["f03", "f04"], ["f03", "f04"], None)


def test_unknown_sector(land: nx.MultiDiGraph) -> None:
    with pytest.raises(UnknownName, match="did you mean health"):
        fw.firewalls(land, public_sectors=["helth"])


def test_report(land: nx.MultiDiGraph) -> None:
    rep = fw.report(fw.firewalls(land))
    assert [t.name for t in rep.tables] == ["missing", "unknown-barrier"]
    assert rep.tables[0].rows[0]["route"].startswith("old-system -[f16: immigration-enforcement; firewall absent]->")
