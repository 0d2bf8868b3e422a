"""Interoperability: shortest path, all simple paths, reach — each filter on the made-up land."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from dataflows.analyses import paths
from dataflows.analyses.index import FlowFilter
from dataflows.errors import UnknownName


def flows_of(p: dict[str, object] | None) -> list[str] | None:
    return None if p is None else list(p["flows"])  # type: ignore[call-overload]


def test_shortest_path_with_hops_and_citations(land: nx.MultiDiGraph) -> None:
    p = paths.shortest_path(land, "police-north", "immigration-office")
    assert p is not None
    # f03 and f18 both go police-north → scanner: the smaller flow id wins the tie
    assert p["flows"] == ["f03", "f04", "f05"]
    hop = p["hops"][1]
    assert (hop["flow"], hop["from"], hop["to"]) == ("f04", "scanner", "iabs")
    assert hop["categories"] == ["fingerprints"] and hop["purpose"] == "immigration-enforcement"
    assert hop["firewall"]["status"] == "absent"
    assert hop["firewall"]["citations"][0]["locator"] == "f04-fw"
    assert hop["citations"][0]["locator"] == "f04"


def test_shortest_path_filters(land: nx.MultiDiGraph) -> None:
    assert flows_of(paths.shortest_path(land, "police-north", "immigration-office",
                                        flt=FlowFilter(unfirewalled=True))) == ["f03", "f04", "f05"]
    # Only flows carrying facial images: f18 only, which does not go on
    assert paths.shortest_path(land, "police-north", "iabs", flt=FlowFilter(category="facial-image")) is None
    assert flows_of(paths.shortest_path(land, "police-north", "scanner",
                                        flt=FlowFilter(category="facial-image"))) == ["f18"]
    # f17 is only low confidence
    assert paths.shortest_path(land, "gang-matrix", "prosecution", flt=FlowFilter(min_confidence="medium")) is None
    assert flows_of(paths.shortest_path(land, "gang-matrix", "prosecution",
                                        flt=FlowFilter(min_confidence="low"))) == ["f17"]
    # medium keeps f18 (medium) but not f17 (low); high drops f18 too
    assert flows_of(paths.shortest_path(land, "police-north", "scanner",
                                        flt=FlowFilter(min_confidence="high", category="facial-image"))) is None
    # f13 has a firewall
    assert paths.shortest_path(land, "iabs", "border-force", flt=FlowFilter(unfirewalled=True)) is None
    assert flows_of(paths.shortest_path(land, "iabs", "border-force")) == ["f05", "f13"]


def test_shortest_path_as_of(land: nx.MultiDiGraph) -> None:
    assert flows_of(paths.shortest_path(land, "gp-north", "immigration-office")) == ["f15", "f16"]
    assert flows_of(paths.shortest_path(land, "gp-north", "immigration-office", day=dt.date(2020, 1, 1))) == [
        "f01", "f02"]
    assert paths.shortest_path(land, "police-north", "iabs", day=dt.date(2018, 1, 1)) is None


def test_all_paths_sorted_and_bounded(land: nx.MultiDiGraph) -> None:
    got = [p["flows"] for p in paths.all_paths(land, "police-north", "border-force")]
    assert got == [["f03", "f04", "f05", "f13"], ["f18", "f04", "f05", "f13"]]
    assert paths.all_paths(land, "police-north", "border-force", max_hops=3) == []
    got = [p["flows"] for p in paths.all_paths(land, "victim-service", "immigration-office", max_hops=4)]
    assert got == [["f06", "f03", "f04", "f05"], ["f06", "f18", "f04", "f05"]]
    got = [p["flows"] for p in paths.all_paths(land, "victim-service", "immigration-office",
                                                flt=FlowFilter(category="fingerprints"))]
    assert got == []
    got = [p["flows"] for p in paths.all_paths(land, "police-north", "immigration-office", limit=1)]
    assert got == [["f03", "f04", "f05"]]


def test_all_paths_are_simple(land: nx.MultiDiGraph) -> None:
    # scanner → police-north → scanner would revisit the scanner
    got = [p["flows"] for p in paths.all_paths(land, "scanner", "gang-matrix", max_hops=6)]
    assert got == [["f14", "f07"]]


def test_reach_down(land: nx.MultiDiGraph) -> None:
    got = {r["party"]: (r["distance"], r["path"]["flows"]) for r in paths.reach(land, "police-north")}
    assert got == {
        "scanner": (1, ["f03"]), "gang-matrix": (1, ["f07"]),
        "iabs": (2, ["f03", "f04"]), "dwp": (2, ["f07", "f08"]), "prosecution": (2, ["f07", "f17"]),
        "immigration-office": (3, ["f03", "f04", "f05"]), "border-force": (4, ["f03", "f04", "f05", "f13"]),
    }
    order = [r["party"] for r in paths.reach(land, "police-north")]
    assert order == ["gang-matrix", "scanner", "dwp", "iabs", "prosecution", "immigration-office", "border-force"]


def test_reach_up(land: nx.MultiDiGraph) -> None:
    got = {r["party"]: (r["distance"], r["path"]["flows"]) for r in paths.reach(land, "iabs", direction="up")}
    assert got == {"scanner": (1, ["f04"]), "police-north": (2, ["f03", "f04"]),
                   "victim-service": (3, ["f06", "f03", "f04"])}


def test_reach_filters(land: nx.MultiDiGraph) -> None:
    got = {r["party"] for r in paths.reach(land, "police-north", flt=FlowFilter(unfirewalled=True))}
    assert "border-force" not in got and "immigration-office" in got
    got = {r["party"] for r in paths.reach(land, "police-north", flt=FlowFilter(category="intelligence"))}
    assert got == {"gang-matrix", "dwp", "prosecution"}
    got = {r["party"] for r in paths.reach(land, "police-north", flt=FlowFilter(min_confidence="high"))}
    assert "prosecution" not in got
    got = {r["party"]: r["path"]["flows"] for r in paths.reach(land, "police-north", day=dt.date(2020, 1, 1))}
    assert got["iabs"] == ["f03", "f04"]
    got = {r["party"] for r in paths.reach(land, "police-north", day=dt.date(2015, 1, 1))}
    assert got == {"gang-matrix", "dwp", "prosecution"}


def test_unknown_party(land: nx.MultiDiGraph) -> None:
    with pytest.raises(UnknownName, match="did you mean iabs"):
        paths.reach(land, "iab")
    with pytest.raises(UnknownName, match="unknown data category"):
        paths.shortest_path(land, "iabs", "scanner", flt=FlowFilter(category="dna"))
