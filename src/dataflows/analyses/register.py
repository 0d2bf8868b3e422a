"""The transparency register Amnesty asks for (seed 000), with the gaps shown.

Definitions (the Cypher versions must give identical results)
--------------------------------------------------------------
One entry per system, sorted by system id (or just the one asked for):

* the five register fields from the node's ``transparency`` attribute —
  ``purpose``, ``operation``, ``data_types``, ``decisions``, ``reviews`` —
  each with status (``known``/``partial``/``unknown``), text (``"unknown"``
  when the status is unknown) and citations;
* what the graph adds:

  - ``operators``: ``(agency, role)`` of every ``operates`` edge into the
    system, sorted by agency id then role;
  - ``holds``: ``(category, purpose)`` of every ``holds`` edge, sorted;
  - ``data_sources``: the inbound flows (flow id, sender, categories),
    sorted by flow id;
  - ``outcomes``: the outcomes of its ``influences`` edges (with ``via``),
    sorted by outcome id;
  - ``sources``: the source ids cited by the system record, its register
    fields, safeguards, and all the edges above, sorted.

With a date, the map is first cut to :func:`dataflows.graph.as_of`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import networkx as nx

from ..graph import as_of
from .index import check_node
from .render import LazyRows, Report, Table

FIELDS = ("purpose", "operation", "data_types", "decisions", "reviews")


def register(g: nx.MultiDiGraph, *, system: str | None = None, day: dt.date | None = None) -> list[dict[str, Any]]:
    """The transparency register of every system (or of one).

    Raises
    ------
    UnknownName
        If *system* is not a system of the map.
    """
    if system is not None:
        check_node(g, system, "system", "system")
    view = as_of(g, day) if day is not None else g
    out = []
    for node, a in sorted(view.nodes(data=True), key=lambda x: x[0]):
        if a.get("kind") != "system" or (system is not None and node != system):
            continue
        cited: set[str] = {c["source"] for c in a.get("citations") or []}
        fields = {}
        for name in FIELDS:
            f = (a.get("transparency") or {}).get(name) or {"status": "unknown"}
            status = f.get("status", "unknown")
            cits = list(f.get("citations") or [])
            cited.update(c["source"] for c in cits)
            fields[name] = {"status": status, "text": f.get("text") if status != "unknown" else "unknown",
                            "citations": cits}
        for sg in (a.get("safeguards") or {}).values():
            cited.update(c["source"] for c in sg.get("citations") or [])
        operators, holds, outcomes = [], [], []
        for u, _, e in view.in_edges(node, data=True):
            if e.get("kind") == "operates":
                operators.append({"agency": u, "label": view.nodes[u].get("label", u), "role": e.get("role")})
                cited.update(c["source"] for c in e.get("citations") or [])
        data_sources = []
        for u, _, e in view.in_edges(node, data=True):
            if e.get("kind") == "flow":
                data_sources.append({"flow": e["id"], "from": u, "categories": sorted(e.get("categories") or [])})
                cited.update(c["source"] for c in e.get("citations") or [])
        for _, v, e in view.out_edges(node, data=True):
            if e.get("kind") == "holds":
                holds.append({"category": v, "purpose": e.get("purpose") or "unknown"})
            elif e.get("kind") == "influences":
                outcomes.append({"outcome": v, "label": view.nodes[v].get("label", v), "via": e.get("via")})
            else:
                continue
            cited.update(c["source"] for c in e.get("citations") or [])
        out.append({
            "system": node, "label": a.get("label", node), "status": a.get("status"),
            "jurisdiction": a.get("jurisdiction"), "fields": fields,
            "operators": sorted(operators, key=lambda x: (x["agency"], x["role"] or "")),
            "holds": sorted({(h["category"], h["purpose"]): h for h in holds}.values(),
                            key=lambda h: (h["category"], h["purpose"])),
            "data_sources": sorted(data_sources, key=lambda x: x["flow"]),
            "outcomes": sorted(outcomes, key=lambda x: (x["outcome"], x["via"] or "")),
            "sources": sorted(cited),
        })
    return out


def report(entries: list[dict[str, Any]]) -> Report:
    """The transparency-register report."""
    def table_row(e: dict[str, Any]) -> dict[str, Any]:
        row: dict[str, Any] = {"system": e["system"], "label": e["label"]}
        for name in FIELDS:
            f = e["fields"][name]
            row[name] = "unknown" if f["status"] == "unknown" else f"{f['status']}: {f['text']}"
        row["operators"] = [f"{o['agency']} ({o['role']})" for o in e["operators"]]
        row["holds"] = [f"{h['category']} for {h['purpose']}" for h in e["holds"]]
        row["data_sources"] = [f"{d['flow']} from {d['from']}" for d in e["data_sources"]]
        row["outcomes"] = [o["outcome"] + (f" via {o['via']}" if o["via"] else "") for o in e["outcomes"]]
        row["sources"] = e["sources"]
        return row

    cols = [("system", "system"), ("label", "name"), ("purpose", "intended purpose"),
            ("operation", "operation in practice"), ("data_types", "data types and sources"),
            ("decisions", "decisions influenced"), ("reviews", "reviews"), ("operators", "operators"),
            ("holds", "data held"), ("data_sources", "inbound flows"), ("outcomes", "outcomes influenced"),
            ("sources", "sources")]
    unknown = sum(1 for e in entries for f in e["fields"].values() if f["status"] == "unknown")
    summary = [f"{len(entries)} systems; {unknown} of {5 * len(entries)} register fields unknown.",
               "The five fields are those Amnesty asks a public register to hold (seed 000)."]
    table = Table("register", "Register", cols, LazyRows(entries, table_row))
    return Report("register", "Transparency register", summary, [table], {"count": len(entries), "systems": entries})
