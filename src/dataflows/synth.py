"""Synthetic maps of any size, shaped exactly like :func:`dataflows.graph.build`'s output.

For benchmarks (the analyses here, the Neo4j loader later) and for tests that
need more than the curated data. :func:`generate` builds a map that looks like
the real one at scale: countries made of regions; in each region, local public
services (health, education, housing, welfare, local government, victim
support, labour inspection), police with their systems, courts, prosecution
and probation; in each country, national police and immigration databases,
an immigration-enforcement agency and a border agency, a welfare department;
a few international systems. Flows run mostly inside a region, then up to the
nation and a little beyond, the way the sources describe data moving.

Every node and edge cites a synthetic source (``synth-source``). To keep a
million flows in a few hundred megabytes, values that repeat (citation
lists, category lists, firewall, legal-basis and safeguard dicts, periods,
descriptions) are shared between edges; treat the attributes as read-only.
"""

from __future__ import annotations

import random
from typing import Any

import networkx as nx

from .gcpause import without_gc

SOURCE_ID = "synth-source"

#: Data categories: id → parent.
CATEGORIES: dict[str, str | None] = {
    "personal-data": None,
    "identity": "personal-data", "name": "identity", "address": "identity", "date-of-birth": "identity",
    "nationality": "identity", "immigration-status": "identity",
    "biometric": "personal-data", "fingerprints": "biometric", "facial-image": "biometric",
    "health-record": "personal-data", "education-record": "personal-data", "housing-record": "personal-data",
    "welfare-record": "personal-data", "criminal-record": "personal-data", "intelligence": "personal-data",
    "risk-score": "intelligence", "location": "personal-data", "victim-report": "personal-data",
    "employment-record": "personal-data",
}

#: Purposes: id → parent.
PURPOSES: dict[str, str | None] = {
    "public-services": None, "healthcare": "public-services", "education": "public-services",
    "housing": "public-services", "welfare-support": "public-services", "safeguarding": "public-services",
    "humanitarian": None, "registration": "humanitarian", "access-to-services": "humanitarian",
    "law-enforcement": None, "crime-prevention": "law-enforcement", "investigation": "law-enforcement",
    "identity-check": "law-enforcement", "victim-support": "law-enforcement",
    "migration-control": None, "immigration-enforcement": "migration-control",
    "repatriation": "migration-control", "border-control": "migration-control",
    "welfare-sanctions": None, "profiling": None,
}

#: Compatibility rules (collected_for, used_for, compatible).
RULES: list[tuple[str, str, bool]] = [
    ("public-services", "migration-control", False),
    ("humanitarian", "migration-control", False),
    ("law-enforcement", "welfare-sanctions", False),
    ("victim-support", "immigration-enforcement", False),
    ("law-enforcement", "law-enforcement", True),
    ("public-services", "safeguarding", True),
    ("public-services", "law-enforcement", False),
    ("identity-check", "immigration-enforcement", False),
    ("migration-control", "migration-control", True),
    ("humanitarian", "public-services", True),
]

# Per region: (suffix, kind, sector of agency | operator suffix, purposes it sends for, categories it holds)
_LOCAL_AGENCIES: list[tuple[str, str]] = [
    ("gp", "health"), ("hospital", "health"), ("school", "education"), ("college", "education"),
    ("housing", "housing"), ("welfare-office", "welfare"), ("council", "local_government"),
    ("victim-support", "victim_support"), ("labour-inspection", "labour_inspection"), ("police", "police"),
    ("court", "courts"), ("prosecution", "prosecution"), ("probation", "probation"),
    ("charity", "civil_society"),
]
# Local systems: (suffix, operator suffix, held categories, held purpose)
_LOCAL_SYSTEMS: list[tuple[str, str, list[str], str]] = [
    ("police-records", "police", ["criminal-record", "intelligence", "victim-report"], "investigation"),
    ("gang-matrix", "police", ["risk-score", "intelligence", "name"], "crime-prevention"),
    ("fingerprint-scanner", "police", ["fingerprints", "facial-image"], "identity-check"),
    ("patient-records", "hospital", ["health-record", "address"], "healthcare"),
    ("pupil-database", "school", ["education-record", "nationality"], "education"),
    ("housing-register", "housing", ["housing-record", "address"], "housing"),
    ("case-management", "council", ["welfare-record", "address"], "safeguarding"),
]
# National parties: (suffix, kind, sector or operator)
_NATIONAL_AGENCIES: list[tuple[str, str]] = [
    ("immigration-enforcement", "immigration_enforcement"), ("border-agency", "border_agency"),
    ("welfare-department", "welfare"), ("national-police", "police"), ("interior-ministry", "government_department"),
    ("humanitarian-agency", "humanitarian"),
]
_NATIONAL_SYSTEMS: list[tuple[str, str, list[str], str]] = [
    ("police-database", "national-police", ["criminal-record", "fingerprints", "facial-image"], "investigation"),
    ("immigration-biometrics", "immigration-enforcement", ["fingerprints", "facial-image", "immigration-status"],
     "immigration-enforcement"),
    ("benefits-system", "welfare-department", ["welfare-record", "employment-record"], "welfare-support"),
    ("refugee-registry", "humanitarian-agency", ["fingerprints", "name", "nationality"], "registration"),
]

