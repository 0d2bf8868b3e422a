"""The six analyses answered by Neo4j: the same results as :mod:`dataflows.analyses`, from Cypher.

Every question is one stored query in ``cypher/`` (see :mod:`dataflows.db.queries`):

==========================  ===============================================
query                       embedded version
==========================  ===============================================
``who-shares``              :func:`dataflows.analyses.sharing.flows`
``party-matrix``            :func:`dataflows.analyses.sharing.matrix`
``shortest-path``           :func:`dataflows.analyses.paths.shortest_path`
``paths``                   :func:`dataflows.analyses.paths.all_paths`
``reach``                   :func:`dataflows.analyses.paths.reach`
``creep-drift``             :func:`dataflows.analyses.creep.drift`
``creep-scope``             :func:`dataflows.analyses.creep.scope`
``missing-firewalls``       :func:`dataflows.analyses.firewalls.firewalls`
``safeguard-gaps``          :func:`dataflows.analyses.safeguards.safeguards`
``transparency-register``   :func:`dataflows.analyses.register.register`
==========================  ===============================================

The answer — which flows, which paths and witnesses, distances, verdicts,
cut flows, orderings and citations — comes from Cypher. Python here only
checks names first (``known-names``, so a typo gets the same "did you mean"
as on the embedded engine), passes parameters, and reshapes rows into the
result objects of :mod:`dataflows.analyses`, so that each module's
``report(...)`` renders them and :func:`~dataflows.analyses.render.to_json`
gives byte-identical output on either engine (``tests/db/test_parity.py``
proves it). The reshaping is limited to: turning ``[name, value]`` lists into
dicts (Cypher cannot build a map with computed keys), splitting one-row
answers into their parts, and leaving out keys the embedded result does not
have (such as the complete count each row of a listing carries, kept apart in
:class:`Page`) and the row of nulls that carries the count when ``limit`` 0
lists nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple, cast

import neo4j

from .. import schema as s
from ..analyses import creep, firewalls
from ..analyses.index import CONFIDENCE_RANK, NO_FILTER, FlowFilter, check_name
from ..gcpause import paused_gc, without_gc
from .connect import run_query
from .queries import Query, catalogue

Direction = Literal["down", "up"]


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


class Page(NamedTuple):
    """The rows a listing sends, and how many there are in all (more than sent when a limit cut them)."""

    rows: list[dict[str, Any]]
    total: int


@dataclass
class DriftAnswer:
    """Purpose drift from Neo4j: the same data as :meth:`dataflows.analyses.creep.DriftResult.to_dict`."""

    data: dict[str, Any]

    def to_dict(self, *, limit: int | None = None) -> dict[str, Any]:
        """The JSON-ready result (at most *limit* violations and gaps each, when given)."""
        if limit is None:
            return self.data
        return {**self.data, "violations": self.data["violations"][:limit], "gaps": self.data["gaps"][:limit]}


@dataclass
class FirewallAnswer:
    """Missing firewalls from Neo4j: the same data as :meth:`dataflows.analyses.firewalls.FirewallResult.to_dict`."""

    data: dict[str, Any]

    def to_dict(self, *, limit: int | None = None) -> dict[str, Any]:
        """The JSON-ready result (at most *limit* pairs of each kind, when given)."""
        if limit is None:
            return self.data
        return {**self.data, "missing": self.data["missing"][:limit],
                "unknown_barrier": self.data["unknown_barrier"][:limit]}


def drift_result(answer: DriftAnswer) -> creep.DriftResult:
    """*answer* where :func:`dataflows.analyses.creep.report` expects a result (it only calls ``to_dict``)."""
    return cast(creep.DriftResult, answer)


def firewall_result(answer: FirewallAnswer) -> firewalls.FirewallResult:
    """*answer* where :func:`dataflows.analyses.firewalls.report` expects a result (it only calls ``to_dict``)."""
    return cast(firewalls.FirewallResult, answer)


def _hops(details: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Hop details by flow id."""
    return {h["flow"]: h for h in details}


