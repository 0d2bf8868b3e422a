// name: creep-drift
// title: Function creep: purpose drift along paths
// description: Data held for one purpose P reaching a use Q that is incompatible with P (violations) or where P or Q is unknown (gaps), with one witness route each, the rule that decides, where P was established and where the purpose changed; uses no rule assesses are counted per (P, Q). A flow's origin purposes: its collected_for; otherwise, for a system sender, the purposes of what it holds in a matching category (unknown when none); otherwise unknown. Data with origin P reaches a flow g when a chain of qualifying flows starting with a flow that establishes P ends in g. The verdict of (P, Q): gap when either is unknown; else the most specific rule that applies (P under its collected_for, Q under its used_for; smallest sum of distances, then an incompatible rule, then the smallest id); with no rule, compatible when Q is P or under it, else unassessed. Witness: a shortest chain ending in g; among those, the one whose hops read from g backwards have the smallest (sender id, flow id). Violations and gaps sorted by flow id then P. One row. The same answer as 'dataflows creep --shape drift' (dataflows.analyses.creep.drift).
// param: category (string) Only flows carrying this data category or a narrower one.
// param: min_confidence (string) Only flows with at least one citation this sure: low, medium or high.
// param: as_of (date) Only flows and systems in force that day.
// param: limit (int) At most this many violations and gaps each (default: all); the counts are always complete.
// mode: read
// transaction: auto-commit
//
// Pass (1) runs in transactions of its own, several at once (CALL { … } IN CONCURRENT TRANSACTIONS),
// so Neo4j can give it more than one core: Neo4j then runs the query only as an auto-commit
// transaction (in Neo4j Browser, write ':auto' before it). At 1,000,000 flows on two cores the
// question, asked from Python, was faster than with pass (1) in the query's own transaction in each
// of fourteen pairs of runs, alternated on one loaded map, by 0.1-2.5 s (7.7-11.8 s against
// 8.8-13.5 s, as the machine's speed changed by the hour; the same answer).
//
// How, in four passes, none of which enumerates a path:
// (1) one pass over the qualifying flows, sender by sender, grouped by (categories, recipient,
//     collected_for, use), gives every flow's origin purposes (a system's held purposes looked up
//     once per (sender, category list)), the first level of the search, what the counts need and,
//     for each sender, the parties it sends to;
// (2) one breadth-first search for all purposes at once, a level at a time (as in reach.cypher):
//     a (party, purpose) state is one integer key, id(party) * K + purpose number, from which both
//     are read back (key / K, key % K); a level is the list of keys first reached at it, and the
//     keys seen so far are kept in two lists tested with IN
//     (Neo4j tests IN against a hash set it builds once per list; the larger list is rebuilt
//     rarely). id() is deprecated in Neo4j 5 but is the only integer a node has; elementId()
//     strings made this search about 45% slower;
// (3) the counts per (P, Q): the purposes reaching a sender, with its flows' own origin purposes,
//     summed by use;
// (4) the records shown: flows in flow id order (the flow id index dataflows_flow_id, which
//     'dataflows load' creates; the query names it so the order comes from it) until enough are found, each
//     witness walked back from its sender level by level, choosing the flow from a party one level
//     nearer the origin with the smallest (party id, flow id) - the breadth-first search's own
//     tie-break; each sender's inbound flows are read once for all the records it sends.
// O(L·(V + E)) for L levels in the worst case: the purposes ride together, rather than one search
// and one row per (purpose, flow) pair for each of K purposes.

