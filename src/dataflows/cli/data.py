"""Commands on the dataset: validate, build (the main job), schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from .. import settings
from ..dataset import load
from ..errors import SettingsError
from ..job import run
from ..jsontext import dumps
from ..schema import SECTIONS
from .common import AsOf, DataDir, Format, FormatOpt, SourcesDir, Strict, err, handled, out, parse_day, print_json


def _dirs(data_dir: Path | None, sources_dir: Path | None) -> tuple[Path, Path | None]:
    data = settings.data_dir(data_dir)
    return data, settings.sources_dir(data, sources_dir)


def _quote_line(counts: dict[str, int], sources: Path | None) -> str:
    line = f"quotes checked against source texts: {counts.get('checked', 0)}"
    if counts.get("unchecked"):
        why = ("they cite documents with no local text" if sources
               else "no folder of source texts: set DATAFLOWS_SOURCES_DIR")
        line += f"; unchecked: {counts['unchecked']} ({why})"
    return line


def validate(
    data_dir: DataDir = None,
    sources_dir: SourcesDir = None,
    strict: Strict = False,
    fmt: FormatOpt = Format.text,
) -> None:
    """Check every data file and report every problem at once.

    Each problem names the file, line, record and field, says what is wrong
    and how to fix it. Writes nothing.

    Exit codes: 0 valid; 2 problems found (or the folder is missing).
    """
    data, sources = _dirs(data_dir, sources_dir)
    with handled(fmt):
        ds = load(data, sources, require_texts=strict)
    counts = {sec: len(recs) for sec, recs in sorted(ds.records.items())}
    if fmt == Format.json:
        print_json({"ok": True, "records": counts, "quotes": ds.quote_checks})
        return
    total = sum(counts.values())
    out.print(f"{data}: valid — {total} records ({', '.join(f'{n} {k}' for k, n in counts.items())})")
    out.print(_quote_line(ds.quote_checks, sources))


def _table(title: str, counts: dict[str, int]) -> Table:
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("")
    table.add_column("count", justify="right")
    for k, v in counts.items():
        table.add_row(k, str(v))
    return table


def print_summary(summary: dict[str, Any]) -> None:
    """Print the map's counts as readable tables."""
    out.print(
        f"The map: {summary['nodes']} nodes, {summary['flows']} flows, "
        f"{summary['citations']} citations, {summary['figures']} figures"
        + (f" (as of {summary['as_of']})" if summary.get("as_of") else "")
    )
    for key, title in (
        ("nodes_by_kind", "Nodes by kind"),
        ("flows_by_kind", "Flows by kind (mechanism)"),
        ("flows_by_status", "Flows by status"),
        ("flows_by_firewall", "Flows by firewall"),
        ("by_jurisdiction", "Nodes and flows by jurisdiction"),
        ("citations_by_evidence_type", "Citations by evidence type"),
    ):
        out.print()
        out.print(_table(title, summary[key]))
    out.print()
    table = Table(title="By seed file (documents a seed cites are counted with it)", title_justify="left",
                  show_edge=False, pad_edge=False)
    for col, just in (("seed file", "left"), ("nodes", "right"), ("flows", "right"), ("citations", "right")):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for seed, row in summary["by_seed"].items():
        table.add_row(seed, str(row["nodes"]), str(row["flows"]), str(row["citations"]))
    out.print(table)


def build(
    data_dir: DataDir = None,
    sources_dir: SourcesDir = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output folder. [env: DATAFLOWS_OUT_DIR; default: ./build]",
                     show_default=False),
    ] = None,
    as_of: AsOf = None,
    strict: Strict = False,
    fmt: FormatOpt = Format.text,
) -> None:
    """The main job: validate the map, build the graph, summarise it and write the output.

    Writes summary.json, graph.json, dataset.json, the reports (reports/) and the
    published site (site/) into the output folder, all at once: if anything fails,
    the previous output is left untouched. The folder is replaced as a whole, so a
    folder that holds anything else (your own files) is refused and left as it is.

    Exit codes: 0 done; 1 output could not be written; 2 the data is invalid.
    """
    data, sources = _dirs(data_dir, sources_dir)
    target = settings.out_dir(out_dir)
    day = parse_day(as_of)
    with handled(fmt):
        if fmt != Format.json:
            err.print(f"validating {data} …", markup=False)
        result = run(data, sources, target, day=day, require_texts=strict)
    if fmt == Format.json:
        print_json({"ok": True, "out": str(target), "files": result.files, "summary": result.summary})
        return
    print_summary(result.summary)
    out.print()
    out.print(_quote_line(result.summary["quotes"], sources))
    groups: dict[str, int] = {}
    for name in result.files:
        head = name.split("/", 1)[0] + "/" if "/" in name else name
        groups[head] = groups.get(head, 0) + 1
    parts = [k if k.endswith(".json") else f"{k} ({n} files)" for k, n in groups.items()]
    out.print(f"wrote {len(result.files)} files to {target}: {', '.join(parts)}")
    if "site/" in groups:
        out.print(f"open {target / 'site' / 'index.html'} in a browser to explore the map")


def schema(
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the JSON Schema files.")
    ] = Path("graph_data/schema"),
    check: Annotated[
        bool, typer.Option("--check", help="Do not write; exit 1 if the files on disk are out of date.")
    ] = False,
) -> None:
    """Export the JSON Schema of every section, for editors that check YAML as you type.

    Writes one file per section, e.g. flows.schema.json (a list of flow records).
    """
    files = schema_files()
    if check:
        stale = [n for n, text in files.items()
                 if not (out_dir / n).is_file() or (out_dir / n).read_text(encoding="utf-8") != text]
        if stale:
            err.print(f"out of date in {out_dir}: {', '.join(stale)} — run 'dataflows schema'")
            raise typer.Exit(1)
        out.print(f"{out_dir}: {len(files)} schema files up to date")
        return
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (out_dir / name).write_text(text, encoding="utf-8")
    except OSError as exc:
        with handled():
            raise SettingsError(f"cannot write {out_dir}: {exc.strerror}") from None
    out.print(f"wrote {len(files)} schema files to {out_dir}")


def schema_files() -> dict[str, str]:
    """File name → JSON Schema text, one per section."""
    files = {}
    for section, model in SECTIONS.items():
        item = model.model_json_schema(by_alias=True, mode="validation")
        defs = item.pop("$defs", {})
        doc = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"dataflows {section}",
            "description": f"A list of {model.__name__} records. " + (model.__doc__ or "").strip().split("\n")[0],
            "type": "array",
            "items": item,
        }
        if defs:
            doc["$defs"] = defs
        files[f"{section}.schema.json"] = dumps(doc)
    return files
