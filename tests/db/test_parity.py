"""Every analysis gives the same answer in Neo4j as on the embedded engine, byte for byte.

The curated map (``graph_data/``) and the made-up land of the analyses tests
(``tests/fixtures/analyses``) are loaded into the real server; each analysis
runs on both engines with many parameter choices — filters, as-of dates,
minimum confidence, unfirewalled hops, both directions, hop limits, sector
sets, unknown names — and the reports must render to identical JSON,
Markdown and CSV. Then random small maps (the generator of
``tests/analyses/test_properties.py``) are loaded one by one and every
analysis is compared again. The parameter choices are derived from each map
(its parties, categories, jurisdictions, sectors and systems), so the cases
follow the data when curators rename or add records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import neo4j
import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataflows.analyses import creep, firewalls, paths, register, safeguards, sharing
from dataflows.analyses.index import FlowFilter, check_party
from dataflows.analyses.render import Report, render
from dataflows.dataset import load
from dataflows.db import loader
from dataflows.db.analyses import Neo4jAnalyses, drift_result, firewall_result
from dataflows.db.rows import graph_rows, rows_checksum
from dataflows.errors import UnknownName
from dataflows.graph import build

from ..analyses.test_properties import CATS, DAYS, maps
from ..conftest import GRAPH_DATA, ROOT
from .conftest import Server

LAND = ROOT / "tests" / "fixtures" / "analyses"
DAYS_CURATED = ["2005-01-01", "2013-06-30", "2016-06-01", "2020-08-15", "2021-08-01", "2024-01-01"]


# --------------------------------------------------------------------------
# One question, asked of either engine
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """An analysis and its parameters, as the CLI would pass them."""

    analysis: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def day(self) -> dt.date | None:
        return dt.date.fromisoformat(self.params["as_of"]) if self.params.get("as_of") else None

    @property
    def flt(self) -> FlowFilter:
        return FlowFilter(self.params.get("category"), self.params.get("min_confidence"),
                          bool(self.params.get("unfirewalled")))

    def __str__(self) -> str:
        return self.analysis + "".join(f"-{k}={v}" for k, v in sorted(self.params.items()))


def embedded(g: nx.MultiDiGraph, case: Case) -> Report:
    """The report the embedded engine gives (as the CLI builds it)."""
    p, day, flt = case.params, case.day, case.flt
    sharing_filters = {k: p.get(k) for k in ("party", "category", "jurisdiction", "sector")}
    if case.analysis in ("flows", "matrix"):
        rows = sharing.flows(g, **sharing_filters, day=day)
        filters = {**sharing_filters, "as_of": p.get("as_of")}
        return sharing.report(rows, filters, limit=p.get("limit")) if case.analysis == "flows" else \
            sharing.matrix_report(sharing.matrix(rows), filters)
    if case.analysis == "paths":
        if p.get("shortest"):
            one = paths.shortest_path(g, p["source"], p["target"], flt=flt, day=day)
            return paths.paths_report(p["source"], p["target"], [one] if one else [], flt=flt, day=day)
        found = paths.all_paths(g, p["source"], p["target"], max_hops=p.get("max_hops", 4), flt=flt, day=day)
        return paths.paths_report(p["source"], p["target"], found, flt=flt, day=day, max_hops=p.get("max_hops", 4))
    if case.analysis == "reach":
        check_party(g, p["party"])
        reached = paths.reach(g, p["party"], direction=p.get("direction", "down"), flt=flt, day=day,
                              max_hops=p.get("max_hops"))
        return paths.reach_report(p["party"], p.get("direction", "down"), reached, flt=flt, day=day)
    if case.analysis == "creep":
        return creep.report(creep.drift(g, flt=flt, day=day), creep.scope(g, system=p.get("system"), day=day),
                            limit=p.get("limit"))
    if case.analysis == "firewalls":
        return firewalls.report(firewalls.firewalls(
            g, public_sectors=p.get("public_sectors") or firewalls.PUBLIC_SERVICE_SECTORS,
            enforcement_sectors=p.get("enforcement_sectors") or firewalls.ENFORCEMENT_SECTORS, flt=flt, day=day),
            limit=p.get("limit"))
    if case.analysis == "safeguards":
        return safeguards.report(safeguards.safeguards(g, day=day), limit=p.get("limit"))
    if case.analysis == "register":
        return register.report(register.register(g, system=p.get("system"), day=day))
    raise AssertionError(case.analysis)


def in_neo4j(db: Neo4jAnalyses, case: Case) -> Report:
    """The report the Neo4j engine gives (as the CLI builds it)."""
    p, day, flt = case.params, case.day, case.flt
    sharing_filters = {k: p.get(k) for k in ("party", "category", "jurisdiction", "sector")}
    if case.analysis in ("flows", "matrix"):
        filters = {**sharing_filters, "as_of": p.get("as_of")}
        if case.analysis == "flows":
            page = db.flows(**sharing_filters, day=day, limit=p.get("limit"))
            return sharing.report(page.rows, filters, limit=p.get("limit"), count=page.total)
        return sharing.matrix_report(db.matrix(**sharing_filters, day=day), filters)
    if case.analysis == "paths":
        if p.get("shortest"):
            one = db.shortest_path(p["source"], p["target"], flt=flt, day=day)
            return paths.paths_report(p["source"], p["target"], [one] if one else [], flt=flt, day=day)
        found = db.all_paths(p["source"], p["target"], max_hops=p.get("max_hops", 4), flt=flt, day=day)
        return paths.paths_report(p["source"], p["target"], found, flt=flt, day=day, max_hops=p.get("max_hops", 4))
    if case.analysis == "reach":
        reached = db.reach(p["party"], direction=p.get("direction", "down"), flt=flt, day=day,
                           max_hops=p.get("max_hops"))
        return paths.reach_report(p["party"], p.get("direction", "down"), reached, flt=flt, day=day)
    if case.analysis == "creep":
        return creep.report(drift_result(db.drift(flt=flt, day=day, limit=p.get("limit"))),
                            db.scope(system=p.get("system"), day=day), limit=p.get("limit"))
    if case.analysis == "firewalls":
        return firewalls.report(firewall_result(db.firewalls(
            public_sectors=p.get("public_sectors") or firewalls.PUBLIC_SERVICE_SECTORS,
            enforcement_sectors=p.get("enforcement_sectors") or firewalls.ENFORCEMENT_SECTORS, flt=flt, day=day,
            limit=p.get("limit"))), limit=p.get("limit"))
    if case.analysis == "safeguards":
        return safeguards.report(db.safeguards(day=day, limit=p.get("limit")), limit=p.get("limit"))
    if case.analysis == "register":
        return register.report(db.register(system=p.get("system"), day=day))
    raise AssertionError(case.analysis)


def outputs(report: Report) -> dict[str, str]:
    """What a user can get: JSON (the full result), Markdown and CSV."""
    return {fmt: render(report, fmt) for fmt in ("json", "markdown", "csv")}


def answer(ask: Any, case: Case) -> dict[str, str]:
    """The rendered report, or the error a user would see."""
    try:
        return outputs(ask(case))
    except UnknownName as exc:
        return {"error": str(exc)}


def assert_same(g: nx.MultiDiGraph, db: Neo4jAnalyses, case: Case) -> None:
    want = answer(lambda c: embedded(g, c), case)
    got = answer(lambda c: in_neo4j(db, c), case)
    assert got.keys() == want.keys(), (case, got.get("error"), want.get("error"))
    for fmt in want:
        assert got[fmt] == want[fmt], f"{case}: {fmt} differs"


# --------------------------------------------------------------------------
# The maps, loaded on demand
# --------------------------------------------------------------------------


@cache
def curated_graph() -> nx.MultiDiGraph:
    return build(load(GRAPH_DATA))


@cache
def land_graph() -> nx.MultiDiGraph:
    return build(load(LAND))


GRAPHS = {"curated": curated_graph, "land": land_graph}


def ensure_loaded(drv: neo4j.Driver, g: nx.MultiDiGraph) -> None:
    """Load *g* unless the map in the server is already it (other tests load other maps)."""
    rows = graph_rows(g)
    records, _, _ = drv.execute_query("MATCH (m:MapInfo {id: 'map'}) RETURN m.checksum AS c")
    if not records or records[0]["c"] != rows_checksum(rows):
        loader.load(drv, "neo4j", rows, version="parity")


@pytest.fixture(scope="module")
def server_driver(neo4j_server: Server) -> Iterator[neo4j.Driver]:
    d = neo4j_server.driver()
    try:
        yield d
    finally:
        d.close()


@pytest.fixture(scope="module")
def db(server_driver: neo4j.Driver) -> Neo4jAnalyses:
    return Neo4jAnalyses(server_driver, "neo4j", ROOT / "cypher")


# --------------------------------------------------------------------------
# Parameter choices, derived from each map
# --------------------------------------------------------------------------


def _parties(g: nx.MultiDiGraph) -> list[str]:
    return sorted(n for n, a in g.nodes(data=True) if a["kind"] in ("agency", "system"))


def _flow_count(g: nx.MultiDiGraph, n: str) -> int:
    return sum(1 for *_, k in g.in_edges(n, data="kind") if k == "flow") + sum(
        1 for *_, k in g.out_edges(n, data="kind") if k == "flow")


def cases_for(g: nx.MultiDiGraph, days: list[str]) -> list[Case]:
    parties = _parties(g)
    busy = sorted(parties, key=lambda n: (-_flow_count(g, n), n))[:8]
    categories = sorted({c for _, _, a in g.edges(data=True) if a["kind"] == "flow" for c in a["categories"]})
    roots = sorted(n for n, a in g.nodes(data=True) if a["kind"] == "data_category" and not a.get("parent"))
    juris = sorted(g.graph["jurisdictions"])
    sectors = sorted({a["sector"] for _, a in g.nodes(data=True) if a["kind"] == "agency"})
    systems = sorted(n for n, a in g.nodes(data=True) if a["kind"] == "system")
    changed = [n for n in systems if g.nodes[n].get("scope_changes")]
    out: list[Case] = []

    # Who shares what with whom, and the matrix.
    choices: list[dict[str, Any]] = [{}]
    choices += [{"party": p} for p in busy]
    choices += [{"category": c} for c in sorted(set(categories[:6] + roots))]
    choices += [{"jurisdiction": j} for j in juris]
    choices += [{"sector": x} for x in sectors]
    choices += [{"as_of": d} for d in days]
    choices += [{"sector": sectors[0], "as_of": days[-2]}, {"category": roots[0], "jurisdiction": juris[0]},
                {"party": busy[0], "as_of": days[2]}]
    out += [Case(name, c) for name in ("flows", "matrix") for c in choices]
    out += [Case("flows", {"limit": n}) for n in (0, 1, 5)] + [Case("flows", {"party": busy[0], "limit": 2}),
                                                               Case("flows", {"as_of": days[3], "limit": 3})]

    # Reach, both ways, from every party; filters and limits from the busiest.
    out += [Case("reach", {"party": p, "direction": d}) for p in parties for d in ("down", "up")]
    filters: list[dict[str, Any]] = [{"unfirewalled": True}, {"min_confidence": "high"}, {"min_confidence": "medium"},
                                     {"category": roots[0]}, {"as_of": days[3]}, {"as_of": days[1]},
                                     {"max_hops": 1}, {"max_hops": 2, "unfirewalled": True}]
    out += [Case("reach", {"party": p, "direction": d, **f}) for p in busy[:4] for d in ("down", "up")
            for f in filters]

    # Paths between parties that reach each other, and some that do not.
    pairs = []
    for p in busy:
        reached = paths.reach(g, p)
        pairs += [(p, r["party"]) for r in reached[-3:]]
    pairs += [(busy[-1], busy[0]), (busy[0], busy[0])]
    for s, t in pairs:
        out.append(Case("paths", {"source": s, "target": t, "shortest": True}))
        out.append(Case("paths", {"source": s, "target": t, "max_hops": 5}))
    for s, t in pairs[:6]:
        for f in ({"unfirewalled": True, "max_hops": 6}, {"min_confidence": "high", "max_hops": 3},
                  {"as_of": days[3], "max_hops": 4}, {"category": roots[0], "max_hops": 4}, {"max_hops": 1}):
            out.append(Case("paths", {"source": s, "target": t, **f}))
            out.append(Case("paths", {"source": s, "target": t, "shortest": True,
                                      **{k: v for k, v in f.items() if k != "max_hops"}}))

    # Function creep, missing firewalls, safeguards, register.
    creep_choices: list[dict[str, Any]] = [{}, {"min_confidence": "high"}, {"min_confidence": "medium"},
                                           {"min_confidence": "low"}]
    creep_choices += [{"category": c} for c in roots]
    creep_choices += [{"as_of": d} for d in days]
    creep_choices += [{"system": x} for x in changed] + [{"system": systems[0], "as_of": days[2]}]
    out += [Case("creep", c) for c in creep_choices]
    fw_choices: list[dict[str, Any]] = [{}, {"min_confidence": "high"}, {"min_confidence": "medium"}]
    fw_choices += [{"category": c} for c in roots] + [{"as_of": d} for d in days]
    fw_choices += [{"public_sectors": ["police"], "enforcement_sectors": ["immigration_enforcement"]},
                   {"public_sectors": ["health", "welfare"], "enforcement_sectors": ["police"]},
                   {"public_sectors": sectors, "enforcement_sectors": sectors}]
    out += [Case("firewalls", c) for c in fw_choices]
    out += [Case("safeguards", {})] + [Case("safeguards", {"as_of": d}) for d in days]
    out += [Case("safeguards", {"limit": n}) for n in (0, 1, 4)] + [Case("safeguards", {"as_of": days[3], "limit": 2})]
    out += [Case("register", {})] + [Case("register", {"as_of": d}) for d in days]
    out += [Case("register", {"system": x}) for x in systems[:10]]

    # Names that do not exist: the same message, with the same suggestions.
    out += [Case("flows", {"party": busy[0] + "x"}), Case("flows", {"category": "biometrc"}),
            Case("flows", {"jurisdiction": "ukk"}), Case("flows", {"sector": "polic"}),
            Case("reach", {"party": busy[0][:-1]}), Case("paths", {"source": busy[0], "target": "nobody"}),
            Case("creep", {"category": "nothing-like-it"}), Case("register", {"system": systems[0] + "-"}),
            Case("firewalls", {"public_sectors": ["helth"]}), Case("reach", {"party": busy[0], "min_confidence": "hi"})]
    return out


def _collect() -> list[Any]:
    params = []
    for name, make in GRAPHS.items():
        g = make()
        for i, case in enumerate(cases_for(g, DAYS_CURATED if name == "curated" else ["2010-01-01", "2015-06-01",
                                                                                      "2019-01-01", "2021-08-01",
                                                                                      "2023-01-01"])):
            params.append(pytest.param(name, case, id=f"{name}-{i:03d}-{case}"[:150]))
    return params


@pytest.mark.parametrize(("graph", "case"), _collect())
def test_same_answer_on_both_engines(server_driver: neo4j.Driver, db: Neo4jAnalyses, graph: str,
                                     case: Case) -> None:
    g = GRAPHS[graph]()
    ensure_loaded(server_driver, g)
    assert_same(g, db, case)


def test_the_curated_cases_are_not_empty(server_driver: neo4j.Driver, db: Neo4jAnalyses) -> None:
    """The comparisons above mean something only if the answers have content."""
    g = curated_graph()
    ensure_loaded(server_driver, g)
    d = db.drift().to_dict()
    fw = db.firewalls().to_dict()
    assert d["counts"]["violations"] > 0 and d["counts"]["gaps"] > 0
    assert fw["counts"]["missing"] > 0 and any(r["cut_flows"] for r in fw["missing"])
    assert any(r["path"]["length"] > 1 for p in _parties(g) for r in db.reach(p))


# --------------------------------------------------------------------------
# Random maps
# --------------------------------------------------------------------------


def _consistent(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The generator's citations name source 's' with title 't' and publisher 'p': register that source so.

    (In a real build the citation's title and publisher are always its source's;
    the random maps only skip registering them.)
    """
    g.graph["sources"] = {"s": {"id": "s", "title": "t", "publisher": "p", "evidence_type": "ngo_report"}}
    return g


