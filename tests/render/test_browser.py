"""The pages in a real headless Chromium: drawn, offline, safe, clickable, readable.

Every page of the sites built from the tiny fixture, the hostile fixture and
the real ``graph_data/`` is opened with the network blocked; requests are
recorded; console errors fail the test. Screenshots are saved to
``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import pytest

from .conftest import LAPTOP, PHONE, Opened, Opener, Site, screenshot

pytestmark = pytest.mark.browser

POLICE_A = "Police <script>window.__pwned=1</script> A"
HOSTILE_QUOTE = ("The register said <script>window.__pwned=1</script> and then "
                 '<img src=x onerror="window.__pwned=1"> in one breath.')


def _no_trouble(o: Opened, name: str) -> None:
    assert o.problems() == [], (name, o.problems())
    assert o.blocked == [], (name, o.blocked)
    assert all(u.startswith(("file:", "data:")) for u in o.requests), (name, o.requests)
    assert o.eval("() => window.__pwned") is None, name


def _expected(site: Site, name: str) -> tuple[int, int]:
    html = (site.folder / name).read_text(encoding="utf-8")
    head = html.split("<body ", 1)[1].split(">", 1)[0]
    attrs = dict(part.split("=") for part in head.replace('"', "").split())
    return int(attrs["data-nodes"]), int(attrs["data-edges"])


def _click_node(o: Opened, node: str) -> None:
    """Click a node with the mouse, where the reader sees it."""
    o.page.locator("#graph").scroll_into_view_if_needed()
    pos = o.eval("(id) => window.dataflows.domPosition(id)", node)
    assert pos is not None, node
    o.page.mouse.click(pos["x"], pos["y"])


def test_map_page_has_every_node_and_edge_of_the_graph(valid_site: Site, open_page: Opener) -> None:
    o = open_page(valid_site.url("map.html"))
    g = valid_site.graph
    assert o.eval("() => window.dataflows.counts()") == {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
    assert o.eval("() => window.dataflows.visible()") == {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
    ids = o.eval("() => window.dataflows.network.body.data.nodes.getIds()")
    assert sorted(ids) == sorted(g.nodes)
    edge_ids = o.eval("() => window.dataflows.network.body.data.edges.getIds()")
    assert sorted(edge_ids) == sorted(k for *_, k in g.edges(keys=True))
    # Shapes by kind, as the legend says.
    shapes = o.eval("() => Object.fromEntries(['police-a', 'scanner', 'fingerprint', 'health-care', 'group-x',"
                    " 'arrest'].map(id => [id, window.dataflows.network.body.nodes[id].options.shape]))")
    assert shapes == {"police-a": "square", "scanner": "diamond", "fingerprint": "dot", "health-care": "triangle",
                      "group-x": "star", "arrest": "triangleDown"}
    _no_trouble(o, "map.html")
    screenshot(o, "valid-map-laptop")


@pytest.mark.parametrize("which", ["valid", "hostile"])
def test_every_page_renders_offline_without_errors(which: str, valid_site: Site, hostile_site: Site,
                                                   open_page: Opener) -> None:
    site = valid_site if which == "valid" else hostile_site
    for name in site.pages():
        o = open_page(site.url(name))
        assert o.eval("() => window.dataflows.counts()") == dict(zip(("nodes", "edges"), _expected(site, name),
                                                                     strict=True)), name
        _no_trouble(o, name)
    for name in [f for f in site.files if f == "index.html" or f.startswith("reports/")]:
        o = open_page(site.url(name), wait_ready=False)
        o.page.wait_for_load_state("load")
        _no_trouble(o, name)
        assert o.eval("() => document.querySelectorAll('img, script, iframe, object').length") == 0, name


def test_pages_work_with_no_network_at_all(valid_site: Site, open_page: Opener) -> None:
    # Recorded without routing, then with every non-file request aborted: same result, nothing attempted.
    free = open_page(valid_site.url("map.html"), block_network=False)
    assert all(u.startswith("file:") for u in free.requests), free.requests
    blocked = open_page(valid_site.url("map.html"), block_network=True)
    assert blocked.blocked == [] and blocked.eval("() => window.dataflows.ready") is True


def test_click_on_a_node_shows_its_citations(valid_site: Site, open_page: Opener) -> None:
    o = open_page(valid_site.url("map.html"))
    _click_node(o, "border-register")
    details = o.page.locator("#details")
    assert details.get_attribute("data-key") == "node:border-register"
    text = details.inner_text()
    assert "Border Register" in text and "Sources (1)" in text
    assert "The Border Office runs the Border Register, which holds fingerprints of visa applicants" in text
    assert "at para 3" in text and "A test report" in text
    assert "Scope change" in text and "The register now holds prints from police scans." in text
    assert "Flagged: function creep" in text
    _no_trouble(o, "map.html")
    screenshot(o, "valid-map-clicked-laptop")


def test_click_on_a_flow_shows_why_it_is_flagged(valid_site: Site, open_page: Opener) -> None:
    o = open_page(valid_site.url("firewall-002-police-a-to-border-register.html"))
    assert o.eval("(id) => window.dataflows.selectEdge(id)", "scanner-to-border-register") is True
    text = o.page.locator("#details").inner_text()
    assert "Flagged: no firewall" in text and "Part of route 2" in text
    assert "Flagged: safeguard gap" in text
    assert "Firewall" in text and "The scan is checked against the Border Register directly." in text
    assert "check it against the Crime Index and the Border Register" in text
    # The page opens with the first hop of the route selected.
    o2 = open_page(valid_site.url("firewall-002-police-a-to-border-register.html"))
    assert o2.page.locator("#details").get_attribute("data-key") == "edge:police-a-to-scanner"
    screenshot(o, "valid-firewall-route-laptop")


def test_search_finds_and_selects(valid_site: Site, open_page: Opener) -> None:
    o = open_page(valid_site.url("map.html"))
    o.page.fill("#q", "regist")
    o.page.locator("#results .result").first.click()
    assert o.page.locator("#details").get_attribute("data-key") == "node:border-register"
    o.page.fill("#q", "zzz")
    assert "Nothing in this view matches." in o.page.locator("#results").inner_text()


def test_filters_hide_and_restore(valid_site: Site, open_page: Opener) -> None:
    o = open_page(valid_site.url("map.html"))
    total = o.eval("() => window.dataflows.counts()")
    o.page.uncheck("#f-kinds input[value=data_category]")
    assert o.eval("() => window.dataflows.visible()")["nodes"] == total["nodes"] - 3
    o.page.click("#f-reset")
    o.page.select_option("#f-cat", "address")
    vis = o.eval("() => window.dataflows.visible()")
    assert vis["nodes"] == total["nodes"] - 2  # fingerprint and biometric data
    o.page.click("#f-reset")
    o.page.fill("#f-day", "2016-06-01")  # before every flow and the scanner
    o.page.dispatch_event("#f-day", "change")
    hidden = o.eval("() => window.dataflows.network.body.data.edges.get({filter: e => e.hidden}).map(e => e.id)")
    # Flows out of force, and relations of systems out of force (the scanner starts in 2019-03).
    assert {"police-a-to-scanner", "clinic-to-border-office", "police-a--user--scanner"} <= set(hidden)
    assert o.eval("() => window.dataflows.network.body.data.nodes.get('scanner').hidden") is True
    o.page.click("#f-reset")
    o.page.select_option("#f-jur", "north-land")
    hidden_nodes = o.eval("() => window.dataflows.network.body.data.nodes.get({filter: n => n.hidden}).map(n => n.id)")
    assert set(hidden_nodes) == {"border-office", "border-register"}
    o.page.click("#f-reset")
    o.page.check("#f-flagged")
    shown = o.eval("() => window.dataflows.network.body.data.edges.get({filter: e => !e.hidden && e.kind === 'flow'})"
                   ".map(e => e.id)")
    assert sorted(shown) == ["clinic-to-border-office", "police-a-to-scanner", "scanner-to-border-register"]
    _no_trouble(o, "map.html")


def test_hostile_data_is_shown_as_text_and_runs_nothing(hostile_site: Site, open_page: Opener) -> None:
    o = open_page(hostile_site.url("map.html"))
    _click_node(o, "police-a")
    details = o.page.locator("#details")
    assert details.get_attribute("data-key") == "node:police-a"
    text = o.eval("() => document.getElementById('details').textContent")
    assert POLICE_A in text
    assert HOSTILE_QUOTE in text
    assert "\"double\" 'single' back\\slash </script><!-- line\u2028break para\u2029break" in text
    assert '<img src=x onerror="window.__pwned=1"> note with </script> and \\ backslash' in text
    assert "<b>para</b> 2 \u2028 </script>" in text
    assert "<script>window.__pwned=1</script> Hostile report" in text
    # Only elements the page made itself; the javascript: source URL is not a link.
    assert o.eval("() => document.querySelectorAll('#details img, #details script, #details b').length") == 0
    hrefs = o.eval("() => [...document.querySelectorAll('#details a')].map(a => a.href)")
    assert hrefs and all(h.startswith("https://example.org/") for h in hrefs), hrefs
    assert o.eval("() => [...document.querySelectorAll('#details a')].every(a => a.rel === 'noopener noreferrer')")
    # The tooltip is text too.
    pos = o.eval("(id) => window.dataflows.domPosition(id)", "police-a")
    o.page.mouse.move(pos["x"] + 40, pos["y"] + 40)
    o.page.mouse.move(pos["x"], pos["y"])
    o.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    tip = o.eval("() => { const t = document.querySelector('div.vis-tooltip');"
                 " return {text: t.textContent, tags: [...t.children].map(c => c.tagName)}; }")
    # vis-network sets a string title with innerText: line breaks become <br>, nothing else is markup.
    assert POLICE_A in tip["text"] and set(tip["tags"]) <= {"BR"}
    # Search results are text as well.
    o.page.fill("#q", "clinic")
    assert "The Clinic <img src=x onerror=\"window.__pwned=1\">" in o.page.locator("#results").inner_text()
    o.page.wait_for_timeout(200)
    _no_trouble(o, "map.html")
    screenshot(o, "hostile-map-details-laptop")


def test_readable_on_a_phone(valid_site: Site, open_page: Opener) -> None:
    o = open_page(valid_site.url("map.html"), viewport=PHONE)
    graph = o.eval("() => { const r = document.getElementById('graph').getBoundingClientRect();"
                   " return {w: r.width, h: r.height, top: r.top}; }")
    assert graph["w"] == PHONE["width"] and graph["h"] >= 300
    side = o.eval("() => document.querySelector('.side').getBoundingClientRect().top")
    assert side >= graph["top"] + graph["h"] - 1  # details below the graph
    assert o.eval("() => document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(o, "valid-map-phone")
    _click_node(o, "scanner")
    assert "Mobile Scanner" in o.page.locator("#details").inner_text()
    o.page.locator("#details").scroll_into_view_if_needed()
    screenshot(o, "valid-map-phone-details")


def test_laptop_layout_puts_details_beside_the_graph(valid_site: Site, open_page: Opener) -> None:
    o = open_page(valid_site.url("map.html"), viewport=LAPTOP)
    graph = o.eval("() => document.getElementById('graph').getBoundingClientRect().toJSON()")
    side = o.eval("() => document.querySelector('.side').getBoundingClientRect().toJSON()")
    assert side["left"] >= graph["right"] - 1 and graph["width"] > 700 and graph["height"] > 400
    assert o.eval("() => document.documentElement.scrollWidth") <= LAPTOP["width"]


@pytest.mark.slow
def test_real_map_pages_render(real_site: Site, open_page: Opener) -> None:
    g = real_site.graph
    for name in real_site.pages():
        o = open_page(real_site.url(name))
        counts = o.eval("() => window.dataflows.counts()")
        assert counts == dict(zip(("nodes", "edges"), _expected(real_site, name), strict=True)), name
        if name == "map.html":
            assert counts == {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
            screenshot(o, "real-map-laptop")
        _no_trouble(o, name)
    phone = open_page(real_site.url("map.html"), viewport=PHONE)
    screenshot(phone, "real-map-phone")
    index = open_page(real_site.url("index.html"), wait_ready=False)
    index.page.wait_for_load_state("load")
    screenshot(index, "real-index-laptop", full_page=True)
