"""Turn the embedded graph into the rows the loader writes, and fingerprint them.

Neo4j properties cannot be maps, so nested values are flattened
(``firewall`` → ``firewall`` status + ``firewall_note``; a system's
transparency fields → ``register_purpose``, ``register_purpose_text`` …).
``None`` is left out (Neo4j does not store nulls). Citations become nodes of
their own, one per citation, with a stable id.

The same canonical form is used for the checksum of what is loaded and of what
is read back, so "loaded twice gives the same graph" can be checked exactly.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from typing import Any

import networkx as nx
import orjson

from ..gcpause import without_gc
from .vocab import EDGE_TYPES, NODE_LABELS, Label, Rel

REGISTER_FIELDS = ("purpose", "operation", "data_types", "decisions", "reviews")


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    """Drop ``None`` values and lists' ``None`` members; lists and tuples become new lists."""
    # One comprehension, and a list is filtered element by element only when it holds a None
    # (``None in v`` runs in C): graph_rows took 4.2 s instead of 4.5 s at 300,000 flows (measured).
    return {k: (v if not isinstance(v, (list, tuple))
                else [x for x in v if x is not None] if None in v
                else list(v))
            for k, v in props.items() if v is not None}


@dataclass
class Rows:
    """Everything to write, grouped by what the loader does with it."""

    nodes: dict[tuple[Label, ...], list[dict[str, Any]]] = field(default_factory=dict)
    """Labels → property rows (each with ``id``)."""
    rels: dict[tuple[Rel, Label, Label], list[dict[str, Any]]] = field(default_factory=dict)
    """(type, start label, end label) → rows ``{"from", "to", "props"}``."""

    def add_node(self, labels: tuple[Label, ...], props: dict[str, Any]) -> None:
        """Queue a node."""
        self.nodes.setdefault(labels, []).append(_clean(props))

    def add_rel(self, rel: Rel, start: Label, end: Label, a: str, b: str, props: dict[str, Any], *,
                fresh: bool = False) -> None:
        """Queue a relationship between two nodes found by id.

        *fresh*: every list in *props* was made for this row and holds no None, so only None values are
        dropped and the lists are not looked into (a flow's: at a million flows, part of what made building
        the rows take 14.5-15.1 s instead of 16.8-20.4 s, measured).
        """
        clean = {k: v for k, v in props.items() if v is not None} if fresh else _clean(props)
        self.rels.setdefault((rel, start, end), []).append({"from": a, "to": b, "props": clean})

    def counts(self) -> dict[str, int]:
        """Number of nodes per primary label and relationships per type."""
        out: dict[str, int] = {}
        for labels, rows in self.nodes.items():
            key = labels[-1].value
            out[key] = out.get(key, 0) + len(rows)
        for (rel, _, _), rows in self.rels.items():
            out[rel.value] = out.get(rel.value, 0) + len(rows)
        return dict(sorted(out.items()))


def citation_id(c: dict[str, Any]) -> str:
    """A stable id for one piece of evidence: the same source, locator, quote, grade and confidence."""
    key = json.dumps([c["source"], c["locator"], c["quote"], c["evidence_type"], c["confidence"], c.get("note")],
                     ensure_ascii=False)
    return "cit-" + hashlib.sha256(key.encode()).hexdigest()[:20]


