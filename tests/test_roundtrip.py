"""Property-based round trips: model → YAML file → model, and whole datasets through load()."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataflows import schema as s
from dataflows.dataset import load
from dataflows.yamlsrc import parse

slugs = st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,6}){0,2}\Z")
# Text: printable, no surrounding white space (the models strip it), any script.
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40
).map(str.strip).filter(bool)


@st.composite
def partial_dates(draw: st.DrawFn) -> str:
    year = draw(st.integers(1990, 2030))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    return draw(st.sampled_from([f"{year}", f"{year}-{month:02d}", f"{year}-{month:02d}-{day:02d}"]))


citations = st.builds(
    s.Citation,
    source=st.just("src"),
    locator=texts,
    quote=texts,
    evidence_type=st.none() | st.sampled_from(s.EvidenceType),
    confidence=st.sampled_from(s.Confidence),
    note=st.none() | texts,
)


@st.composite
def periods(draw: st.DrawFn) -> s.Period | None:
    if draw(st.booleans()):
        return None
    a, b = sorted([draw(partial_dates()), draw(partial_dates())], key=lambda d: s.PartialDate(d).earliest())
    start = a if draw(st.booleans()) else None
    ordered = start is None or s.PartialDate(b).latest() >= s.PartialDate(a).earliest()
    end = b if draw(st.booleans()) and ordered else None
    return s.Period(start=start, end=end)


@st.composite
def findings(draw: st.DrawFn) -> s.Finding:
    status = draw(st.sampled_from(s.YesNoUnknown))
    cits = draw(st.lists(citations, min_size=0 if status is s.YesNoUnknown.unknown else 1, max_size=2))
    return s.Finding(status=status, note=draw(st.none() | texts), citations=cits)


@st.composite
def flows(draw: st.DrawFn, parties: list[str], cats: list[str]) -> s.Flow:
    src, dst = draw(st.lists(st.sampled_from(parties), min_size=2, max_size=2, unique=True))
    fw = draw(st.sampled_from(s.Presence))
    return s.Flow.model_validate({
        "id": draw(slugs), "from": src, "to": dst,
        "categories": draw(st.lists(st.sampled_from(cats), min_size=1, max_size=3, unique=True)),
        "purpose": "unknown",
        "mechanism": draw(st.sampled_from(s.Mechanism)),
        "legal_basis": {"status": "unknown"},
        "firewall": s.Firewall(
            status=fw,
            citations=draw(st.lists(citations, min_size=0 if fw is s.Presence.unknown else 1, max_size=1)),
        ),
        "safeguards": s.FlowSafeguards(sharing_agreement=draw(findings())),
        "status": draw(st.sampled_from(s.Status)),
        "period": draw(periods()),
        "description": draw(texts),
        "citations": draw(st.lists(citations, min_size=1, max_size=3)),
    })


def to_yaml(model: s.BaseModel) -> str:
    return yaml.safe_dump([model.model_dump(mode="json", by_alias=True, exclude_none=True)],
                          allow_unicode=True, sort_keys=False)


@given(flows(["a", "b", "c"], ["x", "y"]))
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_flow_round_trips_through_yaml(flow: s.Flow) -> None:
    text = to_yaml(flow)
    doc = parse(text)
    again = s.Flow.model_validate(doc.data[0])
    assert again == flow
    # The line recorded for a field is the line where a person finds its key.
    lines = text.splitlines()
    for path in [(0, "citations", 0, "quote"), (0, "firewall", "status"), (0, "description"), (0, "to")]:
        assert lines[doc.line_of(path) - 1].lstrip(" -").startswith(f"{path[-1]}:")


@given(st.lists(texts, min_size=1, max_size=3), st.sampled_from(s.Sector), texts,
       st.lists(citations, min_size=1, max_size=3))
def test_agency_round_trips_through_yaml(aliases: list[str], sector: s.Sector, name: str,
                                         cits: list[s.Citation]) -> None:
    agency = s.Agency(id="x", name=name, aliases=aliases, sector=sector, jurisdiction="j", citations=cits)
    assert s.Agency.model_validate(parse(to_yaml(agency)).data[0]) == agency


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, list[Any]]:
    parties = draw(st.lists(slugs, min_size=2, max_size=5, unique=True))
    cats = draw(st.lists(slugs.map(lambda x: f"cat-{x}"), min_size=1, max_size=3, unique=True))
    agencies = [s.Agency(id=p, name=p.upper(), sector=draw(st.sampled_from(s.Sector)), jurisdiction="j",
                         citations=draw(st.lists(citations, min_size=1, max_size=2))) for p in parties]
    categories = [s.DataCategory(id=c, name=c, citations=draw(st.lists(citations, min_size=1, max_size=1)))
                  for c in cats]
    fl = draw(st.lists(flows(parties, cats), min_size=0, max_size=6, unique_by=lambda f: f.id))
    fl = [f for f in fl if f.id not in parties and f.id not in cats]
    return {
        "sources": [s.Source(id="src", title="T", publisher="P", evidence_type=s.EvidenceType.ngo_report)],
        "jurisdictions": [s.Jurisdiction(id="j", name="J")],
        "agencies": agencies,
        "data_categories": categories,
        "flows": fl,
    }


@given(datasets())
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_dataset_round_trips_through_files(tmp_path_factory: Any, data: dict[str, list[Any]]) -> None:
    root: Path = tmp_path_factory.mktemp("ds")
    for section, records in data.items():
        (root / section).mkdir()
        text = yaml.safe_dump([r.model_dump(mode="json", by_alias=True, exclude_none=True) for r in records],
                              allow_unicode=True, sort_keys=False)
        (root / section / "data.yaml").write_text(text, encoding="utf-8")
    ds = load(root, None)
    for section, records in data.items():
        assert ds.section(section) == records
