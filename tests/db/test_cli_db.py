"""`dataflows load` and `dataflows query` against the real server, as a user runs them."""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import threading
import weakref
from pathlib import Path

import pytest
import yaml

from dataflows.db import queries

from ..conftest import TEXTS, VALID
from .conftest import Server

HOSTILE = "Robert'); MATCH (n) DETACH DELETE n; // `x` {y: $z} \\\" \u2028 }"


def run(server: Server, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dataflows", *args], env=env or server.env, capture_output=True,
                          text=True, check=False, timeout=300, stdin=subprocess.DEVNULL)


def load_fixture(server: Server, data: Path = VALID, *extra: str) -> subprocess.CompletedProcess[str]:
    return run(server, "load", "-d", str(data), "--sources-dir", str(TEXTS), "--format", "json", *extra)


def test_load_and_query_end_to_end(neo4j_server: Server) -> None:
    first = load_fixture(neo4j_server)
    assert first.returncode == 0, first.stderr
    second = load_fixture(neo4j_server, VALID, "--writers", "1", "--batch", "100")
    assert second.returncode == 0, second.stderr
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a["checksum"] == b["checksum"] and a["counts"] == b["counts"]
    assert a["counts"]["FLOW"] == 3
    q = run(neo4j_server, "query", "flows-by-category", "--param", "category=biometric", "--format", "json")
    assert q.returncode == 0, q.stderr
    rows = json.loads(q.stdout)["rows"]
    assert [r["flow"] for r in rows] == ["police-a-to-scanner", "scanner-to-border-register"]
    text = run(neo4j_server, "query", "party", "-p", "id=scanner", env={**neo4j_server.env, "COLUMNS": "250"})
    assert text.returncode == 0 and "sends to" in text.stdout and "border-register" in text.stdout
    # Only the answer: no server hints (e.g. about relationship types this map does not use) on stderr.
    assert text.stderr == "", text.stderr
    assert neo4j_server.password not in first.stdout + first.stderr + text.stdout + text.stderr
    fs = run(neo4j_server, "query", "flow-sources", "-p", "flow=scanner-to-border-register", "-f", "json")
    assert [(r["claim"], r["source"]) for r in json.loads(fs.stdout)["rows"]] == [
        ("firewall", "test-report"), ("record", "test-report")]
    sup = run(neo4j_server, "query", "source-supports", "-p", "source=test-report", "-f", "json")
    kinds = {r["kind"] for r in json.loads(sup.stdout)["rows"]}
    assert {"FLOW", "OPERATES", "HOLDS", "Agency", "System", "Figure"} <= kinds


def test_server_hints_are_not_shown(neo4j_server: Server, tmp_path: Path) -> None:
    """A query naming a relationship type or property the map does not use answers without the server's hints."""
    (tmp_path / "unused.cypher").write_text(
        "// name: unused\n// title: Unused names\n// description: Names no map here uses.\n// mode: read\n\n"
        "OPTIONAL MATCH (p:Party)-[r:DATAFLOWS_NEVER_USED]->() RETURN count(r.never_set) AS n\n", encoding="utf-8")
    proc = run(neo4j_server, "query", "unused", "--queries-dir", str(tmp_path), "-f", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["rows"] == [{"n": 0}]
    assert proc.stderr == "", proc.stderr


def test_routing_uri_works(neo4j_server: Server) -> None:
    assert load_fixture(neo4j_server).returncode == 0
    env = {**neo4j_server.env, "NEO4J_URI": f"neo4j://127.0.0.1:{neo4j_server.port}"}
    q = run(neo4j_server, "query", "source-supports", "-p", "source=test-cited-doc", "-f", "json", env=env)
    assert q.returncode == 0, q.stderr
    rows = json.loads(q.stdout)["rows"]
    assert {(r["kind"], r["about"], r["claim"]) for r in rows} == {
        ("System", "border-register", "safeguards.dpia"), ("ScopeChange", "border-register:scope:0", "record")}


def load_with_police_a_named(server: Server, tmp_path: Path, name: str) -> None:
    """Load the valid fixture with Police A renamed to *name* (written as a YAML string)."""
    data = tmp_path / "renamed"
    shutil.copytree(VALID, data)
    path = data / "agencies" / "agencies.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Police A", f"name: {json.dumps(name)}"),
                    encoding="utf-8")
    assert load_fixture(server, data).returncode == 0