// What the filters admit: categories under the one named; citations at least as sure as asked.
WITH CASE WHEN $category IS NULL THEN null ELSE COLLECT {
       MATCH (c:DataCategory)((:DataCategory)-[:BROADER]->(:DataCategory))*(:DataCategory {id: $category})
       RETURN c.id } END AS wanted,
     CASE WHEN $min_confidence IS NULL THEN null ELSE COLLECT {
       MATCH (c:Citation)
       WHERE CASE c.confidence WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END
             >= CASE $min_confidence WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 4 END
       RETURN c.id } END AS strong,
     // Every purpose (and unknown), by id: a purpose is known by its place k in this list.
     COLLECT { CALL () { MATCH (p:Purpose) RETURN p.id AS id UNION RETURN 'unknown' AS id }
               RETURN id ORDER BY id } AS purposes,
     // [flow category, held category] for every pair that match: the same, or one under the other.
     COLLECT { MATCH (x:DataCategory), (c:DataCategory)
               WHERE x = c OR EXISTS { MATCH (x)((:DataCategory)-[:BROADER]->(:DataCategory))+(c) }
                     OR EXISTS { MATCH (c)((:DataCategory)-[:BROADER]->(:DataCategory))+(x) }
               RETURN [x.id, c.id] } AS matching,
     COUNT { MATCH (:Party) } AS parties, head(COLLECT { MATCH (p:Party) RETURN min(id(p)) AS i }) AS base
WITH wanted, strong, purposes, matching, parties, base, size(purposes) AS K, parties + 2 AS M,
     // Bisection steps: a purpose's place is found in log2(K) comparisons.
     [e IN range(toInteger(ceil(log(size(purposes)) / log(2))), 0, -1) | toInteger(2 ^ e)] AS steps
// (1) The qualifying flows of each sender, grouped, each group with its origin purposes. The
// senders go in batches of 5,000, each batch in a transaction of its own, several at once; one row
// per batch, in and out: Neo4j charges every row that enters or leaves such a call with the memory
// of every list it carries (the filters' lists, for instance), so a row per sender would be charged
// for them as many times as there are senders.
WITH wanted, strong, purposes, matching, parties, base, K, M, steps,
     COLLECT { MATCH (a:Party) RETURN a } AS senders
UNWIND CASE WHEN senders = [] THEN [[]] ELSE [s IN range(0, size(senders) - 1, 5000) | senders[s..s + 5000]] END
       AS batch
CALL (batch, wanted, strong, matching, purposes, K, steps, base) {
  UNWIND batch AS a
  CALL (a, wanted, strong, matching, purposes, K, steps) {
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
    // Categories matter only where the origin comes from what a system holds: elsewhere null, so
    // that they are neither read nor grouped on. The two properties every flow needs are read in one
    // map projection: at 1,000,000 flows the whole query took about 10.5 s so, against 12.4 s with
    // the two read one by one (runs alternated on one map; the later passes gain too, for reasons
    // not known).
    WITH a, f, b, f {.collected_for, .purpose} AS m
    WITH CASE WHEN m.collected_for IS NULL AND a:System THEN f.categories END AS categories, b,
         m.collected_for AS cf, coalesce(m.purpose, 'unknown') AS q, count(*) AS n
    WITH categories, cf, collect({b: b, q: q, n: n}) AS rows
    // The origin purposes of each (category list, collected_for), by place k: for a system, what it
    // holds in a category that matches one the flow carries, looked up once per category list.
    WITH rows, [o IN CASE WHEN cf IS NOT NULL THEN [cf] WHEN categories IS NULL THEN ['unknown'] ELSE
                  [held IN [COLLECT {
                     MATCH (a:System)-[h:HOLDS]->(held:DataCategory)
                     WHERE any(x IN categories WHERE [x, held.id] IN matching)
                     RETURN DISTINCT coalesce(h.purpose, 'unknown') AS p }] |
                   CASE WHEN held = [] THEN ['unknown'] ELSE held END][0] END |
                reduce(lo = -1, s IN steps | CASE WHEN lo + s < K AND purposes[lo + s] <= o THEN lo + s ELSE lo END)] AS ks
    UNWIND rows AS r
    // Per sender: its flows by (use, origin purposes), the first level of the search its flows
    // establish (recipient and origin purpose as keys id(b) * K + k), and the ids of its recipients.
    RETURN collect({q: r.q, n: r.n, ks: ks}) AS items, collect([k IN ks | id(r.b) * K + k]) AS sent,
           collect(DISTINCT id(r.b)) AS outs
  }
  WITH a, items, sent, outs WHERE items <> []
  RETURN collect({a: a, items: items}) AS groups, collect(sent) AS sent, collect([id(a) - base, outs]) AS outs
} IN CONCURRENT TRANSACTIONS OF 1 ROW
WITH wanted, strong, purposes, matching, parties, base, K, M,
     collect(groups) AS groups, collect(sent) AS sent, collect(outs) AS outs