PROPERTY = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@PROPERTY
@given(maps(), st.data())
def test_random_maps_same_answer_on_both_engines(server_driver: neo4j.Driver, db: Neo4jAnalyses,
                                                 g: nx.MultiDiGraph, data: st.DataObject) -> None:
    g = _consistent(g)
    ensure_loaded(server_driver, g)
    parties = _parties(g)
    day = data.draw(st.sampled_from(DAYS))
    as_of = day.isoformat() if day else None
    flt: dict[str, Any] = {
        "category": data.draw(st.sampled_from([None, None, *CATS])),
        "min_confidence": data.draw(st.sampled_from([None, None, "low", "medium", "high"])),
        "unfirewalled": data.draw(st.booleans()),
    }
    s, t = data.draw(st.sampled_from(parties)), data.draw(st.sampled_from(parties))
    sectors = data.draw(st.sampled_from([{}, {"public_sectors": ["health", "welfare"],
                                              "enforcement_sectors": ["police"]}]))
    creep_flt = {k: flt[k] for k in ("category", "min_confidence")}
    cases = [
        Case("flows", {"as_of": as_of, "category": flt["category"]}),
        Case("flows", {"party": s, "sector": data.draw(st.sampled_from(["health", "police", "courts"]))}),
        Case("matrix", {"as_of": as_of}),
        Case("paths", {"source": s, "target": t, "max_hops": data.draw(st.integers(1, 5)), "as_of": as_of, **flt}),
        Case("paths", {"source": s, "target": t, "shortest": True, "as_of": as_of, **flt}),
        *(Case("reach", {"party": p, "direction": d, "as_of": as_of, **flt}) for p in parties for d in ("down", "up")),
        Case("reach", {"party": s, "direction": "up", "max_hops": 2, **flt}),
        Case("creep", {"as_of": as_of, **creep_flt}),
        Case("firewalls", {"as_of": as_of, "min_confidence": flt["min_confidence"], **sectors}),
        Case("safeguards", {"as_of": as_of}),
        Case("register", {"as_of": as_of}),
    ]
    for case in cases:
        assert_same(g, db, Case(case.analysis, {k: v for k, v in case.params.items() if v is not None}))



