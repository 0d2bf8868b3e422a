// name: creep-drift
// title: Function creep: purpose drift along paths
// description: Data held for one purpose P reaching a use Q that is incompatible with P (violations) or where P or Q is unknown (gaps), with one witness route each, the rule that decides, where P was established and where the purpose changed; uses no rule assesses are counted per (P, Q). A flow's origin purposes: its collected_for; otherwise, for a system sender, the purposes of what it holds in a matching category (unknown when none); otherwise unknown. Data with origin P reaches a flow g when a chain of qualifying flows starting with a flow that establishes P ends in g. The verdict of (P, Q): gap when either is unknown; else the most specific rule that applies (P under its collected_for, Q under its used_for; smallest sum of distances, then an incompatible rule, then the smallest id); with no rule, compatible when Q is P or under it, else unassessed. Witness: a shortest chain ending in g; among those, the one whose hops read from g backwards have the smallest (sender id, flow id). Violations and gaps sorted by flow id then P. One row. The same answer as 'dataflows creep --shape drift' (dataflows.analyses.creep.drift).
// param: category (string) Only flows carrying this data category or a narrower one.
// param: min_confidence (string) Only flows with at least one citation this sure: low, medium or high.
// param: as_of (date) Only flows and systems in force that day.
// param: limit (int) At most this many violations and gaps each (default: all); the counts are always complete.
// mode: read
//
// How: (1) the qualifying flows and their origin purposes; (2) for each origin purpose P, a
// level-by-level breadth-first search (as in reach.cypher) started from every flow that
// establishes P at once, keeping each party's witness chain; (3) every pair (P, g): g establishes
// P itself (a chain of one), or g leaves a party P reached; (4) each pair judged by the rule table
// of (P, Q). O(K·(V + E)) for K origin purposes; no path is enumerated.

// What the filters admit: categories under the one named; citations at least as sure as asked.
WITH CASE WHEN $category IS NULL THEN null ELSE COLLECT {
       MATCH (c:DataCategory)((:DataCategory)-[:BROADER]->(:DataCategory))*(:DataCategory {id: $category})
       RETURN c.id } END AS wanted,
     CASE WHEN $min_confidence IS NULL THEN null ELSE COLLECT {
       MATCH (c:Citation)
       WHERE CASE c.confidence WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END
             >= CASE $min_confidence WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 4 END
       RETURN c.id } END AS strong,
     COUNT { MATCH (:Party) } AS parties
// (1) The qualifying flows, each with its origin purposes. A system's held purposes are looked up
// once per (sender, category list): flows often share them.
CALL (wanted, strong) {
  MATCH (a:Party)-[f:FLOW]->(b:Party)
  WHERE ($as_of IS NULL OR (
          coalesce(f.status, '') <> 'proposed'
          AND (f.start IS NULL OR f.start <= left($as_of, size(f.start)))
          AND (f.end IS NULL OR left($as_of, size(f.end)) <= f.end)
          AND all(p IN [a, b] WHERE NOT p:System OR (
                coalesce(p.status, '') <> 'proposed'
                AND (p.start IS NULL OR p.start <= left($as_of, size(p.start)))
                AND (p.end IS NULL OR left($as_of, size(p.end)) <= p.end)))))
    AND (wanted IS NULL OR any(c IN f.categories WHERE c IN wanted))
    AND (strong IS NULL OR any(i IN range(0, size(f.citation_ids) - 1)
                               WHERE f.citation_claims[i] = 'record' AND f.citation_ids[i] IN strong))
  WITH a, f.categories AS categories, collect(f) AS flows
  // Held purposes of a category that matches one the flow carries: the same, or one under the other.
  WITH flows, CASE WHEN a:System THEN COLLECT {
         MATCH (a)-[h:HOLDS]->(held:DataCategory)
         WHERE any(x IN categories WHERE x = held.id
                   OR EXISTS { MATCH (held)((:DataCategory)-[:BROADER]->(:DataCategory))+(:DataCategory {id: x}) }
                   OR EXISTS { MATCH (:DataCategory {id: x})((:DataCategory)-[:BROADER]->(:DataCategory))+(held) })
         RETURN DISTINCT coalesce(h.purpose, 'unknown') AS purpose } ELSE [] END AS held
  UNWIND flows AS f
  WITH f, CASE WHEN f.collected_for IS NOT NULL THEN [f.collected_for] WHEN held = [] THEN ['unknown'] ELSE held END
          AS origins
  RETURN collect({f: f, origins: origins}) AS qualifying, collect(DISTINCT origins) AS origin_sets,
         collect(DISTINCT coalesce(f.purpose, 'unknown')) AS uses
}
WITH wanted, strong, parties, qualifying, uses,
     COLLECT { UNWIND origin_sets AS set UNWIND set AS p RETURN DISTINCT p ORDER BY p } AS purposes
