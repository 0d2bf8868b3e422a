"""Shared test fixtures: the tiny datasets and the real source texts."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
VALID = FIXTURES / "valid"
TEXTS = FIXTURES / "texts"
INVALID = FIXTURES / "invalid"
GRAPH_DATA = ROOT / "graph_data"


def seeds_dir() -> Path:
    """The real source texts: DATAFLOWS_SOURCES_DIR, else ../shared/seeds beside the checkout.

    Tests that need them fail (never skip) when they are missing: quote checks
    on the real data are part of what CI proves.
    """
    env = os.environ.get("DATAFLOWS_SOURCES_DIR")
    return Path(env) if env else ROOT.parent / "shared" / "seeds"


@pytest.fixture
def seeds() -> Path:
    path = seeds_dir()
    assert path.is_dir(), f"source texts not found at {path}: set DATAFLOWS_SOURCES_DIR"
    return path


@pytest.fixture
def overlay(tmp_path: Path) -> Callable[[str], Path]:
    """Copy the valid fixture and lay one invalid fixture's files over it."""

    def make(name: str) -> Path:
        target = tmp_path / f"data-{name}"
        shutil.copytree(VALID, target)
        shutil.copytree(INVALID / name, target, dirs_exist_ok=True)
        return target

    return make


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI, a skipped test is a failed test: nothing core may skip."""
    if not os.environ.get("CI"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        if reporter:
            reporter.write_line(f"CI: {skipped} test(s) skipped; in CI nothing may skip", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
