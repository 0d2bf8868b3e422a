"""Pausing Python's cyclic garbage collector while large acyclic structures are built.

The analyses, the loader's rows and the synthetic maps allocate millions of
small dicts, tuples and lists next to a graph of tens of millions of objects;
each automatic collection re-scans everything for cycles these structures
cannot form. Reference counting still frees everything; the collector is
restored afterwards. The collector is process-wide: a pause covers every
thread of the process for as long as it lasts.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the ``with`` block (nesting is fine)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


_P = ParamSpec("_P")
_R = TypeVar("_R")


def without_gc(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run *fn* with the cyclic collector paused (:func:`paused_gc`).

    For functions that build a row per flow: at a million flows, the
    collections the rows would trigger took longer than building them.
    """
    @wraps(fn)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with paused_gc():
            return fn(*args, **kwargs)
    return paused
