"""Commands for Neo4j: load the map, verify it, list and run the stored Cypher queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.table import Table

from .. import __version__, settings
from ..dataset import load as load_dataset
from ..db import loader, queries
from ..db.connect import QueryTimedOut, Settings, driver, retrying
from ..db.rows import Rows, graph_rows, rows_checksum
from ..errors import SettingsError
from ..gcpause import paused_gc
from ..graph import as_of, build
from ..jsontext import compact
from .common import (
    AsOf,
    DataDir,
    Format,
    FormatOpt,
    SourcesDir,
    Strict,
    err,
    handled,
    out,
    parse_day,
    print_json,
    progress_bar,
    waiting,
)

Uri = Annotated[str | None, typer.Option("--uri", help="Neo4j address. [env: NEO4J_URI; default: "
                                         "bolt://127.0.0.1:7687]", show_default=False)]
User = Annotated[str | None, typer.Option("--user", help="User name. [env: NEO4J_USER; default: neo4j]",
                                          show_default=False)]
Database = Annotated[str | None, typer.Option("--database", help="Database. [env: NEO4J_DATABASE; default: neo4j]",
                                              show_default=False)]
QueriesDir = Annotated[Path | None, typer.Option("--queries-dir", help="Folder of .cypher files. [default: ./cypher]",
                                                 show_default=False)]


def _map_rows(data: Path, sources_dir: Path | None, strict: bool, day: dt.date | None) -> Rows:
    """What 'dataflows load' writes for the map in *data* (as of *day*)."""
    g = build(load_dataset(data, settings.sources_dir(data, sources_dir), require_texts=strict))
    return graph_rows(g if day is None else as_of(g, day))


def load(
    data_dir: DataDir = None,
    sources_dir: SourcesDir = None,
    strict: Strict = False,
    as_of_day: AsOf = None,
    uri: Uri = None,
    user: User = None,
    database: Database = None,
    batch: Annotated[int, typer.Option("--batch", min=100, help="Rows per UNWIND batch.")] = loader.BATCH,
    writers: Annotated[int, typer.Option("--writers", min=1, max=16,
                                         help="Batches written at once (one connection each).")] = loader.WRITERS,
    fmt: FormatOpt = Format.text,
) -> None:
    """Load the validated map into Neo4j, replacing the map loaded before.

    The new map is written beside the old one, invisible to queries, and
    switched in by one transaction: readers see the old map or the new one,
    never a mix, and if anything fails the map loaded before stays as it was.
    Loading the same data twice gives the same graph (same counts, same
    checksum); 'dataflows verify' checks it later. The password comes from NEO4J_PASSWORD
    or a prompt, and is never printed.

    Exit codes: 0 loaded; 1 Neo4j unreachable, refused or failed; 2 invalid data or settings.
    """
    data = settings.data_dir(data_dir)
    day = parse_day(as_of_day)
    with handled(fmt):
        conn = Settings.from_env(uri=uri, user=user, database=database)
        # The cycle collector stays paused from building the rows until they are freed: resumed in
        # between, its first pass would look at every row only to find them all still in use (1.1-1.5 s
        # at a million flows, measured), while freed first they leave it nothing to look at.
        with paused_gc():
            rows = _map_rows(data, sources_dir, strict, day)
            total = sum(len(r) for r in rows.nodes.values()) + sum(len(r) for r in rows.rels.values())
            with driver(conn) as drv, progress_bar(fmt) as progress:
                task = progress.add_task("loading", total=total)

                def report(stage: str, done: int, of: int) -> None:
                    # The last stage counts the previous map's records removed, out of its own total.
                    progress.update(task, description=stage, completed=done, total=of)

                def retry(attempt: int, exc: BaseException) -> None:
                    err.print(f"transient error ({type(exc).__name__}); trying again ({attempt + 1}) …")

                result = retrying(partial(loader.load, drv, conn.database, rows, version=__version__,
                                          progress=report, batch=batch, writers=writers), on_retry=retry)
            del rows
    if fmt == Format.json:
        print_json({"ok": True, "uri": conn.uri, "database": conn.database, "counts": result.counts,
                    "checksum": result.checksum, "replaced_nodes": result.deleted})
        return
    out.print(f"loaded the map into {conn.uri} (database {conn.database!r}); replaced {result.deleted} nodes")
    out.print(", ".join(f"{n} {k}" for k, n in result.counts.items()))
    out.print(f"checksum {result.checksum}")


def verify(
    data_dir: DataDir = None,
    sources_dir: SourcesDir = None,
    strict: Strict = False,
    as_of_day: AsOf = None,
    uri: Uri = None,
    user: User = None,
    database: Database = None,
    with_data: Annotated[bool, typer.Option(
        "--with-data/--no-data",
        help="Also compare with the map in graph_data/, as 'dataflows load' would write it now "
             "(with the same --as-of).")] = True,
    fmt: FormatOpt = Format.text,
) -> None:
    """Check that the map in Neo4j is the one loaded, unchanged, and the map in graph_data/.

    Reads every node and relationship of the loaded map, recomputes its
    content checksum and counts, and compares them with those recorded when
    'dataflows load' wrote it: anything changed in the database since (a
    property edited, a flow deleted or added by hand) shows here. Then
    compares them with the checksum of the map in graph_data/, so a report can
    say which version of the map its Cypher answers came from. The password
    comes from NEO4J_PASSWORD or a prompt, and is never printed.

    Exit codes: 0 the loaded map is intact (and the same as graph_data/);
    1 Neo4j unreachable, refused or failed; 2 invalid data or settings;
    3 no map loaded, changed since it was loaded, or not the map in graph_data/.
    """
    day = parse_day(as_of_day)
    with handled(fmt):
        conn = Settings.from_env(uri=uri, user=user, database=database)
        expected: str | None = None
        expected_counts: dict[str, int] | None = None
        data = settings.data_dir(data_dir) if with_data else None
        if data is not None:
            with paused_gc():  # until the rows are freed, as in 'load'
                rows = _map_rows(data, sources_dir, strict, day)
                expected, expected_counts = rows_checksum(rows), rows.counts()
                del rows
        with driver(conn) as drv, progress_bar(fmt) as progress:
            task = progress.add_task(loader.READING, total=None)

            def report(stage: str, done: int, of: int) -> None:
                progress.update(task, description=stage, completed=done, total=of)

            found = retrying(lambda: loader.check(drv, conn.database, progress=report))
    same = None if expected is None else (found.loaded and found.content == expected
                                          and found.content_counts == expected_counts)
    ok = found.intact and same is not False
    if fmt == Format.json:
        print_json({"ok": ok, "uri": conn.uri, "database": conn.database, "data_dir": data and str(data),
                    "loaded": found.loaded,
                    "loaded_by": found.version, "intact": found.intact, "same_as_data": same,
                    "checksum": {"recorded": found.recorded, "recorded_scheme": found.scheme,
                                 "content": found.content, "data": expected, "scheme": loader.CHECKSUM_SCHEME},
                    "counts": {"recorded": found.recorded_counts, "content": found.content_counts,
                               "data": expected_counts}})
    else:
        _print_check(found, conn.uri, conn.database, data, expected, expected_counts, same)
    if not ok:
        raise typer.Exit(3)


def _print_check(found: loader.Check, uri: str, database: str, data: Path | None, expected: str | None,
                 expected_counts: dict[str, int] | None, same: bool | None) -> None:
    """The verdict of 'dataflows verify', for a reader."""
    where = f"{uri} (database {database!r})"
    if not found.loaded:
        out.print(f"no map loaded by 'dataflows load' in {where}; load one with 'dataflows load'")
        return
    out.print(f"map in {where}, loaded by dataflows {found.version or 'unknown'}")
    out.print(f"  checksum recorded at load:   {found.recorded}")
    out.print(f"  checksum of its content now: {found.content}")
    if expected is not None:
        out.print(f"  checksum of the map in {data}: {expected}")
    if found.intact:
        out.print("intact: the database holds exactly what was loaded (same checksum, same counts)")
    elif found.recorded != found.content and not found.comparable:
        out.print("cannot tell whether it changed: its checksum was recorded under another scheme "
                  f"({found.scheme or 'none recorded'}; this version uses {loader.CHECKSUM_SCHEME}). "
                  "Load it again with 'dataflows load' to verify it from now on.")
    else:
        out.print("CHANGED since it was loaded: the database no longer holds exactly what was loaded")
        _print_counts(found.recorded_counts, found.content_counts)
    if same is True:
        out.print(f"the same map as in {data}")
    elif same is False:
        out.print(f"NOT the map in {data}: load that with 'dataflows load' to replace it")
        _print_counts(expected_counts or {}, found.content_counts)


def _print_counts(expected: dict[str, int], found: dict[str, int]) -> None:
    """Where the counts differ, label by label and type by type; or that they do not."""
    differ = [k for k in sorted({*expected, *found}) if expected.get(k, 0) != found.get(k, 0)]
    for k in differ:
        out.print(f"  {k}: {expected.get(k, 0)} expected, {found.get(k, 0)} in the database")
    if not differ:
        out.print("  (the counts are the same: a property or the end of a relationship differs)")


class CatalogueFormat(StrEnum):
    """Output formats of the query catalogue."""

    text = "text"
    json = "json"
    markdown = "markdown"


def list_queries(
    queries_dir: QueriesDir = None,
    fmt: Annotated[CatalogueFormat, typer.Option("--format", "-f", help="Output format.")] = CatalogueFormat.text,
) -> None:
    """List the stored Cypher queries in cypher/, with their parameters.

    --format markdown prints the catalogue table the README carries.
    """
    with handled():
        cat = queries.catalogue(queries_dir)
        if fmt == CatalogueFormat.markdown:
            out.print(queries.catalogue_markdown(queries_dir), end="", markup=False, soft_wrap=True)
            return
    if fmt == CatalogueFormat.json:
        print_json([{"name": q.name, "title": q.title, "description": q.description, "mode": q.mode,
                     "auto_commit": q.auto_commit,
                     "params": [{"name": p.name, "type": p.type, "required": p.required, "default": p.default,
                                 "doc": p.doc} for p in q.params]} for q in cat.values()])
        return
    table = Table(show_edge=False, pad_edge=False)
    for col in ("name", "mode", "parameters", "title"):
        table.add_column(col)
    for q in cat.values():
        params = ", ".join(p.name + ("" if p.required else "?") for p in q.params)
        table.add_row(q.name, queries.mode_text(q), params, q.title)
    out.print(table)


class QueryFormat(StrEnum):
    """Output formats of a stored query's rows."""

    text = "text"
    json = "json"
    csv = "csv"


