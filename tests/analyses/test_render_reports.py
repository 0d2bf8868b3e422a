"""Renderers (text, JSON, CSV, Markdown) and the main job's reports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest

from dataflows.analyses import paths, register, render, reports, safeguards, sharing
from dataflows.analyses.render import LazyRows, Report, Table


def sample() -> Report:
    return Report("x", "A title", ["one line"],
                  [Table("t", "Table", [("a", "A"), ("b", "B")],
                         [{"a": "p|q", "b": ["x", "y"]}, {"a": 3, "b": None}]),
                   Table("u", "Empty", [("c", "C")], [])],
                  {"b": [2, 1], "a": "é"})


def test_csv_flattens_lists_and_separates_tables() -> None:
    text = render.render(sample(), "csv")
    assert text == 'a,b\np|q,x; y\n3,\n\nc\n'
    assert list(csv.reader(io.StringIO(text.split("\n\n")[0]))) == [["a", "b"], ["p|q", "x; y"], ["3", ""]]


def test_markdown_escapes_and_marks_empty() -> None:
    text = render.render(sample(), "markdown")
    assert text.startswith("# A title\n\none line\n\n## Table\n\n| A | B |\n|---|---|\n| p\\|q | x<br>y |")
    assert "## Empty\n\n*None.*" in text


def test_json_is_deterministic() -> None:
    text = render.render(sample(), "json")
    assert text == '{\n  "a": "é",\n  "b": [\n    2,\n    1\n  ]\n}\n'


def test_text_has_the_cells() -> None:
    text = render.render(sample(), "text", width=100)
    assert "A title" in text and "p|q" in text and "Empty: none" in text


def test_text_keeps_the_maps_text_as_written() -> None:
    """":name:" (an emoji code to the terminal library) and brackets are printed as they are."""
    odd = "Police :warning: [b]A[/b] :cat:"
    report = Report("x", f"Title {odd}", [f"Summary {odd}"],
                    [Table("t", f"Table {odd}", [("a", "A")], [{"a": f"cell {odd}"}])])
    text = render.render(report, "text", width=200)
    for part in ("Title", "Summary", "Table", "cell"):
        assert f"{part} {odd}" in text, text


def test_lazy_rows_are_made_once_when_first_read() -> None:
    records = [{"a": 1}, {"a": 2}, {"a": 3}]
    calls: list[object] = []

    def make(r: dict[str, int]) -> dict[str, object]:
        calls.append(r)
        return {"a": r["a"] * 10}

    rows = LazyRows(records, make)
    assert len(rows) == 3 and not calls and not rows.made
    assert rows[1] == {"a": 20} and rows.made
    assert [r["a"] for r in rows] == [10, 20, 30] and rows[-2:] == [{"a": 20}, {"a": 30}]
    assert calls == records  # each record made into a row once, in order


@pytest.mark.parametrize("fmt", ["csv", "markdown", "text"])
def test_lazy_rows_render_as_a_list_does(fmt: str) -> None:
    eager = sample()
    lazy = sample()
    lazy.tables[0].rows = LazyRows(list(eager.tables[0].rows), dict)
    assert render.render(lazy, fmt) == render.render(eager, fmt)


def test_listings_make_their_table_only_for_table_formats(land: nx.MultiDiGraph) -> None:
    """JSON (and the Python API) never read a listing's table view, so it is not made for them."""
    for rep in (sharing.report(sharing.flows(land)), safeguards.report(safeguards.safeguards(land)),
                sharing.matrix_report(sharing.matrix(sharing.flows(land))),
                paths.reach_report("scanner", "down", paths.reach(land, "scanner")),
                register.report(register.register(land))):
        assert all(isinstance(t.rows, LazyRows) and len(t.rows) for t in rep.tables), rep.name
        render.render(rep, "json")
        assert not any(t.rows.made for t in rep.tables if isinstance(t.rows, LazyRows)), rep.name
        text = render.render(rep, "csv")
        assert all(t.rows.made for t in rep.tables if isinstance(t.rows, LazyRows)), rep.name
        assert text.count("\n") > len(rep.tables[0].rows)


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render.render(sample(), "xml")


def test_flows_report_csv(land: nx.MultiDiGraph) -> None:
    text = render.render(sharing.report(sharing.flows(land, party="scanner")), "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["flow"] for r in rows] == ["f03", "f04", "f14", "f18"]
    assert rows[0]["sources"] == "fixture-report (f03)"


def test_write_reports_deterministic(land: nx.MultiDiGraph, tmp_path: Path) -> None:
    names = reports.write_reports(land, tmp_path / "a")
    assert names == sorted(f"{n}.{ext}" for n in ("creep", "firewalls", "flows", "matrix", "register",
                                                  "safeguards") for ext in ("json", "md"))
    reports.write_reports(land, tmp_path / "b")
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    data = json.loads((tmp_path / "a" / "firewalls.json").read_text(encoding="utf-8"))
    assert data["counts"] == {"missing": 6, "unknown-barrier": 4}
    md = (tmp_path / "a" / "creep.md").read_text(encoding="utf-8")
    assert md.startswith("# Function creep") and "| f13 | education |" in md
