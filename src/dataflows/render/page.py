"""One self-contained HTML page per view: safe, offline, laid out in advance.

How a page is made
------------------
1. The view's nodes and edges become vis-network items, built with pyvis
   (:class:`pyvis.network.Network`), styled from :mod:`.style`, with positions
   from :mod:`.layout` (physics is off in the browser: the page is interactive
   as soon as it is drawn and never keeps moving).
2. Everything the details panel shows (fields, flags with their reasons,
   citations with document, locator, quote and link) is prepared here as plain
   strings; each distinct citation is written once per page and referred to by
   number. Styles shared by a kind of node are vis-network *groups*; edges
   carry only what differs from the default, so large pages stay small.
3. The page is written from this package's own template
   (``templates/page.html.j2``), not pyvis's: pyvis's pages fetch Bootstrap
   and vis-network from CDNs and show tooltips as HTML.

Safety and offline use
----------------------
* The page loads nothing: vis-network's script (the copy bundled with pyvis,
  its source-map comment removed) and the page's own script and styles are
  inline; there are no fonts, images or links to other origins except source
  links the reader clicks. vis-network's stylesheet is not needed (the page
  uses no navigation buttons or editing UI); ``page.css`` styles its tooltip.
* Data never becomes markup. It travels as JSON in
  ``<script type="application/json" id="data">`` with ``<``, ``>``, ``&``,
  U+2028 and U+2029 written as ``\\u`` escapes (so ``</script>`` in a name
  cannot close the element), is read with ``JSON.parse``, and is put on the
  page with ``textContent`` only. Tooltips are strings, which vis-network 9
  renders with ``innerText``. Source links are set through ``a.href`` only for
  ``http:`` and ``https:`` URLs (checked here and again in the page), with
  ``rel="noopener noreferrer"``. Titles and summaries in the template are
  escaped by Jinja's autoescaping.
* A Content-Security-Policy ``<meta>`` allows only the page's own two scripts,
  by their SHA-256 hashes (computed when the page is written), inline styles
  and ``data:`` images; nothing else may load or run (``default-src 'none'``).

Large views
-----------
A view of more than :data:`AGGREGATE_ABOVE` (5,000) nodes or
:data:`AGGREGATE_EDGES_ABOVE` (12,000) relations is drawn *aggregated*:
agencies grouped by jurisdiction and sector, systems by jurisdiction and
their first kind, every other node by kind (coarser — by jurisdiction, then by
kind alone — if that still leaves too many groups or merged relations); the
relations between two groups merged per relation kind, with counts of flows,
mechanisms and flags. Clicking a group lists its members (up to
:data:`MEMBERS_SHOWN`); the per-jurisdiction views and ``dataflows render
ego`` give the detail with sources. Why these numbers (measured by
``benchmarks/bench_render.py`` in headless Chromium on 2 CPUs, results in
``benchmarks/results/render.json``): a map-like page of 5,000 nodes and
10,000 relations is interactive about 2 s after navigation starts and redraws
in about 0.2 s; cost grows mostly with the relations drawn (1,000 nodes with
10,400 relations: 2 s and 0.34 s per redraw, a 21 MB page; without the
relation limit, 21,000 relations took 3.5 s and 0.7 s per redraw, 41 MB), so
beyond these sizes a page gets slower without getting more readable.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import networkx as nx
from pyvis.network import Network

from .. import schema as s
from ..analyses.index import Hierarchy, hierarchy, jurisdictions
from .findings import Findings
from .layout import force_layout, layered_layout
from .style import (
    DEFAULT_STATUS,
    FLAG_ORDER,
    FLAGS,
    FLOW_COLOR,
    MECHANISM_DASHES,
    NODE_FLAG_MEANING,
    NODE_STYLE,
    RELATION_COLOR,
    STATUS_STYLE,
    legend,
    pretty,
)
from .views import View

#: Views with more nodes than this are drawn aggregated (see the module docstring).
AGGREGATE_ABOVE = 5000
#: …or with more relations than this.
AGGREGATE_EDGES_ABOVE = 12000
#: Above this many nodes (or four times as many relations), edges are hidden while dragging or zooming
#: and hover effects are off, to keep the page responsive.
LARGE = 1000
#: Members listed in the details of an aggregated node or edge.
MEMBERS_SHOWN = 200

_PYVIS_LIB = "lib/vis-9.1.2"


# --------------------------------------------------------------------------
# Assets and escaping
# --------------------------------------------------------------------------


def _check_inline(name: str, text: str) -> str:
    # An inline <script> ends at the first "</script"; "<!--" changes how it is parsed.
    if re.search(r"</script|<!--", text, re.IGNORECASE):
        raise ValueError(f"{name} cannot be inlined safely: it contains '</script' or '<!--'")
    return text


@functools.cache
def vis_js() -> str:
    """vis-network's script, from the copy bundled with pyvis, without its source-map comment."""
    import pyvis

    path = Path(pyvis.__file__).parent / _PYVIS_LIB / "vis-network.min.js"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\n?//# sourceMappingURL=\S*\s*$", "\n", text)
    return _check_inline("vis-network.min.js", text)


