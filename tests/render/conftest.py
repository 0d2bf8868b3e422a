"""Fixtures for the page tests: built sites and a real headless Chromium.

Browser tests never skip: without Chromium they fail with a message saying how
to install it (``tools/test-deps.sh``, or ``apt-get install chromium``), since
the pages' safety and offline use are what they prove.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, sync_playwright

from dataflows.dataset import load
from dataflows.graph import build
from dataflows.render.site import write_site

from ..conftest import FIXTURES, GRAPH_DATA, ROOT, TEXTS, VALID, seeds_dir

HOSTILE = FIXTURES / "hostile"
HOSTILE_TEXTS = FIXTURES / "hostile-texts"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
VERSION = "0.1.0-test"
DATA_DATE = "2024-05-01"


def chromium_path() -> str:
    """Debian's Chromium (or DATAFLOWS_CHROMIUM); fails the test, with the fix, when absent."""
    path = os.environ.get("DATAFLOWS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Chromium not found: run tools/test-deps.sh (or apt-get install chromium), or set DATAFLOWS_CHROMIUM"
    return path


@dataclass
class Site:
    """A site written by write_site, with the graph it shows."""

    graph: nx.MultiDiGraph
    folder: Path
    files: list[str]

    def pages(self) -> list[str]:
        """The interactive pages (every .html but the index and the reports)."""
        return [f for f in self.files if f.endswith(".html") and f != "index.html" and not f.startswith("reports/")]

    def url(self, name: str) -> str:
        return (self.folder / name).as_uri()


def _site(tmp: Path, data: Path, texts: Path | None) -> Site:
    g = build(load(data, texts, require_texts=texts is not None))
    folder = tmp / "site"
    files = write_site(g, folder, reports=["register.md", "register.json"], version=VERSION, data_date=DATA_DATE)
    return Site(g, folder, files)


@pytest.fixture(scope="session")
def valid_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return _site(tmp_path_factory.mktemp("valid"), VALID, TEXTS)


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return _site(tmp_path_factory.mktemp("hostile"), HOSTILE, HOSTILE_TEXTS)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    seeds = seeds_dir()
    assert seeds.is_dir(), f"source texts not found at {seeds}: set DATAFLOWS_SOURCES_DIR"
    g = build(load(GRAPH_DATA, seeds))
    folder = tmp_path_factory.mktemp("real") / "site"
    files = write_site(g, folder, version=VERSION, data_date=DATA_DATE)
    return Site(g, folder, files)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Opened:
    """A page with everything it logged and requested."""

    page: Page
    context: BrowserContext
    console: list[tuple[str, str]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def problems(self) -> list[tuple[str, str]]:
        """Console errors and warnings, and uncaught exceptions."""
        return [(t, m) for t, m in self.console if t in ("error", "warning", "pageerror")]

    def eval(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)


class Opener:
    """Opens pages in fresh contexts, recording requests and console messages."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.opened: list[Opened] = []

    def __call__(self, url: str, *, viewport: dict[str, int] | None = None, block_network: bool = True,
                 wait_ready: bool = True) -> Opened:
        context = self.browser.new_context(viewport=viewport or LAPTOP)  # type: ignore[arg-type]
        page = context.new_page()
        opened = Opened(page, context)
        page.on("console", lambda m: opened.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: opened.console.append(("pageerror", str(e))))

        def record(r: Request) -> None:
            opened.requests.append(r.url)

        page.on("request", record)
        if block_network:
            def route(r: Any) -> None:
                if r.request.url.startswith(("file:", "data:")):
                    r.continue_()
                else:
                    opened.blocked.append(r.request.url)
                    r.abort()

            context.route("**/*", route)
        page.goto(url)
        if wait_ready:
            page.wait_for_function("() => window.dataflows && window.dataflows.ready === true", timeout=30_000)
        self.opened.append(opened)
        return opened

    def close(self) -> None:
        for o in self.opened:
            o.context.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Opener]:
    opener = Opener(browser)
    try:
        yield opener
    finally:
        opener.close()


def screenshot(opened: Opened, name: str, *, full_page: bool = False) -> Path:
    """Save a screenshot for people to look at (test-artifacts/screenshots/, git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    opened.page.screenshot(path=str(path), full_page=full_page)
    return path