# Flow templates: (sender suffix, recipient suffix, categories, purpose, scope) with scope
# "local" (same region), "up" (region → its country), "national" (within the country).
_TEMPLATES: list[tuple[str, str, list[str], str, str]] = [
    ("gp", "patient-records", ["health-record", "address"], "healthcare", "local"),
    ("hospital", "patient-records", ["health-record"], "healthcare", "local"),
    ("patient-records", "council", ["health-record", "address"], "safeguarding", "local"),
    ("patient-records", "immigration-enforcement", ["address", "nationality"], "immigration-enforcement", "up"),
    ("school", "pupil-database", ["education-record", "nationality"], "education", "local"),
    ("college", "pupil-database", ["education-record"], "education", "local"),
    ("pupil-database", "council", ["education-record"], "safeguarding", "local"),
    ("pupil-database", "interior-ministry", ["nationality"], "unknown", "up"),
    ("housing", "housing-register", ["housing-record", "address"], "housing", "local"),
    ("housing-register", "police", ["address"], "crime-prevention", "local"),
    ("welfare-office", "case-management", ["welfare-record"], "welfare-support", "local"),
    ("council", "case-management", ["welfare-record", "address"], "safeguarding", "local"),
    ("case-management", "police-records", ["welfare-record"], "unknown", "local"),
    ("victim-support", "police", ["victim-report", "name"], "victim-support", "local"),
    ("labour-inspection", "council", ["employment-record"], "unknown", "local"),
    ("labour-inspection", "immigration-enforcement", ["employment-record", "nationality"],
     "immigration-enforcement", "up"),
    ("police", "police-records", ["criminal-record", "victim-report"], "investigation", "local"),
    ("police", "gang-matrix", ["intelligence", "name"], "crime-prevention", "local"),
    ("police", "fingerprint-scanner", ["fingerprints"], "identity-check", "local"),
    ("fingerprint-scanner", "police-database", ["fingerprints"], "identity-check", "up"),
    ("fingerprint-scanner", "immigration-biometrics", ["fingerprints"], "identity-check", "up"),
    ("gang-matrix", "prosecution", ["risk-score", "name"], "investigation", "local"),
    ("gang-matrix", "probation", ["risk-score"], "crime-prevention", "local"),
    ("gang-matrix", "housing", ["risk-score", "name"], "unknown", "local"),
    ("gang-matrix", "welfare-department", ["risk-score", "name"], "welfare-sanctions", "up"),
    ("police-records", "prosecution", ["criminal-record"], "investigation", "local"),
    ("police-records", "court", ["criminal-record"], "investigation", "local"),
    ("police-records", "police-database", ["criminal-record"], "investigation", "up"),
    ("prosecution", "court", ["criminal-record"], "investigation", "local"),
    ("court", "probation", ["criminal-record"], "crime-prevention", "local"),
    ("probation", "case-management", ["criminal-record"], "safeguarding", "local"),
    ("charity", "victim-support", ["victim-report"], "victim-support", "local"),
    ("police-database", "immigration-enforcement", ["criminal-record", "fingerprints"], "immigration-enforcement",
     "national"),
    ("immigration-biometrics", "border-agency", ["fingerprints", "immigration-status"], "border-control",
     "national"),
    ("immigration-enforcement", "immigration-biometrics", ["immigration-status", "fingerprints"],
     "immigration-enforcement", "national"),
    ("refugee-registry", "interior-ministry", ["fingerprints", "name"], "repatriation", "national"),
    ("humanitarian-agency", "refugee-registry", ["fingerprints", "name"], "registration", "national"),
    ("benefits-system", "immigration-enforcement", ["welfare-record"], "unknown", "national"),
    ("welfare-department", "benefits-system", ["welfare-record"], "welfare-support", "national"),
    ("interior-ministry", "immigration-enforcement", ["nationality", "name"], "immigration-enforcement",
     "national"),
]