def _cite_from(source: str) -> list[dict[str, Any]]:
    return [{"source": source, "title": "t", "publisher": "p", "file": None, "url": None, "locator": "l",
             "quote": "q", "evidence_type": "ngo_report", "confidence": "high", "note": None}]


def test_register_cites_the_sources_of_inbound_flows_own_citations(server_driver: neo4j.Driver,
                                                                   db: Neo4jAnalyses) -> None:
    """Only a flow's own (record) citations count towards a system's sources, with one source or several.

    The query takes a shortcut for a flow with one source and looks up each citation otherwise: f1 (one
    source, cited for the record), f2 (two sources, only s-own cited for the record) and f3 (one source,
    cited only for the firewall) exercise both ways and the case where the shortcut gives nothing.
    """
    g = nx.MultiDiGraph()
    g.graph.update(sources={x: {"id": x, "title": "t", "publisher": "p", "evidence_type": "ngo_report"}
                            for x in ("s-one", "s-own", "s-basis", "s-firewall", "s-record")},
                   jurisdictions={"j": None}, figures=[], purpose_rules=[])
    g.add_node("a", kind="agency", label="a", sector="health", jurisdiction="j", citations=_cite_from("s-record"))
    g.add_node("sys", kind="system", label="sys", jurisdiction="j", status="active",
               period={"start": None, "end": None}, citations=_cite_from("s-record"))
    flows = {"f1": (_cite_from("s-one"), _cite_from("s-one"), []),
             "f2": (_cite_from("s-own"), _cite_from("s-basis"), []),
             "f3": ([], [], _cite_from("s-firewall"))}
    for fid, (own, basis, barrier) in flows.items():
        g.add_edge("a", "sys", key=fid, kind="flow", id=fid, categories=["c0"], purpose="p0", collected_for=None,
                   mechanism="bulk_sharing", status="active", period={"start": None, "end": None}, jurisdiction="j",
                   legal_basis={"status": "stated", "text": "x", "citations": basis},
                   firewall={"status": "absent", "note": None, "citations": barrier},
                   safeguards={}, description="d", citations=own)
    ensure_loaded(server_driver, g)
    [row] = db.register()
    assert row["sources"] == ["s-one", "s-own", "s-record"]
    assert_same(g, db, Case("register", {}))


