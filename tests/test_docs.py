"""The README documents every command and every stored query, and they stay in step."""

from __future__ import annotations

import re
from typing import Any

import typer.main

from dataflows.cli import app
from dataflows.db.queries import catalogue_markdown

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands() -> list[tuple[str, Any]]:
    """Every command and sub-command (typer may use its own click classes: duck-typed)."""
    root: Any = typer.main.get_command(app)
    assert root.commands
    out = []
    for name, cmd in root.commands.items():
        if hasattr(cmd, "commands"):
            out.extend((f"{name} {sub}", subcmd) for sub, subcmd in cmd.commands.items())
        else:
            out.append((name, cmd))
    return out


def test_every_command_is_in_the_readme() -> None:
    missing = [name for name, _ in commands() if f"dataflows {name.split()[0]}" not in README
               or (" " in name and name.split()[1] not in README)]
    assert missing == []


def test_every_command_has_help() -> None:
    for name, cmd in commands():
        assert cmd.help and len(cmd.help.strip()) > 20, name
        for param in cmd.params:
            if getattr(param, "param_type_name", "") == "option" and param.name != "help":
                assert param.help, f"{name} {param.opts}"


def test_query_catalogue_is_current() -> None:
    block = re.search(r"<!-- queries:start -->\n(.*?)<!-- queries:end -->", README, re.S)
    assert block, "README has no query catalogue"
    assert block.group(1) == catalogue_markdown(ROOT / "cypher"), "run: dataflows queries --format markdown"


def test_query_catalogue_titles_end_in_one_stop() -> None:
    titles = re.findall(r"^\| `[^`]+` \| \w+(?:, auto-commit)? \| .*? \| \*\*(.+?)\*\*",
                        catalogue_markdown(ROOT / "cypher"), re.M)
    assert len(titles) == len(list((ROOT / "cypher").glob("*.cypher")))
    assert "Is this a known name?" in titles
    assert [t for t in titles if not t.endswith((".", "?", "!")) or t.endswith(("?.", "!.", ".."))] == []


def test_quick_start_is_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    first_block = re.search(r"```console\n(.*?)```", quick, re.S)
    assert first_block
    lines = [ln for ln in first_block.group(1).splitlines() if ln.strip()]
    assert [ln.split("#")[0].strip() for ln in lines] == ["make run", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
