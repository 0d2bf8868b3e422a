// name: paths
// title: Every path between two parties, up to a number of hops
// description: Every simple path (no party twice) of 1 to max_hops qualifying flows from one party to another, parallel flows making distinct paths, hop by hop with sources; sorted by number of hops, then by the sequence of flow ids. Flows qualify as for reach (category, min_confidence, unfirewalled, as_of). The same answer as 'dataflows paths' (dataflows.analyses.paths.all_paths).
// param: source (string, required) The party the data starts from.
// param: target (string, required) The party the data should reach.
// param: max_hops (int, default 4) Longest path to list.
// param: category (string) Only flows carrying this data category or a narrower one.
// param: min_confidence (string) Only flows with at least one citation this sure: low, medium or high.
// param: unfirewalled (bool, default false) Only flows without a firewall known to be present.
// param: as_of (date) Only flows and systems in force that day.
// mode: read
//
// How: listing paths is inherently as costly as the number of paths. Two steps keep it to that:
// (1) a breadth-first search backwards from the target, max_hops - 1 levels deep, gives
// near[k]: the parties at most k hops from the target; (2) paths are grown from the source one hop
// per level (a reduce over 1..max_hops), and a prefix of i hops may only end at a party in
// near[max_hops - i] — one that can still reach the target in the hops left. (A quantified path
// pattern cannot take max_hops as its bound, which must be a literal, and without the per-level
// bound Neo4j would enumerate every trail of any length first.)

MATCH (s:Party {id: $source}), (t:Party {id: $target})
WHERE s <> t AND $max_hops >= 1
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
       RETURN c.id } END AS strong
// (1) near[k]: the parties within k hops of the target over qualifying flows, k = 0 … max_hops - 1.
WITH s, t, wanted, strong,
     reduce(st = {frontier: [t], near: [[t]]}, level IN range(1, $max_hops - 1) |
       [found IN [COLLECT {
           UNWIND st.frontier AS u
           MATCH (u:Party)<-[f:FLOW]-(y:Party)
           WHERE NOT y IN last(st.near)
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
           WITH DISTINCT y
           RETURN y }] |
         {frontier: found, near: st.near + [last(st.near) + found]}][0]).near AS near
// (2) Grow simple paths from the source, one hop per level; keep those that reach the target.
WITH t, reduce(acc = {open: [{at: s, on: [s], path: []}], found: []}, hop IN range(1, $max_hops) |
       [step IN [COLLECT {
           UNWIND acc.open AS pre
           WITH pre, pre.at AS u
           MATCH (u:Party)-[f:FLOW]->(y:Party)
           WHERE NOT y IN pre.on
             AND y IN near[$max_hops - hop]
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
           RETURN {at: y, on: pre.on + [y], path: pre.path + [f]} AS e }] |
         {open: [e IN step WHERE e.at <> t], found: acc.found + [e IN step WHERE e.at = t | e.path]}][0]
     ).found AS found
UNWIND found AS path
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
ORDER BY length, flows