# --------------------------------------------------------------------------
# A map from the benchmark generator
# --------------------------------------------------------------------------


@cache
def synthetic_graph() -> nx.MultiDiGraph:
    from dataflows import synth

    return synth.generate(600, seed=5)


SYNTH_CASES = [Case("creep"), Case("firewalls"), Case("flows"), Case("matrix"),
               Case("creep", {"as_of": "2015-06-01", "category": "biometric"}),
               Case("firewalls", {"min_confidence": "medium"}),
               # What 'dataflows creep/firewalls --limit N --engine neo4j' asks the server for.
               Case("creep", {"limit": 3}), Case("firewalls", {"limit": 2}),
               Case("creep", {"limit": 0, "as_of": "2019-01-01"}),
               # ... and 'dataflows flows/safeguards --limit N --engine neo4j'.
               Case("flows", {"limit": 5}), Case("flows", {"limit": 0, "as_of": "2015-06-01"}),
               Case("safeguards", {"limit": 4}), Case("safeguards", {"limit": 0})]


@pytest.mark.parametrize("case", SYNTH_CASES, ids=str)
def test_generated_map_same_answer_on_both_engines(server_driver: neo4j.Driver, db: Neo4jAnalyses,
                                                   case: Case) -> None:
    """The benchmark's maps: every citation carries its source's title and publisher, rules included."""
    g = synthetic_graph()
    ensure_loaded(server_driver, g)
    assert_same(g, db, case)


