"""Node positions, computed once in Python so pages open already laid out.

A browser asked to lay out a large graph itself (vis-network's physics) keeps
the reader waiting — about 40–90 ms per iteration at 5,000 nodes in headless
Chromium, so tens of seconds before the picture stops moving. Positions are
therefore computed here, written into the page, and the page draws them with
physics switched off: it is interactive as soon as it is drawn, it does not
move for ever, and the same data gives the same picture (fixed seed, fixed
number of iterations, integer coordinates — no dependence on time or speed).

Two layouts (pure Python; numpy is not a dependency):

:func:`force_layout`
    Fruchterman–Reingold with the grid approximation of their paper: each node
    is repelled only by nodes in the neighbouring grid cells (distance below
    ``2k``), attracted along edges, pulled gently to the centre (so separate
    components stay near each other), with linear cooling. Cost per iteration
    O(V + E) for evenly spread nodes; iterations fall from 300 for small maps
    to :data:`MIN_ITERATIONS` for large ones (see :func:`iterations_for`).
:func:`layered_layout`
    Left-to-right columns, for routes and paths: a node's column is given
    (e.g. its hop number), nodes in a column are stacked in the given order.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

#: Distance between neighbours, in canvas units (vis-network pixels at zoom 1).
SCALE = 170.0
#: Pull towards the centre, so that separate components and loose nodes stay close.
GRAVITY = 0.05
MIN_ITERATIONS = 40
MAX_ITERATIONS = 300
#: Work budget: iterations × nodes stays near this for large maps.
WORK = 200_000


_HALF = ((1, -1), (1, 0), (1, 1), (0, 1))


def _nudge(i: int, j: int) -> tuple[float, float, float]:
    """A tiny offset for coincident nodes, its direction fixed by their numbers (deterministic)."""
    ang = (i * 7919 + j * 104729) % 6283 / 1000.0
    return math.cos(ang) * 1e-3, math.sin(ang) * 1e-3, 1e-6


def iterations_for(n: int) -> int:
    """How many iterations a map of *n* nodes gets (fixed by *n*, never by time)."""
    if n <= 0:
        return 0
    return max(MIN_ITERATIONS, min(MAX_ITERATIONS, WORK // n))


def force_layout(nodes: Sequence[str], edges: Sequence[tuple[str, str]], *, seed: int = 0,
                 iterations: int | None = None) -> dict[str, tuple[int, int]]:
    """Positions of *nodes* (in canvas units) by a grid-approximated force layout.

    Parameters
    ----------
    nodes
        Node ids, in a deterministic order (the caller sorts them).
    edges
        ``(u, v)`` pairs; direction, duplicates and self-loops are ignored.
    seed
        Seed of the initial placement.
    iterations
        Override :func:`iterations_for`.

    Returns
    -------
    dict
        Node id → ``(x, y)`` integers, centred on ``(0, 0)``.

    Examples
    --------
    >>> pos = force_layout(["a", "b", "c"], [("a", "b"), ("b", "c")])
    >>> sorted(pos) == ["a", "b", "c"] and force_layout(["a", "b", "c"], [("a", "b"), ("b", "c")]) == pos
    True
    """
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0, 0)}
    index = {v: i for i, v in enumerate(nodes)}
    pairs = sorted({(min(index[u], index[v]), max(index[u], index[v]))
                    for u, v in edges if u in index and v in index and u != v})
    rnd = random.Random(seed)  # noqa: S311 — a layout seed, not a secret
    side = math.sqrt(n)
    xs = [rnd.uniform(0.0, side) for _ in range(n)]
    ys = [rnd.uniform(0.0, side) for _ in range(n)]
    k = 1.0
    cell = 2.0 * k
    cutoff2 = cell * cell
    k2 = k * k
    gravity = GRAVITY
    steps = iterations if iterations is not None else iterations_for(n)
    t0 = side / 8.0 + 0.5
    for it in range(steps):
        temp = t0 * (1.0 - it / steps) + 0.01
        dx = [0.0] * n
        dy = [0.0] * n
        grid: dict[tuple[int, int], list[int]] = {}
        for i in range(n):
            grid.setdefault((int(xs[i] // cell), int(ys[i] // cell)), []).append(i)
        for (gx, gy), members in grid.items():
            # Each pair of nearby nodes once: this cell with itself, then with four of its
            # eight neighbours (the other four see this cell as their neighbour).
            m = len(members)
            for a in range(m):
                i = members[a]
                xi, yi = xs[i], ys[i]
                fx = fy = 0.0
                for b in range(a + 1, m):
                    j = members[b]
                    ddx = xi - xs[j]
                    ddy = yi - ys[j]
                    d2 = ddx * ddx + ddy * ddy
                    if d2 >= cutoff2:
                        continue
                    if d2 < 1e-9:
                        ddx, ddy, d2 = _nudge(i, j)
                    f = k2 / d2  # k²/d along the unit vector (ddx/d)
                    fx += ddx * f
                    fy += ddy * f
                    dx[j] -= ddx * f
                    dy[j] -= ddy * f
                for ox, oy in _HALF:
                    other = grid.get((gx + ox, gy + oy))
                    if not other:
                        continue
                    for j in other:
                        ddx = xi - xs[j]
                        ddy = yi - ys[j]
                        d2 = ddx * ddx + ddy * ddy
                        if d2 >= cutoff2:
                            continue
                        if d2 < 1e-9:
                            ddx, ddy, d2 = _nudge(i, j)
                        f = k2 / d2
                        fx += ddx * f
                        fy += ddy * f
                        dx[j] -= ddx * f
                        dy[j] -= ddy * f
                dx[i] += fx
                dy[i] += fy
        for i, j in pairs:
            ddx = xs[i] - xs[j]
            ddy = ys[i] - ys[j]
            d = math.sqrt(ddx * ddx + ddy * ddy) + 1e-9
            f = d / k  # (d²/k) along the unit vector
            dx[i] -= ddx * f
            dy[i] -= ddy * f
            dx[j] += ddx * f
            dy[j] += ddy * f
        cx = sum(xs) / n
        cy = sum(ys) / n
        for i in range(n):
            fx = dx[i] - gravity * (xs[i] - cx)
            fy = dy[i] - gravity * (ys[i] - cy)
            d = math.sqrt(fx * fx + fy * fy)
            if d > temp:
                fx *= temp / d
                fy *= temp / d
            xs[i] += fx
            ys[i] += fy
    cx = sum(xs) / n
    cy = sum(ys) / n
    return {v: (round((xs[i] - cx) * SCALE), round((ys[i] - cy) * SCALE)) for i, v in enumerate(nodes)}


def layered_layout(columns: dict[str, int], order: Sequence[str], *, dx: float = 260.0,
                   dy: float = 110.0) -> dict[str, tuple[int, int]]:
    """Left-to-right columns: ``x`` from the node's column, ``y`` stacked in *order*.

    Nodes in *order* without a column are ignored; each column is centred on ``y = 0``.

    Examples
    --------
    >>> layered_layout({"a": 0, "b": 1, "c": 1}, ["a", "b", "c"])
    {'a': (0, 0), 'b': (260, -55), 'c': (260, 55)}
    """
    stacks: dict[int, list[str]] = {}
    for v in order:
        if v in columns:
            stacks.setdefault(columns[v], []).append(v)
    out: dict[str, tuple[int, int]] = {}
    for col, members in stacks.items():
        top = -(len(members) - 1) * dy / 2.0
        for i, v in enumerate(members):
            out[v] = (round(col * dx), round(top + i * dy))
    return out