def _template_file(name: str) -> str:
    return resources.files("dataflows.render").joinpath("templates", name).read_text(encoding="utf-8")


@functools.cache
def app_js() -> str:
    """The page's own script (``templates/page.js``)."""
    return _check_inline("page.js", _template_file("page.js"))


@functools.cache
def page_css() -> str:
    """The page's styles (``templates/page.css``)."""
    return _template_file("page.css")


def script_hash(text: str) -> str:
    """The CSP source expression allowing an inline script with exactly this text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def csp(scripts: Iterable[str] = ()) -> str:
    """The Content-Security-Policy of a page whose inline scripts are *scripts*."""
    script_src = " ".join(script_hash(t) for t in scripts) or "'none'"
    return (f"default-src 'none'; script-src {script_src}; style-src 'unsafe-inline'; img-src data:; "
            "base-uri 'none'; form-action 'none'")


_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def json_for_html(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``: deterministic, markup characters escaped.

    The escaped characters only ever occur inside JSON strings, where ``\\u`` escapes mean the same.

    Examples
    --------
    >>> json_for_html({"name": "</script><b>&"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return _JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def safe_url(url: str | None) -> str | None:
    """*url* if it is an ``http(s)`` URL with a host, else ``None`` (never a ``javascript:`` link)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja environment of the site's templates: autoescaping on, undefined names are errors."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("dataflows.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


# --------------------------------------------------------------------------
# Details: what the panel shows, as plain strings
# --------------------------------------------------------------------------


@dataclass
class _Ctx:
    g: nx.MultiDiGraph
    found: Findings
    jur: Hierarchy
    cats: Hierarchy
    jur_names: dict[str, str]
    sources: dict[str, dict[str, Any]]
    used_sources: set[str] = field(default_factory=set)
    cite_table: list[dict[str, Any]] = field(default_factory=list)
    cite_index: dict[tuple[Any, ...], int] = field(default_factory=dict)

    @classmethod
    def of(cls, g: nx.MultiDiGraph, found: Findings) -> _Ctx:
        return cls(g, found, jurisdictions(g), hierarchy(g, "data_category"),
                   dict(g.graph.get("jurisdiction_names", {})), dict(g.graph.get("sources", {})))

    def label(self, node: str | None) -> str:
        if not node:
            return "unknown"
        if node in self.g:
            return str(self.g.nodes[node].get("label", node))
        return node

    def jname(self, jur: str | None) -> str:
        return self.jur_names.get(jur, jur) if jur else "not stated"

    def cite(self, c: dict[str, Any]) -> int:
        """The number of a citation in the page's table (each distinct citation is written once)."""
        key = (c["source"], c.get("locator"), c.get("quote"), c.get("evidence_type"), c.get("confidence"),
               c.get("note"))
        found = self.cite_index.get(key)
        if found is not None:
            return found
        self.used_sources.add(c["source"])
        out = {"s": c["source"], "loc": c.get("locator") or "", "q": c.get("quote") or "",
               "ev": pretty(c.get("evidence_type") or ""), "conf": c.get("confidence") or ""}
        if c.get("note"):
            out["note"] = c["note"]
        self.cite_index[key] = len(self.cite_table)
        self.cite_table.append(out)
        return self.cite_index[key]

    def cites(self, cits: Iterable[dict[str, Any]] | None) -> list[int]:
        return [self.cite(c) for c in cits or []]


def _period_text(p: dict[str, Any] | None) -> str:
    p = p or {}
    start, end = p.get("start"), p.get("end")
    if not start and not end:
        return "not stated"
    return f"{start or 'start not stated'} – {end or 'ongoing or not stated'}"


def _flags(table: dict[str, dict[str, list[str]]], key: str) -> list[dict[str, Any]]:
    # The flag's label and meaning are in the page's "labels" table (written once, not per record).
    own = table.get(key, {})
    return [{"key": f, "reasons": list(own[f])} for f in FLAG_ORDER if f in own]


