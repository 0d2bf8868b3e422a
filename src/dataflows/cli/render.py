"""``dataflows render``: interactive pages of the map, one view or the whole site.

Each command writes one self-contained HTML page (or, for ``site``, a folder
of them) that opens in any browser, offline. See :mod:`dataflows.render`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import networkx as nx
import typer

from .. import __version__, settings
from ..dataset import load
from ..errors import OutputError
from ..graph import as_of, build
from ..publish import refuse_foreign, write_atomically
from ..render import views as v
from ..render.findings import Findings, findings
from ..render.page import AGGREGATE_ABOVE, render_page, too_large, write_page
from ..render.site import default_data_date, named_view, site_entries, write_site
from .common import AsOf, DataDir, Format, FormatOpt, SourcesDir, Strict, handled, out, parse_day, print_json

app = typer.Typer(
    name="render",
    help=("Make interactive pages of the map: the whole map, one party's neighbourhood, the paths between two "
          "parties, a jurisdiction, any analysis result — or the whole site. Pages open offline in any browser."),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

OutFile = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="The page to write. [default: NAME.html in the current folder]",
                 show_default=False),
]
DataDate = Annotated[
    str | None,
    typer.Option("--data-date", help="Date of the data shown on the page. [default: the --as-of date, else the "
                 "date of the newest source]", show_default=False),
]
MaxNodes = Annotated[
    int,
    typer.Option("--max-nodes", min=1, help="Views with more nodes than this are drawn aggregated (grouped); so are "
                 "views with more than 12,000 relations."),
]


def _graph(data_dir: Path | None, sources_dir: Path | None, strict: bool, day_text: str | None) -> nx.MultiDiGraph:
    data = settings.data_dir(data_dir)
    sources = settings.sources_dir(data, sources_dir)
    day = parse_day(day_text)
    g = build(load(data, sources, require_texts=strict))
    return as_of(g, day) if day is not None else g


def _write(g: nx.MultiDiGraph, view: v.View, found: Findings, target: Path | None, data_date: str | None,
           max_nodes: int) -> None:
    path = target if target is not None else Path(f"{view.name}.html")
    html = render_page(g, view, found, version=__version__, data_date=data_date or default_data_date(g),
                       index_href=None, limit=max_nodes)
    try:
        write_page(path, html)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}; choose another --out") from None
    note = " (aggregated: more nodes than --max-nodes, or too many relations)" \
        if too_large(view, max_nodes) else ""
    nodes, edges = len(view.nodes), len(view.edges)
    out.print(f"wrote {path}: {view.title} — {nodes} node{'s' if nodes != 1 else ''}, "
              f"{edges} relation{'s' if edges != 1 else ''}{note}. Open it in a browser.", markup=False)


@app.command("map")
def map_(data_dir: DataDir = None, sources_dir: SourcesDir = None, strict: Strict = False, as_of_: AsOf = None,
         target: OutFile = None, data_date: DataDate = None, max_nodes: MaxNodes = AGGREGATE_ABOVE) -> None:
    """The whole map.

    Exit codes: 0 written; 1 the page could not be written; 2 invalid data or options.
    """
    with handled():
        g = _graph(data_dir, sources_dir, strict, as_of_)
        _write(g, v.whole(g), findings(g), target, data_date, max_nodes)


@app.command("ego")
def ego(
    party: Annotated[str, typer.Argument(help="Agency or system id, e.g. home-office-immigration-enforcement.")],
    hops: Annotated[int, typer.Option("--hops", min=1, help="Steps up- and downstream.")] = 2,
    data_dir: DataDir = None, sources_dir: SourcesDir = None, strict: Strict = False, as_of_: AsOf = None,
    target: OutFile = None, data_date: DataDate = None, max_nodes: MaxNodes = AGGREGATE_ABOVE,
) -> None:
    """One party and every party within --hops steps of it: where its data goes, and whose data reaches it.

    Exit codes: 0 written; 1 the page could not be written; 2 invalid data, unknown party or bad option.
    """
    with handled():
        g = _graph(data_dir, sources_dir, strict, as_of_)
        _write(g, v.ego(g, party, hops), findings(g), target, data_date, max_nodes)


@app.command("path")
def path(
    source: Annotated[str, typer.Argument(help="Where the data starts: an agency or system id.")],
    target_party: Annotated[str, typer.Argument(metavar="TARGET", help="Where it may arrive: an agency or system id.")],
    max_hops: Annotated[int, typer.Option("--max-hops", min=1, help="Longest path, in flows.")] = 4,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most this many paths (shortest first).")] = 50,
    data_dir: DataDir = None, sources_dir: SourcesDir = None, strict: Strict = False, as_of_: AsOf = None,
    target: OutFile = None, data_date: DataDate = None, max_nodes: MaxNodes = AGGREGATE_ABOVE,
) -> None:
    """Every path of flows from SOURCE to TARGET (at most --max-hops flows), laid out hop by hop.

    Exit codes: 0 written (also when there is no path: the page says so); 1 not written; 2 unknown party.
    """
    with handled():
        g = _graph(data_dir, sources_dir, strict, as_of_)
        _write(g, v.path(g, source, target_party, max_hops=max_hops, limit=limit), findings(g), target, data_date,
               max_nodes)


@app.command("jurisdiction")
def jurisdiction(
    jur: Annotated[str, typer.Argument(metavar="JURISDICTION", help="Jurisdiction id, e.g. england-and-wales.")],
    data_dir: DataDir = None, sources_dir: SourcesDir = None, strict: Strict = False, as_of_: AsOf = None,
    target: OutFile = None, data_date: DataDate = None, max_nodes: MaxNodes = AGGREGATE_ABOVE,
) -> None:
    """The parties of one jurisdiction (or of one inside it), with every relation they take part in.

    Exit codes: 0 written; 1 not written; 2 invalid data or unknown jurisdiction.
    """
    with handled():
        g = _graph(data_dir, sources_dir, strict, as_of_)
        _write(g, v.jurisdiction(g, jur), findings(g), target, data_date, max_nodes)


@app.command("view")
def view(
    name: Annotated[str, typer.Argument(help="A view name from 'dataflows render list', e.g. firewall-001-….")],
    data_dir: DataDir = None, sources_dir: SourcesDir = None, strict: Strict = False, as_of_: AsOf = None,
    target: OutFile = None, data_date: DataDate = None, max_nodes: MaxNodes = AGGREGATE_ABOVE,
) -> None:
    """Any view of the published site by name: a missing-firewall route, a function-creep case, a jurisdiction.

    Exit codes: 0 written; 1 not written; 2 invalid data or unknown view name.
    """
    with handled():
        g = _graph(data_dir, sources_dir, strict, as_of_)
        found = findings(g)
        _write(g, named_view(g, found, name), found, target, data_date, max_nodes)


@app.command("list")
def list_(data_dir: DataDir = None, sources_dir: SourcesDir = None, strict: Strict = False, as_of_: AsOf = None,
          fmt: FormatOpt = Format.text) -> None:
    """List the views of the published site (name, group, title, size)."""
    with handled(fmt):
        g = _graph(data_dir, sources_dir, strict, as_of_)
        views = v.standard_views(g, findings(g))
    rows = [{"name": x.name, "group": x.group, "title": x.title, "nodes": len(x.nodes), "edges": len(x.edges)}
            for x in views]
    if fmt == Format.json:
        print_json(rows)
        return
    for r in rows:
        out.print(f"{r['name']}\t{r['group']}\t{r['nodes']} nodes\t{r['title']}", markup=False)


@app.command("site")
def site(
    data_dir: DataDir = None, sources_dir: SourcesDir = None, strict: Strict = False, as_of_: AsOf = None,
    folder: Annotated[Path | None, typer.Option("--out", "-o", help="Folder to write. [default: build/site]",
                                                show_default=False)] = None,
    data_date: DataDate = None,
) -> None:
    """Write every standard view, the reports as HTML and an index into a folder.

    The main job ('dataflows build') writes the same site into build/site with the reports and downloads beside it;
    this command is for re-rendering pages alone. The folder is replaced as a whole (written beside it, then
    swapped in), so no page of an older site lingers; a folder that holds other files is refused.

    Exit codes: 0 written; 1 not written; 2 invalid data or options.
    """
    with handled():
        g = _graph(data_dir, sources_dir, strict, as_of_)
        target = folder if folder is not None else settings.out_dir() / "site"
        refuse_foreign(target, site_entries(target), "a dataflows site")
        files: list[str] = []

        def fill(tmp: Path) -> None:
            files.extend(write_site(g, tmp, version=__version__, data_date=data_date or default_data_date(g)))

        try:
            # Written into a fresh folder, then swapped in: no half-written site, no pages left from an older one.
            write_atomically(target, fill)
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}; choose another --out") from None
    out.print(f"wrote {len(files)} files to {target}; open {target / 'index.html'} in a browser.", markup=False)