WITH wanted, strong, purposes, matching, parties, base, K, M,
     COLLECT { UNWIND groups AS part UNWIND part AS g RETURN g } AS groups,
     COLLECT { UNWIND sent AS part UNWIND part AS keys RETURN keys } AS sent,
     // In id order (the batches finish in any order).
     COLLECT { UNWIND outs AS part UNWIND part AS o RETURN o ORDER BY o[0] } AS outs
// What the search follows, in a list indexed by id(party) - base (base is the smallest id among
// parties; ids of other nodes in between are gaps): out[id(u) - base], the ids of the parties u sends
// to over qualifying flows. Looking a party up in a list is cheaper than reading its flows again at
// every level it is reached (at 1,000,000 flows the search took about 4 s instead of 8 s). The list
// is as long as the span of the parties' ids: about the number of nodes of the map when it was loaded
// by 'dataflows load' (more when other data was created among them).
CALL (outs) {
  UNWIND range(0, size(outs) - 1) AS i
  UNWIND CASE WHEN i = 0 THEN [x IN range(0, outs[0][0] - 1) | []] ELSE [] END + [outs[i][1]]
         + [x IN range(outs[i][0] + 1, coalesce(outs[i + 1][0], outs[i][0] + 1) - 1) | []] AS ys
  RETURN collect(ys) AS out
}
// The verdict of using data held for purposes[k] for each use q, with the deciding rule: verdicts[k].
// up: [purpose, ancestor, distance] for every purpose and each purpose at or above it.
WITH wanted, strong, purposes, matching, parties, base, K, M, groups, sent, out,
     COLLECT { MATCH path = (x:Purpose)((:Purpose)-[:BROADER]->(:Purpose))*(c:Purpose)
               RETURN [x.id, c.id, length(path)] } AS up,
     COLLECT { MATCH (r:PurposeRule)-[:COLLECTED_FOR]->(c:Purpose), (r)-[:USED_FOR]->(u:Purpose)
               RETURN {rule: r, c: c.id, u: u.id} } AS rules
WITH wanted, strong, purposes, matching, parties, base, K, M, groups, sent, out,
  [p IN purposes | [q IN purposes | {q: q, judged:
    CASE WHEN p = 'unknown' OR q = 'unknown' THEN {verdict: 'gap', rule: null} ELSE
      // The rules that apply, with their distance; the best: nearest, then incompatible, then smallest id.
      [best IN [reduce(best = null, x IN [r IN rules WHERE any(d IN up WHERE d[0] = p AND d[1] = r.c)
                                                        AND any(d IN up WHERE d[0] = q AND d[1] = r.u) |
                  {rule: r.rule, rank: head([d IN up WHERE d[0] = p AND d[1] = r.c | d[2]])
                                      + head([d IN up WHERE d[0] = q AND d[1] = r.u | d[2]])}] |
          CASE WHEN best IS NULL OR x.rank < best.rank
                    OR (x.rank = best.rank AND (NOT x.rule.compatible AND best.rule.compatible
                        OR (x.rule.compatible = best.rule.compatible AND x.rule.id < best.rule.id)))
               THEN x ELSE best END)] |
        CASE WHEN best IS NOT NULL THEN
               {verdict: CASE WHEN best.rule.compatible THEN 'compatible' ELSE 'violation' END, rule: best.rule}
             WHEN any(d IN up WHERE d[0] = q AND d[1] = p) THEN {verdict: 'compatible', rule: null}
             ELSE {verdict: 'unassessed', rule: null} END][0]
    END}]] AS verdicts
// (2) The search. first: the first level, every key the senders' flows establish in (1), once.
// st.frontier: the keys id(party) * K + k first reached at the last level; st.old and st.recent:
// every key reached; st.out: the frontiers, level by level.
WITH wanted, strong, purposes, matching, parties, base, K, M, groups, verdicts, out,
     COLLECT { UNWIND sent AS keys UNWIND keys AS ks UNWIND ks AS key RETURN DISTINCT key } AS first
