"""The embedded graph: a networkx ``MultiDiGraph`` built once from the dataset.

Every analysis, exporter and renderer reads this graph. Nodes are keyed by
record id and carry ``kind`` (``agency``, ``system``, ``data_category``,
``purpose``, ``group``, ``outcome``), ``label`` and the fields a reader filters
on. Edges are keyed by a stable id and carry ``kind``:

=============  =======================  ==========================================
kind           direction                from the data
=============  =======================  ==========================================
``flow``       sender → recipient       ``flows/`` (key: the flow id)
``operates``   agency → system          a system's ``operators``
``holds``      system → data category   a system's ``holds``
``influences`` system → outcome         a system's ``influences``
``affects``    system → group           a system's ``affects``
``broader``    category/purpose → parent  ``parent`` of categories and purposes
=============  =======================  ==========================================

Each node and edge has ``citations``: a list of resolved citations (source
title, file, url, locator, quote, evidence type, confidence).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import networkx as nx

from . import schema as s
from .dataset import Dataset

NODE_KINDS = ("agency", "system", "data_category", "purpose", "group", "outcome")
EDGE_KINDS = ("flow", "operates", "holds", "influences", "affects", "broader")

#: Statuses that mean "in force" for an as-of view, given a covering period.
IN_FORCE = {s.Status.pilot.value, s.Status.active.value, s.Status.unknown.value,
            s.Status.discontinued.value, s.Status.ruled_unlawful.value}


def resolve_citations(citations: list[s.Citation], sources: dict[str, s.Source]) -> list[dict[str, Any]]:
    """Citations as plain dicts with the source's details and the evidence grade filled in."""
    out = []
    for c in citations:
        src = sources[c.source]
        out.append(
            {
                "source": c.source,
                "title": src.title,
                "publisher": src.publisher,
                "file": src.file,
                "url": src.url,
                "locator": c.locator,
                "quote": c.quote,
                "evidence_type": (c.evidence_type or src.evidence_type).value,
                "confidence": c.confidence.value,
                "note": c.note,
            }
        )
    return out


def _period(p: s.Period | None) -> dict[str, str | None]:
    if p is None:
        return {"start": None, "end": None}
    return {"start": p.start, "end": p.end}


def _finding(f: Any) -> dict[str, Any]:
    return {"status": f.status.value, "note": getattr(f, "note", None) or getattr(f, "text", None)}


