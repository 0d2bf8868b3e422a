// name: shortest-path
// title: One shortest path between two parties
// description: The witness shortest path (fewest hops) by which data can move from one party to another, hop by hop with sources; no row when there is none. Only flows that qualify are followed (category, min_confidence, unfirewalled, as_of, as for reach). Among the shortest paths, the witness is the one whose hops, read from the target back towards the source, have the smallest (sender id, flow id). The same answer as 'dataflows paths --shortest' (dataflows.analyses.paths.shortest_path).
// param: source (string, required) The party the data starts from.
// param: target (string, required) The party the data should reach.
// param: category (string) Only flows carrying this data category or a narrower one.
// param: min_confidence (string) Only flows with at least one citation this sure: low, medium or high.
// param: unfirewalled (bool, default false) Only flows without a firewall known to be present.
// param: as_of (date) Only flows and systems in force that day.
// mode: read
//
// How: the level-by-level breadth-first search of reach.cypher, from the source, stopping at the
// level where the target is first reached. O(V + E); no path is enumerated.

MATCH (s:Party {id: $source}), (t:Party {id: $target})
WHERE s <> t
  AND all(p IN [s, t] WHERE $as_of IS NULL OR NOT p:System OR (
        coalesce(p.status, '') <> 'proposed'
        AND (p.start IS NULL OR p.start <= left($as_of, size(p.start)))
        AND (p.end IS NULL OR left($as_of, size(p.end)) <= p.end)))
// What the filters admit: categories under the one named; citations at least as sure as asked.
WITH s, t,
     CASE WHEN $category IS NULL THEN null ELSE COLLECT {
       MATCH (c:DataCategory)((:DataCategory)-[:BROADER]->(:DataCategory))*(:DataCategory {id: $category})
       RETURN c.id } END AS wanted,
     CASE WHEN $min_confidence IS NULL THEN null ELSE COLLECT {
       MATCH (c:Citation)
       WHERE CASE c.confidence WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END
             >= CASE $min_confidence WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 4 END
       RETURN c.id } END AS strong,
     COUNT { MATCH (:Party) } AS parties
// st.frontier: the parties reached at the last level with their witness paths; st.seen: all so far.
WITH t, reduce(st = {frontier: [{n: s, path: []}], seen: [s]}, level IN range(1, parties) |
  CASE WHEN st.frontier = [] OR t IN st.seen THEN st ELSE
    // [x IN [value] | …][0] names a value inside an expression.
    [step IN [COLLECT {
        UNWIND st.frontier AS cur
        WITH cur, cur.n AS u
        MATCH (u:Party)-[f:FLOW]->(y:Party)
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
        RETURN {n: y, path: cur.path + [f]} AS e
        ORDER BY y.id, u.id, f.id
      }] |
      [next IN [[i IN range(0, size(step) - 1) WHERE i = 0 OR step[i].n <> step[i - 1].n | step[i]]] |
        {frontier: next, seen: st.seen + [e IN next | e.n]}][0]][0]
  END) AS st
WITH [e IN st.frontier WHERE e.n = t | e.path][0] AS path
WHERE path IS NOT NULL
RETURN size(path) AS length, [f IN path | f.id] AS flows,
       [f IN path | {
         flow: f.id, from: startNode(f).id, from_label: startNode(f).name,
         to: endNode(f).id, to_label: endNode(f).name, categories: f.categories,
         purpose: coalesce(f.purpose, 'unknown'), collected_for: f.collected_for,
         firewall: {status: coalesce(f.firewall, 'unknown'), note: f.firewall_note, citations: COLLECT {
           UNWIND range(0, size(f.citation_ids) - 1) AS i
           WITH i WHERE f.citation_claims[i] = 'firewall'
           MATCH (c:Citation {id: f.citation_ids[i]})-[:CITES]->(src:Source)
           RETURN {source: c.source, title: src.title, publisher: src.publisher, file: src.file, url: src.url,
                   locator: c.locator, quote: c.quote, evidence_type: c.evidence_type,
                   confidence: c.confidence, note: c.note} ORDER BY i }},
         citations: COLLECT {
           UNWIND range(0, size(f.citation_ids) - 1) AS i
           WITH i WHERE f.citation_claims[i] = 'record'
           MATCH (c:Citation {id: f.citation_ids[i]})-[:CITES]->(src:Source)
           RETURN {source: c.source, title: src.title, publisher: src.publisher, file: src.file, url: src.url,
                   locator: c.locator, quote: c.quote, evidence_type: c.evidence_type,
                   confidence: c.confidence, note: c.note} ORDER BY i }
       }] AS hops