def test_hostile_text_is_stored_and_matched_literally(neo4j_server: Server, tmp_path: Path) -> None:
    load_with_police_a_named(neo4j_server, tmp_path, HOSTILE)
    d = neo4j_server.driver()
    try:
        records, _, _ = d.execute_query("MATCH (p:Party {id: 'police-a'}) RETURN p.name AS name")
        assert records[0]["name"] == HOSTILE
        records, _, _ = d.execute_query("MATCH (n:DataflowsMap) RETURN count(n) AS n")
        assert records[0]["n"] > 0  # nothing was deleted by the text
    finally:
        d.close()
    q = run(neo4j_server, "query", "party", "-p", f"id={HOSTILE}", "-f", "json")
    assert q.returncode == 0, q.stderr
    assert json.loads(q.stdout)["rows"] == []
    names = run(neo4j_server, "query", "flows-by-category", "-p", f"category={HOSTILE}", "-f", "json")
    assert names.returncode == 0 and json.loads(names.stdout)["rows"] == []


MARKUP = "Police [/x] A [bold]B[/bold] [link=http://example.org]c[/link] [...]"


def test_text_output_prints_the_maps_text_literally(neo4j_server: Server, tmp_path: Path) -> None:
    """Brackets in the map's text are printed as they are: never read as terminal styling, never a crash."""
    load_with_police_a_named(neo4j_server, tmp_path, MARKUP)
    q = run(neo4j_server, "query", "party", "-p", "id=scanner", env={**neo4j_server.env, "COLUMNS": "400"})
    assert q.returncode == 0, q.stderr
    assert MARKUP in q.stdout
    assert "\x1b" not in q.stdout  # no escape sequences (a hyperlink would be one)


def test_nested_answers_print_one_block_per_row(neo4j_server: Server) -> None:
    """The register's fields and citations nest: each row is printed as a block, nested values as YAML."""
    assert load_fixture(neo4j_server).returncode == 0
    q = run(neo4j_server, "query", "transparency-register", "-p", "system=border-register")
    assert q.returncode == 0, q.stderr
    lines = q.stdout.splitlines()
    assert lines[0] == "Transparency register — 1 row"
    assert "── row 1 ──" in lines
    assert any(line.startswith("system ") and line.split()[-1] == "border-register" for line in lines)
    assert "fields:" in lines and "name: purpose" in [line.strip() for line in lines]
    # The same rows as the JSON output, in YAML: each nested field parses back to what JSON gives.
    js = run(neo4j_server, "query", "transparency-register", "-p", "system=border-register", "-f", "json")
    [row] = json.loads(js.stdout)["rows"]
    block = lines[lines.index("fields:") + 1:]
    end = next(i for i, line in enumerate(block) if not line.startswith("  "))
    assert yaml.safe_load("\n".join(line[2:] for line in block[:end])) == row["fields"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"NEO4J_PASSWORD": "wrong-password-123"}, "refused user 'neo4j': wrong user name or password"),
        ({"NEO4J_DATABASE": "nope"}, "database 'nope' does not exist"),
        ({"NEO4J_URI": "bolt://127.0.0.1:1"}, "cannot reach Neo4j at bolt://127.0.0.1:1"),
        ({"NEO4J_URI": "http://127.0.0.1:7474"}, "is not a Neo4j address"),
    ],
    ids=["wrong-password", "unknown-database", "server-down", "bad-uri"],
)
def test_connection_problems_are_one_clear_line(neo4j_server: Server, change: dict[str, str], expected: str) -> None:
    env = {**neo4j_server.env, **change}
    for args in (["load", "-d", str(VALID), "--sources-dir", str(TEXTS)], ["query", "party", "-p", "id=x"]):
        proc = run(neo4j_server, *args, env=env)
        assert proc.returncode in (1, 2)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], proc.stderr
        assert "Traceback" not in proc.stderr
        assert neo4j_server.password not in proc.stdout + proc.stderr


