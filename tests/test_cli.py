"""The command line: exit codes, one clear message per problem, nothing half-written."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from dataflows.cli import app

from .conftest import TEXTS, VALID

runner = CliRunner()


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under *folder*, by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_validate_valid_fixture() -> None:
    result = runner.invoke(app, ["validate", "-d", str(VALID), "--sources-dir", str(TEXTS)])
    assert result.exit_code == 0, result.output
    assert "valid — 24 records" in result.stdout
    assert "quotes checked against source texts: 26" in result.stdout


def test_validate_json_lists_problems(overlay: Callable[[str], Path]) -> None:
    result = runner.invoke(app, ["validate", "-d", str(overlay("many-problems")), "--sources-dir", str(TEXTS),
                                 "--format", "json"])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert len(data["problems"]) == 8
    assert data["problems"][0] == {
        "file": "agencies/bad.yaml", "line": 3, "record": "police-b", "field": "sector", "code": "bad-value",
        "message": "'polce' is not allowed", "hint": data["problems"][0]["hint"],
    }


def test_build_refuses_a_folder_of_other_files_and_touches_nothing(tmp_path: Path) -> None:
    """The build replaces its output folder as a whole: a folder holding anything else (someone's own files, given
    as --out by mistake) is refused with one line naming it, exit 1, and left exactly as it was."""
    base = ["build", "-d", str(VALID), "--sources-dir", str(TEXTS)]
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    (mine / "site").mkdir()  # a name the build also writes does not make the folder a build
    before = tree(mine)
    refused = runner.invoke(app, [*base, "-o", str(mine)])
    assert refused.exit_code == 1, refused.output
    assert f"{mine} holds files that are not a dataflows build (notes.txt)" in refused.output
    assert "Traceback" not in refused.output
    assert tree(mine) == before and sorted(p.name for p in mine.iterdir()) == ["notes.txt", "site"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents"]  # nothing written beside it either
    # An earlier build, with a page left over from it, is replaced whole.
    out = tmp_path / "out"
    assert runner.invoke(app, [*base, "-o", str(out)]).exit_code == 0
    first = tree(out)
    (out / "site" / "firewall-999-gone.html").write_text("stale", encoding="utf-8")
    again = runner.invoke(app, [*base, "-o", str(out)])
    assert again.exit_code == 0, again.output
    assert tree(out) == first
    # With --format json too: the same one line (on standard error, as for any output error), no JSON answer.
    as_json = runner.invoke(app, [*base, "-o", str(mine), "--format", "json"])
    assert as_json.exit_code == 1 and as_json.stdout == "" and "(notes.txt)" in as_json.output
    assert tree(mine) == before


def test_build_writes_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", "-d", str(VALID), "--sources-dir", str(TEXTS), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["dataset.json", "graph.json", "reports", "site", "summary.json"]
    assert (out / "site" / "index.html").is_file() and (out / "site" / "map.html").is_file()
    reports = sorted(p.name for p in (out / "reports").iterdir())
    assert reports == sorted(f"{n}.{ext}" for n in ("creep", "firewalls", "flows", "matrix", "register", "safeguards")
                             for ext in ("json", "md"))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["nodes_by_kind"]["agency"] == 3
    assert summary["flows_by_kind"] == {"bulk_sharing": 1, "on_the_spot_lookup": 2}
    assert summary["by_source"]["test-report"]["citations"] == 26
    # The cited document's two citations count with the seed that cites it.
    assert summary["by_seed"] == {"report.txt": {"nodes": 15, "flows": 3, "citations": 28}}
    graph = json.loads((out / "graph.json").read_text())
    assert len([e for e in graph["edges"] if e["kind"] == "flow"]) == 3
    assert "Nodes by kind" in result.stdout


def test_build_is_deterministic(tmp_path: Path) -> None:
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        args = ["build", "-d", str(VALID), "--sources-dir", str(TEXTS), "-o", str(out)]
        assert runner.invoke(app, args).exit_code == 0
        outs.append(tree(out))
    assert outs[0] == outs[1]


def test_failed_build_writes_nothing_and_keeps_old_output(tmp_path: Path, overlay: Callable[[str], Path]) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", "-d", str(VALID), "--sources-dir", str(TEXTS), "-o", str(out)]).exit_code == 0
    before = tree(out)
    result = runner.invoke(app, ["build", "-d", str(overlay("dangling-reference")), "--sources-dir", str(TEXTS),
                                 "-o", str(out)])
    assert result.exit_code == 2
    assert "nothing was written" in result.stderr
    assert tree(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_bad_as_of_is_one_clear_line() -> None:
    result = runner.invoke(app, ["build", "-d", str(VALID), "--as-of", "last week"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --as-of 'last week' is not a date — write it as YYYY-MM-DD, e.g. 2021-08-01"


def test_missing_dataset_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "-d", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: dataset folder {tmp_path / 'nope'} does not exist"


def test_console_script_reports_without_traceback(overlay: Callable[[str], Path]) -> None:
    data = overlay("yaml-syntax")
    proc = subprocess.run(
        [sys.executable, "-m", "dataflows", "validate", "-d", str(data), "--sources-dir", str(TEXTS)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[0].startswith("agencies/bad.yaml:3: YAML syntax error")


def test_schema_check_detects_stale_files(tmp_path: Path) -> None:
    assert runner.invoke(app, ["schema", "-o", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["schema", "-o", str(tmp_path), "--check"]).exit_code == 0
    (tmp_path / "flows.schema.json").write_text("{}")
    result = runner.invoke(app, ["schema", "-o", str(tmp_path), "--check"])
    assert result.exit_code == 1 and "flows.schema.json" in result.stderr