def _csv(keys: list[str], rows: list[dict[str, Any]]) -> str:
    """Rows as CSV with a header row: lists of plain values joined with '; ', nested values as compact JSON."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(keys)
    for row in rows:
        writer.writerow([compact(v) if _nested(v) else _shown(v) for v in row.values()])
    return buf.getvalue()


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def query(
    name: Annotated[str, typer.Argument(help="Query name (see 'dataflows queries').")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="A parameter as key=value; repeat.")] = None,
    queries_dir: QueriesDir = None,
    uri: Uri = None,
    user: User = None,
    database: Database = None,
    limit: Annotated[int | None, typer.Option(
        "--limit", "-n", min=0, show_default=False,
        help="Read at most this many rows: the first the query returns. The rest are not read, and a query that "
             "does not sort stops there, so the start of a huge answer comes back at once. (Some queries also take "
             "a 'limit' parameter, which lists the first flows by id and still counts them all.) [default: all]",
    )] = None,
    timeout: Annotated[float | None, typer.Option(
        "--timeout", min=0.001, show_default=False,
        help="Seconds before the server stops the query. [default: the server's db.transaction.timeout]",
    )] = None,
    fmt: Annotated[QueryFormat, typer.Option("--format", "-f", help="Output format.")] = QueryFormat.text,
) -> None:
    """Run one stored Cypher query against Neo4j and print its rows.

    A table; when values nest (the register, paths, safeguard gaps), one block per row with the nested
    values as YAML; JSON with --format json; or CSV with --format csv, one line per row under a header
    (lists joined with '; ', nested values as JSON). Reads are routed to readers on a cluster. Example:
    dataflows query flows-by-category --param category=biometric

    On a large map, --limit 100 shows the first 100 rows and says whether there were more. While the
    query runs, a terminal shows its name, the rows read so far and the time taken (on standard error).

    Exit codes: 0 answered; 1 Neo4j unreachable, refused, failed, out of time or out of memory; 2 bad query name,
    parameter or setting.
    """
    with handled(Format.json if fmt == QueryFormat.json else Format.text):
        q = queries.get(name, queries_dir)
        given: dict[str, str] = {}
        for item in param or []:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise SettingsError(f"--param {item!r} must be written key=value")
            given[key.strip()] = value
        params = queries.bind(q, given)
        queries.check_limit(q, limit)
        conn = Settings.from_env(uri=uri, user=user, database=database)
        try:
            with driver(conn) as drv, waiting(f"running {q.name}", show=fmt != QueryFormat.json) as rows_read:
                # A transient error is retried (not a query out of memory): see connect.run_query.
                answer = queries.execute(drv, q, params, database=conn.database, limit=limit, timeout=timeout,
                                         on_rows=rows_read)
        except QueryTimedOut as exc:
            hint = "" if limit is not None else "; --limit N reads only the first N rows"
            raise QueryTimedOut(f"{exc}{hint}") from None
    keys = answer.keys
    rows = [{k: _plain(r[k]) for k in keys} for r in answer.records]
    counted = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
    shown = f"the first {counted}; more were not read (--limit)" if answer.more else counted
    if fmt == QueryFormat.json:
        print_json({"query": q.name, "params": params, "columns": keys, "rows": rows, "limit": limit,
                    "more": answer.more})
        return
    if fmt == QueryFormat.csv:
        sys.stdout.write(_csv(keys, rows))
        if answer.more:
            err.print(shown)
        return
    title = f"{q.title} — {shown}"
    if any(_nested(v) for r in rows for v in r.values()):
        _print_records(title, rows)
        return
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for k in keys:
        table.add_column(k, overflow="fold")
    for r in rows:
        table.add_row(*map(_shown, r.values()))
    out.print(table)


def _shown(value: Any) -> str:
    """A flat value as one line: lists joined with '; ', nothing for null."""
    return "; ".join(map(str, value)) if isinstance(value, list) else "" if value is None else str(value)


def _nested(value: Any) -> bool:
    """A map, or a list holding maps or lists: too deep for a table cell."""
    return isinstance(value, dict) or (isinstance(value, list) and any(isinstance(x, (dict, list)) for x in value))


def _print_records(title: str, rows: list[dict[str, Any]]) -> None:
    """Rows whose values nest (the register, paths, analyses' rows): one block each, nested values as YAML.

    Map keys are sorted: Neo4j keeps no order in a map.
    """
    out.print(title)
    for i, row in enumerate(rows, 1):
        out.print(f"\n── row {i} ──")
        width = max(map(len, row), default=0)
        for key, value in row.items():
            if _nested(value):
                text = yaml.safe_dump(value, allow_unicode=True, sort_keys=True, default_flow_style=False,
                                      width=100).rstrip("\n")
                out.print(f"{key}:")
                out.print("\n".join("  " + line for line in text.splitlines()))
            else:
                out.print(f"{key.ljust(width)}  {_shown(value)}")