def test_missing_password_without_a_terminal(neo4j_server: Server) -> None:
    env = {k: v for k, v in neo4j_server.env.items() if k != "NEO4J_PASSWORD"}
    proc = run(neo4j_server, "query", "party", "-p", "id=x", env=env)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: no Neo4j password: set NEO4J_PASSWORD (or run in a terminal to be asked)"


def test_limit_reads_the_first_rows_and_says_there_are_more(neo4j_server: Server) -> None:
    assert load_fixture(neo4j_server).returncode == 0
    whole = run(neo4j_server, "query", "source-supports", "-p", "source=test-report", "-f", "json")
    assert whole.returncode == 0, whole.stderr
    every = json.loads(whole.stdout)
    assert every["limit"] is None and every["more"] is False and len(every["rows"]) > 3
    part = run(neo4j_server, "query", "source-supports", "-p", "source=test-report", "--limit", "3", "-f", "json")
    assert part.returncode == 0, part.stderr
    first = json.loads(part.stdout)
    assert first["limit"] == 3 and first["more"] is True
    assert first["columns"] == every["columns"]
    assert len(first["rows"]) == 3 and all(r in every["rows"] for r in first["rows"])
    # A limit the answer fits in: every row, and nothing said to be left over.
    fits = run(neo4j_server, "query", "source-supports", "-p", "source=test-report", "-n", str(len(every["rows"])),
               "-f", "json")
    assert json.loads(fits.stdout)["more"] is False
    assert sorted(map(json.dumps, json.loads(fits.stdout)["rows"])) == sorted(map(json.dumps, every["rows"]))
    text = run(neo4j_server, "query", "source-supports", "-p", "source=test-report", "--limit", "1")
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[0] == "Everything a source supports — the first 1 row; more were not read (--limit)"
    none = run(neo4j_server, "query", "source-supports", "-p", "source=test-report", "--limit", "0", "-f", "json")
    assert json.loads(none.stdout)["rows"] == [] and json.loads(none.stdout)["more"] is True


def run_on_terminal(server: Server, *args: str) -> tuple[int, str, str]:
    """Run the CLI as from a user's shell, its standard error a (pseudo-)terminal, its standard output a pipe.

    Returns the exit code, standard output, and what the terminal received with the cursor and colour codes taken out.
    """
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "dataflows", *args],
                            env={**server.env, "TERM": "xterm", "COLUMNS": "250"},
                            stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    seen: list[bytes] = []

    def read_terminal() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the other end closed (Linux)
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=read_terminal)
    reader.start()
    assert proc.stdout is not None
    stdout = proc.stdout.read().decode()
    code = proc.wait(timeout=300)
    reader.join(timeout=30)
    os.close(master)
    return code, stdout, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(seen).decode(errors="replace"))