WITH wanted, strong, purposes, matching, base, K, M, groups, verdicts, out,
     reduce(st = {frontier: first, old: first, recent: [], out: [first]}, level IN range(2, parties + 1) |
  CASE WHEN st.frontier = [] THEN st ELSE
    // [x IN [value] | …][0] names a value inside an expression.
    [next IN [COLLECT {
        UNWIND st.frontier AS key
        // Each party the frontier party sends to over a qualifying flow, once however many flows,
        // with the same purpose.
        UNWIND coalesce(out[key / K - base], []) AS y
        WITH y * K + key % K AS fresh
        WHERE NOT fresh IN st.old AND NOT fresh IN st.recent
        RETURN DISTINCT fresh
      }] |
      // The new keys join recent; recent joins old when it has grown to a quarter of old.
      CASE WHEN size(st.recent) + size(next) > size(st.old) / 4
        THEN {frontier: next, old: st.old + st.recent + next, recent: [], out: st.out + [next]}
        ELSE {frontier: next, old: st.old, recent: st.recent + next, out: st.out + [next]} END][0]
  END) AS st
WITH wanted, strong, purposes, matching, K, M, groups, verdicts, st.old + st.recent AS seen,
     // (party, purpose, level) of every state, as (id(party) * K + k) * M + level.
     COLLECT { UNWIND range(0, size(st.out) - 1) AS d UNWIND st.out[d] AS key RETURN key * M + d + 1 } AS levelled,
     size(st.out) AS levels
// (3) The counts. A flow g from a carries purpose k when k is one of its own origin purposes or
// k reached a. Summed per (purposes reaching the sender, use, own origins not among them), then per
// (k, use). (A CALL, not a COLLECT: Neo4j 5.26 charges every group of an aggregation inside a COLLECT
// with the size of the lists the COLLECT reads afterwards.)
CALL (groups, seen, K, verdicts) {
  UNWIND groups AS gr
  WITH [k IN range(0, K - 1) WHERE id(gr.a) * K + k IN seen] AS reached, gr.items AS items
  UNWIND items AS it
  WITH reached, it.q AS q, it.ks AS ks, sum(it.n) AS n
  UNWIND reached + [k IN ks WHERE NOT k IN reached] AS k
  WITH k, q, sum(n) AS n
  RETURN collect({k: k, q: q, n: n, verdict: [v IN verdicts[k] WHERE v.q = q][0].judged.verdict}) AS tally
}
WITH wanted, strong, purposes, matching, K, M, verdicts, seen, levelled, levels,
     [verdict IN ['violation', 'gap', 'compatible'] |
       reduce(n = 0, c IN tally | n + CASE WHEN c.verdict = verdict THEN c.n ELSE 0 END)] AS counted,
     COLLECT { UNWIND tally AS c WITH c WHERE c.verdict = 'unassessed'
               RETURN {collected_for: purposes[c.k], used_for: c.q, count: c.n} AS u
               ORDER BY u.collected_for, u.used_for } AS unassessed
// (4) The records shown: violations, then gaps, by flow id then purpose; the first $limit of each.
WITH wanted, strong, purposes, matching, K, M, verdicts, seen, levelled, levels, counted, unassessed,
     [which IN ['violation', 'gap'] | COLLECT {
       MATCH (a:Party)-[g:FLOW]->(b:Party) USING INDEX g:FLOW(id)
       WHERE g.id IS NOT NULL AND coalesce($limit, 1) > 0
         AND ($as_of IS NULL OR (
              coalesce(g.status, '') <> 'proposed'
              AND (g.start IS NULL OR g.start <= left($as_of, size(g.start)))
              AND (g.end IS NULL OR left($as_of, size(g.end)) <= g.end)
              AND all(p IN [a, b] WHERE NOT p:System OR (
                    coalesce(p.status, '') <> 'proposed'
                    AND (p.start IS NULL OR p.start <= left($as_of, size(p.start)))
                    AND (p.end IS NULL OR left($as_of, size(p.end)) <= p.end)))))
         AND (wanted IS NULL OR any(c IN g.categories WHERE c IN wanted))
         AND (strong IS NULL OR any(i IN range(0, size(g.citation_ids) - 1)
                                    WHERE g.citation_claims[i] = 'record' AND g.citation_ids[i] IN strong))
       WITH a, g ORDER BY g.id
       WITH a, g, coalesce(g.purpose, 'unknown') AS q, CASE
         WHEN g.collected_for IS NOT NULL THEN [g.collected_for]
         WHEN NOT a:System THEN ['unknown']
         ELSE [held IN [COLLECT {
                MATCH (a:System)-[h:HOLDS]->(held:DataCategory)
                WHERE any(x IN g.categories WHERE [x, held.id] IN matching)
                RETURN DISTINCT coalesce(h.purpose, 'unknown') AS p }] |
               CASE WHEN held = [] THEN ['unknown'] ELSE held END][0] END AS own
       UNWIND [k IN range(0, K - 1) WHERE purposes[k] IN own OR id(a) * K + k IN seen] AS k
       WITH a, g, q, k, purposes[k] IN own AS establishes, [v IN verdicts[k] WHERE v.q = q][0].judged AS judged
       WHERE judged.verdict = which
       RETURN {a: a, g: g, k: k, q: q, establishes: establishes, judged: judged} AS x
       LIMIT coalesce($limit, 4611686018427387904) }] AS found
