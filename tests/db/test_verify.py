"""`dataflows verify`: is the map in Neo4j the one loaded, unchanged, and the map in graph_data/?"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import neo4j
import pytest

from dataflows.db import loader
from dataflows.db.rows import graph_rows

from ..conftest import FIXTURES, TEXTS, VALID
from .conftest import Server
from .helpers import big_graph
from .test_cli_db import load_fixture, run


def verify(server: Server, *extra: str, data: Path = VALID) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    """Exit code, JSON answer and the text answer of the same check."""
    as_json = run(server, "verify", "-d", str(data), "--sources-dir", str(TEXTS), "-f", "json", *extra)
    as_text = run(server, "verify", "-d", str(data), "--sources-dir", str(TEXTS), *extra)
    assert as_json.returncode == as_text.returncode, (as_json.stderr, as_text.stderr)
    assert server.password not in as_json.stdout + as_json.stderr + as_text.stdout + as_text.stderr
    return as_json.returncode, json.loads(as_json.stdout), as_text.stdout


@pytest.fixture
def loaded(neo4j_server: Server) -> Server:
    """The server with the valid fixture freshly loaded (other tests load other maps)."""
    result = load_fixture(neo4j_server)
    assert result.returncode == 0, result.stderr
    return neo4j_server


def test_a_fresh_load_is_intact_and_the_map_in_graph_data(loaded: Server) -> None:
    loaded_checksum = json.loads(load_fixture(loaded).stdout)["checksum"]
    code, answer, text = verify(loaded)
    assert code == 0
    assert answer["ok"] and answer["loaded"] and answer["intact"] and answer["same_as_data"]
    assert answer["checksum"]["recorded"] == answer["checksum"]["content"] == answer["checksum"]["data"] \
        == loaded_checksum
    assert answer["checksum"]["recorded_scheme"] == answer["checksum"]["scheme"] == loader.CHECKSUM_SCHEME
    assert answer["counts"]["content"] == answer["counts"]["recorded"] == answer["counts"]["data"]
    assert answer["counts"]["content"]["FLOW"] == 3 and answer["counts"]["content"]["Agency"] > 0
    assert "intact: the database holds exactly what was loaded" in text
    assert f"the same map as in {VALID}" in text
    assert loaded_checksum in text


def test_an_edit_in_the_database_is_reported_as_a_change(loaded: Server) -> None:
    d = loaded.driver()
    try:
        d.execute_query("MATCH (:Party)-[f:FLOW {id: 'police-a-to-scanner'}]->(:Party) SET f.purpose = 'edited'")
        code, answer, text = verify(loaded)
        assert code == 3
        assert not answer["ok"] and not answer["intact"] and answer["same_as_data"] is False
        assert answer["checksum"]["content"] != answer["checksum"]["recorded"]
        assert "CHANGED since it was loaded" in text and "the counts are the same" in text
        # A flow deleted by hand: the counts say which kind of record is missing.
        d.execute_query("MATCH (:Party)-[f:FLOW {id: 'police-a-to-scanner'}]->(:Party) DELETE f")
        code, answer, text = verify(loaded)
        assert code == 3 and answer["counts"]["content"]["FLOW"] == 2
        assert "FLOW: 3 expected, 2 in the database" in text
    finally:
        d.close()


def test_a_map_that_is_not_the_one_in_graph_data(loaded: Server, tmp_path: Path) -> None:
    data = tmp_path / "renamed"
    shutil.copytree(VALID, data)
    path = data / "agencies" / "agencies.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Police A", "name: Police Alpha"),
                    encoding="utf-8")
    code, answer, text = verify(loaded, data=data)
    assert code == 3
    assert answer["intact"] and answer["same_as_data"] is False
    assert answer["checksum"]["data"] != answer["checksum"]["content"]
    assert "intact" in text and f"NOT the map in {data}" in text
    # Without the comparison, the same database is simply intact; graph_data/ is not even read.
    code, answer, _ = verify(loaded, "--no-data", data=tmp_path / "no-such-folder")
    assert code == 0 and answer["intact"] and answer["same_as_data"] is None and answer["checksum"]["data"] is None
    assert answer["data_dir"] is None


def test_a_checksum_recorded_under_another_scheme_is_not_called_a_change(loaded: Server) -> None:
    d = loaded.driver()
    try:
        d.execute_query("MATCH (m:MapInfo {id: 'map'}) SET m.checksum = 'recorded-by-an-earlier-loader' "
                        "REMOVE m.checksum_scheme")
        code, answer, text = verify(loaded)
    finally:
        d.close()
    assert code == 3 and not answer["intact"] and answer["checksum"]["recorded_scheme"] is None
    assert answer["data_dir"] == str(VALID)
    assert answer["same_as_data"] is True  # the content itself is the map in graph_data/
    assert "cannot tell whether it changed" in text and "CHANGED" not in text
    assert "Load it again with 'dataflows load'" in text


def test_no_map_loaded(loaded: Server) -> None:
    d = loaded.driver()
    try:
        d.execute_query("MATCH (n:DataflowsMap) DETACH DELETE n")
        code, answer, text = verify(loaded)
    finally:
        d.close()
    assert code == 3 and not answer["loaded"] and not answer["ok"]
    assert "no map loaded by 'dataflows load'" in text


def test_a_server_that_is_not_there_is_one_clear_line(neo4j_server: Server) -> None:
    env = {**neo4j_server.env, "NEO4J_URI": "bolt://127.0.0.1:1"}
    result = run(neo4j_server, "verify", "--no-data", env=env)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_check_reads_every_record_with_progress(drv: neo4j.Driver) -> None:
    rows = graph_rows(big_graph(25_000, tag="checked"))
    loader.load(drv, "neo4j", rows, version="test")
    seen: list[tuple[str, int, int]] = []
    found = loader.check(drv, "neo4j", progress=lambda stage, done, total: seen.append((stage, done, total)))
    size = sum(len(r) for r in rows.nodes.values()) + sum(len(r) for r in rows.rels.values())
    assert found.intact and found.content == loader.rows_checksum(rows)
    assert found.content_counts == found.recorded_counts == rows.counts()
    assert {s for s, _, _ in seen} == {loader.READING}
    assert seen[0][1:] == (0, size) and seen[-1][1:] == (size, size)
    assert len(seen) > 2 and [d for _, d, _ in seen] == sorted(d for _, d, _ in seen)


def test_invalid_data_is_reported_before_anything_is_read(loaded: Server) -> None:
    result = run(loaded, "verify", "-d", str(FIXTURES / "invalid" / "dangling-reference"), "--sources-dir", str(TEXTS))
    assert result.returncode == 2 and result.stdout == ""
    assert "Fix them and run again" in result.stderr and "Traceback" not in result.stderr
    bad_day = run(loaded, "verify", "--as-of", "2021-13-01")
    assert bad_day.returncode == 2 and "YYYY-MM-DD" in bad_day.stderr