def _path(flows: list[str], hops: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A path as the analyses give it, from its flow ids and the details of each hop."""
    return {"length": len(flows), "flows": list(flows), "hops": [hops[f] for f in flows]}


def _dicts(result: neo4j.Result) -> list[dict[str, Any]]:
    """Every row of *result* as a dict by column."""
    keys = result.keys()
    return [dict(zip(keys, r, strict=True)) for r in result]


class Neo4jAnalyses:
    """Ask the analyses' questions of a map loaded into Neo4j (``dataflows load``).

    Parameters
    ----------
    driver
        A connected driver (see :func:`dataflows.db.connect.driver`).
    database
        The database holding the map.
    queries_dir
        The folder of ``.cypher`` files (default: ``cypher/``).
    timeout
        Seconds a question may take before the server stops it (default: the server's own limit).

    Examples
    --------
    >>> with driver(Settings.from_env()) as drv:  # doctest: +SKIP
    ...     rows = Neo4jAnalyses(drv, "neo4j").flows(category="biometric")
    """

    def __init__(self, driver: neo4j.Driver, database: str = "neo4j", queries_dir: Path | None = None,
                 timeout: float | None = None) -> None:
        self.driver = driver
        self.database = database
        self.timeout = timeout
        self._queries: dict[str, Query] = catalogue(queries_dir)

    # ------------------------------------------------------------------
    # Running queries and checking names
    # ------------------------------------------------------------------

    def bound(self, name: str, **params: Any) -> tuple[Query, dict[str, Any]]:
        """Stored query *name* and its parameters: *params*, the rest at their declared defaults."""
        query = self._queries[name]
        declared = {p.name for p in query.params}
        unknown = sorted(set(params) - declared)
        if unknown:
            raise TypeError(f"query {name!r} has no parameter {', '.join(unknown)}")
        values: dict[str, Any] = {p.name: p.default for p in query.params}
        values.update(params)
        return query, values

    def run(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run stored query *name* with *params* (the rest take their declared defaults); rows as dicts."""
        query, values = self.bound(name, **params)

        # Answers can be hundreds of thousands of nested rows: no cycle collection while they arrive.
        # run_query retries a transient error (not a query out of memory): the driver, in a managed
        # transaction; or run_query itself, for a query that runs as an auto-commit transaction.
        with paused_gc():
            return run_query(self.driver, query.text, values, _dicts, database=self.database,
                             timeout=self.timeout, every_row=True, auto_commit=query.auto_commit)

    def _check(self, kind: str, name: str, what: str) -> str:
        """*name* if Neo4j knows it as a *kind*, else :class:`UnknownName` with the closest names."""
        ids = self.run("known-names", kind=kind, id=name)[0]["ids"]
        return check_name(name, ids, what)

    def _check_filter(self, flt: FlowFilter) -> None:
        if flt.category is not None:
            self._check("data_category", flt.category, "data category")
        if flt.min_confidence is not None:
            check_name(flt.min_confidence, CONFIDENCE_RANK, "confidence")

    @staticmethod
    def _filter_params(flt: FlowFilter) -> dict[str, Any]:
        return {"category": flt.category, "min_confidence": flt.min_confidence, "unfirewalled": flt.unfirewalled}

    # ------------------------------------------------------------------
    # Who shares what with whom
    # ------------------------------------------------------------------

    def _sharing_params(self, party: str | None, category: str | None, jurisdiction: str | None,
                        sector: str | None, day: dt.date | None) -> dict[str, Any]:
        if party is not None:
            self._check("party", party, "party")
        if category is not None:
            self._check("data_category", category, "data category")
        if jurisdiction is not None:
            self._check("jurisdiction", jurisdiction, "jurisdiction")
        if sector is not None:
            check_name(sector, [x.value for x in s.Sector], "sector")
        return {"party": party, "category": category, "jurisdiction": jurisdiction, "sector": sector,
                "as_of": _day(day)}

    @without_gc
    def flows(self, *, party: str | None = None, category: str | None = None, jurisdiction: str | None = None,
              sector: str | None = None, day: dt.date | None = None, limit: int | None = None) -> Page:
        """Rows of :func:`dataflows.analyses.sharing.flows`, from ``who-shares``, and how many passed.

        With *limit*, only the first *limit* rows (by flow id) are sent; the count is complete.
        """
        rows = self.run("who-shares", **self._sharing_params(party, category, jurisdiction, sector, day),
                        limit=limit)
        count = rows[0]["total"] if rows else 0
        listed = []
        for r in rows:
            del r["total"]
            if r["flow"] is not None:  # the row that carries only the total, when the limit lists none
                r["safeguards"] = dict(r["safeguards"])
                listed.append(r)
        return Page(listed, count)

    @without_gc
    def matrix(self, *, party: str | None = None, category: str | None = None, jurisdiction: str | None = None,
               sector: str | None = None, day: dt.date | None = None) -> list[dict[str, Any]]:
        """Cells of :func:`dataflows.analyses.sharing.matrix`, from ``party-matrix``."""
        return self.run("party-matrix", **self._sharing_params(party, category, jurisdiction, sector, day))

    # ------------------------------------------------------------------
    # Paths and reach
    # ------------------------------------------------------------------

    def shortest_path(self, source: str, target: str, *, flt: FlowFilter = NO_FILTER,
                      day: dt.date | None = None) -> dict[str, Any] | None:
        """The witness shortest path of :func:`dataflows.analyses.paths.shortest_path`, or ``None``."""
        for party in (source, target):
            self._check("party", party, "party")
        self._check_filter(flt)
        rows = self.run("shortest-path", source=source, target=target, as_of=_day(day), **self._filter_params(flt))
        return rows[0] if rows else None

    def all_paths(self, source: str, target: str, *, max_hops: int = 4, flt: FlowFilter = NO_FILTER,
                  day: dt.date | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Every simple path of :func:`dataflows.analyses.paths.all_paths`, from ``paths``."""
        for party in (source, target):
            self._check("party", party, "party")
        self._check_filter(flt)
        rows = self.run("paths", source=source, target=target, max_hops=max_hops, as_of=_day(day),
                        **self._filter_params(flt))
        return rows if limit is None else rows[:limit]

    def reach(self, party: str, *, direction: Direction = "down", flt: FlowFilter = NO_FILTER,
              day: dt.date | None = None, max_hops: int | None = None) -> list[dict[str, Any]]:
        """What :func:`dataflows.analyses.paths.reach` lists, from ``reach``."""
        self._check("party", party, "party")
        self._check_filter(flt)
        rows = self.run("reach", party=party, direction=direction, as_of=_day(day), max_hops=max_hops,
                        **self._filter_params(flt))
        # Each row details one hop (the one by which its witness reaches the party); every witness is
        # made of such hops, so the paths are spelled out from them by flow id.
        with paused_gc():
            hops = _hops(r["hop"] for r in rows)
            return [{"party": r["party"], "label": r["label"], "kind": r["kind"], "distance": r["distance"],
                     "path": _path(r["flows"], hops)} for r in rows]

    # ------------------------------------------------------------------
    # Function creep
    # ------------------------------------------------------------------

    def drift(self, *, flt: FlowFilter = NO_FILTER, day: dt.date | None = None,
              limit: int | None = None) -> DriftAnswer:
        """Purpose drift as :meth:`dataflows.analyses.creep.DriftResult.to_dict` gives it, from ``creep-drift``.

        With *limit*, Neo4j builds at most that many violation and gap records
        (the counts stay complete).
        """
        self._check_filter(flt)
        row = self.run("creep-drift", category=flt.category, min_confidence=flt.min_confidence, as_of=_day(day),
                       limit=limit)[0]
        violations, gaps = row["records"]
        return DriftAnswer({"counts": row["counts"], "violations": violations, "gaps": gaps,
                            "unassessed": row["unassessed"], "as_of": _day(day)})

    def scope(self, *, system: str | None = None, day: dt.date | None = None) -> list[dict[str, Any]]:
        """Scope-change timelines of :func:`dataflows.analyses.creep.scope`, from ``creep-scope``."""
        if system is not None:
            self._check("system", system, "system")
        return self.run("creep-scope", system=system, as_of=_day(day))

    # ------------------------------------------------------------------
    # Firewalls, safeguards, register
    # ------------------------------------------------------------------

    def firewalls(self, *, public_sectors: Iterable[str] = firewalls.PUBLIC_SERVICE_SECTORS,
                  enforcement_sectors: Iterable[str] = firewalls.ENFORCEMENT_SECTORS,
                  flt: FlowFilter = NO_FILTER, day: dt.date | None = None,
                  limit: int | None = None) -> FirewallAnswer:
        """Missing firewalls as :meth:`dataflows.analyses.firewalls.FirewallResult.to_dict` gives them.

        With *limit*, only the first *limit* pairs of each kind are detailed (the counts are complete).
        """
        known = [x.value for x in s.Sector]
        pub = sorted({check_name(x, known, "sector") for x in public_sectors})
        enf = sorted({check_name(x, known, "sector") for x in enforcement_sectors})
        self._check_filter(flt)
        row = self.run("missing-firewalls", public_sectors=pub, enforcement_sectors=enf, category=flt.category,
                       min_confidence=flt.min_confidence, as_of=_day(day), limit=limit)[0]
        return FirewallAnswer({
            "public_sectors": row["public_sectors"], "enforcement_sectors": row["enforcement_sectors"],
            "origins": row["origins"], "enforcement_parties": row["enforcement_parties"],
            "counts": {firewalls.MISSING: row["counts"]["missing"],
                       firewalls.UNKNOWN_BARRIER: row["counts"]["unknown_barrier"]},
            "missing": row["missing"], "unknown_barrier": row["unknown_barrier"], "as_of": _day(day),
        })

    @without_gc
    def safeguards(self, *, day: dt.date | None = None, limit: int | None = None) -> dict[str, Any]:
        """Flows and systems with safeguard gaps, as :func:`dataflows.analyses.safeguards.safeguards` gives them,
        and their ``counts``.

        With *limit*, only the first *limit* flows and systems (by id) are sent; the counts are complete.
        """
        rows = self.run("safeguard-gaps", as_of=_day(day), limit=limit)
        return {
            "flows": [{"flow": r["id"], "from": r["from"], "to": r["to"], "gaps": r["gaps"]}
                      for r in rows if r["kind"] == "flow"],
            "systems": [{"system": r["id"], "label": r["label"], "gaps": r["gaps"]}
                        for r in rows if r["kind"] == "system"],
            "counts": {"flows": rows[0]["flow_count"] if rows else 0,
                       "systems": rows[0]["system_count"] if rows else 0},
        }

    @without_gc
    def register(self, *, system: str | None = None, day: dt.date | None = None) -> list[dict[str, Any]]:
        """The transparency register of :func:`dataflows.analyses.register.register`."""
        if system is not None:
            self._check("system", system, "system")
        rows = self.run("transparency-register", system=system, as_of=_day(day))
        for r in rows:
            r["fields"] = {f["name"]: {"status": f["status"], "text": f["text"], "citations": f["citations"]}
                           for f in r["fields"]}
        return rows