WITH wanted, strong, purposes, matching, K, M, levelled, levels, counted, unassessed, found,
     // The senders of the records that need a witness, and for each its qualifying inbound flows in
     // (party id, flow id) order with their origin purposes (own), read once: records of one flow
     // share its sender (one record per purpose), so reading, sorting and judging a sender's inbound
     // flows again for each record cost more than the rest of the witnesses (at 1,000,000 flows, with
     // 1,000 records of each kind from 207 flows, the whole query took about 1.2 s less this way).
     COLLECT { UNWIND found[0] + found[1] AS x WITH x WHERE NOT x.establishes
               RETURN DISTINCT x.a AS a } AS senders
WITH wanted, strong, purposes, matching, K, M, levelled, levels, counted, unassessed, found,
     [s IN senders | id(s)] AS sender_ids,
     [s IN senders | COLLECT {
         WITH s AS y
         MATCH (u:Party)-[f:FLOW]->(y:Party)
         WHERE ($as_of IS NULL OR (
                 coalesce(f.status, '') <> 'proposed'
                 AND (f.start IS NULL OR f.start <= left($as_of, size(f.start)))
                 AND (f.end IS NULL OR left($as_of, size(f.end)) <= f.end)
                 AND (NOT u:System OR (
                       coalesce(u.status, '') <> 'proposed'
                       AND (u.start IS NULL OR u.start <= left($as_of, size(u.start)))
                       AND (u.end IS NULL OR left($as_of, size(u.end)) <= u.end)))))
           AND (wanted IS NULL OR any(c IN f.categories WHERE c IN wanted))
           AND (strong IS NULL OR any(i IN range(0, size(f.citation_ids) - 1)
                                      WHERE f.citation_claims[i] = 'record' AND f.citation_ids[i] IN strong))
         RETURN {u: u, f: f, n: id(u), uid: u.id, fid: f.id, own: CASE
                   WHEN f.collected_for IS NOT NULL THEN [f.collected_for]
                   WHEN NOT u:System THEN ['unknown']
                   ELSE [held IN [COLLECT {
                          MATCH (u:System)-[h:HOLDS]->(held:DataCategory)
                          WHERE any(z IN f.categories WHERE [z, held.id] IN matching)
                          RETURN DISTINCT coalesce(h.purpose, 'unknown') AS p }] |
                         CASE WHEN held = [] THEN ['unknown'] ELSE held END][0] END} AS c
         ORDER BY c.uid, c.fid }] AS inbound