// For each origin purpose p, the flows that establish it (only these, not all the flows, go on).
WITH wanted, strong, parties, uses, purposes,
     [p IN purposes | [x IN qualifying WHERE p IN x.origins | x.f]] AS establishing
UNWIND range(0, size(purposes) - 1) AS k
WITH wanted, strong, parties, uses, purposes[k] AS p, establishing[k] AS seeds
CALL (wanted, strong, parties, uses, p, seeds) {
  // The verdict of using data held for p for each use q, with the deciding rule.
  WITH wanted, strong, parties, p, seeds, [q IN uses | {q: q, judged:
    CASE WHEN p = 'unknown' OR q = 'unknown' THEN {verdict: 'gap', rule: null} ELSE
      [best IN [COLLECT {
          MATCH (r:PurposeRule)-[:COLLECTED_FOR]->(c:Purpose), (r)-[:USED_FOR]->(u:Purpose)
          MATCH dp = (:Purpose {id: p})((:Purpose)-[:BROADER]->(:Purpose))*(c)
          MATCH dq = (:Purpose {id: q})((:Purpose)-[:BROADER]->(:Purpose))*(u)
          RETURN r ORDER BY length(dp) + length(dq), r.compatible, r.id LIMIT 1 }] |
        CASE WHEN best <> [] THEN
               {verdict: CASE WHEN best[0].compatible THEN 'compatible' ELSE 'violation' END, rule: best[0]}
             WHEN q = p OR EXISTS { MATCH (:Purpose {id: q})((:Purpose)-[:BROADER]->(:Purpose))+(:Purpose {id: p}) }
               THEN {verdict: 'compatible', rule: null}
             ELSE {verdict: 'unassessed', rule: null} END][0]
    END}] AS verdicts
  // (2) The breadth-first search, kept as a tree: entry {n: party, f: the flow that brought p there,
  // parent: the entry it came from (-1 at level 1), level, idx: its own place in the list}.
  // Level 1: each recipient of a flow that establishes p, by the one with the smallest (sender, flow) ids.
  WITH wanted, strong, parties, p, verdicts, seeds,
       [first IN [COLLECT {
           UNWIND seeds AS f
           WITH f, startNode(f) AS a, endNode(f) AS w
           RETURN {n: w, f: f.id, parent: -1, level: 1} AS e ORDER BY w.id, a.id, f.id }] |
         [i IN range(0, size(first) - 1) WHERE i = 0 OR first[i].n <> first[i - 1].n | first[i]]][0] AS level1
  WITH wanted, strong, parties, p, verdicts, seeds,
       [i IN range(0, size(level1) - 1) | {n: level1[i].n, f: level1[i].f, parent: -1, level: 1, idx: i}] AS level1
  // Further levels: st.frontier, the entries of the last level; st.seen: every party p reached;
  // st.out: the whole tree.
  WITH wanted, strong, p, verdicts, seeds, reduce(st = {frontier: level1, seen: [e IN level1 | e.n], out: level1},
                                                  level IN range(2, parties + 1) |
    CASE WHEN st.frontier = [] THEN st ELSE
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
          RETURN {n: y, f: f.id, parent: cur.idx, level: level} AS e
          ORDER BY y.id, u.id, f.id
        }] |
        [next IN [[i IN range(0, size(step) - 1) WHERE i = 0 OR step[i].n <> step[i - 1].n | step[i]]] |
          [numbered IN [[i IN range(0, size(next) - 1) | {n: next[i].n, f: next[i].f, parent: next[i].parent,
                                                             level: level, idx: size(st.out) + i}]] |
            {frontier: numbered, seen: st.seen + [e IN numbered | e.n], out: st.out + numbered}][0]][0]][0]
    END).out AS tree
  // (3) The pairs (p, g): g establishes p (a chain of one, from: -1), or g leaves a party p reached
  // (from: its tree entry) and does not establish p itself. (4) Judge them by their use q: count
  // them all; keep violations and gaps (by flow id) to report.
  CALL (wanted, strong, seeds, tree, verdicts) {
    CALL (wanted, strong, seeds, tree) {
      UNWIND seeds AS g
      RETURN g, -1 AS from
      UNION ALL
      UNWIND tree AS e
      WITH e, e.n AS u
      MATCH (u:Party)-[g:FLOW]->(y:Party)
      WHERE NOT g IN seeds
        AND ($as_of IS NULL OR (
              coalesce(g.status, '') <> 'proposed'
              AND (g.start IS NULL OR g.start <= left($as_of, size(g.start)))
              AND (g.end IS NULL OR left($as_of, size(g.end)) <= g.end)
              AND (NOT y:System OR (
                    coalesce(y.status, '') <> 'proposed'
                    AND (y.start IS NULL OR y.start <= left($as_of, size(y.start)))
                    AND (y.end IS NULL OR left($as_of, size(y.end)) <= y.end)))))
        AND (wanted IS NULL OR any(c IN g.categories WHERE c IN wanted))
        AND (strong IS NULL OR any(i IN range(0, size(g.citation_ids) - 1)
                                   WHERE g.citation_claims[i] = 'record' AND g.citation_ids[i] IN strong))
      RETURN g, e.idx AS from
    }
    WITH verdicts, coalesce(g.purpose, 'unknown') AS q, g, from
    WITH q, [v IN verdicts WHERE v.q = q][0].judged AS judged, g, from
    WITH q, judged, count(*) AS n,
         collect(CASE WHEN judged.verdict IN ['violation', 'gap'] THEN {g: g.id, from: from} END) AS shown
    RETURN collect({q: q, verdict: judged.verdict, rule: judged.rule, n: n, shown: shown}) AS judged_uses
  }
  RETURN tree, judged_uses
}
WITH collect({p: p, tree: tree, uses: judged_uses}) AS per_purpose
// The violations and gaps, by flow id then p (a full sort: ORDER BY … LIMIT would be lighter to run
// but its memory accounting in Neo4j 5.26 is not).
WITH per_purpose,
     [verdict IN ['violation', 'gap'] | COLLECT {
       UNWIND range(0, size(per_purpose) - 1) AS k
       UNWIND range(0, size(per_purpose[k].uses) - 1) AS j
       WITH k, j, per_purpose[k].uses[j].shown AS shown WHERE per_purpose[k].uses[j].verdict = verdict
       UNWIND shown AS pair
       // Small rows to sort (purposes are in id order, so k orders as p does).
       RETURN {k: k, j: j, g: pair.g, from: pair.from} AS x
       ORDER BY x.g, x.k }] AS found,
     [verdict IN ['violation', 'gap', 'compatible'] |
       reduce(n = 0, pp IN per_purpose | n + reduce(m = 0, u IN [u IN pp.uses WHERE u.verdict = verdict] | m + u.n))]
       AS counted,
     COLLECT {
       UNWIND per_purpose AS pp UNWIND pp.uses AS u
       WITH pp, u WHERE u.verdict = 'unassessed'
       RETURN {collected_for: pp.p, used_for: u.q, count: u.n} AS u
       ORDER BY u.collected_for, u.used_for } AS unassessed
