// name: reach
// title: Everything a party reaches, or is reached from
// description: Every party downstream of a party (where its data can go; direction down) or upstream (whose data can reach it; direction up), with its hop distance and one witness path, sorted by distance then party id. Only flows that qualify are followed: carrying the category (or a narrower one), with a citation at least as sure as min_confidence, without a firewall known to be present (unfirewalled), in force on as_of. The witness is the breadth-first search's: among the shortest paths, the one whose hops, read from the far end towards the party, have the smallest (nearer party id, flow id). The same answer as 'dataflows reach' (dataflows.analyses.paths.reach).
// param: party (string, required) The agency or system to start from.
// param: direction (string, default down) down (where its data can go) or up (whose data can reach it).
// param: category (string) Only flows carrying this data category or a narrower one.
// param: min_confidence (string) Only flows with at least one citation this sure: low, medium or high.
// param: unfirewalled (bool, default false) Only flows without a firewall known to be present.
// param: as_of (date) Only flows and systems in force that day.
// param: max_hops (int) Stop after this many hops (default: no limit).
// mode: read
//
// How: a level-by-level breadth-first search written as a reduce over levels. Each level expands
// the frontier's flows once, keeps for each newly reached party the flow from the nearer party with
// the smallest (party id, flow id), and extends that party's witness path; a party is never
// expanded twice, so the work is O(V + E) — no path is enumerated. (Neo4j 5.26's SHORTEST with an
// unbound end traces every shortest path before choosing one; with the many parallel flows of a
// real map that is exponential, so it is not used here.)

MATCH (s:Party {id: $party})
WHERE $as_of IS NULL OR NOT s:System OR (
        coalesce(s.status, '') <> 'proposed'
        AND (s.start IS NULL OR s.start <= left($as_of, size(s.start)))
        AND (s.end IS NULL OR left($as_of, size(s.end)) <= s.end))
// What the filters admit: categories under the one named; citations at least as sure as asked.
WITH s,
     CASE WHEN $category IS NULL THEN null ELSE COLLECT {
       MATCH (c:DataCategory)((:DataCategory)-[:BROADER]->(:DataCategory))*(:DataCategory {id: $category})
       RETURN c.id } END AS wanted,
     CASE WHEN $min_confidence IS NULL THEN null ELSE COLLECT {
       MATCH (c:Citation)
       WHERE CASE c.confidence WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END
             >= CASE $min_confidence WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 4 END
       RETURN c.id } END AS strong,
     COUNT { MATCH (:Party) } AS parties
// st.frontier: the parties reached at the last level, each with its witness path (flows in travel
// order); st.seen: every party reached so far; st.out: what to report.
WITH s, reduce(st = {frontier: [{n: s, path: []}], seen: [s], out: []},
               level IN range(1, coalesce($max_hops, parties)) |
  CASE WHEN st.frontier = [] THEN st ELSE
    // [x IN [value] | …][0] names a value inside an expression.
    [step IN [COLLECT {
        UNWIND st.frontier AS cur
        WITH cur, cur.n AS u
        CALL (u) {
          MATCH (u:Party)-[f:FLOW]->(y:Party) WHERE $direction = 'down' RETURN f, y
          UNION ALL
          MATCH (u:Party)<-[f:FLOW]-(y:Party) WHERE $direction = 'up' RETURN f, y
        }
        WITH cur, u, f, y
        WHERE NOT y IN st.seen
          AND ($as_of IS NULL OR (
                coalesce(f.status, '') <> 'proposed'
                AND (f.start IS NULL OR f.start <= left($as_of, size(f.start)))
                AND (f.end IS NULL OR left($as_of, size(f.end)) <= f.end)
                AND (NOT y:System OR (
                      coalesce(y.status, '') <> 'proposed'
                      AND (y.start IS NULL OR y.start <= left($as_of, size(y.start)))
                      AND (y.end IS NULL OR left($as_of, size(y.end)) <= y.end)))))
          AND (wanted IS NULL OR any(c IN f.categories WHERE c IN wanted))
          AND (strong IS NULL OR any(i IN range(0, size(f.citation_ids) - 1)
                                     WHERE f.citation_claims[i] = 'record' AND f.citation_ids[i] IN strong))
          AND (NOT $unfirewalled OR f.firewall <> 'present')
        // The tie-break: for each new party, the flow from the nearer party with the smallest ids.
        RETURN {n: y, path: CASE $direction WHEN 'up' THEN [f] + cur.path ELSE cur.path + [f] END} AS e
        ORDER BY y.id, u.id, f.id
      }] |
      [next IN [[i IN range(0, size(step) - 1) WHERE i = 0 OR step[i].n <> step[i - 1].n | step[i]]] |
        {frontier: next, seen: st.seen + [e IN next | e.n],
         out: st.out + [e IN next | {n: e.n, distance: level, path: e.path}]}][0]][0]
  END) AS st
// The citations the hops detailed below carry, looked up once each, sorted by id: each hop then
// finds its own by bisection (log2 of their number) rather than by a lookup per hop.
CALL (st) {
  UNWIND st.out AS r
  WITH CASE $direction WHEN 'up' THEN head(r.path) ELSE last(r.path) END AS f
  UNWIND f.citation_ids AS id
  WITH DISTINCT id
  MATCH (c:Citation {id: id})-[:CITES]->(src:Source)
  WITH c, src ORDER BY c.id
  RETURN collect([c.id, {source: c.source, title: src.title, publisher: src.publisher, file: src.file, url: src.url,
                         locator: c.locator, quote: c.quote, evidence_type: c.evidence_type,
                         confidence: c.confidence, note: c.note}]) AS cites
}
WITH st, cites, [e IN range(toInteger(ceil(log(size(cites) + 1) / log(2))), 0, -1) | toInteger(2 ^ e)] AS steps
UNWIND st.out AS r
WITH cites, steps, r.n AS x, r.distance AS distance, r.path AS path
// Each row gives the hop by which its witness reaches the party: the last hop down, the first up.
// Every hop of every witness is that hop of some party listed, so each flow is detailed once.
RETURN x.id AS party, x.name AS label, CASE WHEN x:Agency THEN 'agency' ELSE 'system' END AS kind,
       distance, [f IN path | f.id] AS flows,
       [f IN [CASE $direction WHEN 'up' THEN head(path) ELSE last(path) END] | {
         flow: f.id, from: startNode(f).id, from_label: startNode(f).name,
         to: endNode(f).id, to_label: endNode(f).name, categories: f.categories,
         purpose: coalesce(f.purpose, 'unknown'), collected_for: f.collected_for,
         firewall: {status: coalesce(f.firewall, 'unknown'), note: f.firewall_note,
                    citations: [i IN range(0, size(f.citation_ids) - 1) WHERE f.citation_claims[i] = 'firewall' |
                      cites[reduce(lo = -1, j IN steps | CASE WHEN lo + j < size(cites)
                                   AND cites[lo + j][0] <= f.citation_ids[i] THEN lo + j ELSE lo END)][1]]},
         citations: [i IN range(0, size(f.citation_ids) - 1) WHERE f.citation_claims[i] = 'record' |
           cites[reduce(lo = -1, j IN steps | CASE WHEN lo + j < size(cites)
                        AND cites[lo + j][0] <= f.citation_ids[i] THEN lo + j ELSE lo END)][1]]
       }][0] AS hop
ORDER BY distance, party
