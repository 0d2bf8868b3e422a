"""Property tests: each efficient algorithm against brute-force path enumeration.

Random small maps (at most 8 parties and 16 flows, random sectors, operators,
category and purpose hierarchies, rules, purposes with some unknown,
firewalls, confidences and periods) are built in the shape of
:func:`dataflows.graph.build`; reach, shortest paths, all paths, purpose drift
and missing firewalls must agree exactly — sets, distances, witness paths and
cut flows — with :mod:`dataflows.analyses.bruteforce`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataflows.analyses import bruteforce as bf
from dataflows.analyses import creep, firewalls, paths
from dataflows.analyses.index import FlowFilter, flow_index

SECTORS = ["health", "police", "welfare", "immigration_enforcement", "border_agency", "courts"]
CATS = ["c0", "c1", "c2", "c3", "c4"]
PURPS = ["p0", "p1", "p2", "p3", "p4", "p5"]
YEARS = [None, "2010", "2015", "2020"]
FIREWALLS = ["present", "absent", "absent", "unknown", "unknown"]
DAYS = [None, dt.date(2012, 6, 1), dt.date(2018, 6, 1)]


def cite(conf: str) -> list[dict[str, Any]]:
    return [{"source": "s", "title": "t", "publisher": "p", "file": None, "url": None, "locator": "l",
             "quote": "q", "evidence_type": "ngo_report", "confidence": conf, "note": None}]


@st.composite
def maps(draw: st.DrawFn) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.graph.update(sources={"s": {}}, jurisdictions={"j": None}, figures=[])
    for i, c in enumerate(CATS):
        parent = draw(st.sampled_from([None, *CATS[:i]])) if i else None
        g.add_node(c, kind="data_category", label=c, parent=parent, citations=cite("high"))
        if parent:
            g.add_edge(c, parent, key=f"{c}--broader--{parent}", kind="broader", citations=[])
    for i, p in enumerate(PURPS):
        parent = draw(st.sampled_from([None, *PURPS[:i]])) if i else None
        g.add_node(p, kind="purpose", label=p, parent=parent, citations=cite("high"))
        if parent:
            g.add_edge(p, parent, key=f"{p}--broader--{parent}", kind="broader", citations=[])
    rules = draw(st.lists(st.tuples(st.sampled_from(PURPS), st.sampled_from(PURPS), st.booleans()), max_size=6))
    g.graph["purpose_rules"] = [{"id": f"r{i}", "collected_for": c, "used_for": u, "compatible": ok,
                                 "reason": "r", "citations": []} for i, (c, u, ok) in enumerate(rules)]
    n = draw(st.integers(2, 8))
    kinds = draw(st.lists(st.sampled_from(["agency", "system"]), min_size=n, max_size=n))
    kinds[0] = "agency"
    names = [f"n{i}" for i in range(n)]
    agencies = [x for x, k in zip(names, kinds, strict=True) if k == "agency"]
    for x, k in zip(names, kinds, strict=True):
        if k == "agency":
            g.add_node(x, kind="agency", label=x, sector=draw(st.sampled_from(SECTORS)), jurisdiction="j",
                       citations=cite("high"))
        else:
            start = draw(st.sampled_from(YEARS))
            g.add_node(x, kind="system", label=x, jurisdiction="j", status="active",
                       period={"start": start, "end": None}, citations=cite("high"))
            for a in draw(st.lists(st.sampled_from(agencies), max_size=2, unique=True)):
                role = draw(st.sampled_from(["operator", "owner", "user"]))
                g.add_edge(a, x, key=f"{a}--{role}--{x}", kind="operates", role=role,
                           period={"start": None, "end": None}, citations=cite("high"))
            for j, (cats, purpose) in enumerate(draw(st.lists(st.tuples(
                    st.lists(st.sampled_from(CATS), min_size=1, max_size=2, unique=True),
                    st.sampled_from([*PURPS, "unknown"])), max_size=2))):
                for c in cats:
                    g.add_edge(x, c, key=f"{x}--holds-{j}--{c}", kind="holds", purpose=purpose, subjects=[],
                               citations=cite("high"))
    m = draw(st.integers(n // 2, 16))
    for f in range(m):
        u = draw(st.sampled_from(names))
        v = draw(st.sampled_from([x for x in names if x != u]))
        start = draw(st.sampled_from(YEARS))
        fid = f"f{f:02d}"
        g.add_edge(u, v, key=fid, kind="flow", id=fid,
                   categories=draw(st.lists(st.sampled_from(CATS), min_size=1, max_size=2, unique=True)),
                   purpose=draw(st.sampled_from([*PURPS, "unknown"])),
                   collected_for=draw(st.sampled_from([None, None, *PURPS, "unknown"])),
                   mechanism="bulk_sharing", status=draw(st.sampled_from(["active", "active", "proposed"])),
                   period={"start": start, "end": str(int(start) + 4) if start and draw(st.booleans()) else None},
                   jurisdiction="j", legal_basis={"status": "unknown", "text": None, "citations": []},
                   firewall={"status": draw(st.sampled_from(FIREWALLS)), "note": None,
                             "citations": []},
                   safeguards={}, description="d", citations=cite(draw(st.sampled_from(["high", "medium", "low"]))))
    return g


filters = st.builds(FlowFilter, category=st.sampled_from([None, None, *CATS]),
                    min_confidence=st.sampled_from([None, None, "low", "medium", "high"]),
                    unfirewalled=st.booleans())
days = st.sampled_from(DAYS)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parties(g: nx.MultiDiGraph) -> list[str]:
    return sorted(n for n, a in g.nodes(data=True) if a["kind"] in ("agency", "system"))


@SETTINGS
@given(maps(), filters, days)
def test_reach_matches_brute_force(g: nx.MultiDiGraph, flt: FlowFilter, day: dt.date | None) -> None:
    index = flow_index(g, day)
    for p in index.nodes:
        for direction in ("down", "up"):
            fast = paths.reach_ids(index, p, direction=direction, flt=flt)  # type: ignore[arg-type]
            slow = bf.reach(g, p, direction=direction, flt=flt, day=day)
            assert fast == slow, (p, direction)
            # Every witness at once (walks) is the witness walked back node by node (walk).
            dist, via = index.bfs(index.pos[p], index.mask(flt), reverse=direction == "up")
            assert index.walks(dist, via, reverse=direction == "up") == {
                v: index.walk(via, v, reverse=direction == "up") for v in dist}


@SETTINGS
@given(maps(), filters, days, st.data())
def test_shortest_and_all_paths_match_brute_force(g: nx.MultiDiGraph, flt: FlowFilter, day: dt.date | None,
                                                  data: st.DataObject) -> None:
    ps = parties(g)
    s = data.draw(st.sampled_from(ps))
    t = data.draw(st.sampled_from(ps))
    fast = paths.shortest_path(g, s, t, flt=flt, day=day)
    slow = bf.shortest_path(g, s, t, flt=flt, day=day)
    if s in flow_index(g, day).pos and t in flow_index(g, day).pos:
        assert (fast["flows"] if fast else None) == slow
    hops = data.draw(st.integers(1, 5))
    got = [p["flows"] for p in paths.all_paths(g, s, t, max_hops=hops, flt=flt, day=day)]
    assert got == bf.all_paths(g, s, t, max_hops=hops, flt=flt, day=day)


@SETTINGS
@given(maps(), st.builds(FlowFilter, category=st.sampled_from([None, None, *CATS]),
                         min_confidence=st.sampled_from([None, None, "medium"])), days)
def test_drift_matches_brute_force(g: nx.MultiDiGraph, flt: FlowFilter, day: dt.date | None) -> None:
    fast = creep.drift(g, flt=flt, day=day)
    slow = bf.drift(g, flt=flt, day=day)
    for which in (creep.VIOLATION, creep.GAP):
        got = {(fast.index.flow_ids[f], fast.purposes[b]): [fast.index.flow_ids[x] for x in fast.witness(f, b)]
               for f, b in fast.pairs(which)}
        assert got == slow[which], which
        assert fast.count(which) == len(slow[which])


@SETTINGS
@given(maps(), st.builds(FlowFilter, min_confidence=st.sampled_from([None, "medium"])), days,
       st.sampled_from([None, (["health", "welfare"], ["police"])]))
def test_firewalls_match_brute_force(g: nx.MultiDiGraph, flt: FlowFilter, day: dt.date | None,
                                     sectors: tuple[list[str], list[str]] | None) -> None:
    kwargs: dict[str, Any] = {}
    if sectors:
        kwargs = {"public_sectors": frozenset(sectors[0]), "enforcement_sectors": frozenset(sectors[1])}
    fast = firewalls.firewalls(g, flt=flt, day=day, **kwargs).to_dict()
    got = {}
    for r in fast["missing"] + fast["unknown_barrier"]:
        rec = {"kind": r["kind"], "witness": r["witness"]["flows"], "cut_flows": r["cut_flows"]}
        if "cut_flows_unbarred" in r:
            rec["cut_flows_unbarred"] = r["cut_flows_unbarred"]
        got[(r["origin"], r["target"])] = rec
    assert got == bf.firewalls(g, flt=flt, day=day, **kwargs)
