"""The stored Cypher queries in ``cypher/``: read, list, check and run them.

Each ``cypher/NAME.cypher`` file starts with a header of ``//`` comment lines::

    // name: flows-by-category
    // title: Flows carrying a data category
    // description: Every flow that carries the category or a narrower one.
    // param: category (string, required) A data category id, e.g. fingerprint.
    // param: limit (int, default 100) At most this many rows.
    // mode: read

then the query. Values reach the query only as ``$parameters``; the header
says which, and :func:`parse` makes sure the header and the text agree. An
``int`` parameter counts something (rows, hops): a whole number, 0 or more — a
negative one would slice a list from its end.

A query that runs part of its work in transactions of its own (``CALL { … } IN
CONCURRENT TRANSACTIONS``, which lets Neo4j use more than one core) says so in
its header with ``// transaction: auto-commit``: Neo4j runs such a query only
as an auto-commit transaction, never inside a transaction a client opened
(Neo4j Browser needs the prefix ``:auto``), so :func:`execute` runs it that way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import neo4j

from ..errors import SettingsError, UnknownName
from .connect import run_query

TYPES = ("string", "int", "float", "bool", "date", "list")
_PARAM = re.compile(r"^(?P<name>[a-z_][a-z0-9_]*) \((?P<type>\w+)(?:, (?P<req>required|default (?P<default>.+?)))?\)"
                    r"\s+(?P<doc>.+)$")
_USED = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_IN_TRANSACTIONS = re.compile(r"\bIN\s+(?:\S+\s+)?(?:CONCURRENT\s+)?TRANSACTIONS\b", re.IGNORECASE)
_COMMENT = re.compile(r"//[^\n]*")
AUTO_COMMIT = "auto-commit"
"""The header's ``transaction:`` value of a query that must run as an auto-commit transaction."""


@dataclass(frozen=True)
class Param:
    """A declared parameter."""

    name: str
    type: str
    required: bool
    default: Any
    doc: str


@dataclass(frozen=True)
class Query:
    """One stored query."""

    name: str
    title: str
    description: str
    mode: str
    params: tuple[Param, ...]
    text: str
    path: Path
    problems: tuple[str, ...] = field(default=())
    auto_commit: bool = False
    """The query runs ``CALL { … } IN [CONCURRENT] TRANSACTIONS``, so only as an auto-commit transaction (its text
    decides, whether or not its header says so: a header that does not is one of the ``problems``)."""


def default_folder() -> Path:
    """``cypher/`` in the working folder, else beside the installed package's checkout."""
    here = Path("cypher")
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[3] / "cypher"


def _coerce(p: Param, raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    try:
        if p.type == "int":
            if int(raw) < 0:
                raise SettingsError(f"parameter {p.name}={raw!r} must be 0 or more")
            return int(raw)
        if p.type == "float":
            return float(raw)
        if p.type == "bool":
            if raw.lower() in ("true", "yes", "1"):
                return True
            if raw.lower() in ("false", "no", "0"):
                return False
            raise ValueError(raw)
        if p.type == "date":
            return dt.date.fromisoformat(raw).isoformat()
        if p.type == "list":
            return [x.strip() for x in raw.split(",") if x.strip()]
    except ValueError:
        raise SettingsError(f"parameter {p.name}={raw!r} is not a valid {p.type}") from None
    return raw


def parse(path: Path) -> Query:
    """Read one ``.cypher`` file; header problems are kept in ``problems``."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    params: list[Param] = []
    problems: list[str] = []
    body: list[str] = []
    in_header = True
    for line in text.splitlines():
        if in_header and line.startswith("//"):
            content = line[2:].strip()
            if ":" not in content:
                continue
            key, _, value = content.partition(":")
            key, value = key.strip(), value.strip()
            if key == "param":
                m = _PARAM.match(value)
                if not m or m["type"] not in TYPES:
                    problems.append(f"bad param line {value!r}: write 'name (type[, required|, default X]) text'"
                                    f" with type one of {', '.join(TYPES)}")
                    continue
                req = m["req"] == "required"
                p = Param(m["name"], m["type"], req, None, m["doc"])
                default = _coerce(p, m["default"]) if m["default"] is not None else None
                params.append(Param(m["name"], m["type"], req, default, m["doc"]))
            else:
                meta[key] = value
        else:
            in_header = False
            body.append(line)
    query_text = "\n".join(body).strip()
    for key in ("name", "title", "description", "mode"):
        if key not in meta:
            problems.append(f"header has no '{key}:' line")
    if meta.get("name") and meta["name"] != path.stem:
        problems.append(f"header name {meta['name']!r} differs from the file name {path.stem!r}")
    if meta.get("mode") not in (None, "read", "write"):
        problems.append(f"mode must be read or write, not {meta.get('mode')!r}")
    says_auto = meta.get("transaction") == AUTO_COMMIT
    if meta.get("transaction") not in (None, AUTO_COMMIT):
        problems.append(f"transaction must be {AUTO_COMMIT} (or no such line), not {meta['transaction']!r}")
    # The query's own text decides how it runs (comments may mention the clause); the header tells its reader.
    auto_commit = bool(_IN_TRANSACTIONS.search(_COMMENT.sub("", query_text)))
    if auto_commit and not says_auto:
        problems.append(f"the query runs CALL {{ … }} IN TRANSACTIONS, which Neo4j allows only in an auto-commit"
                        f" transaction: its header needs a 'transaction: {AUTO_COMMIT}' line")
    if says_auto and not auto_commit:
        problems.append(f"the header says 'transaction: {AUTO_COMMIT}' but the query runs no CALL {{ … }}"
                        " IN TRANSACTIONS: leave the line out, so that it runs in a transaction that is retried whole")
    used = set(_USED.findall(query_text))
    declared = {p.name for p in params}
    for name in sorted(used - declared):
        problems.append(f"${name} is used but not declared in the header")
    for name in sorted(declared - used):
        problems.append(f"parameter {name!r} is declared but not used")
    return Query(meta.get("name", path.stem), meta.get("title", ""), meta.get("description", ""),
                 meta.get("mode", "read"), tuple(params), query_text, path, tuple(problems), auto_commit)


def catalogue(folder: Path | None = None) -> dict[str, Query]:
    """Every stored query by name."""
    folder = folder or default_folder()
    if not folder.is_dir():
        raise SettingsError(f"no query folder at {folder}: run from the project folder")
    return {q.name: q for q in (parse(p) for p in sorted(folder.glob("*.cypher")))}


def get(name: str, folder: Path | None = None) -> Query:
    """One stored query; an unknown name lists the known ones."""
    queries = catalogue(folder)
    if name not in queries:
        raise UnknownName(f"no stored query {name!r}; known queries: {', '.join(sorted(queries))}")
    return queries[name]


def bind(query: Query, given: dict[str, str]) -> dict[str, Any]:
    """Check and convert ``key=value`` parameters against the header."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise SettingsError(f"query {query.name!r} has no parameter {', '.join(unknown)};"
                            f" it takes: {', '.join(declared) or 'none'}")
    out: dict[str, Any] = {}
    for p in query.params:
        if p.name in given:
            out[p.name] = _coerce(p, given[p.name])
        elif p.required:
            raise SettingsError(f"query {query.name!r} needs --param {p.name}=… ({p.doc})")
        else:
            out[p.name] = p.default
    return out


