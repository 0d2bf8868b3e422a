"""One place that turns an analysis result into text, JSON, CSV or Markdown.

Every analysis module has a ``report(result) -> Report`` function. A
:class:`Report` holds the full JSON-ready result (``data``, with every
citation) and one or more flat :class:`Table` views of it for people. The
renderers here know nothing about the analyses:

* ``text`` — rich tables for the terminal;
* ``markdown`` — a heading, the summary lines, one pipe table per table;
* ``csv`` — the tables, lists joined with ``"; "``; several tables are
  separated by a blank line, each with its own header row;
* ``json`` — ``data``, with sorted keys (deterministic).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from ..gcpause import paused_gc
from ..jsontext import dumps

FORMATS = ("text", "json", "csv", "markdown")

#: A table cell: a scalar or a list of strings (joined for display).
Cell = str | int | float | bool | None | Sequence[str]


Row = dict[str, Cell]
"""One table row, keyed by column key."""


class LazyRows(Sequence[Row]):
    """A table's rows, made from the result's records the first time a renderer reads them.

    A listing's table view repeats every record in display form. JSON output and the Python API
    never read it, yet making it eagerly cost as much as a large answer itself: at a million flows,
    7.4 s for who shares what and 4.6 s for the safeguard gaps (measured), before the first byte of
    JSON. The rows are made once, all together, and kept; their number is known without making them.
    """

    def __init__(self, records: Sequence[Any], make: Callable[[Any], Row]) -> None:
        self._records = records
        self._make = make
        self._rows: list[Row] | None = None

    def _made(self) -> list[Row]:
        if self._rows is None:
            make = self._make
            with paused_gc():  # a row per record, no cycles (see dataflows.gcpause)
                self._rows = [make(r) for r in self._records]
        return self._rows

    @property
    def made(self) -> bool:
        """Whether the rows have been made (read by a renderer)."""
        return self._rows is not None

    def __len__(self) -> int:
        return len(self._records)

    @overload
    def __getitem__(self, i: int) -> Row: ...

    @overload
    def __getitem__(self, i: slice) -> list[Row]: ...

    def __getitem__(self, i: int | slice) -> Row | list[Row]:
        return self._made()[i]

    def __iter__(self) -> Iterator[Row]:
        return iter(self._made())

    def __repr__(self) -> str:
        return f"<{len(self)} rows{'' if self.made else ', not made yet'}>"


@dataclass
class Table:
    """A flat view of (part of) a result: columns and rows of cells."""

    name: str
    """Short machine name, e.g. ``flows``."""
    title: str
    """Heading shown above the table."""
    columns: list[tuple[str, str]]
    """``(key, header)`` of each column, in order."""
    rows: Sequence[Row]
    """One mapping per row, keyed by column key (a list, or :class:`LazyRows` for long listings)."""
    note: str | None = None
    """A line shown under the heading (what a row means)."""


@dataclass
class Report:
    """A result, ready to render."""

    name: str
    title: str
    summary: list[str] = field(default_factory=list)
    """Lines of text above the tables: counts, definitions, caveats."""
    tables: list[Table] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    """The full result, JSON-ready, with every citation."""


def cell_text(value: Cell, joiner: str = "; ") -> str:
    """A cell as one line of text: lists joined, ``None`` empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return joiner.join(str(v) for v in value)


def to_json(report: Report) -> str:
    """Deterministic JSON: sorted keys, two-space indent, trailing newline."""
    return dumps(report.data)


def to_csv(report: Report) -> str:
    """The report's tables as CSV (lists joined with ``"; "``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for i, table in enumerate(report.tables):
        if i:
            buf.write("\n")
        writer.writerow([key for key, _ in table.columns])
        for row in table.rows:
            writer.writerow([cell_text(row.get(key)) for key, _ in table.columns])
    return buf.getvalue()


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(report: Report) -> str:
    """The report as Markdown: title, summary, one pipe table per table."""
    lines = [f"# {report.title}", ""]
    for line in report.summary:
        lines.append(line)
    if report.summary:
        lines.append("")
    for table in report.tables:
        lines += [f"## {table.title}", ""]
        if table.note:
            lines += [table.note, ""]
        if not table.rows:
            lines += ["*None.*", ""]
            continue
        lines.append("| " + " | ".join(_md_escape(h) for _, h in table.columns) + " |")
        lines.append("|" + "|".join("---" for _ in table.columns) + "|")
        for row in table.rows:
            lines.append("| " + " | ".join(_md_escape(cell_text(row.get(k), "<br>")) for k, _ in table.columns)
                         + " |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def rich_tables(report: Report) -> list[RichTable]:
    """The report's tables as rich tables, for a terminal."""
    out = []
    for table in report.tables:
        rt = RichTable(title=Text(table.title + (f"\n{table.note}" if table.note else "")), title_justify="left",
                       show_lines=False, pad_edge=False, expand=False)
        for _, header in table.columns:
            rt.add_column(header, overflow="fold")
        for row in table.rows:
            # Text, not str: cells hold brackets ("-[f1: …]->") that rich would read as markup.
            rt.add_row(*(Text(cell_text(row.get(k), "\n")) for k, _ in table.columns))
        out.append(rt)
    return out


def to_text(report: Report, width: int = 160) -> str:
    """The report as plain text with box-drawn tables (rich), *width* columns wide."""
    console = Console(file=io.StringIO(), width=width, highlight=False, color_system=None, soft_wrap=False,
                      emoji=False)  # ":name:" in the map's text stays as it is
    console.print(report.title, markup=False)
    for line in report.summary:
        console.print(line, markup=False)
    for rt in rich_tables(report):
        console.print()
        if not rt.rows:
            console.print(f"{rt.title}: none", markup=False)
        else:
            console.print(rt)
    file = console.file
    assert isinstance(file, io.StringIO)  # noqa: S101 - we created it above
    return file.getvalue()


def render(report: Report, fmt: str, *, width: int = 160) -> str:
    """Render *report* as ``text``, ``json``, ``csv`` or ``markdown``."""
    if fmt == "json":
        return to_json(report)
    if fmt == "csv":
        return to_csv(report)
    if fmt == "markdown":
        return to_markdown(report)
    if fmt == "text":
        return to_text(report, width)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


# --------------------------------------------------------------------------
# Helpers the analyses share when building tables
# --------------------------------------------------------------------------


def source_refs(sources: Sequence[dict[str, str]]) -> list[str]:
    """``source-id (locator)`` for each ``{source, locator}``."""
    return [f"{s['source']} ({s['locator']})" for s in sources]


def route_text(hops: Sequence[dict[str, Any]]) -> str:
    """A path as ``A →[flow: purpose, firewall]→ B →…``."""
    if not hops:
        return ""
    parts = [str(hops[0]["from"])]
    for h in hops:
        parts.append(f"-[{h['flow']}: {h['purpose']}; firewall {h['firewall']['status']}]-> {h['to']}")
    return " ".join(parts)


def hop_sources(hops: Sequence[dict[str, Any]]) -> list[str]:
    """Every hop's citations as ``flow: source (locator)``, in hop order."""
    out: list[str] = []
    for h in hops:
        seen = set()
        for c in [*h.get("citations", []), *h.get("firewall", {}).get("citations", [])]:
            key = (c["source"], c["locator"])
            if key not in seen:
                seen.add(key)
                out.append(f"{h['flow']}: {c['source']} ({c['locator']})")
    return out
