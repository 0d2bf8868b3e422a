"""Loading and validating datasets: the valid fixture, and one fixture per failure mode."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dataflows import schema as s
from dataflows.dataset import load
from dataflows.errors import DatasetNotFound, ValidationFailed

from .conftest import INVALID, TEXTS, VALID


def test_valid_fixture_loads_every_section() -> None:
    ds = load(VALID, TEXTS)
    counts = {sec: len(recs) for sec, recs in ds.records.items()}
    assert counts == {
        "sources": 2, "jurisdictions": 2, "agencies": 3, "systems": 2, "data_categories": 3,
        "purposes": 3, "groups": 3, "outcomes": 1, "flows": 3, "figures": 1, "purpose_rules": 1,
    }
    # Quotes of the cited document have no local text; every other quote is checked.
    assert ds.quote_checks == {"checked": 26, "unchecked": 2}
    flow = ds.by_id("flows")["clinic-to-border-office"]
    assert (flow.source, flow.target) == ("clinic", "border-office")
    assert flow.period is not None and flow.period.end == "2018-12"
    assert flow.period.end.precision == "month"


def test_unknowns_default_to_unknown_not_blank() -> None:
    ds = load(VALID, TEXTS)
    scanner = ds.by_id("systems")["scanner"]
    assert scanner.safeguards.dpia.status is s.YesNoUnknown.unknown
    assert scanner.transparency.reviews.status is s.Knowledge.unknown
    assert scanner.transparency.purpose.status is s.Knowledge.partial
    flow = ds.by_id("flows")["police-a-to-scanner"]
    assert flow.safeguards.sharing_agreement.status is s.YesNoUnknown.unknown


#: Each invalid fixture and the exact report it must produce.
EXPECTED: dict[str, list[str]] = {
    "yaml-syntax": [
        "agencies/bad.yaml:3: YAML syntax error: mapping values are not allowed here"
        " — fix the indentation or quoting on or just before this line",
    ],
    "unknown-field": [
        "agencies/bad.yaml:5: police-b colour: unknown field 'colour' — remove it or fix its spelling;"
        " allowed here: aliases, citations, description, id, jurisdiction, name, sector",
    ],
    "wrong-type": [
        "flows/bad.yaml:4: bad-flow categories: input should be a valid list; got str 'fingerprint'"
        " — change the value to the expected type",
    ],
    "bad-enum": [
        "agencies/bad.yaml:3: police-b sector: 'polce' is not allowed — use one of "
        + ", ".join(f"'{v.value}'" for v in list(s.Sector)[:-1])
        + f" or '{list(s.Sector)[-1].value}'",
    ],
    "bad-date": [
        "flows/bad.yaml:11: bad-flow period.start: '2021-13' is not a real date (month must be in 1..12)"
        ' — write dates as "YYYY", "YYYY-MM" or "YYYY-MM-DD"',
    ],
    "duplicate-id": [
        "agencies/bad.yaml:1: police-a id: id 'police-a' is already used — first used at"
        " agencies/agencies.yaml:1; give this record another id",
    ],
    "dangling-reference": [
        "flows/bad.yaml:3: bad-flow to: 'border-registry' does not exist — add an agency or system record"
        " with id 'border-registry' or fix the reference",
    ],
    "flow-without-citation": [
        "flows/bad.yaml:11: bad-flow citations: has no citations — add at least one citation with source,"
        " locator, quote and confidence",
    ],
    "node-without-citation": [
        "agencies/bad.yaml:1: police-b citations: has no citations — add at least one citation with source,"
        " locator, quote and confidence",
    ],
    "unregistered-source": [
        "agencies/bad.yaml:6: police-b citations[0].source: source 'made-up-report' is not registered"
        " — register it in graph_data/sources/ or use a registered source id",
    ],
    "quote-not-found": [
        "agencies/bad.yaml:8: police-b citations[0].quote: the quote does not appear in report.txt"
        " — copy the passage verbatim from the source (only white space and quote marks may differ)",
    ],
}


def test_every_invalid_fixture_has_an_expectation() -> None:
    on_disk = {p.name for p in INVALID.iterdir() if p.is_dir()}
    assert on_disk - {"many-problems"} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture_reports_exact_message(name: str, overlay: Callable[[str], Path]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        load(overlay(name), TEXTS)
    assert [p.format() for p in caught.value.problems] == EXPECTED[name]


def test_all_problems_are_reported_at_once(overlay: Callable[[str], Path]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        load(overlay("many-problems"), TEXTS)
    found = [(p.file, p.line, p.record, p.field, p.code) for p in caught.value.problems]
    assert found == [
        ("agencies/bad.yaml", 3, "police-b", "sector", "bad-value"),
        ("agencies/bad.yaml", 4, "police-b", "jurisdiction", "dangling-reference"),
        ("agencies/bad.yaml", 6, "police-b", "citations[0].source", "unregistered-source"),
        ("agencies/bad.yaml", 7, "police-c", "citations", "no-citation"),
        ("flows/bad.yaml", 3, "bad-flow", "to", "dangling-reference"),
        ("flows/bad.yaml", 7, "bad-flow", "legal_basis", "no-citation"),
        ("flows/bad.yaml", 10, "bad-flow", "period", "bad-date"),
        ("flows/bad.yaml", 13, "bad-flow", "citations[0].quote", "quote-not-found"),
    ]


def test_quotes_fold_white_space_and_quote_marks_only(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "d"
    shutil.copytree(VALID, data)
    agencies = data / "agencies" / "agencies.yaml"
    text = agencies.read_text(encoding="utf-8")
    # Straight apostrophe against the text's curly one, and a line break: still found.
    assert "person's fingerprint" in text
    agencies.write_text(text.replace("scan a person's fingerprint", "scan a\n        person's fingerprint"),
                        encoding="utf-8")
    load(data, TEXTS)
    # A changed word is not folded.
    agencies.write_text(text.replace("scan a person's", "scan the person's"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load(data, TEXTS)
    assert [p.code for p in caught.value.problems] == ["quote-not-found"]


def test_missing_source_text_is_a_problem_in_strict_mode(tmp_path: Path) -> None:
    empty = tmp_path / "no-texts"
    empty.mkdir()
    ds = load(VALID, empty)  # lenient: quotes left unchecked, counted
    assert ds.quote_checks == {"checked": 0, "unchecked": 28}
    with pytest.raises(ValidationFailed) as caught:
        load(VALID, empty, require_texts=True)
    assert [(p.record, p.code) for p in caught.value.problems] == [("test-report", "source-text-missing")]


def test_missing_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(DatasetNotFound, match="does not exist"):
        load(tmp_path / "nope", None)
    with pytest.raises(DatasetNotFound, match="no data files"):
        load(tmp_path, None)


def test_duplicate_keys_and_non_list_files(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "d"
    shutil.copytree(VALID, data)
    (data / "groups" / "extra.yaml").write_text(
        "- id: group-z\n  name: Z\n  name: Zed\n  citations:\n"
        "    - {source: test-report, locator: x, quote: Group X, confidence: high}\n",
        encoding="utf-8",
    )
    (data / "outcomes" / "extra.yaml").write_text("id: not-a-list\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load(data, TEXTS)
    assert [p.format() for p in caught.value.problems] == [
        "groups/extra.yaml:3: #1 name: key 'name' appears twice — keep one of them",
        "outcomes/extra.yaml:1: the file must be a YAML list of records"
        " — start each record with '- ' at the left margin",
    ]


def test_hierarchy_cycle_is_reported(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "d"
    shutil.copytree(VALID, data)
    path = data / "data_categories" / "c.yaml"
    head = "- id: biometric\n  name: Biometric data\n"
    text = path.read_text(encoding="utf-8").replace(head, head + "  parent: fingerprint\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load(data, TEXTS)
    found = {(p.record, p.code) for p in caught.value.problems}
    assert found == {("biometric", "cycle"), ("fingerprint", "cycle")}
