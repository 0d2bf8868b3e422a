"""The project's JSON text: the same bytes Python's json module writes with the project's settings."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Any

import pytest

from dataflows.jsontext import dumps


class Kind(StrEnum):
    agency = "agency"


def python_json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


CASES = {
    "nested maps and lists, keys out of order": {"z": [1, {"b": None, "a": [True, False]}], "a": {}, "m": []},
    "text beyond ASCII and every escape": {"quote": "“Données” — ü\u2028\n\t\"\\\x00\x1f", "é": "key"},
    "dates, times and str enums": {"day": dt.date(2021, 8, 1), "at": dt.datetime(2021, 8, 1, 9, 30), "k": Kind.agency},
    "tuples and plain floats": {"t": (1, "x"), "f": [0.1, 2.5, 3.0, -0.0, 123456789.125]},
    "a set (written with str, as json's default=str does)": {"s": {"one"}},
    "an integer beyond 64 bits": {"n": 10**30},
    "keys that are numbers (sorted as numbers)": {"by_distance": {10: "ten", 2: "two", 1: "one"}},
    "a bare value": "text",
}


@pytest.mark.parametrize("name", CASES)
def test_dumps_writes_what_python_json_writes(name: str) -> None:
    assert dumps(CASES[name]) == python_json(CASES[name])


def test_dumps_is_deterministic_whatever_the_insertion_order() -> None:
    a = {"b": 1, "a": {"d": 2, "c": 3}}
    b = {"a": {"c": 3, "d": 2}, "b": 1}
    assert dumps(a) == dumps(b) == '{\n  "a": {\n    "c": 3,\n    "d": 2\n  },\n  "b": 1\n}\n'
