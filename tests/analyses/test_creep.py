"""Function creep: the rules, purpose drift on the made-up land, scope timelines."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from dataflows.analyses import creep
from dataflows.analyses.index import FlowFilter, Hierarchy

VIOLATIONS = [
    ("f02", "healthcare"), ("f04", "identity-check"), ("f05", "identity-check"), ("f08", "crime-prevention"),
    ("f08", "identity-check"), ("f10", "registration"), ("f12", "education"), ("f13", "education"),
    ("f13", "healthcare"), ("f13", "identity-check"), ("f16", "healthcare"),
]
GAPS = [
    ("f03", "unknown"), ("f04", "unknown"), ("f05", "unknown"), ("f06", "unknown"), ("f07", "unknown"),
    ("f08", "unknown"), ("f11", "education"), ("f12", "unknown"), ("f13", "unknown"), ("f14", "unknown"),
    ("f17", "unknown"), ("f18", "unknown"),
]

PURPOSES = Hierarchy({"a": None, "a1": "a", "a11": "a1", "b": None, "b1": "b", "b11": "b1", "c": None})


def rule(rid: str, c: str, u: str, ok: bool) -> dict[str, object]:
    return {"id": rid, "collected_for": c, "used_for": u, "compatible": ok, "reason": "r", "citations": []}


def test_rule_applies_to_narrower_purposes() -> None:
    rules = creep.Rules([rule("r1", "a", "b", False)], PURPOSES)
    assert rules.verdict("a11", "b11")[0] == creep.VIOLATION
    assert rules.verdict("a", "b1")[1]["id"] == "r1"  # type: ignore[index]
    assert rules.verdict("b", "a")[0] == creep.UNASSESSED


def test_most_specific_rule_wins() -> None:
    rules = creep.Rules([rule("general", "a", "b", False), rule("specific", "a1", "b1", True)], PURPOSES)
    assert rules.verdict("a11", "b11") == (creep.COMPATIBLE, rules.by_pair[("a1", "b1")][0])
    assert rules.verdict("a", "b11")[1]["id"] == "general"  # type: ignore[index]


def test_ties_incompatible_then_rule_id() -> None:
    # both at distance 1 from (a1, b1)
    rules = creep.Rules([rule("z-ok", "a1", "b", True), rule("y-no", "a", "b1", False)], PURPOSES)
    assert rules.verdict("a1", "b1")[1]["id"] == "y-no"  # type: ignore[index]
    rules = creep.Rules([rule("z-no", "a1", "b", False), rule("y-no", "a", "b1", False)], PURPOSES)
    assert rules.verdict("a1", "b1")[1]["id"] == "y-no"  # type: ignore[index]


def test_same_purpose_unknown_and_unassessed() -> None:
    rules = creep.Rules([], PURPOSES)
    assert rules.verdict("a", "a11") == (creep.COMPATIBLE, None)
    assert rules.verdict("a11", "a") == (creep.UNASSESSED, None)
    assert rules.verdict("unknown", "a")[0] == creep.GAP
    assert rules.verdict("a", "unknown")[0] == creep.GAP
    assert rules.verdict("c", "b")[0] == creep.UNASSESSED


def test_origin_purposes(land: nx.MultiDiGraph) -> None:
    origins = creep.Origins(land)
    edge = {a["id"]: (u, a) for u, _, a in land.edges(data=True) if a["kind"] == "flow"}
    assert origins.of(*edge["f01"]) == {"healthcare"}          # collected_for
    assert origins.of(*edge["f02"]) == {"healthcare"}          # patient-db holds address for healthcare
    assert origins.of(*edge["f04"]) == {"identity-check"}      # scanner holds fingerprints
    assert origins.of(*edge["f03"]) == {"unknown"}             # an agency, no collected_for
    # a held category matches a narrower or broader flow category
    u, a = edge["f04"]
    assert origins.of(u, {**a, "categories": ["biometric"]}) == {"identity-check"}
    assert origins.of(u, {**a, "categories": ["address"]}) == {"unknown"}


def test_drift_on_the_land(land: nx.MultiDiGraph) -> None:
    result = creep.drift(land)
    assert result.pair_ids() == VIOLATIONS
    assert result.pair_ids(creep.GAP) == GAPS
    assert result.count() == len(VIOLATIONS)
    # (identity-check → immigration-enforcement) has a rule; (crime-prevention → ...) none reaches enforcement
    assert result.unassessed == {}


def test_drift_record(land: nx.MultiDiGraph) -> None:
    result = creep.drift(land)
    records = {(r["flow"], r["collected_for"]): r for r in result.to_dict()["violations"]}
    r = records[("f13", "education")]
    assert r["path"]["flows"] == ["f11", "f12", "f13"]
    assert r["used_for"] == "immigration-enforcement"
    assert r["rule"]["id"] == "public-services-to-migration-control"
    assert r["origin"] == {"flow": "f11", "how": "collected_for", "citations": r["path"]["hops"][0]["citations"]}
    # f11's purpose is unknown: the purpose changes on the first hop
    assert r["change_hop"] == {"position": 1, "flow": "f11"}
    assert all(h["citations"] for h in r["path"]["hops"])
    r = records[("f08", "identity-check")]
    assert r["path"]["flows"] == ["f14", "f07", "f08"]
    assert r["origin"]["how"] == "held" and r["origin"]["citations"][0]["locator"] == "p5"
    # f14 (identity-check) and f07 (crime-prevention, under law-enforcement but not under identity-check)
    assert r["change_hop"] == {"position": 2, "flow": "f07"}
    # IO gets healthcare data first from old-system (sender id smaller than patient-db)
    assert records[("f13", "healthcare")]["path"]["flows"] == ["f16", "f13"]
    assert records[("f10", "registration")]["rule"]["reason"] == "Consent was for registration."


def test_drift_filters(land: nx.MultiDiGraph) -> None:
    now = creep.drift(land, day=dt.date(2020, 1, 1)).pair_ids()
    assert ("f16", "healthcare") not in now and ("f13", "healthcare") in now  # now via f02
    assert creep.drift(land, day=dt.date(2020, 1, 1)).to_dict()["violations"][0]["flow"] == "f02"
    bio = creep.drift(land, flt=FlowFilter(category="biometric")).pair_ids()
    assert bio == [("f04", "identity-check"), ("f05", "identity-check"), ("f10", "registration"),
                   ("f13", "identity-check")]
    high = creep.drift(land, flt=FlowFilter(min_confidence="high")).pair_ids(creep.GAP)
    assert ("f17", "unknown") not in high and ("f18", "unknown") not in high


def test_unassessed_counted_not_violation(land: nx.MultiDiGraph) -> None:
    g = land.copy()
    g.graph["purpose_rules"] = [r for r in land.graph["purpose_rules"]
                                if r["id"] != "humanitarian-to-migration-control"]
    result = creep.drift(g)
    assert ("f10", "registration") not in result.pair_ids()
    assert result.unassessed == {("registration", "repatriation"): 1}


def test_scope_timeline(land: nx.MultiDiGraph) -> None:
    timelines = creep.scope(land)
    assert [t["system"] for t in timelines] == ["scanner"]
    changes = timelines[0]["changes"]
    assert [c["date"] for c in changes] == ["2019", "2021-08", None]
    assert changes[0]["sources"] == [{"source": "fixture-report", "locator": "p5c"}]
    assert [c["date"] for c in creep.scope(land, day=dt.date(2020, 6, 1))[0]["changes"]] == ["2019", None]
    assert creep.scope(land, system="iabs") == []


def test_report_tables(land: nx.MultiDiGraph) -> None:
    rep = creep.report(creep.drift(land), creep.scope(land))
    assert [t.name for t in rep.tables] == ["violations", "gaps", "unassessed", "scope"]
    assert len(rep.tables[0].rows) == len(VIOLATIONS)
    assert rep.summary[0].startswith(f"Purpose drift: {len(VIOLATIONS)} violations, {len(GAPS)} gaps")


@pytest.mark.parametrize("bad", ["nope"])
def test_unknown_system(land: nx.MultiDiGraph, bad: str) -> None:
    from dataflows.errors import UnknownName
    with pytest.raises(UnknownName):
        creep.scope(land, system=bad)