REGIONS_PER_COUNTRY = 20
#: International parties: a watchlist every country's police database feeds, run by an
#: intergovernmental agency, and consulted by an international border agency.
INTL_AGENCY = "intl-agency"
INTL_WATCHLIST = "intl-watchlist"
INTL_BORDER_AGENCY = "intl-border-agency"


def _cite(locator: str, confidence: str) -> dict[str, Any]:
    return {"source": SOURCE_ID, "title": "Synthetic source", "publisher": "dataflows.synth", "file": None,
            "url": None, "locator": locator, "quote": "Synthetic evidence.", "evidence_type": "ngo_report",
            "confidence": confidence, "note": None}


class _Pools:
    """Shared attribute values, so a million edges do not each carry copies."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.citations = [[_cite(f"section {i}", conf)] for i in range(12) for conf in ("high", "medium", "low")]
        self.firewalls: dict[str, list[dict[str, Any]]] = {
            "present": [{"status": "present", "note": "A barrier is in place.", "citations": c}
                        for c in self.citations[:6]],
            "absent": [{"status": "absent", "note": "No barrier.", "citations": c} for c in self.citations[:6]],
            "unknown": [{"status": "unknown", "note": None, "citations": []}],
        }
        self.legal = [{"status": "stated", "text": "A synthetic statute", "citations": self.citations[0]},
                      {"status": "unknown", "text": None, "citations": []},
                      {"status": "disputed", "text": "A disputed power", "citations": self.citations[1]}]
        unknown: dict[str, Any] = {"status": "unknown", "note": None, "citations": []}
        yes = {"status": "yes", "note": "In place.", "citations": self.citations[2]}
        no = {"status": "no", "note": "None published.", "citations": self.citations[3]}
        self.flow_safeguards = [{"sharing_agreement": a, "dpia": b, "proportionality": unknown}
                                for a in (unknown, yes, no) for b in (unknown, no)]
        self.system_safeguards = [{"dpia": a, "eia": b, "operating_procedure": unknown,
                                   "independent_review": unknown, "public_consultation": unknown}
                                  for a in (unknown, yes, no) for b in (unknown, no)]
        register_unknown: dict[str, Any] = {"status": "unknown", "text": None, "citations": []}
        register_known = {"status": "known", "text": "Described in the source.", "citations": self.citations[4]}
        self.transparency = [{name: (register_known if (i >> j) & 1 else register_unknown)
                              for j, name in enumerate(("purpose", "operation", "data_types", "decisions",
                                                        "reviews"))} for i in range(8)]
        self.periods = [{"start": None, "end": None}] + [{"start": str(y), "end": None} for y in range(2010, 2024)] + [
            {"start": str(y), "end": str(y + 3)} for y in range(2010, 2020)]
        self.description = "A synthetic flow."
        self.cat_lists: dict[tuple[str, ...], list[str]] = {}

    def cats(self, cats: list[str]) -> list[str]:
        key = tuple(cats)
        got = self.cat_lists.get(key)
        if got is None:
            got = self.cat_lists[key] = list(cats)
        return got


@without_gc
def generate(n_flows: int, seed: int = 0, *, unknown_purpose: float = 0.15, collected_for: float = 0.4,
             firewall_weights: tuple[float, float, float] = (0.3, 0.4, 0.3)) -> nx.MultiDiGraph:
    """A synthetic map with about *n_flows* flows (exactly *n_flows*).

    Parameters
    ----------
    n_flows
        Number of flows to generate.
    seed
        Random seed: the same seed gives the same map.
    unknown_purpose
        Share of flows whose purpose is replaced by ``unknown``.
    collected_for
        Share of flows that state the purpose their data was collected for.
    firewall_weights
        Relative weights of firewall ``present``, ``absent``, ``unknown``.

    Returns
    -------
    networkx.MultiDiGraph
        Shaped like :func:`dataflows.graph.build`'s output, including
        ``graph["sources"]``, ``["jurisdictions"]``, ``["purpose_rules"]``.

    Examples
    --------
    >>> g = generate(500, seed=1)
    >>> sum(1 for *_, k in g.edges(data="kind") if k == "flow")
    500
    """
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    pools = _Pools(rng)
    g = nx.MultiDiGraph()
    per_region = len(_TEMPLATES) * 5
    n_regions = max(1, -(-n_flows // per_region))
    n_countries = max(1, -(-n_regions // REGIONS_PER_COUNTRY))
    g.graph["sources"] = {SOURCE_ID: {"id": SOURCE_ID, "title": "Synthetic source", "publisher": "dataflows.synth",
                                      "evidence_type": "ngo_report"}}
    juris: dict[str, str | None] = {"synth-world": None}
    for c in range(n_countries):
        juris[f"c{c:04d}"] = "synth-world"
    for r in range(n_regions):
        juris[f"r{r:06d}"] = f"c{r // REGIONS_PER_COUNTRY:04d}"
    g.graph["jurisdictions"] = juris
    g.graph["jurisdiction_names"] = {j: j for j in juris}
    g.graph["figures"] = []
    cite = pools.citations
    g.graph["purpose_rules"] = [
        {"id": f"rule-{i:02d}", "collected_for": c, "used_for": u, "compatible": ok,
         "reason": "A synthetic rule.", "citations": cite[i % len(cite)]}
        for i, (c, u, ok) in enumerate(RULES)]
    for cat, parent in CATEGORIES.items():
        g.add_node(cat, kind="data_category", label=cat, description=None, citations=cite[0], parent=parent,
                   special=cat in ("biometric", "fingerprints", "facial-image", "health-record"))
    for p, parent in PURPOSES.items():
        g.add_node(p, kind="purpose", label=p, description=None, citations=cite[0], parent=parent)
    for table in (CATEGORIES, PURPOSES):
        for child, parent in table.items():
            if parent:
                g.add_edge(child, parent, key=f"{child}--broader--{parent}", kind="broader", citations=[])

    def agency(node: str, sector: str, jurisdiction: str) -> None:
        g.add_node(node, kind="agency", label=node, sector=sector, jurisdiction=jurisdiction, aliases=[],
                   description=None, citations=cite[rng.randrange(len(cite))])

    def system(node: str, operator: str, held: list[str], purpose: str, jurisdiction: str) -> None:
        g.add_node(node, kind="system", label=node, system_kinds=["database"], jurisdiction=jurisdiction,
                   status="active", period=pools.periods[rng.randrange(len(pools.periods))], aliases=[],
                   description=None, citations=cite[rng.randrange(len(cite))],
                   transparency=pools.transparency[rng.randrange(len(pools.transparency))],
                   safeguards=pools.system_safeguards[rng.randrange(len(pools.system_safeguards))],
                   scope_changes=[] if rng.random() > 0.05 else [
                       {"date": str(2015 + rng.randrange(8)), "dimension": "users", "status": "active",
                        "description": "Access extended to new users.", "categories": [], "subjects": [],
                        "users": [operator], "purposes": [], "citations": cite[5]}])
        g.add_edge(operator, node, key=f"{operator}--operator--{node}", kind="operates", role="operator",
                   period={"start": None, "end": None}, citations=cite[1])
        for i, c in enumerate(held):
            g.add_edge(node, c, key=f"{node}--holds-{i}--{c}", kind="holds", purpose=purpose, subjects=[],
                       citations=cite[2])

    for c in range(n_countries):
        cj = f"c{c:04d}"
        for suffix, sector in _NATIONAL_AGENCIES:
            agency(f"{cj}-{suffix}", sector, cj)
        for suffix, op, held, purpose in _NATIONAL_SYSTEMS:
            system(f"{cj}-{suffix}", f"{cj}-{op}", held, purpose, cj)
    for r in range(n_regions):
        rj = f"r{r:06d}"
        for suffix, sector in _LOCAL_AGENCIES:
            agency(f"{rj}-{suffix}", sector, rj)
        for suffix, op, held, purpose in _LOCAL_SYSTEMS:
            system(f"{rj}-{suffix}", f"{rj}-{op}", held, purpose, rj)

    agency(INTL_AGENCY, "intergovernmental", "synth-world")
    agency(INTL_BORDER_AGENCY, "border_agency", "synth-world")
    system(INTL_WATCHLIST, INTL_AGENCY, ["fingerprints", "criminal-record"], "investigation", "synth-world")

    national = {s for s, _ in _NATIONAL_AGENCIES} | {s for s, *_ in _NATIONAL_SYSTEMS}
    fw_kinds = ("present", "absent", "unknown")
    mechanisms = ("bulk_sharing", "on_the_spot_lookup", "query_access", "report", "referral", "disclosure")
    statuses = ("active",) * 8 + ("pilot", "discontinued", "unknown", "proposed")
    purposes = list(PURPOSES)
    # One flow from each country's police database to the watchlist, a few from it to the border agency.
    intl = [(f"c{c:04d}-police-database", INTL_WATCHLIST, ["fingerprints", "criminal-record"], "investigation")
            for c in range(n_countries)]
    intl += [(INTL_WATCHLIST, INTL_BORDER_AGENCY, ["fingerprints"], "border-control")] * 3
    intl = intl[:n_flows // 10]
    for f in range(n_flows):
        if f < len(intl):
            u, v, cats, purpose = intl[f]
            scope, rj, cj = "intl", "synth-world", "synth-world"
        else:
            u, v, cats, purpose, scope, rj, cj = _template_flow(rng, n_regions, national)
        if rng.random() < unknown_purpose:
            purpose = "unknown"
        elif rng.random() < 0.05:
            purpose = purposes[rng.randrange(len(purposes))]
        fw = rng.choices(fw_kinds, weights=firewall_weights)[0]
        fw_pool = pools.firewalls[fw]
        fid = f"flow-{f:07d}"
        g.add_edge(
            u, v, key=fid, kind="flow", id=fid, categories=pools.cats(cats), purpose=purpose,
            collected_for=(purposes[rng.randrange(len(purposes))] if rng.random() < collected_for else None),
            mechanism=mechanisms[rng.randrange(len(mechanisms))], status=statuses[rng.randrange(len(statuses))],
            period=pools.periods[rng.randrange(len(pools.periods))],
            jurisdiction=cj if scope in ("national", "intl") else rj,
            legal_basis=pools.legal[rng.randrange(len(pools.legal))],
            firewall=fw_pool[rng.randrange(len(fw_pool))],
            safeguards=pools.flow_safeguards[rng.randrange(len(pools.flow_safeguards))],
            description=pools.description, citations=cite[rng.randrange(len(cite))],
        )
    return g


def _template_flow(rng: random.Random, n_regions: int,
                   national: set[str]) -> tuple[str, str, list[str], str, str, str, str]:
    """Sender, recipient, categories, purpose, scope, region and country of a flow drawn from the templates."""
    t_sender, t_recipient, cats, purpose, scope = _TEMPLATES[rng.randrange(len(_TEMPLATES))]
    r = rng.randrange(n_regions)
    c = r // REGIONS_PER_COUNTRY
    if scope == "national":
        r = c * REGIONS_PER_COUNTRY
    rj, cj = f"r{r:06d}", f"c{c:04d}"
    u = f"{cj}-{t_sender}" if t_sender in national else f"{rj}-{t_sender}"
    v = f"{cj}-{t_recipient}" if t_recipient in national else f"{rj}-{t_recipient}"
    if scope == "local" and rng.random() < 0.05:
        # A little cross-region traffic: the same kind of recipient in a neighbouring region of the
        # same country (local services do not send across national borders; the international
        # watchlist carries what crosses them).
        first = c * REGIONS_PER_COUNTRY
        size = min(REGIONS_PER_COUNTRY, n_regions - first)
        v = f"r{first + (r - first + 1) % size:06d}-{t_recipient}"
    return u, v, cats, purpose, scope, rj, cj
