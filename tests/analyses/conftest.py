"""Fixtures for the analyses: the made-up land of tests/fixtures/analyses (answers known by hand)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from dataflows.dataset import load
from dataflows.graph import build

LAND = Path(__file__).resolve().parent.parent / "fixtures" / "analyses"


def land_graph() -> nx.MultiDiGraph:
    """A fresh graph of the made-up land."""
    return build(load(LAND))


@pytest.fixture(scope="session")
def land() -> nx.MultiDiGraph:
    return land_graph()
