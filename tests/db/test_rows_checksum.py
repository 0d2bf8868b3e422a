"""The content checksum the loader records and ``read_checksum`` recomputes (no server needed)."""

from __future__ import annotations

from typing import Any

from dataflows.db.rows import canonical

Node = tuple[list[str], dict[str, Any]]
Rel = tuple[str, str, str, dict[str, Any]]

NODES: list[Node] = [
    (["Party", "Agency"], {"id": "home-office", "name": "Home Office", "sectors": ["immigration"]}),
    (["Party", "System"], {"id": "ident1", "name": "IDENT1", "retention_days": 36500}),
    (["Citation"], {"id": "cit-1", "quote": "Données partagées — “verbatim”", "pos": 0}),
]
RELS: list[Rel] = [
    ("FLOW", "ident1", "home-office", {"id": "f1", "categories": ["biometric"], "firewall": "absent"}),
    ("FLOW", "ident1", "home-office", {"id": "f2", "categories": ["biographic", "biometric"]}),
    ("SUPPORTS", "cit-1", "ident1", {"claim": "record", "pos": 0}),
]


def checksum(nodes: list[Node], rels: list[Rel]) -> str:
    return canonical(iter(nodes), iter(rels))


def test_the_order_of_records_and_of_keys_does_not_matter() -> None:
    reordered_nodes = [(list(reversed(lbls)), dict(reversed(list(p.items())))) for lbls, p in reversed(NODES)]
    reordered_rels = [(t, a, b, dict(reversed(list(p.items())))) for t, a, b, p in reversed(RELS)]
    assert checksum(reordered_nodes, reordered_rels) == checksum(NODES, RELS)


def test_whole_floats_and_ints_hash_the_same_but_other_floats_do_not() -> None:
    as_float = [(lbls, {**p, "retention_days": float(p["retention_days"])}) if "retention_days" in p else (lbls, p)
                for lbls, p in NODES]
    assert checksum(as_float, RELS) == checksum(NODES, RELS)
    fraction = [(lbls, {**p, "retention_days": 36500.5}) if "retention_days" in p else (lbls, p) for lbls, p in NODES]
    assert checksum(fraction, RELS) != checksum(NODES, RELS)


def test_whole_floats_in_a_list_hash_as_ints_and_a_tuple_as_a_list() -> None:
    # Records holding only plain values and lists of them are written as they are; these are not.
    ints = [(["Figure"], {"id": "fig-1", "values": [1, 2], "codes": ["a", "b"]})]
    floats = [(["Figure"], {"id": "fig-1", "values": [1.0, 2.0], "codes": ["a", "b"]})]
    tuples = [(["Figure"], {"id": "fig-1", "values": (1, 2), "codes": ("a", "b")})]
    halves = [(["Figure"], {"id": "fig-1", "values": [1.5, 2.0], "codes": ["a", "b"]})]
    assert checksum(floats, []) == checksum(ints, []) == checksum(tuples, [])
    assert checksum(halves, []) != checksum(ints, [])


def test_any_change_of_content_changes_it() -> None:
    base = checksum(NODES, RELS)
    changed_text = [(lbls, {**p, "quote": p["quote"].replace("é", "e")}) if "quote" in p else (lbls, p)
                    for lbls, p in NODES]
    changed_list = [(t, a, b, {**p, "categories": ["biometric"]}) if p.get("id") == "f2" else (t, a, b, p)
                    for t, a, b, p in RELS]
    changed_end = [(t, a, "home-office" if t == "SUPPORTS" else b, p) for t, a, b, p in RELS]
    changed_label = [(["Party", "Agency"] if p["id"] == "ident1" else lbls, p) for lbls, p in NODES]
    variants = {
        "a quote": checksum(changed_text, RELS),
        "a list": checksum(NODES, changed_list),
        "where a relationship points": checksum(NODES, changed_end),
        "a label": checksum(changed_label, RELS),
        "a record missing": checksum(NODES[:-1], RELS),
        "a record twice": checksum(NODES, [*RELS, RELS[0]]),
        "a node given as a relationship's end only": checksum(NODES[1:], RELS),
    }
    assert all(v != base for v in variants.values()), [k for k, v in variants.items() if v == base]
    assert len(set(variants.values())) == len(variants)


def test_nodes_and_relationships_are_kept_apart() -> None:
    # The same records, one moved from the relationships' side to the nodes' side, give another checksum.
    assert checksum([], [("X", "a", "b", {})]) != checksum([(["X"], {})], [])
    assert checksum([], []) != checksum([(["X"], {})], [])