def _finding_section(ctx: _Ctx, title: str, items: dict[str, dict[str, Any]], text_key: str) -> dict[str, Any]:
    fields = []
    cits: list[int] = []
    for name, f in items.items():
        value = pretty(f.get("status", "unknown"))
        if f.get(text_key):
            value += f" — {f[text_key]}"
        fields.append([pretty(name), value])
        cits += ctx.cites(f.get("citations"))
    return {"title": title, "fields": fields, "citations": cits}


def node_details(ctx: _Ctx, node: str) -> dict[str, Any]:
    """What the panel shows for a node."""
    a = ctx.g.nodes[node]
    kind = a.get("kind", "")
    fields: list[list[str]] = [["Id", node]]
    sections: list[dict[str, Any]] = []
    if a.get("aliases"):
        fields.append(["Also called", "; ".join(a["aliases"])])
    if kind == "agency":
        fields += [["Sector", pretty(a.get("sector") or "unspecified")],
                   ["Jurisdiction", ctx.jname(a.get("jurisdiction"))]]
    elif kind == "system":
        fields += [["What it is", ", ".join(pretty(k) for k in a.get("system_kinds") or [])],
                   ["Status", pretty(a.get("status") or "unknown")],
                   ["In use", _period_text(a.get("period"))],
                   ["Jurisdiction", ctx.jname(a.get("jurisdiction"))]]
        ops = sorted((ctx.label(u), e.get("role") or "") for u, _, e in ctx.g.in_edges(node, data=True)
                     if e.get("kind") == "operates")
        if ops:
            fields.append(["Run or used by", "; ".join(f"{lbl} ({role})" for lbl, role in ops)])
        if a.get("transparency"):
            sections.append(_finding_section(ctx, "Transparency register", a["transparency"], "text"))
        if a.get("safeguards"):
            sections.append(_finding_section(ctx, "Safeguards", a["safeguards"], "note"))
        for ch in a.get("scope_changes") or []:
            what = [*ch.get("categories", []), *ch.get("subjects", []), *ch.get("users", []), *ch.get("purposes", [])]
            ch_fields = [["When", ch.get("date") or "not stated"], ["What grew", pretty(ch["dimension"])],
                         ["Status", pretty(ch["status"])], ["Change", ch["description"]]]
            if what:
                ch_fields.append(["New", "; ".join(ctx.label(x) for x in what)])
            sections.append({"title": "Scope change", "fields": ch_fields, "citations": ctx.cites(ch.get("citations"))})
    elif kind in ("data_category", "purpose"):
        if a.get("parent"):
            fields.append(["Part of", ctx.label(a["parent"])])
        if kind == "data_category":
            fields.append(["Special category", "yes" if a.get("special") else "no"])
    if a.get("description"):
        fields.append(["Description", a["description"]])
    return {"title": str(a.get("label", node)), "kind": NODE_STYLE[kind].label if kind in NODE_STYLE else kind,
            "flags": _flags(ctx.found.node_flags, node), "fields": fields, "sections": sections,
            "citations": ctx.cites(a.get("citations"))}


