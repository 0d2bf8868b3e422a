"""Who shares what with whom: every flow as a row, and a sender × recipient matrix.

Definitions (the Cypher versions must give identical results)
--------------------------------------------------------------
:func:`flows` returns one row per ``flow`` edge that passes **every** filter
given, sorted by flow id:

``party``
    the flow's sender or recipient is this agency or system;
``category``
    one of the flow's categories is this data category or lies under it
    (``broader`` / ``parent`` hierarchy of data categories);
``jurisdiction``
    the flow's jurisdiction is this one or lies under it
    (``graph.graph["jurisdictions"]``: id → parent); a flow's jurisdiction
    defaults to its sender's;
``sector``
    the sender's or the recipient's sectors include this sector: an agency's
    sector is its own; a system's sectors are those of the agencies that
    ``operate`` it with role ``operator``, ``owner`` or ``user``;
``day`` (as of)
    the map is first cut to :func:`dataflows.graph.as_of` that day (flows and
    operator relations out of force, and systems out of force with their
    flows, are dropped).

A row carries: flow id, sender and recipient (id and label), categories
(sorted), purpose, collected_for, legal basis status and text, mechanism,
firewall status, the status of each flow safeguard, status, period,
jurisdiction, ``sources`` — the ``(source, locator)`` pairs of every
citation on the flow, its legal basis, firewall and safeguards, sorted — and
``citations``, the flow's own citations in full (with their quotes).

:func:`matrix` groups the same rows by ``(sender, recipient)``: the number of
flows, the union of their categories (sorted) and their flow ids (sorted);
rows sorted by sender id then recipient id.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import networkx as nx

from .. import schema as s
from ..gcpause import without_gc
from ..graph import as_of
from .index import (
    SECTOR_ROLES_ALL,
    check_name,
    check_node,
    check_party,
    hierarchy,
    jurisdictions,
    party_sectors,
    sources_of,
)
from .render import LazyRows, Report, Table, source_refs


def _all_citations(a: dict[str, Any]) -> list[dict[str, Any]]:
    cits = list(a.get("citations") or [])
    for part in ("legal_basis", "firewall"):
        cits += (a.get(part) or {}).get("citations") or []
    for sg in (a.get("safeguards") or {}).values():
        cits += sg.get("citations") or []
    return cits


def row(g: nx.MultiDiGraph, u: str, v: str, a: dict[str, Any]) -> dict[str, Any]:
    """The row of one flow (see the module docstring)."""
    lb = a.get("legal_basis") or {}
    period = a.get("period") or {}
    return {
        "flow": a["id"],
        "from": u,
        "from_label": g.nodes[u].get("label", u),
        "to": v,
        "to_label": g.nodes[v].get("label", v),
        "categories": sorted(a.get("categories") or []),
        "purpose": a.get("purpose") or "unknown",
        "collected_for": a.get("collected_for"),
        "legal_basis": {"status": lb.get("status", "unknown"), "text": lb.get("text")},
        "mechanism": a.get("mechanism"),
        "firewall": (a.get("firewall") or {}).get("status", "unknown"),
        "safeguards": {k: v2.get("status", "unknown") for k, v2 in sorted((a.get("safeguards") or {}).items())},
        "status": a.get("status"),
        "period": {"start": period.get("start"), "end": period.get("end")},
        "jurisdiction": a.get("jurisdiction"),
        "sources": sources_of(_all_citations(a)),
        "citations": list(a.get("citations") or []),
    }


@without_gc
def flows(
    g: nx.MultiDiGraph,
    *,
    party: str | None = None,
    category: str | None = None,
    jurisdiction: str | None = None,
    sector: str | None = None,
    day: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Every flow that passes the filters, as a row, sorted by flow id.

    Parameters
    ----------
    g
        The graph from :func:`dataflows.graph.build`.
    party, category, jurisdiction, sector, day
        Filters, combined with "and" (see the module docstring).

    Returns
    -------
    list of dict
        One row per flow.

    Raises
    ------
    UnknownName
        For a party, category, jurisdiction or sector that does not exist.
    """
    if party is not None:
        check_party(g, party)
    allowed_cats = None
    if category is not None:
        check_node(g, category, "data_category", "data category")
        allowed_cats = hierarchy(g, "data_category").below(category)
    allowed_juris = None
    if jurisdiction is not None:
        juris = jurisdictions(g)
        check_name(jurisdiction, juris.parents, "jurisdiction")
        allowed_juris = juris.below(jurisdiction)
    if sector is not None:
        check_name(sector, [x.value for x in s.Sector], "sector")
    view = as_of(g, day) if day is not None else g
    sectors: dict[str, set[str]] = {}

    def has_sector(p: str) -> bool:
        if p not in sectors:
            sectors[p] = party_sectors(view, p, SECTOR_ROLES_ALL)
        return sector in sectors[p]

    out = []
    for u, v, a in view.edges(data=True):
        if a.get("kind") != "flow":
            continue
        if party is not None and party not in (u, v):
            continue
        if allowed_cats is not None and not any(c in allowed_cats for c in a.get("categories") or []):
            continue
        if allowed_juris is not None and a.get("jurisdiction") not in allowed_juris:
            continue
        if sector is not None and not (has_sector(u) or has_sector(v)):
            continue
        out.append(row(view, u, v, a))
    out.sort(key=lambda r: r["flow"])
    return out