class Answer(NamedTuple):
    """What a stored query returned: its columns, its rows, and whether rows past a limit were left unread."""

    keys: list[str]
    records: list[neo4j.Record]
    more: bool


def check_limit(query: Query, limit: int | None) -> None:
    """A row limit is for reading queries only: a query that writes (``mode: write``) always runs whole."""
    if limit is not None and query.mode != "read":
        raise SettingsError(f"query {query.name!r} writes (mode: write), so it always runs whole;"
                            " leave out --limit")


READ_CHUNK = 10_000
"""Rows read between two calls of :func:`execute`'s *on_rows*."""


def execute(drv: neo4j.Driver, query: Query, params: dict[str, Any], *, database: str,
            limit: int | None = None, timeout: float | None = None,
            on_rows: Callable[[int], None] | None = None) -> Answer:
    """Run *query* with *params*; with *limit*, read only the first *limit* rows it returns.

    The rows past the limit are discarded unread, and Neo4j stops a read query
    where its reader stops: it computes rows as they are pulled, so the first
    rows of an answer of millions come back at once (a query that sorts must
    still see every row before its first). A query whose header says ``mode:
    write`` always runs whole, so it takes no limit. *timeout*: seconds before
    the server stops the query (default: the server's own limit). Reads go to
    readers on a cluster. *on_rows*: called with the number of rows read so far, every
    :data:`READ_CHUNK` rows and at the end (from the start again if the driver retries); with a
    limit, never more than the limit (the one row read past it is not counted).
    """
    check_limit(query, limit)

    def first(result: neo4j.Result) -> Answer:
        keys = list(result.keys())
        # One row past the limit says whether there were more.
        want = None if limit is None else limit + 1
        records: list[neo4j.Record] = []
        while want is None or len(records) < want:
            chunk = result.fetch(READ_CHUNK if want is None else min(READ_CHUNK, want - len(records)))
            if not chunk:
                break
            records.extend(chunk)
            if on_rows is not None:
                # The row read past a limit only says whether there were more: it is not counted.
                on_rows(len(records) if limit is None else min(len(records), limit))
        if on_rows is not None and not records:
            on_rows(0)
        if limit is None:
            return Answer(keys, records, False)
        return Answer(keys, records[:limit], len(records) > limit)

    return run_query(drv, query.text, params, first, database=database, write=query.mode != "read", timeout=timeout,
                     every_row=limit is None, auto_commit=query.auto_commit)


def mode_text(query: Query) -> str:
    """``read`` or ``write``, and ``, auto-commit`` for a query Neo4j runs only as an auto-commit transaction."""
    return query.mode + (f", {AUTO_COMMIT}" if query.auto_commit else "")


def catalogue_markdown(folder: Path | None = None) -> str:
    """The catalogue of stored queries as a Markdown table (the README's catalogue)."""
    lines = ["| query | mode | parameters | what it answers |", "|---|---|---|---|"]
    for q in catalogue(folder).values():
        params = "<br>".join(
            f"`{p.name}` ({p.type}{', required' if p.required else ''}) {p.doc}" for p in q.params
        ) or "—"
        # A title is a sentence: it gains a full stop unless it ends in its own (a question mark).
        title = q.title if q.title.endswith((".", "?", "!")) else f"{q.title}."
        text = f"**{title}** {q.description}".replace("|", r"\|")
        params = params.replace("|", r"\|")
        lines.append(f"| `{q.name}` | {mode_text(q)} | {params} | {text} |")
    return "\n".join(lines) + "\n"
