"""The pages as files: escaping, CSP, offline, determinism, views, aggregation, the CLI."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dataflows.cli import app
from dataflows.dataset import load
from dataflows.graph import build
from dataflows.render import views
from dataflows.render.findings import findings
from dataflows.render.layout import force_layout
from dataflows.render.page import aggregate, json_for_html, page_data, render_page, safe_url
from dataflows.render.site import write_site

from ..conftest import TEXTS, VALID
from .conftest import DATA_DATE, HOSTILE, HOSTILE_TEXTS, VERSION, Site

runner = CliRunner()


class _Scripts(HTMLParser):
    """Collects inline scripts (type and text), the CSP, and every src/href attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[tuple[str | None, str]] = []
        self.csp: str | None = None
        self.refs: list[tuple[str, str, str]] = []
        self._inside = False
        self._type: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = a.get("content")
        for name in ("src", "href", "srcset", "action", "data"):
            if a.get(name) is not None:
                self.refs.append((tag, name, a[name] or ""))
        if tag == "script":
            self._inside, self._type, self._buf = True, a.get("type"), []

    def handle_data(self, data: str) -> None:
        if self._inside:
            self._buf.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.scripts.append((self._type, "".join(self._buf)))
            self._inside = False


def _parse(html: str) -> _Scripts:
    p = _Scripts()
    p.feed(html)
    return p


def test_json_for_html_escapes_markup_characters() -> None:
    text = json_for_html({"a": "</script><img src=x onerror=1>&\u2028\u2029\"'\\"})
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in text
    assert json.loads(text) == {"a": "</script><img src=x onerror=1>&\u2028\u2029\"'\\"}


@pytest.mark.parametrize(("url", "ok"), [
    ("https://example.org/x?a=1&b=2", True), ("http://example.org", True), ("javascript:alert(1)", False),
    ("JAVASCRIPT:alert(1)", False), ("data:text/html,<b>", False), ("//example.org", False), ("ftp://x", False),
    ("https:///nohost", False), ("", False), (None, False),
])
def test_safe_url_allows_only_http_links(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None) == ok


def test_every_file_is_listed_and_the_index_links_them(valid_site: Site) -> None:
    on_disk = sorted(p.relative_to(valid_site.folder).as_posix() for p in valid_site.folder.rglob("*") if p.is_file())
    assert on_disk == valid_site.files
    index = (valid_site.folder / "index.html").read_text(encoding="utf-8")
    hrefs = {h for t, a, h in _parse(index).refs if a == "href"}
    for page in valid_site.pages():
        assert page in hrefs
    assert {"reports/register.html", "../reports/register.md", "../reports/register.json", "../dataset.json",
            "../graph.json"} <= hrefs
    assert DATA_DATE in index and VERSION in index


def test_pages_load_nothing_and_allow_only_their_own_scripts(hostile_site: Site) -> None:
    for name in hostile_site.files:
        html = (hostile_site.folder / name).read_text(encoding="utf-8")
        parsed = _parse(html)
        # Nothing to fetch: no src/srcset/data attributes at all, and links only to other files of the site,
        # relative ("../dataset.json"), never to another origin.
        assert [r for r in parsed.refs if r[1] != "href"] == [], name
        for _, _, href in parsed.refs:
            assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//", href, re.I), (name, href)
        assert parsed.csp is not None and "default-src 'none'" in parsed.csp, name
        assert "unsafe-inline" not in parsed.csp.split("script-src")[1].split(";")[0], name
        executable = [text for typ, text in parsed.scripts if typ is None]
        hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() + "'"
                  for t in executable}
        allowed = set(parsed.csp.split("script-src")[1].split(";")[0].split())
        assert hashes == allowed or (not executable and allowed == {"'none'"}), name


def test_hostile_text_never_appears_as_markup(hostile_site: Site) -> None:
    for name in hostile_site.files:
        html = (hostile_site.folder / name).read_text(encoding="utf-8")
        assert "<script>window.__pwned" not in html, name
        assert "<img src=x" not in html, name
        assert "\u2028" not in html.split('<script type="application/json"')[-1].split("</script>")[0], name
        data = [t for typ, t in _parse(html).scripts if typ == "application/json"]
        if data:
            assert len(data) == 1
            parsed = json.loads(data[0])
            labels = {n["label"] for n in parsed["nodes"]}
            assert name != "map.html" or "Police <script>window.__pwned=1</script> A" in labels