// Each record's witness: the flow itself when it establishes the purpose; else, from its sender at
// level d, the flow from a party at level d - 1 with the smallest (party id, flow id), and so on
// down to level 1, reached by the flow establishing the purpose with the smallest (party id, flow id).
// (A party's qualifying inbound flows are all from parties in force, so testing the level of the
// sending party is the same whether or not the list also tested that it is in force.)
WITH counted, unassessed, [which IN [0, 1] | [x IN found[which] | {
       which: which, g: x.g.id, p: purposes[x.k], q: x.q, verdict: x.judged.verdict, rule: x.judged.rule,
       ids: CASE WHEN x.establishes THEN [x.g.id] ELSE
         [mine IN [inbound[head([i IN range(0, size(sender_ids) - 1) WHERE sender_ids[i] = id(x.a)])]] |
         [w IN [reduce(w = {at: x.a, path: [x.g]},
                       d IN range(head([d IN range(1, levels) WHERE (id(x.a) * K + x.k) * M + d IN levelled]), 2, -1) |
           [best IN [CASE WHEN w.at = x.a THEN
               // The first in (party id, flow id) order from a party at level d - 1.
               reduce(best = null, c IN mine | CASE WHEN best IS NOT NULL THEN best
                                                    WHEN (c.n * K + x.k) * M + d - 1 IN levelled THEN c END)
             ELSE reduce(best = null, c IN COLLECT {
               WITH w.at AS y
               MATCH (u:Party)-[f:FLOW]->(y:Party)
               WHERE (id(u) * K + x.k) * M + d - 1 IN levelled
                 AND ($as_of IS NULL OR (
                       coalesce(f.status, '') <> 'proposed'
                       AND (f.start IS NULL OR f.start <= left($as_of, size(f.start)))
                       AND (f.end IS NULL OR left($as_of, size(f.end)) <= f.end)))
                 AND (wanted IS NULL OR any(c IN f.categories WHERE c IN wanted))
                 AND (strong IS NULL OR any(i IN range(0, size(f.citation_ids) - 1)
                                            WHERE f.citation_claims[i] = 'record' AND f.citation_ids[i] IN strong))
               RETURN {u: u, f: f, uid: u.id, fid: f.id} AS c } |
               CASE WHEN best IS NULL OR c.uid < best.uid OR (c.uid = best.uid AND c.fid < best.fid)
                    THEN c ELSE best END) END] |
             {at: best.u, path: [best.f] + w.path}][0])] |
           // Candidates in (party id, flow id) order, tested one by one until one establishes the purpose:
           // at the record's sender, its inbound list with origins already known; elsewhere read here
           // (what a system holds is looked up only for the candidates tested).
           [seed IN [CASE WHEN w.at = x.a THEN
               reduce(seed = null, c IN mine | CASE WHEN seed IS NOT NULL THEN seed
                 WHEN purposes[x.k] IN c.own
                 THEN c END)
             ELSE head(COLLECT {
               WITH w.at AS y
               MATCH (u:Party)-[f:FLOW]->(y:Party)
               WHERE ($as_of IS NULL OR (
                       coalesce(f.status, '') <> 'proposed'
                       AND (f.start IS NULL OR f.start <= left($as_of, size(f.start)))
                       AND (f.end IS NULL OR left($as_of, size(f.end)) <= f.end)
                       AND (NOT u:System OR (
                             coalesce(u.status, '') <> 'proposed'
                             AND (u.start IS NULL OR u.start <= left($as_of, size(u.start)))
                             AND (u.end IS NULL OR left($as_of, size(u.end)) <= u.end)))))
                 AND (wanted IS NULL OR any(c IN f.categories WHERE c IN wanted))
                 AND (strong IS NULL OR any(i IN range(0, size(f.citation_ids) - 1)
                                            WHERE f.citation_claims[i] = 'record' AND f.citation_ids[i] IN strong))
               WITH u, f ORDER BY u.id, f.id
               WITH u, f
               WHERE purposes[x.k] IN CASE
                   WHEN f.collected_for IS NOT NULL THEN [f.collected_for]
                   WHEN NOT u:System THEN ['unknown']
                   ELSE [held IN [COLLECT {
                          MATCH (u:System)-[h:HOLDS]->(held:DataCategory)
                          WHERE any(z IN f.categories WHERE [z, held.id] IN matching)
                          RETURN DISTINCT coalesce(h.purpose, 'unknown') AS p }] |
                         CASE WHEN held = [] THEN ['unknown'] ELSE held END][0] END
               RETURN {f: f} AS c LIMIT 1 }) END] |
             [f IN [seed.f] + w.path | f.id]][0]][0]][0]
       END}]] AS picked
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
