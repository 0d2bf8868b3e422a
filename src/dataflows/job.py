"""The main job: validate the map, build the graph, write everything a reader needs.

``dataflows build`` calls :func:`run`. Output (all written at once, or none):

* ``summary.json`` — the counts printed on screen;
* ``graph.json`` — the whole graph (node-link JSON), every claim with its citations;
* ``dataset.json`` — every record as validated, by section (the dataset download);
* ``reports/`` — the six answers (who shares what with whom, the party matrix,
  function creep, missing firewalls, safeguard gaps, the transparency
  register), each as Markdown and JSON;
* ``site/`` — the published map: ``site/index.html`` links the interactive
  views (the whole map, each missing-firewall route and function-creep case,
  each jurisdiction), the reports, the register and the downloads. Pages work
  offline and load nothing from the network.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from . import __version__
from .analyses.reports import write_reports
from .dataset import Dataset, load
from .graph import as_of, build
from .jsontext import dumps
from .publish import refuse_foreign, write_atomically
from .render.site import default_data_date, write_site
from .summary import summarise


@dataclass
class JobResult:
    """What the main job produced."""

    dataset: Dataset
    graph: nx.MultiDiGraph
    summary: dict[str, Any]
    out: Path
    files: list[str]


def graph_json(g: nx.MultiDiGraph) -> dict[str, Any]:
    """The graph as deterministic node-link data."""
    data: dict[str, Any] = nx.node_link_data(g, edges="edges")
    data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
    data["edges"] = sorted(data["edges"], key=lambda e: (e["source"], e["target"], e["key"]))
    return data


def dataset_json(ds: Dataset) -> dict[str, Any]:
    """Every record, as validated, by section (ids sorted)."""
    return {
        section: sorted(
            (r.model_dump(mode="json", by_alias=True, exclude_none=True) for r in records),
            key=lambda r: r.get("id", ""),
        )
        for section, records in sorted(ds.records.items())
    }


#: The files and folders the main job writes at the top of its output folder, and all such a folder may hold for
#: the job to replace it.
FILES = ("summary.json", "graph.json", "dataset.json")
FOLDERS = ("reports", "site")


def _ours(entry: Path) -> bool:
    """An entry the main job writes at the top of its output folder."""
    return entry.is_file() if entry.name in FILES else entry.name in FOLDERS and entry.is_dir()


def run(
    data_dir: Path,
    sources_dir: Path | None,
    out: Path,
    *,
    day: dt.date | None = None,
    require_texts: bool = False,
) -> JobResult:
    """Validate, build and write. Raises before writing anything if the data is invalid.

    The output folder is replaced as a whole, so one that holds anything this job does not write is refused
    first (:func:`dataflows.publish.refuse_foreign`), and left as it is.
    """
    refuse_foreign(out, _ours, "a dataflows build")
    ds = load(data_dir, sources_dir, require_texts=require_texts)
    g = build(ds)
    if day is not None:
        g = as_of(g, day)
    summary = summarise(ds, g)
    summary["version"] = __version__
    if day is not None:
        summary["as_of"] = day.isoformat()
    files = dict(zip(FILES, (dumps(summary), dumps(graph_json(g)), dumps(dataset_json(ds))), strict=True))

    written: list[str] = []

    def write(tmp: Path) -> None:
        for name, text in files.items():
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        written.extend(files)
        reports = write_reports(g, tmp / "reports")
        written.extend(f"reports/{name}" for name in reports)
        site = write_site(g, tmp / "site", reports=reports, version=__version__, data_date=default_data_date(g))
        written.extend(f"site/{name}" for name in site)

    write_atomically(out, write)
    return JobResult(ds, g, summary, out, sorted(written))
