"""The project's JSON text: sorted keys, two-space indent, UTF-8 as is, a trailing newline.

Reports, the main job's files and ``--format json`` on the command line all use
:func:`dumps`, so the same data always gives the same bytes (the parity tests
compare the two engines' answers this way).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_OPTIONS = (orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
            | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS)
"""Dates, times and dataclasses are passed to ``str`` as :func:`json.dumps` with ``default=str`` would. Maps
with keys that are not strings are left to :func:`json.dumps`: it sorts such keys as numbers (2 before 10),
orjson as text."""


def dumps(data: Any) -> str:
    """*data* as deterministic JSON text.

    The text ``json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False,
    default=str)`` gives, written by orjson: Python's own encoder writes
    indented JSON in pure Python, many times slower on large answers. One
    difference: a float in exponent form has no padded exponent (``1e-7``, not
    ``1e-07``). Data orjson does not take (an integer beyond 64 bits, a map
    whose keys are not strings) is written by :func:`json.dumps`.
    """
    try:
        return orjson.dumps(data, default=str, option=_OPTIONS).decode() + "\n"
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def compact(data: Any) -> str:
    """*data* as deterministic JSON on one line (sorted keys, no spaces, no newline): for a table cell."""
    try:
        return orjson.dumps(data, default=str, option=_OPTIONS & ~orjson.OPT_INDENT_2).decode()
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
