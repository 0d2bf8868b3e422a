"""Who shares what with whom: rows, every filter, the matrix."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from dataflows.analyses import sharing
from dataflows.errors import UnknownName

ALL = [f"f{i:02d}" for i in range(1, 19)]


def ids(rows: list[dict[str, object]]) -> list[object]:
    return [r["flow"] for r in rows]


def test_every_flow_sorted(land: nx.MultiDiGraph) -> None:
    assert ids(sharing.flows(land)) == ALL


def test_row_fields(land: nx.MultiDiGraph) -> None:
    row = next(r for r in sharing.flows(land) if r["flow"] == "f01")
    assert row["from"] == "gp-north" and row["from_label"] == "GP North"
    assert row["to"] == "patient-db" and row["to_label"] == "Patient database"
    assert row["categories"] == ["address", "health-record"]
    assert row["legal_basis"] == {"status": "stated", "text": "Health Act"}
    assert row["firewall"] == "present"
    assert row["safeguards"]["sharing_agreement"] == "yes"
    assert row["safeguards"]["dpia"] == "unknown"
    assert row["jurisdiction"] == "north"
    assert row["period"] == {"start": None, "end": None}
    assert {"source": "fixture-report", "locator": "p10"} in row["sources"]
    assert {"source": "fixture-report", "locator": "f01"} in row["sources"]
    assert {"source": "fixture-report", "locator": "f01-fw"} in row["sources"]


def test_filter_party(land: nx.MultiDiGraph) -> None:
    assert ids(sharing.flows(land, party="police-north")) == ["f03", "f06", "f07", "f14", "f18"]


def test_filter_category_includes_narrower(land: nx.MultiDiGraph) -> None:
    assert ids(sharing.flows(land, category="biometric")) == ["f03", "f04", "f05", "f09", "f10", "f13", "f14",
                                                             "f18"]
    assert ids(sharing.flows(land, category="facial-image")) == ["f18"]


def test_filter_jurisdiction_includes_children(land: nx.MultiDiGraph) -> None:
    assert ids(sharing.flows(land, jurisdiction="south")) == ["f11"]
    assert ids(sharing.flows(land, jurisdiction="elsewhere")) == ["f09", "f10"]
    north = ids(sharing.flows(land, jurisdiction="north"))
    assert north == ["f01", "f02", "f03", "f04", "f06", "f07", "f08", "f14", "f15", "f16", "f17", "f18"]
    # 'land' holds north, south and its own flows; not 'elsewhere'
    assert ids(sharing.flows(land, jurisdiction="land")) == [f for f in ALL if f not in ("f09", "f10")]


def test_filter_sector_uses_system_operators_and_users(land: nx.MultiDiGraph) -> None:
    # police-north itself, scanner and gang-matrix (operator), iabs (user)
    assert ids(sharing.flows(land, sector="police")) == ["f03", "f04", "f05", "f06", "f07", "f08", "f14", "f17",
                                                        "f18"]
    assert ids(sharing.flows(land, sector="humanitarian")) == ["f09", "f10"]


def test_filter_as_of(land: nx.MultiDiGraph) -> None:
    # 2012: old-system and its flows in force; scanner (from 2019) not, so its flows go too
    assert ids(sharing.flows(land, day=dt.date(2012, 1, 1))) == [
        "f01", "f02", "f05", "f06", "f07", "f08", "f09", "f10", "f11", "f12", "f13", "f15", "f16", "f17"]
    # 2020: old-system gone; f18 starts in 2021
    assert ids(sharing.flows(land, day=dt.date(2020, 1, 1))) == [f for f in ALL if f not in ("f15", "f16", "f18")]


def test_filters_combine(land: nx.MultiDiGraph) -> None:
    assert ids(sharing.flows(land, party="police-north", category="biometric")) == ["f03", "f14", "f18"]
    assert ids(sharing.flows(land, party="police-north", category="biometric", day=dt.date(2020, 1, 1))) == [
        "f03", "f14"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"party": "police-nort"}, "unknown party 'police-nort'; did you mean police-north"),
    ({"category": "fingerprint"}, "unknown data category 'fingerprint'; did you mean fingerprints"),
    ({"jurisdiction": "nort"}, "unknown jurisdiction 'nort'; did you mean north"),
    ({"sector": "polise"}, "unknown sector 'polise'; did you mean police"),
])
def test_unknown_names(land: nx.MultiDiGraph, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(UnknownName) as info:
        sharing.flows(land, **kwargs)  # type: ignore[arg-type]
    assert str(info.value).startswith(message)


def test_matrix(land: nx.MultiDiGraph) -> None:
    cells = sharing.matrix(sharing.flows(land))
    keys = [(c["from"], c["to"]) for c in cells]
    assert keys == sorted(keys) and len(keys) == 17
    cell = next(c for c in cells if (c["from"], c["to"]) == ("police-north", "scanner"))
    assert cell["flows"] == 2
    assert cell["categories"] == ["facial-image", "fingerprints"]
    assert cell["flow_ids"] == ["f03", "f18"]
    assert sum(c["flows"] for c in cells) == 18


def test_rows_are_built_with_the_collector_paused_and_it_is_restored(land: nx.MultiDiGraph) -> None:
    import gc

    from dataflows.gcpause import without_gc

    seen: list[bool] = []

    @without_gc
    def build(fail: bool) -> list[dict[str, object]]:
        seen.append(gc.isenabled())
        if fail:
            raise ValueError("bad row")
        return sharing.flows(land)

    assert gc.isenabled()
    assert ids(build(False)) == ALL
    with pytest.raises(ValueError, match="bad row"):
        build(True)
    assert seen == [False, False] and gc.isenabled()
    # The wrapped functions keep their names and documentation for --help and the API docs.
    assert sharing.flows.__name__ == "flows" and "sorted by flow id" in (sharing.flows.__doc__ or "")