def test_a_terminal_sees_what_runs_and_the_output_does_not(neo4j_server: Server, tmp_path: Path) -> None:
    """While a query or an analysis runs on Neo4j, standard error on a terminal says what runs and, for a query,
    the rows read so far; it is gone from the answer on standard output, and not shown for JSON."""
    assert load_fixture(neo4j_server).returncode == 0
    code, stdout, terminal = run_on_terminal(neo4j_server, "query", "flows-by-category", "-p", "category=biometric")
    assert code == 0, terminal
    assert "running flows-by-category" in terminal and "2 rows read" in terminal
    assert "police-a-to-scanner" in stdout and "running" not in stdout and "rows read" not in stdout
    # With --limit 1 the line counts the one row shown, not the row read past it to see that there were more.
    code, stdout, terminal = run_on_terminal(neo4j_server, "query", "flows-by-category", "-p", "category=biometric",
                                             "--limit", "1")
    assert code == 0, terminal
    assert "1 row read" in terminal and "2 rows read" not in terminal, terminal
    assert "the first 1 row; more were not read" in stdout
    code, stdout, terminal = run_on_terminal(neo4j_server, "query", "flows-by-category", "-p", "category=biometric",
                                             "-f", "json")
    assert code == 0 and len(json.loads(stdout)["rows"]) == 2
    assert "running" not in terminal and "rows read" not in terminal
    code, stdout, terminal = run_on_terminal(neo4j_server, "flows", "--engine", "neo4j", "--party", "scanner")
    assert code == 0, terminal
    assert "asking Neo4j: flows" in terminal
    assert "scanner-to-border-register" in stdout and "asking" not in stdout
    code, stdout, terminal = run_on_terminal(neo4j_server, "flows", "--engine", "neo4j", "-f", "json")
    assert code == 0 and "asking" not in terminal
    # A query that fails while it runs: the status goes, and the error is one line after it.
    (tmp_path / "huge.cypher").write_text(HUGE, encoding="utf-8")
    code, stdout, terminal = run_on_terminal(neo4j_server, "query", "huge", "--queries-dir", str(tmp_path),
                                             "--timeout", "1")
    assert code == 1 and stdout == ""
    assert "running huge" in terminal
    last = terminal.replace("\r", "\n").strip().splitlines()[-1]
    assert last.startswith("error: ") and "--limit N reads only the first" in last, terminal


def test_rows_read_are_counted_as_they_arrive(neo4j_server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """queries.execute reports the rows read after every chunk, with and without a limit (never more than the limit),
    and the answer is the same."""
    assert load_fixture(neo4j_server).returncode == 0
    monkeypatch.setattr(queries, "READ_CHUNK", 2)
    q = queries.get("who-shares")
    params = queries.bind(q, {})
    by_category = queries.get("flows-by-category")
    with neo4j_server.driver() as drv:
        plain = queries.execute(drv, q, params, database="neo4j")
        assert len(plain.records) == 3
        # With a limit, the one row read past it (which says whether there were more) is not counted.
        for limit, expected_calls, more in [(None, [2, 3], False), (2, [2, 2], True), (1, [1], True),
                                            (5, [2, 3], False), (0, [0], True), (3, [2, 3], False)]:
            calls: list[int] = []
            got = queries.execute(drv, q, params, database="neo4j", limit=limit, on_rows=calls.append)
            assert calls == expected_calls, limit
            assert got.more is more and got.keys == plain.keys
            assert got.records == plain.records[:limit], limit
        calls = []
        none = queries.execute(drv, by_category, queries.bind(by_category, {"category": "no-such-category"}),
                               database="neo4j", on_rows=calls.append)
        assert none.records == [] and calls == [0]


HUGE = ("// name: huge\n// title: A trillion rows\n// description: More rows than any server could send.\n"
        "// mode: read\n\nUNWIND range(1, 1000000) AS x UNWIND range(1, 1000000) AS y RETURN x, y\n")


def test_limit_stops_a_huge_answer_and_a_timeout_is_one_line(neo4j_server: Server, tmp_path: Path) -> None:
    """The first rows of an answer of 10^12 rows come back, the rest never computed; without a limit, time runs out."""
    (tmp_path / "huge.cypher").write_text(HUGE, encoding="utf-8")
    first = run(neo4j_server, "query", "huge", "--queries-dir", str(tmp_path), "--limit", "4", "--timeout", "60",
                "-f", "json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["rows"] == [{"x": 1, "y": y} for y in range(1, 5)]
    assert json.loads(first.stdout)["more"] is True
    out = run(neo4j_server, "query", "huge", "--queries-dir", str(tmp_path), "--timeout", "1")
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        f"error: Neo4j at bolt://127.0.0.1:{neo4j_server.port} (database 'neo4j') stopped the query: it ran past its"
        " time limit (the timeout asked for, or the server's db.transaction.timeout); --limit N reads only the first"
        " N rows"]


def test_a_writing_query_takes_no_limit(neo4j_server: Server, tmp_path: Path) -> None:
    (tmp_path / "writes.cypher").write_text(
        "// name: writes\n// title: Writes\n// description: Makes a node.\n// mode: write\n\n"
        "CREATE (n:DataflowsTestWrite) RETURN n.id AS id\n", encoding="utf-8")
    proc = run(neo4j_server, "query", "writes", "--queries-dir", str(tmp_path), "--limit", "1")
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("error: query 'writes' writes (mode: write), so it always runs whole;"
                                   " leave out --limit")
    d = neo4j_server.driver()
    try:
        assert d.execute_query("MATCH (n:DataflowsTestWrite) RETURN count(n) AS n").records[0]["n"] == 0
    finally:
        d.close()


def test_csv_output_has_a_header_and_one_line_per_row(neo4j_server: Server) -> None:
    """Flat values as text (lists joined with '; '), nested values as JSON: the same rows as --format json."""
    assert load_fixture(neo4j_server).returncode == 0
    for name, param in (("flows-by-category", "category=biometric"),
                        ("transparency-register", "system=border-register")):
        js = run(neo4j_server, "query", name, "-p", param, "-f", "json")
        as_csv = run(neo4j_server, "query", name, "-p", param, "-f", "csv")
        assert as_csv.returncode == 0 and as_csv.stderr == "", as_csv.stderr
        answer = json.loads(js.stdout)
        header, *lines = list(csv.reader(io.StringIO(as_csv.stdout)))
        assert header == answer["columns"]
        assert len(lines) == len(answer["rows"]) > 0
        for line, row in zip(lines, answer["rows"], strict=True):
            for cell, value in zip(line, [row[k] for k in header], strict=True):
                if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(x, dict | list)
                                                                                for x in value)):
                    assert json.loads(cell) == value
                elif isinstance(value, list):
                    assert cell == "; ".join(map(str, value))
                else:
                    assert cell == ("" if value is None else str(value))
    part = run(neo4j_server, "query", "source-supports", "-p", "source=test-report", "--limit", "2", "-f", "csv")
    assert part.returncode == 0
    assert len(list(csv.reader(io.StringIO(part.stdout)))) == 3
    assert part.stderr.strip() == "the first 2 rows; more were not read (--limit)"


