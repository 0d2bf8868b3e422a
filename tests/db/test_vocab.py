"""The names the loader may write into Cypher text: labels, types and property keys of the vocabulary only."""

from __future__ import annotations

import pytest

from dataflows.db.vocab import Label, Rel, labels, prop_key, rel


def test_labels_and_types_come_only_from_the_vocabulary() -> None:
    assert labels(Label.party, Label.agency) == ":`Party`:`Agency`"
    assert rel(Rel.flow) == ":`FLOW`"
    with pytest.raises(TypeError):
        labels("Party")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        rel("FLOW`]->() DETACH DELETE n //")  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["id", "safeguard_dpia_note", "register_purpose_text", "a1"])
def test_property_keys_that_are_identifiers_pass(key: str) -> None:
    assert prop_key(key) == f"`{key}`"


@pytest.mark.parametrize("key", ["", "Id", "_kind", "1a", "a b", "a`b", "a}", "x: 1}) DETACH DELETE n //", "é", "a\n"])
def test_every_other_property_key_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match="is not a property key"):
        prop_key(key)