def edge_details(ctx: _Ctx, u: str, v: str, k: str) -> dict[str, Any]:
    """What the panel shows for an edge."""
    a = ctx.g.edges[u, v, k]
    kind = a.get("kind", "")
    sections: list[dict[str, Any]] = []
    if kind == "flow":
        fields = [["Flow", a.get("id", k)], ["From", ctx.label(u)], ["To", ctx.label(v)],
                  ["Data", "; ".join(ctx.label(c) for c in a.get("categories") or [])],
                  ["Used for", ctx.label(a.get("purpose")) if a.get("purpose") != "unknown" else "unknown"],
                  ["Collected for", ctx.label(a["collected_for"]) if a.get("collected_for") else "not stated"],
                  ["How", pretty(a.get("mechanism") or "unknown")],
                  ["Status", pretty(a.get("status") or "unknown")],
                  ["When", _period_text(a.get("period"))],
                  ["Jurisdiction", ctx.jname(a.get("jurisdiction"))]]
        if a.get("description"):
            fields.append(["Description", a["description"]])
        fw = a.get("firewall") or {}
        sections.append({"title": "Firewall", "fields": [["Status", pretty(fw.get("status", "unknown"))]]
                         + ([["Note", fw["note"]]] if fw.get("note") else []),
                         "citations": ctx.cites(fw.get("citations"))})
        lb = a.get("legal_basis") or {}
        sections.append({"title": "Legal basis", "fields": [["Status", pretty(lb.get("status", "unknown"))]]
                         + ([["Basis", lb["text"]]] if lb.get("text") else []),
                         "citations": ctx.cites(lb.get("citations"))})
        if a.get("safeguards"):
            sections.append(_finding_section(ctx, "Safeguards", a["safeguards"], "note"))
        title = f"{ctx.label(u)} → {ctx.label(v)}"
        kind_label = "Flow of personal data"
    else:
        fields = [["From", ctx.label(u)], ["To", ctx.label(v)]]
        if kind == "operates":
            fields += [["Role", pretty(a.get("role") or "")], ["When", _period_text(a.get("period"))]]
        elif kind == "holds":
            fields += [["Held for", ctx.label(a.get("purpose")) if a.get("purpose") != "unknown" else "unknown"]]
            if a.get("subjects"):
                fields.append(["About", "; ".join(ctx.label(x) for x in a["subjects"])])
        elif kind == "influences" and a.get("via"):
            fields.append(["Decided by", ctx.label(a["via"])])
        elif kind == "affects":
            fields.append(["How", a.get("how") or ""])
        title = f"{ctx.label(u)} {kind} {ctx.label(v)}"
        kind_label = f"Relation: {kind}"
    return {"title": title, "kind": kind_label, "flags": _flags(ctx.found.flow_flags, k) if kind == "flow" else [],
            "fields": fields, "sections": sections, "citations": ctx.cites(a.get("citations"))}


# --------------------------------------------------------------------------
# vis-network items
# --------------------------------------------------------------------------


def _dates(p: dict[str, Any] | None) -> tuple[str, str]:
    p = p or {}
    since = s.PartialDate(p["start"]).earliest().isoformat() if p.get("start") else ""
    until = s.PartialDate(p["end"]).latest().isoformat() if p.get("end") else ""
    return since, until


def _ancestors(tree: Hierarchy, item: str | None) -> list[str]:
    if not item:
        return []
    return [x for x, _ in tree.ancestors(item)]


def _node_item(ctx: _Ctx, node: str, pos: tuple[int, int]) -> dict[str, Any]:
    """A vis node: its group (kind) carries the style; only what differs is written."""
    a = ctx.g.nodes[node]
    kind = a.get("kind", "")
    shape = NODE_STYLE.get(kind, NODE_STYLE["outcome"]).shape  # pyvis would otherwise write its default, "dot"
    item: dict[str, Any] = {"label": str(a.get("label", node)), "group": kind, "shape": shape,
                            "x": pos[0], "y": pos[1]}
    if kind == "system":
        status = STATUS_STYLE.get(a.get("status") or "", DEFAULT_STATUS)
        if status.opacity < 1:
            item["opacity"] = status.opacity
        item["status"] = a.get("status") or "unknown"
        item["since"], item["until"] = _dates(a.get("period"))
    flags = [f for f in FLAG_ORDER if f in ctx.found.node_flags.get(node, {})]
    if flags:
        item["flags"] = flags
    if "function_creep" in flags:
        st = NODE_STYLE.get(kind, NODE_STYLE["outcome"])
        item["borderWidth"] = 4
        item["color"] = {"background": st.color, "border": FLAGS["function_creep"].color}
    if a.get("jurisdiction"):
        item["juris"] = _ancestors(ctx.jur, a["jurisdiction"])
    if kind == "data_category":
        item["cats"] = _ancestors(ctx.cats, node)
    if a.get("aliases"):
        item["aliases"] = list(a["aliases"])
    return item


