"""Every stored query: header and text agree, and only the schema's vocabulary is used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dataflows.db import queries
from dataflows.db.vocab import MAP_LABEL, Label, Rel
from dataflows.errors import SettingsError, UnknownName

from ..conftest import ROOT

CYPHER = ROOT / "cypher"
FILES = sorted(CYPHER.glob("*.cypher"))


def test_there_are_queries() -> None:
    assert len(FILES) >= 4


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_header_agrees_with_text(path: Path) -> None:
    q = queries.parse(path)
    assert q.problems == ()
    assert q.name == path.stem and q.title and q.description and q.mode in ("read", "write")


def vocabulary_used(text: str) -> tuple[set[str], set[str]]:
    """Node labels and relationship types written in a query (string literals ignored)."""
    text = re.sub(r"'[^']*'", "''", text)
    groups = re.findall(r"\(\s*\w*\s*((?::\s*`?\w+`?)+)", text)
    found = {lbl.strip(" `") for group in groups for lbl in group.split(":") if lbl.strip(" `")}
    types = {t for group in re.findall(r"\[\s*\w*\s*:\s*([A-Za-z_|:`]+)", text)
             for t in re.split(r"[|:`]", group) if t}
    return found, types


def test_vocabulary_check_sees_foreign_names() -> None:
    assert vocabulary_used("MATCH (a:Party:Foo)-[r:FLOW|BAR*1..2]->(:Baz) RETURN 'x:Nope'") == (
        {"Party", "Foo", "Baz"}, {"FLOW", "BAR"})


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_only_schema_labels_and_types(path: Path) -> None:
    found, types = vocabulary_used(queries.parse(path).text)
    assert found <= {lbl.value for lbl in Label} | {MAP_LABEL}, found
    assert types <= {r.value for r in Rel}, types


def test_write_mode_only_where_declared() -> None:
    for path in FILES:
        q = queries.parse(path)
        if q.mode == "read":
            assert not re.search(r"\b(CREATE|MERGE|DELETE|SET|REMOVE)\b", q.text), path.name


def test_header_problems_are_found(tmp_path: Path) -> None:
    bad = tmp_path / "broken.cypher"
    bad.write_text(
        "// name: other\n// title: T\n// param: who (string, required) A party.\n"
        "// param: n (integer) Wrong type.\n// mode: read\nMATCH (p:Party {id: $id}) RETURN p\n",
        encoding="utf-8",
    )
    q = queries.parse(bad)
    assert list(q.problems) == [
        "bad param line 'n (integer) Wrong type.': write 'name (type[, required|, default X]) text'"
        " with type one of string, int, float, bool, date, list",
        "header has no 'description:' line",
        "header name 'other' differs from the file name 'broken'",
        "$id is used but not declared in the header",
        "parameter 'who' is declared but not used",
    ]


def test_auto_commit_is_declared_exactly_where_the_query_needs_it(tmp_path: Path) -> None:
    """A query with CALL { … } IN TRANSACTIONS runs only as an auto-commit transaction: the header says so."""
    head = "// name: q\n// title: T\n// description: D\n// mode: read\n"
    in_tx = "UNWIND [1, 2] AS x\nCALL (x) {\n  RETURN x * 2 AS y\n} IN 2 CONCURRENT TRANSACTIONS OF 1 ROW\nRETURN y\n"
    plain = "// Not CALL { } IN TRANSACTIONS: a comment says nothing.\nRETURN 1 AS y\n"
    cases = {
        "declared": (head + "// transaction: auto-commit\n" + in_tx, True, []),
        "undeclared": (head + in_tx, True, ["the query runs CALL { … } IN TRANSACTIONS, which Neo4j allows only in an"
                                            " auto-commit transaction: its header needs a 'transaction: auto-commit'"
                                            " line"]),
        "needless": (head + "// transaction: auto-commit\n" + plain, False,
                     ["the header says 'transaction: auto-commit' but the query runs no CALL { … } IN TRANSACTIONS:"
                      " leave the line out, so that it runs in a transaction that is retried whole"]),
        "plain": (head + plain, False, []),
        "misspelt": (head + "// transaction: autocommit\n" + plain, False,
                     ["transaction must be auto-commit (or no such line), not 'autocommit'"]),
    }
    for name, (text, auto, problems) in cases.items():
        path = tmp_path / "q.cypher"
        path.write_text(text, encoding="utf-8")
        q = queries.parse(path)
        assert (q.auto_commit, list(q.problems)) == (auto, problems), name
        assert queries.mode_text(q) == ("read, auto-commit" if auto else "read"), name
    for word in ("IN TRANSACTIONS", "in transactions OF 10 ROWS", "IN CONCURRENT TRANSACTIONS", "IN 4 CONCURRENT\n"
                 "TRANSACTIONS"):
        path.write_text(head + "CALL () { RETURN 1 AS y } " + word + "\nRETURN y\n", encoding="utf-8")
        q = queries.parse(path)
        assert q.auto_commit and q.problems != (), word


def test_unknown_query_lists_known_ones() -> None:
    with pytest.raises(UnknownName, match=r"no stored query 'nope'; known queries: .*party"):
        queries.get("nope", CYPHER)


def test_binding_checks_and_converts(tmp_path: Path) -> None:
    path = tmp_path / "q.cypher"
    path.write_text(
        "// name: q\n// title: T\n// description: D\n// param: id (string, required) Id.\n"
        "// param: hops (int, default 3) Hops.\n// param: since (date) Since.\n// mode: read\n"
        "RETURN $id, $hops, $since\n", encoding="utf-8")
    q = queries.parse(path)
    assert queries.bind(q, {"id": "x"}) == {"id": "x", "hops": 3, "since": None}
    assert queries.bind(q, {"id": "x", "hops": "5", "since": "2021-08-01"}) == {
        "id": "x", "hops": 5, "since": "2021-08-01"}
    with pytest.raises(SettingsError, match="needs --param id="):
        queries.bind(q, {})
    with pytest.raises(SettingsError, match="has no parameter colour"):
        queries.bind(q, {"id": "x", "colour": "red"})
    with pytest.raises(SettingsError, match="not a valid int"):
        queries.bind(q, {"id": "x", "hops": "many"})
    # A count: a negative one would slice the answer from its end ('-p limit=-1' listed all but the last).
    with pytest.raises(SettingsError, match=r"hops='-1' must be 0 or more"):
        queries.bind(q, {"id": "x", "hops": "-1"})
    assert queries.bind(q, {"id": "x", "hops": "0"})["hops"] == 0


def unanchored(text: str) -> list[str]:
    """Node patterns at either end of a relationship that carry no label and no variable bound with one."""
    text = re.sub(r"'[^']*'", "''", text)
    bound = set(re.findall(r"\(\s*(\w+)\s*:", text))
    ends = re.findall(r"\(\s*(\w*)\s*\)\s*<?-\[", text) + re.findall(r"\]-\s*>?\s*\(\s*(\w*)\s*\)", text)
    return [f"({v})" for v in ends if not v or v not in bound]


def test_anchoring_check_sees_bare_ends() -> None:
    assert unanchored("MATCH ()-[f:FLOW]->(b:Party) RETURN f") == ["()"]
    assert unanchored("MATCH (a:Party) MATCH (a)-[f:FLOW]->(x) RETURN f") == ["(x)"]
    assert unanchored("MATCH (a:Party)-[f:FLOW]->(b:Party) MATCH (a)<-[r]-(c:Agency) RETURN f") == []


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_pattern_is_anchored_on_labels(path: Path) -> None:
    """The loader stages a new map beside the live one, without schema labels:
    label-anchored patterns are what keep staged data out of every answer."""
    assert unanchored(queries.parse(path).text) == []