class _Citations:
    """Distinct citations, written once each however many claims they support."""

    def __init__(self, rows: Rows) -> None:
        self.rows = rows
        self.seen: set[str] = set()
        # Citation dicts are often shared between records: hash each object once. The dict is kept
        # alongside its id so that a recycled object id can never be mistaken for it.
        self._ids: dict[int, tuple[dict[str, Any], str]] = {}

    def node(self, c: dict[str, Any]) -> str:
        hit = self._ids.get(id(c))
        if hit is not None and hit[0] is c:
            return hit[1]
        cid = citation_id(c)
        self._ids[id(c)] = (c, cid)
        if cid not in self.seen:
            self.seen.add(cid)
            self.rows.add_node((Label.citation,), {
                "id": cid, "source": c["source"], "locator": c["locator"], "quote": c["quote"],
                "evidence_type": c["evidence_type"], "confidence": c["confidence"], "note": c.get("note"),
            })
            self.rows.add_rel(Rel.cites, Label.citation, Label.source, cid, c["source"], {})
        return cid

    def support(self, target: tuple[Label, str], claim: str, cits: list[dict[str, Any]]) -> list[str]:
        """Link citations to a node they support; return their source ids.

        ``pos`` keeps each citation's place in its claim's list, so a reader of
        the database gets the citations in the order the map gives them.
        """
        for pos, c in enumerate(cits):
            self.rows.add_rel(Rel.supports, Label.citation, target[0], self.node(c), target[1],
                              {"claim": claim, "pos": pos})
        return [c["source"] for c in cits]

    def on_rel(self, props: dict[str, Any], claims: list[tuple[str, list[dict[str, Any]]]]) -> None:
        """A relationship's citations: parallel ``citation_ids`` / ``citation_claims`` lists and ``sources``.

        A flow is a relationship, so its citations cannot be linked to it; the
        ids point at the Citation nodes (``MATCH (c:Citation) WHERE c.id IN f.citation_ids``).
        """
        ids: list[str] = []
        names: list[str] = []
        sources: set[str] = set()
        known = self._ids
        for claim, cits in claims:
            for c in cits:
                # node()'s own first step, inline: almost every citation here was seen before.
                hit = known.get(id(c))
                ids.append(hit[1] if hit is not None and hit[0] is c else self.node(c))
                names.append(claim)
                sources.add(c["source"])
        props["citation_ids"] = ids
        props["citation_claims"] = names
        props["sources"] = sorted(sources)


