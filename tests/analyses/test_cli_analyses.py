"""The answer commands: help, formats, filters, --out, and one clear line for an unknown name."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dataflows.cli import app

from .conftest import LAND

runner = CliRunner()
COMMANDS = ["flows", "matrix", "paths", "reach", "creep", "firewalls", "safeguards", "register"]
BASE = ["-d", str(LAND)]


@pytest.mark.parametrize("command", COMMANDS)
def test_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    for option in ("--data-dir", "--sources-dir", "--as-of", "--format", "--out"):
        assert option in result.stdout


@pytest.mark.parametrize(("args", "key", "count"), [
    (["flows", "--party", "police-north", "--category", "biometric"], "count", 3),
    (["flows", "--jurisdiction", "south"], "count", 1),
    (["flows", "--sector", "humanitarian", "--as-of", "2020-01-01"], "count", 2),
    (["matrix"], "count", 17),
    (["paths", "police-north", "border-force"], "count", 2),
    (["paths", "police-north", "border-force", "--shortest"], "count", 1),
    (["paths", "police-north", "border-force", "--max-hops", "3"], "count", 0),
    (["paths", "police-north", "border-force", "--unfirewalled"], "count", 0),
    (["paths", "police-north", "scanner", "--min-confidence", "high", "--category", "facial-image"], "count", 0),
    (["reach", "iabs", "--direction", "up"], "count", 3),
    (["register", "--system", "scanner"], "count", 1),
])
def test_json_counts(args: list[str], key: str, count: int) -> None:
    result = runner.invoke(app, [*args, *BASE, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[key] == count


def test_creep_shapes() -> None:
    both = json.loads(runner.invoke(app, ["creep", *BASE, "-f", "json"]).stdout)
    assert both["drift"]["counts"]["violations"] == 11 and len(both["scope"]) == 1
    drift = json.loads(runner.invoke(app, ["creep", "--shape", "drift", *BASE, "-f", "json"]).stdout)
    assert set(drift) == {"drift"}
    scope = json.loads(runner.invoke(app, ["creep", "--shape", "scope", *BASE, "-f", "json"]).stdout)
    assert set(scope) == {"scope"}


@pytest.mark.parametrize(("command", "kinds", "args", "counts"), [
    ("creep", ("violations", "gaps"), ["--shape", "drift"], "counts"),
    ("firewalls", ("missing", "unknown_barrier"), [], "counts"),
    ("flows", ("flows",), [], "count"),
    ("safeguards", ("flows", "systems"), [], "counts"),
])
def test_limit_lists_the_first_records_and_keeps_counts(command: str, kinds: tuple[str, ...], args: list[str],
                                                         counts: str) -> None:
    def ask(*extra: str) -> tuple[dict[str, object], dict[str, object]]:
        result = runner.invoke(app, [command, *args, *BASE, "-f", "json", *extra])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        return data, (data["drift"] if command == "creep" else data)

    (top_full, full), (top_one, one), (_, none) = ask(), ask("--limit", "1"), ask("--limit", "0")
    assert one[counts] == full[counts] == none[counts]
    assert top_one["limit"] == 1 and "limit" not in top_full
    for kind in kinds:
        assert len(full[kind]) > 1  # type: ignore[arg-type]
        assert one[kind] == full[kind][:1]  # type: ignore[index]
        assert none[kind] == []
    text = runner.invoke(app, [command, *args, *BASE, "--limit", "1"]).stdout
    assert "Listed: the first 1" in text and ("above are complete" in text or "above is complete" in text)
    assert "Listed:" not in runner.invoke(app, [command, *args, *BASE]).stdout
    bad = runner.invoke(app, [command, *BASE, "--limit", "-1"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_firewall_overrides() -> None:
    result = runner.invoke(app, ["firewalls", *BASE, "-f", "json", "--public-sector", "humanitarian",
                                 "--public-sector", "health", "--enforcement-sector", "foreign_authority"])
    data = json.loads(result.stdout)
    assert data["public_sectors"] == ["health", "humanitarian"]
    assert data["counts"] == {"missing": 1, "unknown-barrier": 1}


def test_csv_and_markdown() -> None:
    result = runner.invoke(app, ["safeguards", *BASE, "-f", "csv"])
    rows = list(csv.reader(io.StringIO(result.stdout.split("\n\n")[0])))
    assert rows[0] == ["flow", "from", "to", "gaps", "sources"] and len(rows) == 18
    result = runner.invoke(app, ["register", *BASE, "-f", "markdown"])
    assert result.stdout.startswith("# Transparency register")


def test_text_table() -> None:
    result = runner.invoke(app, ["firewalls", *BASE])
    assert result.exit_code == 0
    assert "Missing firewalls" in result.stdout
    assert "-[f16:" in result.stdout and "old-system" in result.stdout  # brackets shown, not read as markup


def test_out_file(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "flows.md"
    result = runner.invoke(app, ["flows", *BASE, "-f", "markdown", "--out", str(target)])
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# Flows: who shares what with whom")
    assert result.stdout == ""


@pytest.mark.parametrize(("args", "message"), [
    (["reach", "police-nort"], "error: unknown party 'police-nort'; did you mean police-north"),
    (["paths", "iabs", "immigration-offic"], "error: unknown party 'immigration-offic'; did you mean "
                                             "immigration-office"),
    (["flows", "--category", "biometrics"], "error: unknown data category 'biometrics'; did you mean biometric"),
    (["firewalls", "--public-sector", "helth"], "error: unknown sector 'helth'; did you mean health"),
    (["register", "--system", "scaner"], "error: unknown system 'scaner'; did you mean scanner"),
])
def test_unknown_name_is_one_line_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, [*args, *BASE])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.stderr
    assert "Traceback" not in result.output


def test_bad_date() -> None:
    result = runner.invoke(app, ["flows", *BASE, "--as-of", "2020-13-01"])
    assert result.exit_code == 2 and "not a date" in result.stderr


def test_a_name_is_echoed_as_written() -> None:
    """":name:" codes (emoji in the terminal library) and brackets in what the user typed come back literally."""
    result = runner.invoke(app, ["reach", "police :warning: [b]x[/b] :cat:", *BASE])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: unknown party 'police :warning: [b]x[/b] :cat:'"), result.stderr
