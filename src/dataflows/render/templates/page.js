/* dataflows page script. Reads the page's data from the JSON block, draws it
 * with vis-network (positions computed in advance, physics off), and shows
 * details, search results and filters with DOM methods and textContent only:
 * nothing from the data is ever parsed as HTML. */
(function () {
  "use strict";

  var api = { ready: false };
  window.dataflows = api;

  function byId(id) { return document.getElementById(id); }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function safeUrl(u) {
    if (typeof u !== "string" || !u) { return null; }
    try {
      var x = new URL(u);
      return (x.protocol === "http:" || x.protocol === "https:") && x.host ? x.href : null;
    } catch (err) {
      return null;
    }
  }

  var data = JSON.parse(byId("data").textContent);
  var details = data.details;
  var sources = data.sources;
  var cites = data.cites;
  var words = data.labels;
  var nodeItems = data.nodes;
  var edgeItems = data.edges;
  var large = data.view.large;

  /* Tooltips are plain strings (vis-network shows them with innerText); the
   * search text of a node is its name, id and aliases. */
  var labelOf = {};
  nodeItems.forEach(function (n) {
    n.kind = n.kind || n.group;
    n.juris = n.juris || [];
    n.cats = n.cats || [];
    labelOf[n.id] = n.label;
    var where = n.juris.length ? " · " + (words.jur[n.juris[0]] || n.juris[0]) : "";
    var lines = [n.label, (words.kinds[n.kind] || n.kind) + where];
    if (n.members) { lines[1] = "Group of " + n.members + " — click for the list"; }
    (n.flags || []).forEach(function (f) { lines.push("Flagged: " + (words.flags[f] || f)); });
    n.title = lines.join("\n");
    n.text = [n.label, n.id].concat(n.aliases || []).join(" ").toLowerCase();
  });
  edgeItems.forEach(function (e) {
    e.juris = e.juris || [];
    e.cats = e.cats || [];
    e.flags = e.flags || [];
    var lines = [(labelOf[e.from] || e.from) + " → " + (labelOf[e.to] || e.to)];
    if (e.count) {
      lines.push(e.count + " × " + e.kind);
    } else if (e.kind === "flow") {
      lines.push((words.mech[e.mech] || e.mech) + " · " + (words.status[e.status] || e.status));
    } else {
      lines.push(e.kind);
    }
    e.flags.forEach(function (f) { lines.push("Flagged: " + (words.flags[f] || f)); });
    e.title = lines.join("\n");
  });

  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  var container = byId("graph");
  var options = data.options;
  options.autoResize = true;
  options.physics = false;
  options.layout = { improvedLayout: false, randomSeed: 0 };
  options.interaction = {
    hover: !large,
    tooltipDelay: 150,
    hideEdgesOnDrag: large,
    hideEdgesOnZoom: large,
    navigationButtons: false,
    keyboard: { enabled: true, bindToWindow: false },
    multiselect: false,
    zoomView: true
  };
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  api.network = network;

  /* ---------------------------------------------------------------- details */

  function addFields(parent, rows) {
    if (!rows || !rows.length) { return; }
    var dl = el("dl", "fields");
    rows.forEach(function (r) {
      dl.appendChild(el("dt", null, r[0]));
      dl.appendChild(el("dd", null, r[1]));
    });
    parent.appendChild(dl);
  }

  function addCitations(parent, list) {
    if (!list || !list.length) { return; }
    var ol = el("ol", "cites");
    list.forEach(function (i) {
      var c = cites[i];
      var src = sources[c.s] || {};
      var li = el("li", "cite");
      var head = el("div", "cite-src");
      var url = safeUrl(src.url);
      if (url) {
        var a = el("a", null, src.title || c.s);
        a.href = url;
        a.rel = "noopener noreferrer";
        a.target = "_blank";
        head.appendChild(a);
      } else {
        head.appendChild(el("span", "cite-title", src.title || c.s));
      }
      var by = [src.publisher, src.date].filter(Boolean).join(", ");
      if (by) { head.appendChild(el("span", "cite-by", " — " + by)); }
      li.appendChild(head);
      var meta = [];
      if (c.loc) { meta.push("at " + c.loc); }
      if (c.ev || src.ev) { meta.push(c.ev || src.ev); }
      if (c.conf) { meta.push("confidence: " + c.conf); }
      li.appendChild(el("div", "cite-meta", meta.join(" · ")));
      if (c.q) { li.appendChild(el("blockquote", "quote", c.q)); }
      if (c.note) { li.appendChild(el("div", "cite-note", "Note: " + c.note)); }
      if (src.file) { li.appendChild(el("div", "cite-file", "Source text: " + src.file + " (id " + c.s + ")")); }
      ol.appendChild(li);
    });
    parent.appendChild(ol);
  }

  function render(d, key) {
    var box = byId("details");
    box.replaceChildren();
    if (!d) {
      box.appendChild(el("h2", null, "Details"));
      box.appendChild(el("p", "hint", "Click a party, a system or a flow — or find one by name — to see what the map says about it and the sources for every claim."));
      return;
    }
    box.dataset.key = key;
    box.appendChild(el("p", "kind", d.kind));
    box.appendChild(el("h2", "title", d.title));
    var meanings = key.indexOf("node:") === 0 ? words.nodeMeaning : words.meaning;
    (d.flags || []).forEach(function (f) {
      var fl = el("div", "flag flag-" + f.key);
      fl.appendChild(el("strong", null, "Flagged: " + (words.flags[f.key] || f.key)));
      fl.appendChild(el("p", "flag-meaning", meanings[f.key] || ""));
      var ul = el("ul", "reasons");
      f.reasons.forEach(function (r) { ul.appendChild(el("li", null, r)); });
      fl.appendChild(ul);
      box.appendChild(fl);
    });
    addFields(box, d.fields);
    if (d.citations && d.citations.length) {
      box.appendChild(el("h3", null, "Sources (" + d.citations.length + ")"));
      addCitations(box, d.citations);
    } else if (!data.view.aggregated) {
      box.appendChild(el("p", "hint", "No citation on this record itself."));
    }
    (d.sections || []).forEach(function (s) {
      var sec = el("section", "sub");
      sec.appendChild(el("h3", null, s.title));
      addFields(sec, s.fields);
      addCitations(sec, s.citations);
      box.appendChild(sec);
    });
  }

  function selectNode(id, focus) {
    if (!details.nodes[id] || !nodes.get(id)) { return false; }
    network.selectNodes([id], false);
    if (focus) { network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false }); }
    render(details.nodes[id], "node:" + id);
    return true;
  }

  function selectEdge(id) {
    if (!details.edges[id] || !edges.get(id)) { return false; }
    network.setSelection({ nodes: [], edges: [id] }, { unselectAll: true, highlightEdges: false });
    render(details.edges[id], "edge:" + id);
    return true;
  }

  network.on("click", function (p) {
    if (p.nodes.length) { selectNode(p.nodes[0], false); }
    else if (p.edges.length) { selectEdge(p.edges[0]); }
    else { render(null); }
  });

  api.select = function (id) { return selectNode(id, true); };
  api.selectEdge = selectEdge;
  api.counts = function () { return { nodes: nodes.length, edges: edges.length }; };
  api.visible = function () {
    return {
      nodes: nodes.get({ filter: function (n) { return !n.hidden; } }).length,
      edges: edges.get({ filter: function (e) { return !e.hidden; } }).length
    };
  };
  /* Page coordinates of a node's centre, for tests that click like a reader. */
  api.domPosition = function (id) {
    var p = network.getPositions([id])[id];
    if (!p) { return null; }
    var d = network.canvasToDOM(p);
    var r = container.getBoundingClientRect();
    return { x: r.left + d.x, y: r.top + d.y };
  };

  /* ----------------------------------------------------------------- search */

  var results = byId("results");
  var q = byId("q");

  function matches(text) {
    var t = text.trim().toLowerCase();
    if (!t) { return []; }
    var out = [];
    for (var i = 0; i < nodeItems.length && out.length < 12; i++) {
      var n = nodeItems[i];
      if (n.text.indexOf(t) >= 0) { out.push(n); }
    }
    return out;
  }

  function showResults() {
    results.replaceChildren();
    matches(q.value).forEach(function (n) {
      var li = el("li");
      var b = el("button", "result", n.label);
      b.type = "button";
      b.addEventListener("click", function () {
        api.select(n.id);
        results.replaceChildren();
      });
      li.appendChild(b);
      results.appendChild(li);
    });
    if (q.value.trim() && !results.childNodes.length) {
      results.appendChild(el("li", "none", "Nothing in this view matches."));
    }
  }

  q.addEventListener("input", showResults);
  byId("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var m = matches(q.value);
    if (m.length) { api.select(m[0].id); results.replaceChildren(); }
  });

  /* ---------------------------------------------------------------- filters */

  var kindBoxes = {};
  data.filters.kinds.forEach(function (k) {
    var lab = el("label", "check");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = k[0];
    kindBoxes[k[0]] = box;
    lab.appendChild(box);
    lab.appendChild(document.createTextNode(" " + k[1] + " (" + k[2] + ")"));
    byId("f-kinds").appendChild(lab);
  });

  function fillSelect(sel, rows) {
    rows.forEach(function (r) {
      var o = document.createElement("option");
      o.value = r[0];
      o.textContent = "\u00a0\u00a0".repeat(r[2]) + r[1];
      sel.appendChild(o);
    });
  }
  fillSelect(byId("f-jur"), data.filters.jurisdictions);
  fillSelect(byId("f-cat"), data.filters.categories);

  function inForce(x, day) {
    if (!day) { return true; }
    if (x.status === "proposed") { return false; }
    if (x.since && day < x.since) { return false; }
    if (x.until && day > x.until) { return false; }
    return true;
  }

  function applyFilters() {
    var jur = byId("f-jur").value;
    var cat = byId("f-cat").value;
    var day = byId("f-day").value;
    var flagged = byId("f-flagged").checked;
    var nodeChanges = [];
    var shownNodes = 0;
    var nodeShown = {};
    nodeItems.forEach(function (n) {
      var box = kindBoxes[n.kind];
      var show = (!box || box.checked) &&
        (!jur || !n.juris.length || n.juris.indexOf(jur) >= 0) &&
        (!cat || n.kind !== "data_category" || n.cats.indexOf(cat) >= 0) &&
        (n.kind !== "system" || inForce(n, day));
      if (show) { shownNodes++; }
      nodeShown[n.id] = show;
      if (!!n.hidden === show) {
        n.hidden = !show;
        nodeChanges.push({ id: n.id, hidden: !show });
      }
    });
    var edgeChanges = [];
    var shownEdges = 0;
    edgeItems.forEach(function (e) {
      var isFlow = e.kind === "flow";
      var show = nodeShown[e.from] && nodeShown[e.to] &&
        (!jur || !isFlow || !e.juris.length || e.juris.indexOf(jur) >= 0) &&
        (!cat || (e.kind !== "flow" && e.kind !== "holds") || e.cats.indexOf(cat) >= 0) &&
        (!(isFlow || e.kind === "operates") || inForce(e, day)) &&
        (!flagged || !isFlow || e.flags.some(function (f) { return f !== "unknown_safeguards"; }));
      if (show) { shownEdges++; }
      if (!!e.hidden === show) {
        e.hidden = !show;
        edgeChanges.push({ id: e.id, hidden: !show });
      }
    });
    if (nodeChanges.length) { nodes.update(nodeChanges); }
    if (edgeChanges.length) { edges.update(edgeChanges); }
    byId("f-counts").textContent = "Showing " + shownNodes + " of " + plural(nodeItems.length, "node", "nodes") +
      " and " + shownEdges + " of " + plural(edgeItems.length, "relation", "relations") + ".";
  }

  ["f-jur", "f-cat", "f-day", "f-flagged"].forEach(function (id) {
    byId(id).addEventListener("change", applyFilters);
  });
  Object.keys(kindBoxes).forEach(function (k) { kindBoxes[k].addEventListener("change", applyFilters); });
  byId("f-reset").addEventListener("click", function () {
    byId("f-jur").value = "";
    byId("f-cat").value = "";
    byId("f-day").value = "";
    byId("f-flagged").checked = false;
    Object.keys(kindBoxes).forEach(function (k) { kindBoxes[k].checked = true; });
    applyFilters();
  });
  api.applyFilters = applyFilters;

  /* ------------------------------------------------------------------ ready */

  network.once("afterDrawing", function () {
    api.readyAt = performance.now();
    api.ready = true;
    document.body.dataset.ready = "true";
    var st = byId("status");
    var small = network.getScale() * 16 < 6;
    st.textContent = plural(nodeItems.length, "node", "nodes") + " and " +
      plural(edgeItems.length, "relation", "relations") + ". " +
      (small ? "Zoom in (scroll or pinch) to read the names, or point at a node. " : "") +
      "Drag to move.";
  });
  network.fit({ animation: false });
  applyFilters();
  if (data.view.focus && details.nodes[data.view.focus]) {
    selectNode(data.view.focus, false);
  } else if (data.view.route.length && details.edges[data.view.route[0]]) {
    selectEdge(data.view.route[0]);
  }
  network.redraw();
}());