// The records shown (all, or the first $limit of each kind), each with its witness chain: walking up
// the tree of its purpose from the entry it left, then the flow itself. (Trees are indexed in place,
// never put in a new list: Neo4j counts the content of every new list against the transaction.)
WITH counted, unassessed,
     [which IN [0, 1] | [x IN CASE WHEN $limit IS NULL THEN found[which] ELSE found[which][..$limit] END |
       {which: which, g: x.g, p: per_purpose[x.k].p, q: per_purpose[x.k].uses[x.j].q,
        verdict: per_purpose[x.k].uses[x.j].verdict, rule: per_purpose[x.k].uses[x.j].rule,
        ids: reduce(walk = {at: x.from, path: [x.g]},
                    _ IN range(1, CASE WHEN x.from < 0 THEN 0 ELSE per_purpose[x.k].tree[x.from].level END) |
                    {at: per_purpose[x.k].tree[walk.at].parent,
                     path: [per_purpose[x.k].tree[walk.at].f] + walk.path}).path}]] AS picked
// One row per record, so that what each record looks up sees only that record.
UNWIND CASE WHEN picked[0] + picked[1] = [] THEN [null] ELSE picked[0] + picked[1] END AS pick
WITH counted, unassessed, pick
OPTIONAL CALL (pick) {
  WITH pick WHERE pick IS NOT NULL
  WITH pick AS x, COLLECT {
         UNWIND range(0, size(pick.ids) - 1) AS i
         MATCH (:Party)-[f:FLOW {id: pick.ids[i]}]->(:Party)
         RETURN f ORDER BY i } AS path
  WITH x {.*, path: path} AS x
  RETURN x.which AS which,
    [first IN [x.path[0]] | {
      flow: x.g, collected_for: x.p, used_for: x.q, verdict: x.verdict,
      rule: CASE WHEN x.rule IS NULL THEN null ELSE {
        id: x.rule.id, collected_for: x.rule.collected_for, used_for: x.rule.used_for,
        compatible: x.rule.compatible, reason: x.rule.reason, citations: COLLECT {
          MATCH (r:PurposeRule {id: x.rule.id})<-[sp:SUPPORTS {claim: 'record'}]-(c:Citation)-[:CITES]->(src:Source)
          RETURN {source: c.source, title: src.title, publisher: src.publisher, file: src.file, url: src.url,
                  locator: c.locator, quote: c.quote, evidence_type: c.evidence_type,
                  confidence: c.confidence, note: c.note} ORDER BY sp.pos }} END,
      // How p was established at the first flow of the chain: stated (collected_for), held by the
      // sending system in a matching category, or unknown.
      origin: {flow: first.id,
        how: CASE WHEN first.collected_for IS NOT NULL THEN 'collected_for'
                  WHEN NOT startNode(first):System THEN 'unknown'
                  WHEN x.p <> 'unknown' OR EXISTS {
                    WITH startNode(first) AS sender
                    MATCH (sender:System)-[h:HOLDS]->(held:DataCategory)
                    WHERE coalesce(h.purpose, 'unknown') = x.p
                      AND h.citation_ids <> []
                      AND any(y IN first.categories WHERE y = held.id
                              OR EXISTS { MATCH (held)((:DataCategory)-[:BROADER]->(:DataCategory))+(:DataCategory {id: y}) }
                              OR EXISTS { MATCH (:DataCategory {id: y})((:DataCategory)-[:BROADER]->(:DataCategory))+(held) }) }
                  THEN 'held' ELSE 'unknown' END,
        citations: CASE WHEN first.collected_for IS NOT NULL THEN COLLECT {
            UNWIND range(0, size(first.citation_ids) - 1) AS i
            WITH i WHERE first.citation_claims[i] = 'record'
            MATCH (c:Citation {id: first.citation_ids[i]})-[:CITES]->(src:Source)
            RETURN {source: c.source, title: src.title, publisher: src.publisher, file: src.file, url: src.url,
                    locator: c.locator, quote: c.quote, evidence_type: c.evidence_type,
                    confidence: c.confidence, note: c.note} ORDER BY i }
          WHEN NOT startNode(first):System THEN []
          // The holds that establish p, by (category, purpose, order in the map), their citations in order.
          ELSE COLLECT {
            WITH startNode(first) AS sender
            MATCH (sender:System)-[h:HOLDS]->(held:DataCategory)
            WHERE coalesce(h.purpose, 'unknown') = x.p
              AND any(y IN first.categories WHERE y = held.id
                      OR EXISTS { MATCH (held)((:DataCategory)-[:BROADER]->(:DataCategory))+(:DataCategory {id: y}) }
                      OR EXISTS { MATCH (:DataCategory {id: y})((:DataCategory)-[:BROADER]->(:DataCategory))+(held) })
            UNWIND range(0, size(h.citation_ids) - 1) AS i
            MATCH (c:Citation {id: h.citation_ids[i]})-[:CITES]->(src:Source)
            RETURN {source: c.source, title: src.title, publisher: src.publisher, file: src.file, url: src.url,
                    locator: c.locator, quote: c.quote, evidence_type: c.evidence_type,
                    confidence: c.confidence, note: c.note}
            ORDER BY held.id, coalesce(h.purpose, 'unknown'),
                     toInteger(split(split(h.key, '--holds-')[1], '--')[0]), i }
        END},
      // The first hop whose purpose is unknown or not p (nor under p); else the last hop.
      change_hop: [at IN [coalesce(head([i IN range(0, size(x.path) - 1) WHERE
          coalesce(x.path[i].purpose, 'unknown') = 'unknown'
          OR NOT (x.path[i].purpose = x.p OR EXISTS {
            MATCH (:Purpose {id: x.path[i].purpose})((:Purpose)-[:BROADER]->(:Purpose))+(:Purpose {id: x.p}) })]),
          size(x.path) - 1)] | {position: at + 1, flow: x.path[at].id}][0],
      path: {length: size(x.path), flows: [f IN x.path | f.id], hops: [f IN x.path | {
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
      }]}
    }][0] AS record
}
WITH counted, unassessed, collect(CASE WHEN record IS NOT NULL THEN {which: which, record: record} END) AS made
RETURN {violations: counted[0], gaps: counted[1],
        unassessed: reduce(n = 0, u IN unassessed | n + u.count), compatible: counted[2]} AS counts,
       [which IN [0, 1] | [m IN made WHERE m.which = which | m.record]] AS records,
       unassessed
