"""Commands that answer questions: flows, matrix, paths, reach, creep, firewalls, safeguards, register.

Each command loads and validates the map, builds the graph, calls one
function of :mod:`dataflows.analyses` and renders its report as a table
(``text``, the default), ``json``, ``csv`` or ``markdown``, on standard
output or into ``--out FILE``. With ``--engine neo4j`` the same question is
asked of the map loaded into Neo4j (``dataflows load``; connection settings
from the environment, as for ``dataflows query``) through the stored queries
of :mod:`dataflows.db.analyses`; the output is the same.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import networkx as nx
import typer

from .. import settings
from ..analyses import creep as creep_mod
from ..analyses import firewalls as firewalls_mod
from ..analyses import paths as paths_mod
from ..analyses import register as register_mod
from ..analyses import safeguards as safeguards_mod
from ..analyses import sharing
from ..analyses.index import FlowFilter, check_party
from ..analyses.render import Report, render, rich_tables
from ..dataset import load
from ..db.analyses import Neo4jAnalyses, drift_result, firewall_result
from ..db.connect import Settings, driver
from ..errors import OutputError
from ..graph import build
from ..schema import Confidence
from .common import AsOf, DataDir, Format, SourcesDir, err, handled, out, parse_day, waiting


class ReportFormat(StrEnum):
    """Output formats of the answers."""

    text = "text"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class Direction(StrEnum):
    """Which way to follow the flows."""

    down = "down"
    up = "up"


class Shape(StrEnum):
    """Which shape of function creep."""

    drift = "drift"
    scope = "scope"
    both = "both"


class Engine(StrEnum):
    """Where the answer is computed."""

    embedded = "embedded"
    neo4j = "neo4j"


# Options shared by every command, defined once.
FormatOpt = Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")]
OutFile = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write the report to this file instead of standard output.",
                 show_default=False, dir_okay=False),
]
Party = Annotated[str | None, typer.Option("--party", help="Only flows sent or received by this agency or system id.",
                                           show_default=False)]
Category = Annotated[str | None, typer.Option(
    "--category", help="Only flows carrying this data category or a narrower one (e.g. biometric).",
    show_default=False)]
Jurisdiction = Annotated[str | None, typer.Option(
    "--jurisdiction", help="Only flows in this jurisdiction or one inside it (e.g. uk).", show_default=False)]
Sector = Annotated[str | None, typer.Option(
    "--sector", help="Only flows whose sender or recipient is in this sector (a system takes its operators').",
    show_default=False)]
MinConfidence = Annotated[Confidence | None, typer.Option(
    "--min-confidence", help="Only hops with at least one citation this sure.", show_default=False)]
Unfirewalled = Annotated[bool, typer.Option(
    "--unfirewalled", help="Only hops without a firewall known to be present.")]
Limit = Annotated[int | None, typer.Option(
    "--limit", min=0, help="List at most this many records of each kind (the counts stay complete); for large maps.",
    show_default=False)]
EngineOpt = Annotated[Engine, typer.Option(
    "--engine", help="embedded: read graph_data/ here; neo4j: ask the map loaded into Neo4j ('dataflows load'), "
    "connecting as 'dataflows query' does [env: NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE].")]


def _graph(data_dir: Path | None, sources_dir: Path | None, fmt: ReportFormat) -> nx.MultiDiGraph:
    data = settings.data_dir(data_dir)
    sources = settings.sources_dir(data, sources_dir)
    with handled(Format.json if fmt == ReportFormat.json else Format.text):
        return build(load(data, sources))


@contextmanager
def _neo4j(command: str, fmt: ReportFormat) -> Iterator[Neo4jAnalyses]:
    """The analyses on the map in Neo4j; errors become one line and an exit code.

    While *command*'s question is asked, a terminal shows which and for how long (not for JSON output).
    """
    with handled():
        conn = Settings.from_env()
        with driver(conn) as drv, waiting(f"asking Neo4j: {command}", show=fmt != ReportFormat.json):
            yield Neo4jAnalyses(drv, conn.database)


def _emit(report: Report, fmt: ReportFormat, out_file: Path | None) -> None:
    if out_file is not None:
        try:
            out_file.parent.mkdir(parents=True, exist_ok=True)
            out_file.write_text(render(report, fmt.value), encoding="utf-8")
        except OSError as exc:
            with handled():
                raise OutputError(f"cannot write {out_file}: {exc.strerror}") from None
        err.print(f"wrote {out_file}", markup=False)
        return
    if fmt != ReportFormat.text:
        sys.stdout.write(render(report, fmt.value))
        return
    out.print(report.title, markup=False)
    for line in report.summary:
        out.print(line, markup=False)
    for table in rich_tables(report):
        out.print()
        out.print(table)


def flows(
    party: Party = None, category: Category = None, jurisdiction: Jurisdiction = None, sector: Sector = None,
    as_of: AsOf = None, limit: Limit = None, data_dir: DataDir = None, sources_dir: SourcesDir = None,
    fmt: FormatOpt = ReportFormat.text, out_file: OutFile = None, engine: EngineOpt = Engine.embedded,
) -> None:
    """Who shares what with whom: every flow, with purpose, legal basis, firewall, safeguards and sources.

    Filters combine: e.g. --party police-scotland --category biometric --as-of 2021-08-01.
    """
    day = parse_day(as_of)
    filters = {"party": party, "category": category, "jurisdiction": jurisdiction, "sector": sector,
               "as_of": as_of}
    if engine == Engine.neo4j:
        with _neo4j("flows", fmt) as db:
            page = db.flows(party=party, category=category, jurisdiction=jurisdiction, sector=sector, day=day,
                            limit=limit)
        rep = sharing.report(page.rows, filters, limit=limit, count=page.total)
    else:
        g = _graph(data_dir, sources_dir, fmt)
        with handled():
            rows = sharing.flows(g, party=party, category=category, jurisdiction=jurisdiction, sector=sector,
                                 day=day)
        rep = sharing.report(rows, filters, limit=limit)
    _emit(rep, fmt, out_file)


def matrix(
    party: Party = None, category: Category = None, jurisdiction: Jurisdiction = None, sector: Sector = None,
    as_of: AsOf = None, data_dir: DataDir = None, sources_dir: SourcesDir = None,
    fmt: FormatOpt = ReportFormat.text, out_file: OutFile = None, engine: EngineOpt = Engine.embedded,
) -> None:
    """Sender × recipient: how many flows go between each pair of parties, and which data categories."""
    day = parse_day(as_of)
    filters = {"party": party, "category": category, "jurisdiction": jurisdiction, "sector": sector,
               "as_of": as_of}
    if engine == Engine.neo4j:
        with _neo4j("matrix", fmt) as db:
            cells = db.matrix(party=party, category=category, jurisdiction=jurisdiction, sector=sector, day=day)
    else:
        g = _graph(data_dir, sources_dir, fmt)
        with handled():
            cells = sharing.matrix(sharing.flows(g, party=party, category=category, jurisdiction=jurisdiction,
                                                 sector=sector, day=day))
    _emit(sharing.matrix_report(cells, filters), fmt, out_file)


def paths(
    source: Annotated[str, typer.Argument(metavar="FROM", help="Party id the data starts from.")],
    target: Annotated[str, typer.Argument(metavar="TO", help="Party id the data should reach.")],
    max_hops: Annotated[int, typer.Option("--max-hops", min=1, help="Longest path to list.")] = 4,
    shortest: Annotated[bool, typer.Option("--shortest", help="Only one shortest path.")] = False,
    category: Category = None, min_confidence: MinConfidence = None, unfirewalled: Unfirewalled = False,
    as_of: AsOf = None, data_dir: DataDir = None, sources_dir: SourcesDir = None,
    fmt: FormatOpt = ReportFormat.text, out_file: OutFile = None, engine: EngineOpt = Engine.embedded,
) -> None:
    """Interoperability: the paths by which data can move from one party to another, hop by hop, with sources."""
    day = parse_day(as_of)
    flt = FlowFilter(category, min_confidence.value if min_confidence else None, unfirewalled)
    if engine == Engine.neo4j:
        with _neo4j("paths", fmt) as db:
            if shortest:
                one = db.shortest_path(source, target, flt=flt, day=day)
                found = [one] if one else []
            else:
                found = db.all_paths(source, target, max_hops=max_hops, flt=flt, day=day)
        _emit(paths_mod.paths_report(source, target, found, flt=flt, day=day,
                                     max_hops=None if shortest else max_hops), fmt, out_file)
        return
    g = _graph(data_dir, sources_dir, fmt)
    with handled():
        if shortest:
            one = paths_mod.shortest_path(g, source, target, flt=flt, day=day)
            found = [one] if one else []
        else:
            found = paths_mod.all_paths(g, source, target, max_hops=max_hops, flt=flt, day=day)
    _emit(paths_mod.paths_report(source, target, found, flt=flt, day=day,
                                 max_hops=None if shortest else max_hops), fmt, out_file)


def reach(
    party: Annotated[str, typer.Argument(help="Party id.")],
    direction: Annotated[Direction, typer.Option(
        "--direction", help="down: where the party's data can go; up: whose data can reach it.")] = Direction.down,
    max_hops: Annotated[int | None, typer.Option("--max-hops", min=1, help="Stop after this many hops.",
                                                 show_default=False)] = None,
    category: Category = None, min_confidence: MinConfidence = None, unfirewalled: Unfirewalled = False,
    as_of: AsOf = None, data_dir: DataDir = None, sources_dir: SourcesDir = None,
    fmt: FormatOpt = ReportFormat.text, out_file: OutFile = None, engine: EngineOpt = Engine.embedded,
) -> None:
    """Everything downstream (or upstream) of a party, with hop distance and one witness path each."""
    day = parse_day(as_of)
    flt = FlowFilter(category, min_confidence.value if min_confidence else None, unfirewalled)
    way: paths_mod.Direction = "up" if direction == Direction.up else "down"
    if engine == Engine.neo4j:
        with _neo4j("reach", fmt) as db:
            reached = db.reach(party, direction=way, flt=flt, day=day, max_hops=max_hops)
        _emit(paths_mod.reach_report(party, way, reached, flt=flt, day=day), fmt, out_file)
        return
    g = _graph(data_dir, sources_dir, fmt)
    with handled():
        check_party(g, party)
        reached = paths_mod.reach(g, party, direction=way, flt=flt, day=day, max_hops=max_hops)
    _emit(paths_mod.reach_report(party, way, reached, flt=flt, day=day), fmt, out_file)


def creep(
    shape: Annotated[Shape, typer.Option("--shape", help="drift: purpose drift along paths; scope: scope "
                                                         "expansion over time; both.")] = Shape.both,
    category: Category = None, min_confidence: MinConfidence = None,
    system: Annotated[str | None, typer.Option("--system", help="Scope expansion of this system only.",
                                               show_default=False)] = None,
    as_of: AsOf = None, limit: Limit = None, data_dir: DataDir = None, sources_dir: SourcesDir = None,
    fmt: FormatOpt = ReportFormat.text, out_file: OutFile = None, engine: EngineOpt = Engine.embedded,
) -> None:
    """Function creep: data held for one purpose reaching an incompatible use, and systems growing in scope.

    Compatibility rules are data: graph_data/purpose_rules/*.yaml.
    """
    day = parse_day(as_of)
    flt = FlowFilter(category, min_confidence.value if min_confidence else None)
    if engine == Engine.neo4j:
        with _neo4j("creep", fmt) as db:
            answer = drift_result(db.drift(flt=flt, day=day, limit=limit)) if shape != Shape.scope else None
            scopes = db.scope(system=system, day=day) if shape != Shape.drift else None
        _emit(creep_mod.report(answer, scopes, limit=limit), fmt, out_file)
        return
    g = _graph(data_dir, sources_dir, fmt)
    with handled():
        result = creep_mod.drift(g, flt=flt, day=day) if shape != Shape.scope else None
        timelines = creep_mod.scope(g, system=system, day=day) if shape != Shape.drift else None
    _emit(creep_mod.report(result, timelines, limit=limit), fmt, out_file)


def firewalls(
    public_sector: Annotated[list[str] | None, typer.Option(
        "--public-sector", help="A public-service sector (repeat for several); replaces the default list: "
        + ", ".join(sorted(firewalls_mod.PUBLIC_SERVICE_SECTORS)) + ".", show_default=False)] = None,
    enforcement_sector: Annotated[list[str] | None, typer.Option(
        "--enforcement-sector", help="An enforcement sector (repeat for several); replaces the default list: "
        + ", ".join(sorted(firewalls_mod.ENFORCEMENT_SECTORS)) + ".", show_default=False)] = None,
    category: Category = None, min_confidence: MinConfidence = None,
    as_of: AsOf = None, limit: Limit = None, data_dir: DataDir = None, sources_dir: SourcesDir = None,
    fmt: FormatOpt = ReportFormat.text, out_file: OutFile = None, engine: EngineOpt = Engine.embedded,
) -> None:
    """Missing firewalls: routes by which data from public services can reach immigration enforcement unbarred.

    Lists confirmed routes (every firewall absent) apart from routes whose barrier is unknown, with one
    witness route per pair and the flows where one firewall would cut every route.
    """
    day = parse_day(as_of)
    flt = FlowFilter(category, min_confidence.value if min_confidence else None)
    if engine == Engine.neo4j:
        with _neo4j("firewalls", fmt) as db:
            answer = firewall_result(db.firewalls(
                public_sectors=public_sector or firewalls_mod.PUBLIC_SERVICE_SECTORS,
                enforcement_sectors=enforcement_sector or firewalls_mod.ENFORCEMENT_SECTORS, flt=flt, day=day,
                limit=limit))
        _emit(firewalls_mod.report(answer, limit=limit), fmt, out_file)
        return
    g = _graph(data_dir, sources_dir, fmt)
    with handled():
        result = firewalls_mod.firewalls(
            g, public_sectors=public_sector or firewalls_mod.PUBLIC_SERVICE_SECTORS,
            enforcement_sectors=enforcement_sector or firewalls_mod.ENFORCEMENT_SECTORS, flt=flt, day=day)
    _emit(firewalls_mod.report(result, limit=limit), fmt, out_file)


def safeguards(
    as_of: AsOf = None, limit: Limit = None, data_dir: DataDir = None, sources_dir: SourcesDir = None,
    fmt: FormatOpt = ReportFormat.text, out_file: OutFile = None, engine: EngineOpt = Engine.embedded,
) -> None:
    """Safeguard gaps: flows without a known sharing agreement or legal basis; systems without a known DPIA,
    EIA, operating procedure or independent review — with what the sources say."""
    day: dt.date | None = parse_day(as_of)
    if engine == Engine.neo4j:
        with _neo4j("safeguards", fmt) as db:
            result = db.safeguards(day=day, limit=limit)
    else:
        result = safeguards_mod.safeguards(_graph(data_dir, sources_dir, fmt), day=day)
    _emit(safeguards_mod.report(result, limit=limit), fmt, out_file)


def register(
    system: Annotated[str | None, typer.Option("--system", help="Only this system.", show_default=False)] = None,
    as_of: AsOf = None, data_dir: DataDir = None, sources_dir: SourcesDir = None,
    fmt: FormatOpt = ReportFormat.text, out_file: OutFile = None, engine: EngineOpt = Engine.embedded,
) -> None:
    """The transparency register: purpose, operation, data types, decisions and reviews of every system,
    with 'unknown' shown, plus operators, data held, inbound flows, outcomes and sources."""
    day = parse_day(as_of)
    if engine == Engine.neo4j:
        with _neo4j("register", fmt) as db:
            entries = db.register(system=system, day=day)
        _emit(register_mod.report(entries), fmt, out_file)
        return
    g = _graph(data_dir, sources_dir, fmt)
    with handled():
        entries = register_mod.register(g, system=system, day=day)
    _emit(register_mod.report(entries), fmt, out_file)