@pytest.mark.parametrize("limit", [0, 1, 7, 10_000])
def test_drift_limit_same_records_on_both_engines(server_driver: neo4j.Driver, db: Neo4jAnalyses,
                                                  limit: int) -> None:
    """``limit`` keeps the first records of each kind, in the same order, and complete counts."""
    g = synthetic_graph()
    ensure_loaded(server_driver, g)
    want = creep.drift(g).to_dict(limit=limit)
    got = db.drift(limit=limit).to_dict()
    assert want["counts"]["violations"] > 7 and want["counts"]["gaps"] > 7
    assert len(got["violations"]) == min(limit, want["counts"]["violations"])
    assert got == want


@pytest.mark.parametrize("limit", [0, 1, 7, 10_000])
def test_firewall_limit_same_pairs_on_both_engines(server_driver: neo4j.Driver, db: Neo4jAnalyses,
                                                   limit: int) -> None:
    """``limit`` details the first pairs of each kind, in the same order, and keeps the counts complete."""
    g = synthetic_graph()
    ensure_loaded(server_driver, g)
    want = firewalls.firewalls(g).to_dict(limit=limit)
    got = db.firewalls(limit=limit).to_dict()
    assert want["counts"]["missing"] > 7 and want["counts"]["unknown-barrier"] > 7
    assert len(got["missing"]) == min(limit, want["counts"]["missing"])
    assert got == want