def _edge_item(ctx: _Ctx, u: str, v: str, k: str, on_route: bool) -> dict[str, Any]:
    """A vis edge: relations use the page's default style; flows carry theirs."""
    a = ctx.g.edges[u, v, k]
    kind = a.get("kind", "")
    item: dict[str, Any] = {"id": k, "kind": kind}
    if kind == "flow":
        flags = [f for f in FLAG_ORDER if f in ctx.found.flow_flags.get(k, {})]
        status = STATUS_STYLE.get(a.get("status") or "", DEFAULT_STATUS)
        color = next((FLAGS[f].color for f in flags if FLAGS[f].color), None) or FLOW_COLOR
        strong = [FLAGS[f].label for f in flags if FLAGS[f].color]
        arrows: dict[str, Any] = {"to": {"enabled": True, "scaleFactor": 0.8}}
        if "unknown_safeguards" in flags:
            arrows["from"] = {"enabled": True, "type": "circle", "scaleFactor": 0.45}
        item.update({
            "arrows": arrows,
            # Selected or pointed at, a flow keeps its colour (a flag must stay visible) and gets wider.
            "color": {"color": color, "highlight": color, "hover": color, "opacity": status.opacity},
            "width": status.width + (2 if strong else 0) + (2 if on_route else 0),
            "mech": a.get("mechanism") or "unknown",
            "status": a.get("status") or "unknown",
            "cats": sorted({x for c in a.get("categories") or [] for x in _ancestors(ctx.cats, c)}),
        })
        dashes = MECHANISM_DASHES.get(item["mech"], MECHANISM_DASHES["unknown"])
        if dashes:
            item["dashes"] = dashes
        since, until = _dates(a.get("period"))
        if since or until:
            item["since"], item["until"] = since, until
        if a.get("jurisdiction"):
            item["juris"] = _ancestors(ctx.jur, a["jurisdiction"])
        if flags:
            item["flags"] = flags
        if strong:
            item["label"] = " · ".join(strong)
            item["font"] = {"color": color}
    else:
        item["arrows"] = "to"
        if kind == "holds":
            item["cats"] = _ancestors(ctx.cats, v)
        if kind == "operates":
            since, until = _dates(a.get("period"))
            if since or until:
                item["since"], item["until"] = since, until
    return item


def _smooth(edges: list[tuple[str, str, str]]) -> dict[str, dict[str, Any]]:
    """Curves for edges that share their two ends (either way), so none hides another."""
    groups: dict[tuple[str, str], list[str]] = {}
    for u, v, k in edges:
        groups.setdefault((min(u, v), max(u, v)), []).append(k)
    out = {}
    for keys in groups.values():
        if len(keys) > 1:
            for i, k in enumerate(sorted(keys)):
                out[k] = {"enabled": True, "type": "curvedCW", "roundness": round(0.12 + 0.14 * i, 2)}
    return out


def _positions(g: nx.MultiDiGraph, view: View, nodes: list[str], edges: list[tuple[str, str, str]],
               seed: int) -> dict[str, tuple[int, int]]:
    if view.columns is not None:
        order = sorted(nodes, key=lambda n: (view.columns.get(n, 0) if view.columns else 0,
                                             list(NODE_STYLE).index(g.nodes[n].get("kind", "outcome"))
                                             if g.nodes[n].get("kind") in NODE_STYLE else 99,
                                             str(g.nodes[n].get("label", n)), n))
        cols = {n: view.columns.get(n, 0) for n in nodes}
        return layered_layout(cols, order)
    return force_layout(nodes, [(u, v) for u, v, _ in edges], seed=seed)


def _network() -> Network:
    return Network(directed=True, cdn_resources="local")


def elements(g: nx.MultiDiGraph, view: View, found: Findings, *, seed: int = 0) -> dict[str, Any]:
    """The page data of a view: vis items (built with pyvis), details, sources, filter choices."""
    ctx = _Ctx.of(g, found)
    pos = _positions(g, view, view.nodes, view.edges, seed)
    route = set(view.route)
    net = _network()
    node_info: dict[str, Any] = {}
    edge_info: dict[str, Any] = {}
    for n in view.nodes:
        item = _node_item(ctx, n, pos.get(n, (0, 0)))
        net.add_node(n, **item)
        node_info[n] = node_details(ctx, n)
    curves = _smooth(view.edges)
    for u, v, k in view.edges:
        item = _edge_item(ctx, u, v, k, k in route)
        if k in curves:
            item["smooth"] = curves[k]
        net.add_edge(u, v, **item)
        edge_info[k] = edge_details(ctx, u, v, k)
    return _finish(ctx, view, net, node_info, edge_info, aggregated=None)


def _tree_options(tree: Hierarchy, present: set[str], names: dict[str, str]) -> list[list[Any]]:
    """``[id, name, depth]`` of the present members and their ancestors, as an indented tree."""
    keep = {x for p in present for x, _ in tree.ancestors(p)}
    children: dict[str | None, list[str]] = {}
    for x in keep:
        parent = tree.parents.get(x)
        children.setdefault(parent if parent in keep else None, []).append(x)
    out: list[list[Any]] = []

    def order(member: str) -> tuple[str, str]:
        return (names.get(member, member).lower(), member)

    def walk(parent: str | None, depth: int) -> None:
        for member in sorted(children.get(parent, []), key=order):
            out.append([member, names.get(member, member), depth])
            walk(member, depth + 1)

    walk(None, 0)
    return out


