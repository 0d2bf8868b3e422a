"""The visual vocabulary of every page: colours, shapes, dash patterns, the legend.

One table per encoding, so the legend is generated from the same values the
graph is drawn with and cannot drift from it:

* node **kind** → shape and colour (:data:`NODE_STYLE`);
* flow **mechanism** → dash pattern (:data:`MECHANISM_DASHES`);
* flow or system **status** → width and opacity (:data:`STATUS_STYLE`): what
  is not (or no longer) in force is drawn thin and faded;
* **flags** (:data:`FLAGS`) → colour and a text label on the flow, so the mark
  does not rest on colour alone; "no safeguard known" is a small circle at the
  sender's end (it applies to most flows, and a label on each would bury the
  map).

Colours come from the Okabe–Ito palette, which stays distinguishable with the
common forms of colour blindness.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NodeStyle:
    """How one kind of node is drawn."""

    label: str
    """Name of the kind for readers (legend, details panel)."""
    shape: str
    """A vis-network shape whose label sits below it."""
    color: str
    border: str


NODE_STYLE: dict[str, NodeStyle] = {
    "agency": NodeStyle("Agency", "square", "#0072B2", "#004C77"),
    "system": NodeStyle("System", "diamond", "#7A3E9D", "#4E2466"),
    "data_category": NodeStyle("Data category", "dot", "#009E73", "#006B4E"),
    "purpose": NodeStyle("Purpose", "triangle", "#56B4E9", "#2A7FB0"),
    "group": NodeStyle("Affected group", "star", "#F0E442", "#8C8400"),
    "outcome": NodeStyle("Outcome", "triangleDown", "#8A8A8A", "#555555"),
    "aggregate": NodeStyle("Group of parties (aggregated)", "hexagon", "#444444", "#222222"),
}

#: Flow colour when no flag applies; structural edges are lighter.
FLOW_COLOR = "#33414C"
RELATION_COLOR = "#A3ABB2"

#: Dash pattern per mechanism (``False`` is a solid line; lists are dash, gap, …).
MECHANISM_DASHES: dict[str, bool | list[int]] = {
    "bulk_sharing": False,
    "system_integration": [18, 4],
    "query_access": [10, 6],
    "on_the_spot_lookup": [3, 4],
    "real_time_alert": [3, 4, 10, 4],
    "feed_into_model": [12, 4, 3, 4, 3, 4],
    "report": [6, 3],
    "referral": [2, 8],
    "disclosure": [16, 4, 4, 4],
    "collection": [1, 3],
    "unknown": [5, 10],
}


@dataclass(frozen=True)
class StatusStyle:
    """How a status is drawn."""

    width: float
    opacity: float
    label: str


STATUS_STYLE: dict[str, StatusStyle] = {
    "active": StatusStyle(2.5, 1.0, "active"),
    "pilot": StatusStyle(2.0, 0.9, "pilot"),
    "unknown": StatusStyle(2.0, 0.85, "status unknown"),
    "proposed": StatusStyle(1.2, 0.45, "proposed"),
    "discontinued": StatusStyle(1.2, 0.45, "discontinued"),
    "ruled_unlawful": StatusStyle(1.2, 0.45, "ruled unlawful"),
}
DEFAULT_STATUS = STATUS_STYLE["unknown"]


@dataclass(frozen=True)
class Flag:
    """A finding drawn on a flow."""

    key: str
    label: str
    """Short text drawn on the flow and in the legend."""
    color: str | None
    """Colour of the flow; ``None`` leaves the colour alone."""
    meaning: str


FLAGS: dict[str, Flag] = {
    "missing_firewall": Flag(
        "missing_firewall", "no firewall", "#D55E00",
        "On a route from a public service (or police) to immigration enforcement with no firewall "
        "known on any hop (UN Special Rapporteur, A/68/283 para 82).",
    ),
    "function_creep": Flag(
        "function_creep", "function creep", "#E69F00",
        "Data collected for one purpose reaches a use the purpose rules call incompatible, "
        "or the system's scope grew.",
    ),
    "unknown_safeguards": Flag(
        "unknown_safeguards", "safeguard gap", None,
        "No information-sharing agreement is known for this flow (none, or the sources do not say), or its "
        "legal basis is unknown. Drawn as a small circle at the sender's end.",
    ),
}
#: What a flag means on a node (a system), where it differs from the flow's meaning.
NODE_FLAG_MEANING: dict[str, str] = {
    "function_creep": "Scope expansion: the system gained new data, subjects, users or purposes over time.",
    "unknown_safeguards": "No DPIA, equality impact assessment, operating procedure or independent review is "
                          "known for this system (none, or the sources do not say).",
    "missing_firewall": FLAGS["missing_firewall"].meaning,
}
#: When several flags apply, the colour of the first in this order wins.
FLAG_ORDER = ("missing_firewall", "function_creep", "unknown_safeguards")

#: Evidence and label helpers for readers.
PRETTY: dict[str, str] = {
    "court_ruling": "court ruling",
    "regulator_finding": "regulator's finding",
    "foi_response": "FOI response",
    "official_document": "official document",
    "ngo_report": "NGO report",
    "news_report": "news report",
    "ruled_unlawful": "ruled unlawful",
    "on_the_spot_lookup": "on-the-spot lookup",
    "query_access": "query access",
    "bulk_sharing": "bulk sharing",
    "feed_into_model": "feed into a model",
    "real_time_alert": "real-time alert",
    "system_integration": "system integration",
    "data_category": "data category",
    "sharing_agreement": "information-sharing agreement",
    "dpia": "data protection impact assessment (DPIA)",
    "eia": "equality impact assessment (EIA)",
    "operating_procedure": "published operating procedure",
    "independent_review": "independent review",
    "public_consultation": "public consultation",
    "data_types": "data types and their sources",
    "decisions": "decisions or outcomes influenced",
    "reviews": "internal reviews or evaluations",
    "operation": "how it is operated (operating procedure)",
}


def pretty(value: str) -> str:
    """A vocabulary value as readers say it: ``on_the_spot_lookup`` → ``on-the-spot lookup``."""
    return PRETTY.get(value, value.replace("_", " "))


def _svg(body: str, width: int = 44, height: int = 18) -> str:
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'aria-hidden="true" focusable="false">{body}</svg>')


def _shape_svg(shape: str, color: str, border: str) -> str:
    paint = f'fill="{color}" stroke="{border}" stroke-width="1.5"'
    c = 9
    bodies = {
        "square": f'<rect x="3" y="3" width="12" height="12" {paint}/>',
        "diamond": f'<polygon points="{c},1 17,{c} {c},17 1,{c}" {paint}/>',
        "dot": f'<circle cx="{c}" cy="{c}" r="7" {paint}/>',
        "triangle": f'<polygon points="{c},2 16,16 2,16" {paint}/>',
        "triangleDown": f'<polygon points="2,2 16,2 {c},16" {paint}/>',
        "star": f'<polygon points="9,1 11,7 17,7 12,11 14,17 9,13 4,17 6,11 1,7 7,7" {paint}/>',
        "hexagon": f'<polygon points="5,2 13,2 17,9 13,16 5,16 1,9" {paint}/>',
    }
    return _svg(bodies[shape], 18, 18)


def _line_svg(color: str, width: float, dashes: bool | list[int], opacity: float = 1.0,
              tail_circle: bool = False) -> str:
    dash = f' stroke-dasharray="{",".join(str(d) for d in dashes)}"' if isinstance(dashes, list) else ""
    body = (f'<line x1="4" y1="9" x2="34" y2="9" stroke="{color}" stroke-width="{width}"'
            f' stroke-opacity="{opacity}"{dash}/>'
            f'<polygon points="34,4 42,9 34,14" fill="{color}" fill-opacity="{opacity}"/>')
    if tail_circle:
        body += f'<circle cx="5" cy="9" r="3.5" fill="white" stroke="{color}" stroke-width="1.5"/>'
    return _svg(body)


def legend() -> list[dict[str, Any]]:
    """The legend: sections of ``{"svg", "label", "note"}`` rows (SVG built here from constants only)."""
    kinds = [{"svg": _shape_svg(st.shape, st.color, st.border), "label": st.label, "note": ""}
             for st in NODE_STYLE.values()]
    mechanisms = [{"svg": _line_svg(FLOW_COLOR, 2.5, dashes), "label": pretty(m), "note": ""}
                  for m, dashes in MECHANISM_DASHES.items()]
    statuses = [{"svg": _line_svg(FLOW_COLOR, st.width, False, st.opacity), "label": st.label, "note": ""}
                for st in STATUS_STYLE.values()]
    flags = [{"svg": _line_svg(f.color or FLOW_COLOR, 4.5 if f.color else 2.5, False,
                               tail_circle=f.color is None),
              "label": f.label, "note": f.meaning} for f in FLAGS.values()]
    relations = [{"svg": _line_svg(RELATION_COLOR, 1, False), "label": "other relation",
                  "note": "operates, holds, influences, affects, broader (not a flow of personal data)"}]
    return [
        {"title": "Nodes", "rows": kinds},
        {"title": "Flows: how data moves", "rows": mechanisms},
        {"title": "Flows: status", "rows": statuses},
        {"title": "Flags", "rows": flags},
        {"title": "Other lines", "rows": relations},
    ]