@without_gc
def matrix(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Group flow rows by ``(sender, recipient)``: count, categories, flow ids.

    Parameters
    ----------
    rows
        Rows from :func:`flows` (any filters).

    Returns
    -------
    list of dict
        ``from``, ``from_label``, ``to``, ``to_label``, ``flows`` (count),
        ``categories`` and ``flow_ids`` (sorted), sorted by sender then recipient.
    """
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        cell = cells.setdefault((r["from"], r["to"]), {
            "from": r["from"], "from_label": r["from_label"], "to": r["to"], "to_label": r["to_label"],
            "flows": 0, "categories": set(), "flow_ids": [],
        })
        cell["flows"] += 1
        cell["categories"].update(r["categories"])
        cell["flow_ids"].append(r["flow"])
    out = []
    for key in sorted(cells):
        cell = cells[key]
        cell["categories"] = sorted(cell["categories"])
        cell["flow_ids"] = sorted(cell["flow_ids"])
        out.append(cell)
    return out


def _filters_line(filters: dict[str, Any]) -> str:
    given = {k: v for k, v in filters.items() if v is not None}
    return "Filters: " + (", ".join(f"{k}={v}" for k, v in given.items()) if given else "none")


def report(rows: list[dict[str, Any]], filters: dict[str, Any] | None = None, *, limit: int | None = None,
           count: int | None = None) -> Report:
    """The flows report: one row per flow, with its sources.

    With *limit*, only the first *limit* rows are listed; the count stays complete. *count* is how many
    flows passed when *rows* holds only the first of them (as Neo4j sends them with a limit).
    """
    filters = filters or {}
    total = len(rows) if count is None else count
    listed = rows if limit is None else rows[:limit]
    table = Table(
        "flows", "Who shares what with whom",
        [("flow", "flow"), ("from", "from"), ("to", "to"), ("categories", "data categories"),
         ("purpose", "purpose"), ("legal_basis", "legal basis"), ("mechanism", "mechanism"),
         ("firewall", "firewall"), ("safeguards", "safeguards"), ("status", "status"),
         ("period", "period"), ("jurisdiction", "jurisdiction"), ("sources", "sources")],
        LazyRows(listed, _table_row),
    )
    summary = [_filters_line(filters), f"{total} flows."]
    data: dict[str, Any] = {"filters": filters, "count": total, "flows": listed}
    if limit is not None:
        data["limit"] = limit
        summary.append(f"Listed: the first {len(listed)}, by flow id (--limit {limit}); the count above is complete.")
    return Report("flows", "Flows: who shares what with whom", summary, [table], data)


def _table_row(r: dict[str, Any]) -> dict[str, Any]:
    """A flow as a row of the flows table."""
    return {
        "flow": r["flow"], "from": r["from"], "to": r["to"], "categories": r["categories"],
        "purpose": r["purpose"],
        "legal_basis": r["legal_basis"]["status"] + (f": {r['legal_basis']['text']}"
                                                     if r["legal_basis"]["text"] else ""),
        "mechanism": r["mechanism"], "firewall": r["firewall"],
        "safeguards": [f"{k}: {v}" for k, v in r["safeguards"].items()],
        "status": r["status"],
        "period": f"{r['period']['start'] or '?'} – {r['period']['end'] or '?'}",
        "jurisdiction": r["jurisdiction"], "sources": source_refs(r["sources"]),
    }


def matrix_report(cells: list[dict[str, Any]], filters: dict[str, Any] | None = None) -> Report:
    """The party-by-party matrix report."""
    filters = filters or {}
    table = Table(
        "matrix", "Sender × recipient",
        [("from", "sender"), ("to", "recipient"), ("flows", "flows"), ("categories", "data categories"),
         ("flow_ids", "flow ids")],
        LazyRows(cells, dict),
    )
    return Report("matrix", "Matrix: flows between each pair of parties",
                  [_filters_line(filters), f"{len(cells)} sender–recipient pairs, "
                   f"{sum(c['flows'] for c in cells)} flows."], [table],
                  {"filters": filters, "count": len(cells), "pairs": cells})
