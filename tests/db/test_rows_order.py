"""The order in which the loader is given relationships: grouped by the node they start at."""

from __future__ import annotations

from dataflows import synth
from dataflows.db import loader
from dataflows.db.rows import graph_rows
from dataflows.db.vocab import Rel

from .helpers import big_graph


def test_flows_come_grouped_by_sender_then_recipient() -> None:
    # big_graph adds its flows in id order, each sender's spread across the whole list.
    rows = graph_rows(big_graph(2_000, n_parties=50, tag="order"))
    (flows,) = [rs for (rtype, _, _), rs in rows.rels.items() if rtype is Rel.flow]
    ends = [(r["from"], r["to"]) for r in flows]
    assert ends == sorted(ends)
    assert len(flows) == 2_000


def test_every_relationship_type_from_the_map_is_in_start_node_order() -> None:
    g = synth.generate(3_000, seed=3)
    rows = graph_rows(g)
    edge_types = {Rel.flow, Rel.holds, Rel.operates, Rel.broader}
    seen = set()
    for (rtype, _, _), rs in rows.rels.items():
        if rtype in edge_types:
            seen.add(rtype)
            starts = [r["from"] for r in rs]
            assert starts == sorted(starts), rtype
    assert seen == edge_types


def test_the_loader_names_a_batchs_keys_in_the_order_the_rows_give_them() -> None:
    # graph_rows puts the keys the analyses read most first; the loader must not reorder them.
    assert loader._keys([{"id": 1, "purpose": "p", "end": None}, {"id": 2, "collected_for": "c", "purpose": "q"}]) \
        == ["id", "purpose", "end", "collected_for"]
    (flows,) = [rs for (rtype, _, _), rs in graph_rows(synth.generate(300, seed=4)).rels.items() if rtype is Rel.flow]
    keys = loader._keys(r["props"] for r in flows)
    assert keys[:4] == ["id", "categories", "purpose", "collected_for"]
    assert sorted(keys) == sorted(set().union(*(r["props"] for r in flows)))


def test_edges_whose_keys_are_not_text_are_ordered_as_text() -> None:
    # graph.build and synth key every edge by text; a graph built by hand may let networkx number them.
    g = synth.generate(300, seed=4)
    numbered = g.copy()
    numbered.remove_edges_from([(u, v, k) for u, v, k, kind in g.edges(keys=True, data="kind") if kind == "holds"])
    held = [(u, v, a) for u, v, a in g.edges(data=True) if a["kind"] == "holds"]
    for u, v, a in held:
        numbered.add_edge(u, v, **a)  # keys 0, 1, … per (u, v)
    u, v, a = held[0]
    for _ in range(11):  # keys up to 11 or more: as text, "10" comes before "2"
        numbered.add_edge(u, v, **a)
    assert held and all(type(k) is int for *_, k, kind in numbered.edges(keys=True, data="kind") if kind == "holds")
    rows = graph_rows(numbered)
    (holds,) = [rs for (rtype, _, _), rs in rows.rels.items() if rtype is Rel.holds]
    assert [(r["from"], r["to"], r["props"]["key"]) for r in holds] == \
        sorted((u, v, str(k)) for u, v, k, kind in numbered.edges(keys=True, data="kind") if kind == "holds")
    assert len(holds) == len(held) + 11
