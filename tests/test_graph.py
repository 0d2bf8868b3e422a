"""The embedded graph and its as-of view."""

from __future__ import annotations

import datetime as dt

import pytest

from dataflows import schema as s
from dataflows.dataset import load
from dataflows.graph import as_of, build, flows, in_force

from .conftest import TEXTS, VALID


@pytest.fixture(scope="module")
def graph():  # type: ignore[no-untyped-def]
    return build(load(VALID, TEXTS))


def test_nodes_and_edges_by_kind(graph) -> None:  # type: ignore[no-untyped-def]
    kinds = sorted(a["kind"] for _, a in graph.nodes(data=True))
    assert kinds.count("agency") == 3 and kinds.count("system") == 2 and kinds.count("data_category") == 3
    edge_kinds = sorted(a["kind"] for _, _, a in graph.edges(data=True))
    assert edge_kinds == sorted(
        ["flow"] * 3 + ["operates"] * 2 + ["holds"] + ["influences"] + ["affects"] + ["broader"]
    )
    assert [f[2]["id"] for f in flows(graph)] == [
        "clinic-to-border-office", "police-a-to-scanner", "scanner-to-border-register"]


def test_every_node_and_flow_carries_resolved_citations(graph) -> None:  # type: ignore[no-untyped-def]
    for _, attrs in graph.nodes(data=True):
        assert attrs["citations"], attrs
        for c in attrs["citations"]:
            assert c["evidence_type"] in {e.value for e in s.EvidenceType}
            assert c["title"] and c["quote"] and c["locator"]
    for _, _, attrs in flows(graph):
        assert attrs["citations"]
    # The evidence type falls back to the source's own grade, and a citation may override it.
    dpia = graph.nodes["border-register"]["safeguards"]["dpia"]
    assert dpia["status"] == "no" and dpia["citations"][0]["evidence_type"] == "regulator_finding"


def test_flow_jurisdiction_defaults_to_sender(graph) -> None:  # type: ignore[no-untyped-def]
    by_id = {a["id"]: a for _, _, a in flows(graph)}
    assert by_id["clinic-to-border-office"]["jurisdiction"] == "north-land"
    assert by_id["scanner-to-border-register"]["jurisdiction"] == "north-land"


@pytest.mark.parametrize(
    ("day", "expected_flows", "scanner_present"),
    [
        # Before the scanner existed, its flows cannot have been in force either.
        ("2016-12-31", [], False),
        ("2017-01-01", ["clinic-to-border-office"], False),
        ("2018-12-31", ["clinic-to-border-office"], False),
        ("2019-01-01", [], False),
        ("2019-03-01", ["police-a-to-scanner", "scanner-to-border-register"], True),
    ],
)
def test_as_of_keeps_only_what_was_in_force(graph, day: str, expected_flows: list[str],  # type: ignore[no-untyped-def]
                                            scanner_present: bool) -> None:
    view = as_of(graph, dt.date.fromisoformat(day))
    assert [a["id"] for _, _, a in flows(view)] == expected_flows
    assert ("scanner" in view) is scanner_present
    assert view.graph["as_of"] == day
    assert len(flows(graph)) == 3  # the input graph is unchanged


def test_proposed_is_never_in_force() -> None:
    assert not in_force({"status": "proposed", "period": {"start": None, "end": None}}, dt.date(2030, 1, 1))
    assert in_force({"status": "unknown", "period": {"start": None, "end": None}}, dt.date(1900, 1, 1))


@pytest.mark.parametrize(("text", "precision", "first", "last"), [
    ("2021", "year", dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
    ("2020-02", "month", dt.date(2020, 2, 1), dt.date(2020, 2, 29)),
    ("2021-12", "month", dt.date(2021, 12, 1), dt.date(2021, 12, 31)),
    ("2023-12-20", "day", dt.date(2023, 12, 20), dt.date(2023, 12, 20)),
])
def test_partial_dates_keep_their_precision(text: str, precision: str, first: dt.date, last: dt.date) -> None:
    d = s.PartialDate.parse(text)
    assert (d.precision, d.earliest(), d.latest()) == (precision, first, last)


@pytest.mark.parametrize("bad", ["21", "2021-1", "2021-02-30", "20210101", "soon", 3.5])
def test_bad_partial_dates_are_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match="date"):
        s.PartialDate.parse(bad)
