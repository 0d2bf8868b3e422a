"""The JSON Schema files editors use agree with the pydantic models."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from dataflows.cli.data import schema_files
from dataflows.dataset import data_files

from .conftest import GRAPH_DATA, INVALID, VALID


def test_committed_schema_files_are_current() -> None:
    for name, text in schema_files().items():
        path = GRAPH_DATA / "schema" / name
        assert path.is_file(), f"{path} missing: run 'dataflows schema'"
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run 'dataflows schema'"


@pytest.mark.parametrize("root", [VALID, GRAPH_DATA], ids=["fixture", "graph_data"])
def test_data_files_pass_the_json_schema(root) -> None:  # type: ignore[no-untyped-def]
    files = list(data_files(root))
    assert files
    for section, path in files:
        schema = json.loads((GRAPH_DATA / "schema" / f"{section}.schema.json").read_text(encoding="utf-8"))
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)


@pytest.mark.parametrize("name", ["unknown-field", "bad-enum", "node-without-citation"])
def test_json_schema_rejects_what_the_models_reject(name: str) -> None:
    path = next((INVALID / name).rglob("*.yaml"))
    section = path.parent.name
    schema = json.loads((GRAPH_DATA / "schema" / f"{section}.schema.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
