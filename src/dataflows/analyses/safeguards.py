"""Safeguard gaps: flows and systems without the safeguards the sources ask for.

Definitions (the Cypher versions must give identical results)
--------------------------------------------------------------
*Flow gaps*: every flow whose ``sharing_agreement`` safeguard status is not
``yes``, or whose ``legal_basis`` status is ``unknown``. One row per flow,
sorted by flow id, listing each gap found, in the order
``sharing_agreement``, ``legal_basis``.

*System gaps*: every system with at least one of ``dpia``, ``eia``,
``operating_procedure``, ``independent_review`` whose status is not ``yes``.
One row per system, sorted by system id, its gaps in that order.

Each gap carries its status and what the sources say: for status ``no``, the
note and the citations; for ``unknown``, ``"unknown"`` — the sources are
silent, which is itself the finding.

With a date, the map is first cut to :func:`dataflows.graph.as_of`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import networkx as nx

from ..gcpause import without_gc
from ..graph import as_of
from .index import sources_of
from .render import LazyRows, Report, Table, source_refs

FLOW_SAFEGUARDS = ("sharing_agreement",)
SYSTEM_SAFEGUARDS = ("dpia", "eia", "operating_procedure", "independent_review")


def _gap(name: str, status: str, note: str | None, citations: list[dict[str, Any]]) -> dict[str, Any]:
    if status == "unknown":
        return {"safeguard": name, "status": status, "says": "unknown", "citations": [], "sources": []}
    return {"safeguard": name, "status": status, "says": note or "", "citations": list(citations),
            "sources": sources_of(citations)}


@without_gc
def safeguards(g: nx.MultiDiGraph, *, day: dt.date | None = None) -> dict[str, list[dict[str, Any]]]:
    """Flows and systems with safeguard gaps.

    Returns
    -------
    dict
        ``{"flows": [...], "systems": [...]}``; each row has ``gaps``.
    """
    view = as_of(g, day) if day is not None else g
    flow_rows = []
    for u, v, a in view.edges(data=True):
        if a.get("kind") != "flow":
            continue
        gaps = []
        for name in FLOW_SAFEGUARDS:
            sg = (a.get("safeguards") or {}).get(name) or {"status": "unknown"}
            if sg.get("status") != "yes":
                gaps.append(_gap(name, sg.get("status", "unknown"), sg.get("note"), sg.get("citations") or []))
        lb = a.get("legal_basis") or {"status": "unknown"}
        if lb.get("status", "unknown") == "unknown":
            gaps.append(_gap("legal_basis", "unknown", None, []))
        if gaps:
            flow_rows.append({"flow": a["id"], "from": u, "to": v, "gaps": gaps})
    flow_rows.sort(key=lambda r: r["flow"])
    system_rows = []
    for node, a in sorted(view.nodes(data=True), key=lambda x: x[0]):
        if a.get("kind") != "system":
            continue
        gaps = []
        for name in SYSTEM_SAFEGUARDS:
            sg = (a.get("safeguards") or {}).get(name) or {"status": "unknown"}
            if sg.get("status") != "yes":
                gaps.append(_gap(name, sg.get("status", "unknown"), sg.get("note"), sg.get("citations") or []))
        if gaps:
            system_rows.append({"system": node, "label": a.get("label", node), "gaps": gaps})
    return {"flows": flow_rows, "systems": system_rows}


def _says(gap: dict[str, Any]) -> str:
    if gap["status"] == "unknown":
        return f"{gap['safeguard']}: unknown"
    return f"{gap['safeguard']}: {gap['status']} — {gap['says']}"


def report(result: dict[str, Any], *, limit: int | None = None) -> Report:
    """The safeguard-gaps report (with *limit*, the first *limit* flows and systems; the counts complete).

    *result* is what :func:`safeguards` gives, or Neo4j's answer, which with a limit holds only the
    first rows of each kind and carries the complete ``counts``.
    """
    counts = result.get("counts") or {"flows": len(result["flows"]), "systems": len(result["systems"])}
    flows = result["flows"] if limit is None else result["flows"][:limit]
    systems = result["systems"] if limit is None else result["systems"][:limit]
    flows_t = Table("flows", "Flows without a known sharing agreement or legal basis",
                    [("flow", "flow"), ("from", "from"), ("to", "to"), ("gaps", "gaps (what the sources say)"),
                     ("sources", "sources")],
                    LazyRows(flows, lambda r: {
                        "flow": r["flow"], "from": r["from"], "to": r["to"], "gaps": [_says(x) for x in r["gaps"]],
                        "sources": source_refs([s for x in r["gaps"] for s in x["sources"]])}))
    systems_t = Table("systems", "Systems without a known DPIA, EIA, operating procedure or independent review",
                      [("system", "system"), ("label", "name"), ("gaps", "gaps (what the sources say)"),
                       ("sources", "sources")],
                      LazyRows(systems, lambda r: {
                          "system": r["system"], "label": r["label"], "gaps": [_says(x) for x in r["gaps"]],
                          "sources": source_refs([s for x in r["gaps"] for s in x["sources"]])}))
    summary = [f"{counts['flows']} flows and {counts['systems']} systems with safeguard gaps.",
               "'unknown' means the sources do not say: no published safeguard is itself a finding."]
    data: dict[str, Any] = {"flows": flows, "systems": systems, "counts": dict(counts)}
    if limit is not None:
        data["limit"] = limit
        summary.append(f"Listed: the first {len(flows)} flows and the first {len(systems)} systems, by id "
                       f"(--limit {limit}); the counts above are complete.")
    return Report("safeguards", "Safeguard gaps", summary, [flows_t, systems_t], data)