def vis_options() -> dict[str, Any]:
    """vis-network options the page starts from: one group per node kind; relations' style as the edge default."""
    groups = {}
    for kind, st in NODE_STYLE.items():
        party = kind in ("agency", "system", "aggregate")
        groups[kind] = {"shape": st.shape, "size": 16 if party else 11,
                        "color": {"background": st.color, "border": st.border,
                                  "highlight": {"background": st.color, "border": "#000000"},
                                  "hover": {"background": st.color, "border": "#000000"}},
                        # Parties' names a little larger: they are what readers look for first.
                        "font": {"size": 16 if party else 12}}
    return {
        "groups": groups,
        "nodes": {"borderWidth": 1.5, "widthConstraint": {"maximum": 150},
                  "font": {"face": "system-ui, sans-serif", "color": "#1b1b1b", "strokeWidth": 3,
                           "strokeColor": "#ffffff"}},
        "edges": {"color": {"color": RELATION_COLOR, "highlight": "#000000", "hover": "#000000", "opacity": 1.0},
                  "width": 1, "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}}, "dashes": False,
                  "smooth": False, "selectionWidth": 3, "hoverWidth": 1.5,
                  "font": {"size": 12, "face": "system-ui, sans-serif", "strokeWidth": 4, "strokeColor": "#ffffff",
                           "align": "top"}},
    }


