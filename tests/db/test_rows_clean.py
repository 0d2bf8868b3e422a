"""What a row keeps of a record's properties: no None, and lists of their own."""

from __future__ import annotations

from dataflows.db.rows import Rows, _clean
from dataflows.db.vocab import Label


def test_none_values_and_none_members_are_dropped() -> None:
    props = {"a": None, "b": "x", "c": ["p", None, "q"], "d": (None,), "e": [], "f": 0, "g": False, "h": ("u", "v")}
    assert _clean(props) == {"b": "x", "c": ["p", "q"], "d": [], "e": [], "f": 0, "g": False, "h": ["u", "v"]}
    assert list(_clean(props)) == ["b", "c", "d", "e", "f", "g", "h"]  # the record's own key order


def test_a_row_does_not_share_its_lists_with_the_map() -> None:
    categories = ["biometric", "custody"]
    rows = Rows()
    rows.add_node((Label.data_category,), {"id": "x", "aliases": categories})
    stored = rows.nodes[(Label.data_category,)][0]["aliases"]
    assert stored == categories
    categories.append("later")  # a change to the map after the rows were made
    assert stored == ["biometric", "custody"]
    assert type(_clean({"t": ("a",)})["t"]) is list