@pytest.mark.parametrize("command", ["load", "verify"])
def test_the_cycle_collector_stays_paused_until_the_rows_are_freed(
        neo4j_server: Server, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    """`load` and `verify` free the rows they build before the collector resumes, so it never scans them.

    The real graph_rows builds the rows; each collection Python runs is recorded, and so is the moment
    the rows are freed.
    """
    from typer.testing import CliRunner

    from dataflows.cli import app
    from dataflows.db.rows import graph_rows as real

    for key in ("NEO4J_PASSWORD", "NEO4J_URI", "NEO4J_USER", "NEO4J_DATABASE"):
        monkeypatch.setenv(key, neo4j_server.env[key])
    events: list[str] = []

    def graph_rows(g):  # type: ignore[no-untyped-def]
        rows = real(g)
        events.append(f"built, collector {'on' if gc.isenabled() else 'paused'}")
        weakref.finalize(rows, lambda: events.append(f"freed, collector {'on' if gc.isenabled() else 'paused'}"))
        return rows

    def collection(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and events and events[-1] != "collection":
            events.append("collection")

    monkeypatch.setattr("dataflows.cli.db.graph_rows", graph_rows)
    gc.callbacks.append(collection)
    try:
        if command == "verify":
            assert load_fixture(neo4j_server).returncode == 0
        result = CliRunner().invoke(app, [command, "-d", str(VALID), "--sources-dir", str(TEXTS), "-f", "json"])
    finally:
        gc.callbacks.remove(collection)
    assert result.exit_code == 0, result.output
    assert "built, collector paused" in events, events
    built = events.index("built, collector paused")
    assert events[built + 1] == "freed, collector paused", events
    assert gc.isenabled()