def test_hostile_javascript_url_is_not_kept(hostile_site: Site) -> None:
    html = (hostile_site.folder / "map.html").read_text(encoding="utf-8")
    data = json.loads(next(t for typ, t in _parse(html).scripts if typ == "application/json"))
    assert data["sources"]["hostile-doc"]["url"] == ""
    assert data["sources"]["test-report"]["url"] == "https://example.org/report?a=1&b=<x>"


def test_site_is_deterministic(tmp_path: Path) -> None:
    outs = []
    for name in ("a", "b"):
        g = build(load(HOSTILE, HOSTILE_TEXTS))
        folder = tmp_path / name
        files = write_site(g, folder, reports=["creep.md"], version=VERSION, data_date=DATA_DATE)
        outs.append({f: (folder / f).read_bytes() for f in files})
    assert outs[0] == outs[1]


def test_layout_is_deterministic_and_spread() -> None:
    nodes = [f"n{i:03d}" for i in range(60)]
    edges = [(nodes[i], nodes[i // 2]) for i in range(1, 60)]
    a, b = force_layout(nodes, edges), force_layout(nodes, edges)
    assert a == b and len(set(a.values())) == 60


def test_standard_views_and_their_findings() -> None:
    g = build(load(VALID, TEXTS))
    found = findings(g)
    names = [v.name for v in views.standard_views(g, found)]
    assert names == ["map", "firewall-001-clinic-to-border-office", "firewall-002-police-a-to-border-register",
                     "creep-001-clinic-to-border-office-health-care", "scope-border-register",
                     "jurisdiction-land", "jurisdiction-north-land"]
    assert set(found.flow_flags["scanner-to-border-register"]) == {"missing_firewall", "unknown_safeguards"}
    assert "function_creep" in found.flow_flags["clinic-to-border-office"]
    assert "function_creep" in found.node_flags["border-register"]
    route = views.case(g, found.cases[1])
    assert route.route == ["police-a-to-scanner", "scanner-to-border-register"]
    assert route.columns is not None and route.columns["police-a"] < route.columns["scanner"] < \
        route.columns["border-register"]


def test_case_pages_are_capped_per_group() -> None:
    g = build(load(VALID, TEXTS))
    found = findings(g)
    capped = views.published_cases(found, max_cases=1)
    assert [c.name for c in capped] == ["firewall-001-clinic-to-border-office",
                                        "creep-001-clinic-to-border-office-health-care"]
    assert len(views.published_cases(found, max_cases=None)) == len(found.cases) == 4


def test_ego_path_and_jurisdiction_views() -> None:
    g = build(load(VALID, TEXTS))
    ego = views.ego(g, "scanner", hops=1)
    assert set(ego.nodes) == {"scanner", "police-a", "border-register", "arrest", "group-x"}
    p = views.path(g, "police-a", "border-register")
    assert p.route == ["police-a-to-scanner", "scanner-to-border-register"]
    assert {k for *_, k in p.edges} >= {"police-a-to-scanner", "scanner-to-border-register"}
    none = views.path(g, "border-office", "police-a")
    assert none.edges == [] and "No path" in none.summary[0]
    north = views.jurisdiction(g, "north-land")
    assert {"police-a", "clinic", "scanner"} <= set(north.nodes)
    assert "border-office" in views.jurisdiction(g, "land").nodes


def test_counts_in_page_equal_the_view() -> None:
    g = build(load(VALID, TEXTS))
    html = render_page(g, views.whole(g), findings(g), version=VERSION, data_date=DATA_DATE)
    assert f'data-nodes="{g.number_of_nodes()}" data-edges="{g.number_of_edges()}"' in html


def test_large_views_are_aggregated() -> None:
    g = build(load(VALID, TEXTS))
    whole = views.whole(g)
    data = page_data(g, whole, findings(g), limit=5)
    agg = data["view"]["aggregated"]
    assert agg == {"nodes": 15, "edges": 9, "groups": len(data["nodes"]), "level": agg["level"], "limit": 5,
                   "edge_limit": 12000}
    members = sum(len(d["sections"][0]["fields"]) for d in data["details"]["nodes"].values())
    assert members == 15
    assert sum(int(d["fields"][0][1]) for d in data["details"]["edges"].values()) == 9
    assert aggregate(g, whole, findings(g), limit=100)["view"]["aggregated"]["level"] == 0
    # Too many relations also aggregates, coarser until the merged relations fit.
    by_edges = page_data(g, whole, findings(g), edge_limit=8)["view"]["aggregated"]
    assert by_edges["edges"] == 9 and by_edges["level"] >= 1


def test_cli_render_commands(tmp_path: Path) -> None:
    base = ["-d", str(VALID), "--sources-dir", str(TEXTS)]
    for args, name in ((["map"], "map.html"), (["ego", "scanner", "--hops", "1"], "ego.html"),
                       (["path", "police-a", "border-register"], "path.html"),
                       (["jurisdiction", "north-land"], "j.html"),
                       (["view", "firewall-002-police-a-to-border-register"], "fw.html")):
        out = tmp_path / name
        result = runner.invoke(app, ["render", *args, *base, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    listed = runner.invoke(app, ["render", "list", *base, "--format", "json"])
    assert listed.exit_code == 0
    assert [r["name"] for r in json.loads(listed.stdout)][:2] == ["map", "firewall-001-clinic-to-border-office"]
    site = runner.invoke(app, ["render", "site", *base, "-o", str(tmp_path / "site")])
    assert site.exit_code == 0, site.output
    assert (tmp_path / "site" / "index.html").is_file()


def test_cli_render_site_replaces_the_whole_folder(tmp_path: Path) -> None:
    """Rendering again leaves no page of the older site; a folder of other files is refused, untouched."""
    base = ["-d", str(VALID), "--sources-dir", str(TEXTS)]
    site = tmp_path / "site"
    assert runner.invoke(app, ["render", "site", *base, "-o", str(site)]).exit_code == 0
    first = sorted(p.name for p in site.rglob("*"))
    (site / "firewall-999-gone.html").write_text("stale", encoding="utf-8")
    again = runner.invoke(app, ["render", "site", *base, "-o", str(site)])
    assert again.exit_code == 0, again.output
    assert sorted(p.name for p in site.rglob("*")) == first
    assert not any(p.name.startswith(".site") for p in tmp_path.iterdir())  # no temporary folder left
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep me", encoding="utf-8")
    refused = runner.invoke(app, ["render", "site", *base, "-o", str(other)])
    assert refused.exit_code == 1
    assert "not a dataflows site" in refused.output and "Traceback" not in refused.output
    assert sorted(p.name for p in other.iterdir()) == ["mine.txt"]
    # A folder of someone's own web pages is refused too: every page must be one dataflows wrote.
    website = tmp_path / "website"
    website.mkdir()
    (website / "index.html").write_text("<!DOCTYPE html><title>My own site</title>", encoding="utf-8")
    refused = runner.invoke(app, ["render", "site", *base, "-o", str(website)])
    assert refused.exit_code == 1 and "not a dataflows site (index.html)" in refused.output
    assert (website / "index.html").read_text(encoding="utf-8") == "<!DOCTYPE html><title>My own site</title>"
    assert sorted(p.name for p in website.iterdir()) == ["index.html"]


@pytest.mark.parametrize(("args", "message"), [
    (["ego", "police-x"], "unknown party 'police-x'; did you mean police-a?"),
    (["view", "mapp"], "unknown view 'mapp'"),
    (["jurisdiction", "atlantis"], "unknown jurisdiction 'atlantis'"),
    (["map", "--as-of", "2024-13-01"], "is not a date"),
])
def test_cli_render_errors_are_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["render", *args, "-d", str(VALID), "--sources-dir", str(TEXTS),
                                 "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.html").exists()
