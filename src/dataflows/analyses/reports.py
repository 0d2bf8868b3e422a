"""The six reports of the main job, written as Markdown and JSON.

:func:`write_reports` writes, into a folder, ``flows``, ``matrix``, ``creep``,
``firewalls``, ``safeguards`` and ``register`` — each as ``NAME.md`` and
``NAME.json`` — and returns the file names written, sorted. The output is
deterministic: the same graph gives byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from . import creep, firewalls, register, safeguards, sharing
from .render import Report, to_json, to_markdown


def all_reports(g: nx.MultiDiGraph) -> list[Report]:
    """The six reports, for the whole map (or the as-of view it is)."""
    rows = sharing.flows(g)
    return [
        sharing.report(rows),
        sharing.matrix_report(sharing.matrix(rows)),
        creep.report(creep.drift(g), creep.scope(g)),
        firewalls.report(firewalls.firewalls(g)),
        safeguards.report(safeguards.safeguards(g)),
        register.report(register.register(g)),
    ]


def write_reports(g: nx.MultiDiGraph, folder: Path) -> list[str]:
    """Write the six reports into *folder* (created if needed).

    Parameters
    ----------
    g
        The graph from :func:`dataflows.graph.build` (or an as-of view).
    folder
        Where to write, e.g. ``build/reports``.

    Returns
    -------
    list of str
        The file names written, relative to *folder*, sorted.
    """
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for rep in all_reports(g):
        for suffix, text in ((".md", to_markdown(rep)), (".json", to_json(rep))):
            name = rep.name + suffix
            (folder / name).write_text(text, encoding="utf-8")
            names.append(name)
    return sorted(names)
