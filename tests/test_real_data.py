"""The curated map in graph_data/: valid with every quote checked, and covering what it must.

The coverage list is the register's own declaration of what it holds (the
systems, parties and cases the project's sources describe). Counts are
minimums, like dataset assertions: curators may add, never silently lose.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dataflows.dataset import Dataset, iter_citations, load
from dataflows.graph import build

from .conftest import GRAPH_DATA


@pytest.fixture(scope="module")
def real() -> Dataset:
    from .conftest import seeds_dir

    seeds = seeds_dir()
    assert seeds.is_dir(), f"source texts not found at {seeds}: set DATAFLOWS_SOURCES_DIR"
    return load(GRAPH_DATA, seeds, require_texts=True)


def test_every_quote_of_a_seed_is_checked(real: Dataset) -> None:
    # load() fails on a missing or wrong quote; here: everything quoted from a seed was compared.
    sources = real.sources
    assert real.quote_checks["checked"] > 600
    # Only quotes naming a cited public document (no local text) are unchecked.
    cited_docs = sum(1 for recs in real.records.values() for r in recs for _, c in iter_citations(r)
                     if not sources[c.source].file)
    assert real.quote_checks["unchecked"] == cited_docs


MINIMUM = {"agencies": 40, "systems": 35, "flows": 20, "data_categories": 30, "purposes": 25, "groups": 30,
           "outcomes": 25, "figures": 20, "purpose_rules": 4, "sources": 30}


@pytest.mark.parametrize(("section", "minimum"), sorted(MINIMUM.items()))
def test_minimum_counts(real: Dataset, section: str, minimum: int) -> None:
    assert len(real.section(section)) >= minimum


#: What the register must hold (issue "The map"), by the names the sources use.
SYSTEMS = [
    "Biometric Services Gateway", "IDENT1", "Immigration and Asylum Biometric Service",
    "Operator Initiated Facial Recognition app", "Police National Database", "Gangs Matrix",
    "Knife Crime and Violence Model", "Avon and Somerset Police data science", "Violence Harm Assessment",
    "ISAP", "Falcon", "Electronic ankle tagging", "Eurosur", "phone data extraction", "Eurodac", "ETIAS",
    "EU interoperability", "UNHCR", "WFP", "iBorderCtrl", "visa-streaming", "ICE 'Risk Assessment'",
    "CBP One", "Red Wolf",
]
AGENCIES = [
    "Crown Prosecution Service", "Department for Work and Pensions", "Home Office", "Kent Police",
    "Police Scotland", "North Wales Police", "Metropolitan Police", "Frontex", "Libyan", "Palantir",
    "Immigration and Customs Enforcement", "UNHCR", "Bangladesh", "Myanmar", "probation", "prison",
    "local authorit", "third part",
]


@pytest.mark.parametrize("name", SYSTEMS)
def test_named_systems_are_in_the_register(real: Dataset, name: str) -> None:
    names = [f"{s.name} {' '.join(s.aliases)}".lower() for s in real.section("systems")]
    assert any(name.lower() in n for n in names), name


@pytest.mark.parametrize("name", AGENCIES)
def test_named_parties_are_in_the_register(real: Dataset, name: str) -> None:
    names = [f"{a.name} {' '.join(a.aliases)}".lower() for a in real.section("agencies")]
    assert any(name.lower() in n for n in names), name


def test_every_system_has_all_five_register_fields(real: Dataset) -> None:
    for sy in real.section("systems"):
        fields = dict(sy.transparency)
        assert set(fields) == {"purpose", "operation", "data_types", "decisions", "reviews"}
        for f in fields.values():
            assert f.status.value in ("known", "partial", "unknown")


def test_scope_expansion_cases_are_dated(real: Dataset) -> None:
    # Eurodac's expansion and UK tagging's extension to immigration bail are dated in the
    # sources; a change the sources do not date keeps an unknown date.
    dated = {sy.id for sy in real.section("systems") for ch in sy.scope_changes if ch.date}
    assert len(dated) >= 3


def test_the_graph_builds_and_every_node_and_flow_is_cited(real: Dataset) -> None:
    g = build(real)
    assert g.number_of_nodes() > 150
    for _, attrs in g.nodes(data=True):
        assert attrs["citations"]
    for _, _, attrs in g.edges(data=True):
        if attrs["kind"] == "flow":
            assert attrs["citations"]


def test_data_files_are_registers_of_one_kind(tmp_path: Path) -> None:
    # Each data file is a YAML list of one section's records (the folder names the section).
    from dataflows.dataset import data_files

    sections = {section for section, _ in data_files(GRAPH_DATA)}
    assert sections == {"sources", "jurisdictions", "agencies", "systems", "data_categories", "purposes", "groups",
                        "outcomes", "flows", "figures", "purpose_rules"}


def test_visualisations_hold_the_published_map_of_graph_data(tmp_path: Path) -> None:
    """visualisations/ is the main job's output for graph_data, byte for byte: what a reader opens from the
    repository is never older than the data (after changing the data or the pages: make visualisations)."""
    from dataflows.job import run

    from .conftest import seeds_dir

    published = GRAPH_DATA.parent / "visualisations"
    assert (published / "site" / "index.html").is_file(), "visualisations/ is missing: run make visualisations"
    fresh = tmp_path / "build"
    run(GRAPH_DATA, seeds_dir(), fresh)

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    want, have = files(fresh), files(published)
    stale = sorted(name for name in want.keys() | have.keys() if want.get(name) != have.get(name))
    assert not stale, f"visualisations/ is out of date ({len(stale)} files, e.g. {stale[:3]}): run make visualisations"
    assert len(want) > 50
