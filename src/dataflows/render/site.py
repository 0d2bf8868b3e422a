"""The published site: every standard view, the reports as HTML, an index.

:func:`write_site` is what the main job calls. Into *folder* (e.g.
``build/site/``) it writes:

* ``index.html`` — links to every view, to the reports (HTML versions made
  here, and the Markdown/JSON files the job wrote), the transparency
  register, and the dataset downloads, with the data's date and version;
* one page per view of :func:`dataflows.render.views.standard_views` —
  ``map.html``, ``firewall-NNN-….html``, ``creep-NNN-….html``,
  ``scope-….html``, ``jurisdiction-….html``;
* ``reports/NAME.html`` — each analysis report as an HTML table (escaped).

Links are relative: the site expects the main job's layout, with the reports
in ``../reports/`` and the downloads (``dataset.json``, ``graph.json``) in
``../``. Pages are self-contained and load nothing from the network.

Output is deterministic: the same graph, version and date give byte-identical
files (sorted everything, a fixed layout seed, no timestamps).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from ..analyses.index import check_name
from ..analyses.render import Report, cell_text
from ..analyses.reports import all_reports
from . import views as views_mod
from .findings import Findings, findings
from .page import csp, environment, render_page, write_page
from .views import View, standard_views

#: How every page of the site begins (the templates' generator line, within their first lines): how a folder's
#: pages are known to be dataflows' before ``dataflows render site`` replaces the folder.
GENERATOR = '<meta name="generator" content="dataflows'


def _written_by_dataflows(page: Path) -> bool:
    """A page whose head names dataflows as its generator."""
    try:
        with page.open("r", encoding="utf-8", errors="replace") as f:
            return GENERATOR in f.read(2048)
    except OSError:
        return False


def site_entries(folder: Path) -> Callable[[Path], bool]:
    """What a site folder may hold for ``dataflows render site`` to replace it: its reports folder and pages.

    In a folder whose ``index.html`` dataflows wrote, any page (one left from an older site is replaced with
    the rest); otherwise only pages dataflows wrote, so that someone's own web pages are never taken for a site.
    """
    index_is_ours = _written_by_dataflows(folder / "index.html")

    def ours(entry: Path) -> bool:
        if entry.name == "reports":
            return entry.is_dir()
        return entry.suffix == ".html" and entry.is_file() and (index_is_ours or _written_by_dataflows(entry))

    return ours


#: Index sections, in order: view group → heading and what it holds.
SECTIONS = (
    ("map", "The whole map", "Every agency, system, data category and flow, with its sources."),
    ("firewall", "Missing firewalls",
     "Routes by which data held by a public service (or by police) can reach immigration enforcement with no "
     "firewall known on the way — one page per service and enforcement party, showing the shortest route."),
    ("creep", "Function creep",
     "Data used for a purpose incompatible with the one it was collected for, and systems whose scope grew."),
    ("jurisdiction", "By jurisdiction", "The parties of one jurisdiction, with every relation they take part in."),
)

#: Report names (as written by the analyses) and their titles on the index, in order.
REPORT_TITLES = {
    "register": "Transparency register (with its gaps)",
    "flows": "Who shares what with whom",
    "matrix": "Sharing matrix",
    "firewalls": "Missing firewalls",
    "creep": "Function creep",
    "safeguards": "Safeguard gaps",
}


def _report_href(entry: str) -> str:
    # write_reports returns names relative to build/reports; a path with a folder is relative to build/.
    return f"../{entry}" if "/" in entry else f"../reports/{entry}"


def report_html(rep: Report, *, version: str, data_date: str) -> str:
    """An analysis report as an HTML page (every value escaped)."""
    tables = [{"title": t.title, "note": t.note, "headers": [h for _, h in t.columns],
               "rows": [[cell_text(r.get(k), "\n") for k, _ in t.columns] for r in t.rows]} for t in rep.tables]
    return environment().get_template("report.html.j2").render(
        title=rep.title, summary=rep.summary, tables=tables, version=version, data_date=data_date, csp=csp(),
    )


def _index(views: list[View], found: Findings, reports_html: list[tuple[str, str]], raw: list[str], *,
           version: str, data_date: str, g: nx.MultiDiGraph) -> str:
    groups: dict[str, list[dict[str, Any]]] = {}
    for v in views:
        groups.setdefault(v.group, []).append({"href": f"{v.name}.html", "title": v.title,
                                               "line": v.teaser or (v.summary[0] if v.summary else ""),
                                               "nodes": len(v.nodes)})
    totals: dict[str, int] = {}
    for c in found.cases:
        totals[c.group] = totals.get(c.group, 0) + 1
    sections = [{"key": key, "title": title, "about": about, "views": groups.get(key, []),
                 "hidden": max(0, totals.get(key, 0) - len(groups.get(key, [])))}
                for key, title, about in SECTIONS]
    raw_links = [{"href": _report_href(e), "name": e} for e in sorted(raw)]
    flows = sum(1 for *_, k in g.edges(data="kind") if k == "flow")
    return environment().get_template("index.html.j2").render(
        sections=sections, reports=[{"href": h, "title": t} for h, t in reports_html], raw=raw_links,
        version=version, data_date=data_date, csp=csp(), as_of=g.graph.get("as_of"),
        counts={"nodes": g.number_of_nodes(), "flows": flows, "cases": len(found.cases)},
    )


def write_site(g: nx.MultiDiGraph, folder: Path, *, reports: list[str] | None = None, version: str,
               data_date: str) -> list[str]:
    """Write the site into *folder* and return the files written (relative to it, sorted).

    Parameters
    ----------
    g
        The graph from :func:`dataflows.graph.build` (or an as-of view).
    folder
        Where to write, e.g. ``build/site`` (created if needed).
    reports
        The report files the main job wrote (as returned by
        :func:`dataflows.analyses.reports.write_reports`: names relative to
        ``build/reports/``; an entry with a ``/`` is taken relative to
        ``build/``). Linked from the index as downloads.
    version
        The dataflows version, shown on every page.
    data_date
        The date of the data (e.g. the as-of date or the date of the last
        curated change), shown on every page. Nothing else in the output
        depends on the day it is written.

    Examples
    --------
    >>> from pathlib import Path; import tempfile
    >>> from dataflows.dataset import load; from dataflows.graph import build
    >>> g = build(load(Path("tests/fixtures/valid")))
    >>> files = write_site(g, Path(tempfile.mkdtemp()), version="0.1.0", data_date="2024-05-01")
    >>> "index.html" in files and "map.html" in files
    True
    """
    found = findings(g)
    views = standard_views(g, found)
    files: dict[str, str] = {}
    for v in views:
        files[f"{v.name}.html"] = render_page(g, v, found, version=version, data_date=data_date)
    reports_html: list[tuple[str, str]] = []
    by_name = {r.name: r for r in all_reports(g)}
    for name in [*(n for n in REPORT_TITLES if n in by_name), *sorted(n for n in by_name if n not in REPORT_TITLES)]:
        files[f"reports/{name}.html"] = report_html(by_name[name], version=version, data_date=data_date)
        reports_html.append((f"reports/{name}.html", REPORT_TITLES.get(name, by_name[name].title)))
    files["index.html"] = _index(views, found, reports_html, list(reports or []), version=version,
                                 data_date=data_date, g=g)
    for name, html in sorted(files.items()):
        write_page(folder / name, html)
    return sorted(files)


def default_data_date(g: nx.MultiDiGraph) -> str:
    """The date shown when none is given: the as-of date, else the newest source's date, else ``undated``.

    Never today's date: the same data must give the same pages.
    """
    if g.graph.get("as_of"):
        return str(g.graph["as_of"])
    dates = sorted(str(src["date"]) for src in g.graph.get("sources", {}).values() if src.get("date"))
    return dates[-1] if dates else "undated"


def named_view(g: nx.MultiDiGraph, found: Findings, name: str) -> View:
    """The view of the site called *name* (see ``dataflows render list``), any case included.

    Raises
    ------
    UnknownName
        With the closest names, when there is no such view.
    """
    jurs = {f"jurisdiction-{j}": j for j in views_mod.jurisdictions_with_parties(g)}
    cases = {c.name: c for c in found.cases}
    check_name(name, ["map", *jurs, *cases], "view")
    if name == "map":
        return views_mod.whole(g)
    if name in jurs:
        return views_mod.jurisdiction(g, jurs[name])
    return views_mod.case(g, cases[name])