def _labels(ctx: _Ctx, jur_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """Words the page script needs for tooltips: kinds, mechanisms, statuses, flags, jurisdiction names."""
    return {
        "kinds": {k: st.label for k, st in NODE_STYLE.items()},
        "mech": {m: pretty(m) for m in MECHANISM_DASHES},
        "status": {k: st.label for k, st in STATUS_STYLE.items()},
        "flags": {k: f.label for k, f in FLAGS.items()},
        "meaning": {k: f.meaning for k, f in FLAGS.items()},
        "nodeMeaning": dict(NODE_FLAG_MEANING),
        "jur": {j: ctx.jname(j) for j in sorted(set(jur_ids))},
    }


def _finish(ctx: _Ctx, view: View, net: Network, node_info: dict[str, Any], edge_info: dict[str, Any],
            aggregated: dict[str, Any] | None) -> dict[str, Any]:
    nodes: list[dict[str, Any]] = net.nodes
    edges: list[dict[str, Any]] = net.edges
    kinds = Counter(n.get("kind", n["group"]) for n in nodes)
    jur_present = {item["juris"][0] for item in [*nodes, *edges] if item.get("juris")}
    cat_present = {c for item in [*nodes, *edges] for c in item.get("cats", [])}
    cat_names = {n: str(a.get("label", n)) for n, a in ctx.g.nodes(data=True) if a.get("kind") == "data_category"}
    sources = {}
    for sid in sorted(ctx.used_sources):
        src = ctx.sources.get(sid, {})
        sources[sid] = {"title": src.get("title", sid), "publisher": src.get("publisher", ""),
                        "date": src.get("date", ""), "file": src.get("file", ""),
                        "url": safe_url(src.get("url")) or "", "ev": pretty(src.get("evidence_type", ""))}
    flagged = Counter(f for e in edges for f in e.get("flags", []))
    jur_tree = _tree_options(ctx.jur, {j for j in jur_present if j in ctx.jur}, ctx.jur_names)
    return {
        "nodes": nodes,
        "edges": edges,
        "options": vis_options(),
        "details": {"nodes": node_info, "edges": edge_info},
        "cites": ctx.cite_table,
        "sources": sources,
        "labels": _labels(ctx, [j for j, _, _ in jur_tree]),
        "filters": {
            "kinds": [[k, NODE_STYLE[k].label, kinds[k]] for k in NODE_STYLE if kinds.get(k)],
            "jurisdictions": jur_tree,
            "categories": _tree_options(ctx.cats, {c for c in cat_present if c in ctx.cats}, cat_names),
            "flags": [[f, FLAGS[f].label, flagged[f]] for f in FLAG_ORDER if flagged.get(f)],
        },
        "view": {"name": view.name, "group": view.group, "route": list(view.route), "focus": view.focus,
                 "large": len(nodes) > LARGE or len(edges) > 4 * LARGE, "aggregated": aggregated},
    }


# --------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------


def _group_key(g: nx.MultiDiGraph, node: str, level: int) -> tuple[str, ...]:
    a = g.nodes[node]
    kind = a.get("kind", "")
    if kind not in ("agency", "system") or level >= 2:
        return (kind,)
    jur = a.get("jurisdiction") or "unknown"
    if level == 1:
        return (kind, jur)
    if kind == "agency":
        return (kind, jur, a.get("sector") or "unspecified")
    return (kind, jur, sorted(a.get("system_kinds") or ["other"])[0])


def aggregate(g: nx.MultiDiGraph, view: View, found: Findings, *, seed: int = 0,
              limit: int = AGGREGATE_ABOVE, edge_limit: int = AGGREGATE_EDGES_ABOVE) -> dict[str, Any]:
    """The page data of a view too large to draw node by node (see the module docstring).

    Groups are coarsened (jurisdiction and sector or kind → jurisdiction → kind) until there are at most
    *limit* groups and *edge_limit* merged relations, or nothing coarser is left.
    """
    ctx = _Ctx.of(g, found)
    kinds = {(u, v, k): kind for u, v, k, kind in g.edges(keys=True, data="kind")}
    level = 0
    while True:
        key_of = {n: _group_key(g, n, level) for n in view.nodes}
        members: dict[tuple[str, ...], list[str]] = {}
        for n in view.nodes:
            members.setdefault(key_of[n], []).append(n)
        gid = {key: "group:" + ":".join(key) for key in members}
        merged: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {}
        for e in view.edges:
            merged.setdefault((gid[key_of[e[0]]], gid[key_of[e[1]]], kinds.get(e, "")), []).append(e)
        if (len(members) <= limit and len(merged) <= edge_limit) or level >= 2:
            break
        level += 1
    group_edges = sorted(merged)
    pos = force_layout(sorted(gid.values()), [(a, b) for a, b, _ in group_edges], seed=seed)
    net = _network()
    node_info: dict[str, Any] = {}
    edge_info: dict[str, Any] = {}
    for key in sorted(members):
        ids = sorted(members[key], key=lambda n: (str(g.nodes[n].get("label", n)).lower(), n))
        kind = key[0]
        parts = [NODE_STYLE[kind].label if kind in NODE_STYLE else kind]
        if len(key) > 1:
            parts.append(ctx.jname(key[1]))
        if len(key) > 2:
            parts.append(pretty(key[2]))
        label = f"{' · '.join(parts)} ({len(ids)})"
        color = NODE_STYLE[kind].color if kind in NODE_STYLE else NODE_STYLE["aggregate"].color
        item: dict[str, Any] = {"label": label, "group": "aggregate", "kind": kind,
                                "shape": NODE_STYLE["aggregate"].shape,
                                "x": pos[gid[key]][0], "y": pos[gid[key]][1],
                                "size": round(10 + 4 * math.log2(len(ids) + 1), 1),
                                "color": {"background": color, "border": NODE_STYLE["aggregate"].border},
                                "members": len(ids)}
        if len(key) > 1 and key[1] in ctx.jur:
            item["juris"] = _ancestors(ctx.jur, key[1])
        net.add_node(gid[key], **item)
        shown = ids[:MEMBERS_SHOWN]
        more = len(ids) - len(shown)
        node_info[gid[key]] = {
            "title": label, "kind": "Group of nodes (aggregated view)", "flags": [],
            "fields": [["Kind", parts[0]], ["Members", str(len(ids))]]
            + ([["Jurisdiction", parts[1]]] if len(parts) > 1 else [])
            + ([["Sector or system kind", parts[2]]] if len(parts) > 2 else []),
            "sections": [{"title": "Members", "fields": [[ctx.label(n), n] for n in shown]
                          + ([["…", f"and {more} more"]] if more else []), "citations": []}],
            "citations": [],
        }
    for a, b, kind in group_edges:
        items = merged[(a, b, kind)]
        eid = f"{a}->{b}:{kind}"
        flags = Counter(f for _, _, k in items for f in ctx.found.flow_flags.get(k, {})) if kind == "flow" \
            else Counter[str]()
        mech = Counter(g.edges[e].get("mechanism") or "unknown" for e in items) if kind == "flow" else Counter[str]()
        strong = [f for f in FLAG_ORDER if flags.get(f) and FLAGS[f].color]
        color = (FLAGS[strong[0]].color or FLOW_COLOR) if strong else (FLOW_COLOR if kind == "flow" else RELATION_COLOR)
        label = " · ".join(f"{flags[f]} {FLAGS[f].label}" for f in strong)
        edge: dict[str, Any] = {"id": eid, "kind": kind, "count": len(items),
                                "color": {"color": color, "opacity": 1.0},
                                "width": round(1 + math.log2(len(items)), 2),
                                "arrows": {"to": {"enabled": True, "scaleFactor": 0.8}}}
        present = [f for f in FLAG_ORDER if flags.get(f)]
        if present:
            edge["flags"] = present
        if label:
            edge["label"] = label
            edge["font"] = {"color": color}
        net.add_edge(a, b, **edge)
        shown_e = items[:MEMBERS_SHOWN]
        edge_info[eid] = {
            "title": f"{node_info[a]['title']} → {node_info[b]['title']}",
            "kind": f"{len(items)} {kind} relation{'s' if len(items) != 1 else ''} (aggregated view)",
            "flags": [],
            "fields": [["Relations", str(len(items))]]
            + [[f"How: {pretty(m)}", str(c)] for m, c in sorted(mech.items())]
            + [[f"Flagged: {FLAGS[f].label}", str(flags[f])] for f in FLAG_ORDER if flags.get(f)],
            "sections": [{"title": "Relations", "fields": [[f"{ctx.label(u)} → {ctx.label(v)}", k]
                                                          for u, v, k in shown_e]
                          + ([["…", f"and {len(items) - len(shown_e)} more"]] if len(items) > len(shown_e) else []),
                          "citations": []}],
            "citations": [],
        }
    info = {"nodes": len(view.nodes), "edges": len(view.edges), "groups": len(members), "level": level,
            "limit": limit, "edge_limit": edge_limit}
    return _finish(ctx, view, net, node_info, edge_info, aggregated=info)


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------


def too_large(view: View, limit: int = AGGREGATE_ABOVE, edge_limit: int = AGGREGATE_EDGES_ABOVE) -> bool:
    """Whether a view is drawn aggregated: more than *limit* nodes or *edge_limit* relations."""
    return len(view.nodes) > limit or len(view.edges) > edge_limit


def page_data(g: nx.MultiDiGraph, view: View, found: Findings, *, seed: int = 0,
              limit: int = AGGREGATE_ABOVE, edge_limit: int = AGGREGATE_EDGES_ABOVE) -> dict[str, Any]:
    """The data of a view's page: node by node, or aggregated when :func:`too_large`."""
    if too_large(view, limit, edge_limit):
        return aggregate(g, view, found, seed=seed, limit=limit, edge_limit=edge_limit)
    return elements(g, view, found, seed=seed)


def render_page(g: nx.MultiDiGraph, view: View, found: Findings, *, version: str, data_date: str,
                index_href: str | None = "index.html", seed: int = 0, limit: int = AGGREGATE_ABOVE,
                edge_limit: int = AGGREGATE_EDGES_ABOVE) -> str:
    """The HTML of one view's page (self-contained; see the module docstring)."""
    data = page_data(g, view, found, seed=seed, limit=limit, edge_limit=edge_limit)
    summary = list(view.summary)
    agg = data["view"]["aggregated"]
    if agg:
        summary.append(
            f"This view has {agg['nodes']} nodes and {agg['edges']} relations, more than a page draws one by one "
            f"({agg['limit']} nodes or {agg['edge_limit']} relations), so they are grouped into {agg['groups']} "
            "groups (agencies by jurisdiction and sector, systems by jurisdiction and kind, other nodes by kind). "
            "Click a group for its members; open a jurisdiction view for the detail and the sources.")
    data["meta"] = {"title": view.title, "version": version, "data_date": data_date}
    vjs, ajs = vis_js(), app_js()
    return environment().get_template("page.html.j2").render(
        title=view.title, summary=summary, version=version, data_date=data_date, index_href=index_href,
        csp=csp([vjs, ajs]), css=page_css(), vis_js=vjs, app_js=ajs, data_json=json_for_html(data),
        legend=legend(), view=view, aggregated=agg,
        counts={"nodes": len(data["nodes"]), "edges": len(data["edges"])},
    )


def write_page(path: Path, html: str) -> None:
    """Write a page (UTF-8, ``\\n`` line ends)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8", newline="\n")


__all__ = ["AGGREGATE_ABOVE", "AGGREGATE_EDGES_ABOVE", "aggregate", "csp", "elements", "json_for_html",
           "page_data", "render_page", "safe_url", "script_hash", "too_large", "vis_js", "write_page"]