@pytest.mark.parametrize("limit", [0, 1, 7, 10_000])
def test_flows_and_safeguards_limit_same_rows_on_both_engines(server_driver: neo4j.Driver, db: Neo4jAnalyses,
                                                               limit: int) -> None:
    """``limit`` sends only the first rows of each kind, by id, and keeps the counts complete."""
    g = synthetic_graph()
    ensure_loaded(server_driver, g)
    every = sharing.flows(g)
    page = db.flows(limit=limit)
    assert len(every) > 7
    assert page.total == len(every)
    assert page.rows == every[:limit]
    gaps = safeguards.safeguards(g)
    got = db.safeguards(limit=limit)
    assert len(gaps["flows"]) > 7 and len(gaps["systems"]) > 7
    assert got["counts"] == {"flows": len(gaps["flows"]), "systems": len(gaps["systems"])}
    assert got["flows"] == gaps["flows"][:limit] and got["systems"] == gaps["systems"][:limit]


def test_long_listings_come_in_id_order(server_driver: neo4j.Driver, db: Neo4jAnalyses) -> None:
    """The stored queries as 'dataflows query' runs them list rows by id: who-shares and safeguard-gaps have no
    final ORDER BY (their rows stream in the order of lists sorted by id), and flows-by-category reads flows in
    the order of the flow id index, so that Neo4j needs no sort."""
    g = synthetic_graph()
    ensure_loaded(server_driver, g)
    every = [r["flow"] for r in sharing.flows(g)]
    assert len(every) == 600
    assert [r["flow"] for r in db.run("who-shares")] == every
    biometric = [r["flow"] for r in sharing.flows(g, category="biometric")]
    assert 20 < len(biometric) < len(every)
    assert [r["flow"] for r in db.run("flows-by-category", category="biometric")] == biometric
    gaps = safeguards.safeguards(g)
    assert len(gaps["flows"]) > 20 and len(gaps["systems"]) > 20
    assert [(r["kind"], r["id"]) for r in db.run("safeguard-gaps")] == \
        [("flow", f["flow"]) for f in gaps["flows"]] + [("system", sy["system"]) for sy in gaps["systems"]]