@without_gc
def graph_rows(g: nx.MultiDiGraph) -> Rows:
    """Rows for every node, edge, citation, source, figure and rule of *g*."""
    rows = Rows()
    cites = _Citations(rows)
    for sid, src in sorted(g.graph.get("sources", {}).items()):
        rows.add_node((Label.source,), {
            "id": sid, "title": src.get("title"), "publisher": src.get("publisher"), "date": src.get("date"),
            "evidence_type": src.get("evidence_type"), "file": src.get("file"), "url": src.get("url"),
            "reference": src.get("reference"), "cited_in": src.get("cited_in"),
        })
    names = g.graph.get("jurisdiction_names", {})
    for jid, parent in sorted(g.graph.get("jurisdictions", {}).items()):
        rows.add_node((Label.jurisdiction,), {"id": jid, "name": names.get(jid, jid), "parent": parent})
        if parent:
            rows.add_rel(Rel.within, Label.jurisdiction, Label.jurisdiction, jid, parent, {})

    for nid, a in sorted(g.nodes(data=True), key=lambda x: str(x[0])):
        kind = a["kind"]
        lbls = NODE_LABELS[kind]
        props: dict[str, Any] = {"id": nid, "name": a.get("label"), "description": a.get("description")}
        if kind == "agency":
            props.update(sector=a.get("sector"), jurisdiction=a.get("jurisdiction"), aliases=a.get("aliases"))
        elif kind == "system":
            period = a.get("period") or {}
            props.update(kinds=a.get("system_kinds"), jurisdiction=a.get("jurisdiction"), status=a.get("status"),
                         start=period.get("start"), end=period.get("end"), aliases=a.get("aliases"))
            for name in REGISTER_FIELDS:
                f = (a.get("transparency") or {}).get(name) or {"status": "unknown"}
                props[f"register_{name}"] = f["status"]
                props[f"register_{name}_text"] = f.get("text")
                cites.support((lbls[0], nid), f"transparency.{name}", f.get("citations", []))
            for name, f in sorted((a.get("safeguards") or {}).items()):
                props[f"safeguard_{name}"] = f["status"]
                props[f"safeguard_{name}_note"] = f.get("note")
                cites.support((lbls[0], nid), f"safeguards.{name}", f.get("citations", []))
            for i, ch in enumerate(a.get("scope_changes") or []):
                sc_id = f"{nid}:scope:{i}"
                rows.add_node((Label.scope_change,), {
                    "id": sc_id, "system": nid, "date": ch.get("date"), "dimension": ch["dimension"],
                    "status": ch["status"], "description": ch["description"], "categories": ch.get("categories"),
                    "subjects": ch.get("subjects"), "users": ch.get("users"), "purposes": ch.get("purposes"),
                })
                rows.add_rel(Rel.scope_change, Label.system, Label.scope_change, nid, sc_id, {})
                cites.support((Label.scope_change, sc_id), "record", ch.get("citations", []))
        elif kind in ("data_category", "purpose"):
            props.update(parent=a.get("parent"))
            if kind == "data_category":
                props.update(special=bool(a.get("special")))
        srcs = cites.support((lbls[0], nid), "record", a.get("citations", []))
        props["sources"] = sorted(set(srcs))
        rows.add_node(lbls, props)
        if props.get("jurisdiction"):
            rows.add_rel(Rel.in_jurisdiction, lbls[0], Label.jurisdiction, nid, props["jurisdiction"], {})

    # By sender, then recipient, then key: the loader's batches then start at few nodes (on the synthetic
    # map of a million flows, 20,000 flows from about 2,100 senders rather than from about 16,000), which
    # Neo4j writes with about a fifth less work (47 CPU-s of the server instead of 60; 34 s instead of 41 s).
    edges = list(g.edges(keys=True, data=True))
    if all(type(u) is str and type(v) is str and type(k) is str for u, v, k, _ in edges):
        edges.sort(key=itemgetter(0, 1, 2))  # the same order as below, as every id and key is text already
    else:
        edges.sort(key=lambda e: (str(e[0]), str(e[1]), str(e[2])))
    first_label = {n: NODE_LABELS[k][0] for n, k in g.nodes(data="kind")}
    # A flow's safeguard property names and claim, made once per safeguard name rather than per flow.
    safeguard_keys: dict[str, tuple[str, str, str]] = {}
    for u, v, key, a in edges:
        kind = a["kind"]
        rel = EDGE_TYPES[kind]
        start = first_label[u]
        end = first_label[v]
        ekey = str(key)
        # A flow's key is its id (``f.id``); other relationships keep theirs as ``key``.
        if kind == "flow":
            period = a.get("period") or {}
            lb = a.get("legal_basis") or {"status": "unknown"}
            fw = a.get("firewall") or {"status": "unknown"}
            # A dict display, not update(**kwargs), which builds the same dict twice (a flow's props).
            props = {
                "id": a["id"], "categories": sorted(a.get("categories") or []), "purpose": a.get("purpose"),
                "collected_for": a.get("collected_for"), "mechanism": a.get("mechanism"), "status": a.get("status"),
                "start": period.get("start"), "end": period.get("end"), "jurisdiction": a.get("jurisdiction"),
                "legal_basis": lb["status"], "legal_basis_text": lb.get("text"), "firewall": fw["status"],
                "firewall_note": fw.get("note"), "description": a.get("description"),
            }
            if ekey != props["id"]:
                props = {"key": ekey, **props}
            claims = [("record", a.get("citations", [])), ("legal_basis", lb.get("citations", [])),
                      ("firewall", fw.get("citations", []))]
            for name, f in sorted((a.get("safeguards") or {}).items()):
                keys = safeguard_keys.get(name)
                if keys is None:
                    keys = safeguard_keys[name] = (f"safeguard_{name}", f"safeguard_{name}_note", f"safeguards.{name}")
                props[keys[0]] = f["status"]
                props[keys[1]] = f.get("note")
                claims.append((keys[2], f.get("citations", [])))
            cites.on_rel(props, claims)
        else:
            props = {"key": ekey}
            for name in ("role", "purpose", "via", "how"):
                if a.get(name) is not None:
                    props[name] = a[name]
            if kind == "holds":
                props["subjects"] = a.get("subjects") or []
            if kind == "operates":
                period = a.get("period") or {}
                props.update(start=period.get("start"), end=period.get("end"))
            cites.on_rel(props, [("record", a.get("citations", []))])
        # A flow's lists are all new here (sorted categories, on_rel's citation lists) and hold no None.
        rows.add_rel(rel, start, end, u, v, props, fresh=kind == "flow")

    for fg in g.graph.get("figures", []):
        period = fg.get("period") or {}
        rows.add_node((Label.figure,), {
            "id": fg["id"], "subject": fg["subject"], "area": fg.get("area"), "jurisdiction": fg.get("jurisdiction"),
            "group": fg.get("group"), "comparator": fg.get("comparator"), "measure": fg["measure"],
            "value": float(fg["value"]), "start": period.get("start"), "end": period.get("end"),
            "description": fg["description"],
        })
        rows.add_rel(Rel.about, Label.figure, Label.party, fg["id"], fg["subject"], {})
        cites.support((Label.figure, fg["id"]), "record", fg.get("citations", []))
    for rule in g.graph.get("purpose_rules", []):
        rows.add_node((Label.purpose_rule,), {
            "id": rule["id"], "collected_for": rule["collected_for"], "used_for": rule["used_for"],
            "compatible": rule["compatible"], "reason": rule["reason"],
        })
        rows.add_rel(Rel.collected_for, Label.purpose_rule, Label.purpose, rule["id"], rule["collected_for"], {})
        rows.add_rel(Rel.used_for, Label.purpose_rule, Label.purpose, rule["id"], rule["used_for"], {})
        cites.support((Label.purpose_rule, rule["id"]), "record", rule.get("citations") or [])
    return rows