def build(ds: Dataset) -> nx.MultiDiGraph:
    """Build the graph of the map.

    Parameters
    ----------
    ds
        A validated :class:`~dataflows.dataset.Dataset`.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes and edges as described in the module docstring. ``graph.graph``
        holds ``sources`` (by id), ``jurisdictions`` (id → parent) and
        ``figures`` (list of figure dicts).

    Examples
    --------
    >>> from pathlib import Path
    >>> from dataflows.dataset import load
    >>> g = build(load(Path("tests/fixtures/valid")))
    >>> g.nodes["police-a"]["kind"]
    'agency'
    """
    sources = ds.sources
    g = nx.MultiDiGraph()
    g.graph["sources"] = {k: v.model_dump(mode="json", exclude_none=True) for k, v in sorted(sources.items())}
    g.graph["jurisdictions"] = {j.id: j.parent for j in ds.section("jurisdictions")}
    g.graph["jurisdiction_names"] = {j.id: j.name for j in ds.section("jurisdictions")}

    def cite(cits: list[s.Citation]) -> list[dict[str, Any]]:
        return resolve_citations(cits, sources)

    for a in ds.section("agencies"):
        g.add_node(a.id, kind="agency", label=a.name, sector=a.sector.value, jurisdiction=a.jurisdiction,
                   aliases=list(a.aliases), description=a.description, citations=cite(a.citations))
    for sy in ds.section("systems"):
        g.add_node(
            sy.id, kind="system", label=sy.name, system_kinds=[k.value for k in sy.kinds],
            jurisdiction=sy.jurisdiction, status=sy.status.value, period=_period(sy.period),
            aliases=list(sy.aliases), description=sy.description, citations=cite(sy.citations),
            transparency={name: {"status": f.status.value, "text": f.text, "citations": cite(f.citations)}
                          for name, f in sy.transparency},
            safeguards={name: {"status": f.status.value, "note": f.note, "citations": cite(f.citations)}
                        for name, f in sy.safeguards},
            scope_changes=[
                {"date": ch.date, "dimension": ch.dimension.value, "status": ch.status.value,
                 "description": ch.description, "categories": list(ch.categories),
                 "subjects": list(ch.subjects), "users": list(ch.users), "purposes": list(ch.purposes),
                 "citations": cite(ch.citations)}
                for ch in sy.scope_changes
            ],
        )
    for section, kind in (("data_categories", "data_category"), ("purposes", "purpose"),
                          ("groups", "group"), ("outcomes", "outcome")):
        for r in ds.section(section):
            attrs: dict[str, Any] = {"kind": kind, "label": r.name, "description": r.description,
                                     "citations": cite(r.citations)}
            if section in ("data_categories", "purposes"):
                attrs["parent"] = r.parent
            if section == "data_categories":
                attrs["special"] = r.special
            g.add_node(r.id, **attrs)

    for section in ("data_categories", "purposes"):
        for r in ds.section(section):
            if r.parent:
                g.add_edge(r.id, r.parent, key=f"{r.id}--broader--{r.parent}", kind="broader", citations=[])

    for sy in ds.section("systems"):
        for op in sy.operators:
            g.add_edge(op.party, sy.id, key=f"{op.party}--{op.role.value}--{sy.id}", kind="operates",
                       role=op.role.value, period=_period(op.period), citations=cite(op.citations))
        for i, h in enumerate(sy.holds):
            for c in h.categories:
                g.add_edge(sy.id, c, key=f"{sy.id}--holds-{i}--{c}", kind="holds", purpose=h.purpose,
                           subjects=list(h.subjects), citations=cite(h.citations))
        for inf in sy.influences:
            g.add_edge(sy.id, inf.outcome, key=f"{sy.id}--influences--{inf.outcome}", kind="influences",
                       via=inf.via, citations=cite(inf.citations))
        for af in sy.affects:
            g.add_edge(sy.id, af.group, key=f"{sy.id}--affects--{af.group}", kind="affects", how=af.how,
                       citations=cite(af.citations))

    for f in ds.section("flows"):
        g.add_edge(
            f.source, f.target, key=f.id, kind="flow", id=f.id,
            categories=list(f.categories), purpose=f.purpose, collected_for=f.collected_for,
            mechanism=f.mechanism.value, status=f.status.value, period=_period(f.period),
            jurisdiction=f.jurisdiction or g.nodes[f.source].get("jurisdiction"),
            legal_basis={"status": f.legal_basis.status.value, "text": f.legal_basis.text,
                         "citations": cite(f.legal_basis.citations)},
            firewall={"status": f.firewall.status.value, "note": f.firewall.note,
                      "citations": cite(f.firewall.citations)},
            safeguards={name: {"status": x.status.value, "note": x.note, "citations": cite(x.citations)}
                        for name, x in f.safeguards},
            description=f.description, citations=cite(f.citations),
        )

    g.graph["figures"] = [
        {"id": fg.id, "subject": fg.subject, "area": fg.area, "jurisdiction": fg.jurisdiction,
         "group": fg.group, "comparator": fg.comparator, "measure": fg.measure.value, "value": fg.value,
         "period": _period(fg.period), "description": fg.description, "citations": cite(fg.citations)}
        for fg in ds.section("figures")
    ]
    g.graph["purpose_rules"] = [
        {**r.model_dump(mode="json", exclude={"citations"}), "citations": cite(r.citations)}
        for r in ds.section("purpose_rules")
    ]
    return g


def _covers(period: dict[str, str | None], day: dt.date) -> bool:
    start, end = period.get("start"), period.get("end")
    if start and day < s.PartialDate(start).earliest():
        return False
    return not (end and day > s.PartialDate(end).latest())


def in_force(attrs: dict[str, Any], day: dt.date) -> bool:
    """Whether a node or flow with these attributes may be in force on *day*.

    Proposed things are never in force. Otherwise the period decides; an
    unknown start or end is open (the sources do not let us exclude it).
    """
    status = attrs.get("status")
    if status == s.Status.proposed.value:
        return False
    period = attrs.get("period")
    return True if not period else _covers(period, day)


def as_of(g: nx.MultiDiGraph, day: dt.date) -> nx.MultiDiGraph:
    """The part of the map in force on *day*: a new graph, the input unchanged.

    Systems out of force are dropped with their edges; flows and operator
    relations out of force are dropped. Everything else is kept.
    """
    out = g.copy()
    out.remove_nodes_from([n for n, a in g.nodes(data=True) if a["kind"] == "system" and not in_force(a, day)])
    out.remove_edges_from(
        [(u, v, k) for u, v, k, a in out.edges(keys=True, data=True)
         if a["kind"] in ("flow", "operates") and not in_force(a, day)]
    )
    out.graph["as_of"] = day.isoformat()
    return out


def flows(g: nx.MultiDiGraph) -> list[tuple[str, str, dict[str, Any]]]:
    """All flow edges as ``(sender, recipient, attributes)``, sorted by flow id."""
    return sorted(((u, v, a) for u, v, a in g.edges(data=True) if a["kind"] == "flow"),
                  key=lambda e: e[2]["id"])