def test_searches_same_answer_among_other_data(server_driver: neo4j.Driver, db: Neo4jAnalyses) -> None:
    """Drift and firewalls keep each party's flows in lists indexed by its node id less the smallest
    party's: a map loaded into a database that holds other data, created before and among it, gets
    ids that neither start at 0 nor follow each other — the answers must not change."""
    g = synthetic_graph()
    drv = server_driver
    drv.execute_query("UNWIND range(1, 3000) AS i CREATE (:UnrelatedData {i: i})")
    # Free every other id, so that the map's nodes may take the gaps.
    drv.execute_query("MATCH (n:UnrelatedData) WHERE n.i % 2 = 0 DELETE n")
    try:
        loader.load(drv, "neo4j", graph_rows(g), version="parity")
        records, _, _ = drv.execute_query(
            "MATCH (p:Party) RETURN min(id(p)) AS base, max(id(p)) - min(id(p)) + 1 AS span, count(p) AS n")
        ids = records[0]
        assert ids["base"] > 0 or ids["span"] > ids["n"]
        for case in (Case("creep"), Case("firewalls"), Case("creep", {"limit": 3}), Case("firewalls", {"limit": 2})):
            assert_same(g, db, case)
    finally:
        drv.execute_query("MATCH (n:UnrelatedData) DETACH DELETE n")