_PLAIN = frozenset({str, int, bool, type(None)})
"""Types :func:`canonical` writes as they are."""
_PLAIN_OR_LIST = _PLAIN | {list}
_IS_LIST = list.__instancecheck__


@without_gc
def canonical(nodes: Iterator[tuple[list[str], dict[str, Any]]],
              rels: Iterator[tuple[str, str, str, dict[str, Any]]]) -> str:
    """A checksum of a graph given as (labels, props) nodes and (type, from-id, to-id, props) relationships.

    Each record is written as JSON with sorted keys and hashed (SHA-256); the
    checksum is the SHA-256 of those hashes, sorted, the nodes' then the
    relationships'. So it does not depend on the order of the records, and a
    record present twice counts twice. Floats that are whole numbers and ints
    hash the same.
    """
    def norm(v: Any) -> Any:
        if type(v) is float and v.is_integer():
            return int(v)
        if isinstance(v, (list, tuple)):
            return v if {*map(type, v)} <= _PLAIN else [norm(x) for x in v]
        return v

    def props(p: dict[str, Any]) -> dict[str, Any]:
        # Most records hold only plain values and lists of them, and are written as they are: tested with
        # C-level iteration (set.issuperset over map/filter), not a comprehension over every value. At a
        # million flows the checksum took 5.6-6.0 s instead of 6.7-7.1 s of the loader's CPU (measured), which on a
        # 2-core machine is taken from the server writing the flows.
        values = p.values()
        if _PLAIN_OR_LIST.issuperset(map(type, values)) and \
                _PLAIN.issuperset(map(type, chain.from_iterable(filter(_IS_LIST, values)))):
            return p
        return {k: v if type(v) in _PLAIN else norm(v) for k, v in p.items()}  # key order: orjson sorts

    # Each record's JSON is hashed as soon as it is written, and only the 32-byte hashes are kept and
    # sorted. At a million flows, keeping and sorting the JSON lines themselves (json.dumps strings)
    # took 19 s of the loader's CPU, taken from the threads that send the batches; this takes 7.5 s.
    # The map became live about 17 s sooner (the CPU is otherwise Neo4j's, which writes the batches).
    dumps, sort_keys, sha256 = orjson.dumps, orjson.OPT_SORT_KEYS, hashlib.sha256
    digest = sha256()
    digest.update(b"".join(sorted(sha256(dumps([sorted(lbls), props(p)], option=sort_keys)).digest()
                                  for lbls, p in nodes)))
    digest.update(b"--")
    digest.update(b"".join(sorted(sha256(dumps([t, a, b, props(p)], option=sort_keys)).digest()
                                  for t, a, b, p in rels)))
    return digest.hexdigest()


def rows_checksum(rows: Rows) -> str:
    """Checksum of what the loader is about to write (see :func:`canonical`)."""
    return canonical(
        ((
            [lbl.value for lbl in labels], r) for labels, rs in rows.nodes.items() for r in rs),
        ((t.value, r["from"], r["to"], r["props"]) for (t, _, _), rs in rows.rels.items() for r in rs),
    )
