// name: missing-firewalls
// title: Missing firewalls between public services and immigration enforcement
// description: Every (public service, enforcement party) pair joined by a route of qualifying flows with no barrier: missing when some route has every firewall absent; unknown-barrier when not, but some route has every firewall absent or unknown. A public service is an agency in one of public_sectors, or a system such an agency operates or owns; an enforcement party likewise with enforcement_sectors. For each pair: a witness route (shortest; from the origin towards the target each hop goes to the party one step nearer the target with the smallest id, then the smallest flow id) and the cut flows — the flows on every route of the kind of the pair, where one firewall would cut them all (for missing pairs also those on every absent-or-unknown route). One row: the sectors, the origins and enforcement parties, the number of pairs of each kind, and the pairs sorted by origin then target (the first limit of each kind, when given). The same answer as 'dataflows firewalls' (dataflows.analyses.firewalls).
// param: public_sectors (list, default health,education,housing,labour_inspection,welfare,local_government,victim_support,police) Public-service sectors (the UN Special Rapporteur's, with welfare, local government, victim support and police).
// param: enforcement_sectors (list, default immigration_enforcement,border_agency) Migration-control sectors.
// param: category (string) Only flows carrying this data category or a narrower one.
// param: min_confidence (string) Only flows with at least one citation this sure: low, medium or high.
// param: as_of (date) Only flows, systems and operator relations in force that day.
// param: limit (int) At most this many pairs of each kind detailed (default: all); the counts are always complete.
// mode: read
//
// How: two level-by-level breadth-first searches run backwards from every enforcement party at once
// and side by side (as in reach.cypher, direction up, with the targets riding together as the
// purposes do in creep-drift.cypher): over flows whose firewall is absent, and over flows whose
// firewall is absent or unknown. They give every (party, target) pair and its distance; the witness
// routes of the pairs shown are then walked from the origin, each hop to a party one level nearer
// the target.
// Cut flows: a flow on every route lies on the witness route in particular, so each hop of the
// witness is tested by asking for a shortest route that avoids it (SHORTEST 1, a breadth-first
// search); the hop is a cut flow when there is none. This replaces the embedded engine
// post-dominator tree, which Cypher cannot build: it costs one search per witness hop per pair.
// A hop needs no search when, walking the witness, its party had another flow of the pair's kind
// to a party one level nearer the target: the witness up to that party, that flow, and a shortest
// route on from there (all nearer the target than the hop's party) avoid the hop. (At 100,000
// flows this halved the time of detailing 1,000 pairs of each kind.) For a missing pair that route
// has every firewall absent, so it also avoids the hop among the absent-or-unknown routes: the
// second test needs no search either.

// What the filters admit: categories under the one named; citations at least as sure as asked.
WITH CASE WHEN $category IS NULL THEN null ELSE COLLECT {
       MATCH (c:DataCategory)((:DataCategory)-[:BROADER]->(:DataCategory))*(:DataCategory {id: $category})
       RETURN c.id } END AS wanted,
     CASE WHEN $min_confidence IS NULL THEN null ELSE COLLECT {
       MATCH (c:Citation)
       WHERE CASE c.confidence WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END
             >= CASE $min_confidence WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 4 END
       RETURN c.id } END AS strong,
     COUNT { MATCH (:Party) } AS parties, head(COLLECT { MATCH (p:Party) RETURN min(id(p)) AS i }) AS base
// The parties in force, with their sectors: an agency's own; a system's, those of the agencies
// that operate or own it (relations in force that day).
CALL () {
  MATCH (p:Party)
  WHERE $as_of IS NULL OR NOT p:System OR (
          coalesce(p.status, '') <> 'proposed'
          AND (p.start IS NULL OR p.start <= left($as_of, size(p.start)))
          AND (p.end IS NULL OR left($as_of, size(p.end)) <= p.end))
  WITH p, CASE WHEN p:Agency THEN [x IN [p.sector] WHERE x IS NOT NULL] ELSE COLLECT {
            MATCH (ag:Agency)-[o:OPERATES]->(p)
            WHERE o.role IN ['operator', 'owner'] AND ag.sector IS NOT NULL
              AND ($as_of IS NULL OR (
                    coalesce(o.status, '') <> 'proposed'
                    AND (o.start IS NULL OR o.start <= left($as_of, size(o.start)))
                    AND (o.end IS NULL OR left($as_of, size(o.end)) <= o.end)))
            RETURN ag.sector } END AS sectors
  ORDER BY p.id
  RETURN collect(CASE WHEN any(x IN sectors WHERE x IN $public_sectors) THEN p END) AS origins,
         collect(CASE WHEN any(x IN sectors WHERE x IN $enforcement_sectors) THEN p END) AS targets
}
WITH wanted, strong, origins, targets, size(targets) AS T, parties + 2 AS M, parties, base
// The searches read the map once, into lists indexed by id(party) - base (id() is the record number
// Neo4j gives a node, deprecated in Neo4j 5 but the only integer a node has; base is the smallest
// among parties, and ids of other nodes in between are gaps): ins[id(u) - base], every party that
// sends to u over flows without a barrier known, as id(y) * 2 + 1 when one of those flows has its
// firewall absent, id(y) * 2 when they are unknown; rank[id(o) - base], the place of an origin in
// origins (-1: no origin). Looking a party up in a list is cheaper than reading its flows again at
// every level it is reached (at 1,000,000 flows the searches took 5 s instead of 12-14 s). The lists
// are as long as the span of the parties' ids: about the number of nodes of the map when it was
// loaded by 'dataflows load' (more when other data was created among them).
CALL (wanted, strong, base) {
  MATCH (y:Party)-[f:FLOW]->(u:Party)
  WHERE f.firewall IN ['absent', 'unknown']
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
  WITH id(u) - base AS u, id(y) AS y, max(CASE f.firewall WHEN 'absent' THEN 1 ELSE 0 END) AS absent
  WITH u, collect(y * 2 + absent) AS senders ORDER BY u
  WITH collect([u, senders]) AS at
  // Spread out by id: each party's list, then an empty list for each id up to the next party's.
  UNWIND range(0, size(at) - 1) AS i
  UNWIND CASE WHEN i = 0 THEN [x IN range(0, at[0][0] - 1) | []] ELSE [] END + [at[i][1]]
         + [x IN range(at[i][0] + 1, coalesce(at[i + 1][0], at[i][0] + 1) - 1) | []] AS senders
  RETURN collect(senders) AS ins
}
CALL (origins, base) {
  UNWIND range(0, size(origins) - 1) AS i
  WITH id(origins[i]) - base AS o, i ORDER BY o
  WITH collect([o, i]) AS at
  UNWIND range(0, size(at) - 1) AS j
  UNWIND CASE WHEN j = 0 THEN [x IN range(0, at[0][0] - 1) | -1] ELSE [] END + [at[j][1]]
         + [x IN range(at[j][0] + 1, coalesce(at[j + 1][0], at[j][0] + 1) - 1) | -1] AS place
  RETURN collect(place) AS rank
}
// The two searches run backwards from every enforcement party at once, a level at a time (as in
// reach.cypher, direction up), and together: region 0 over flows whose firewall is absent, region 1
// over flows whose firewall is absent or unknown. A frontier entry is a party (its id) with the
// targets (places in targets) it reached at that level in each region, a and u. (party, target,
// region) states seen are integer keys (id(party) * T + target) * 2 + region, in two lists tested
// with IN (a hash set Neo4j builds once per list; the larger list is rebuilt rarely).
WITH wanted, strong, origins, targets, T, M, ins, rank, base, [t IN targets | id(t)] AS tids, parties
WITH wanted, strong, origins, targets, T, M, rank, base,
  reduce(st = {frontier: [i IN range(0, T - 1) | {n: tids[i], a: [i], u: [i]}],
               old: [i IN range(0, T - 1) | (tids[i] * T + i) * 2]
                    + [i IN range(0, T - 1) | (tids[i] * T + i) * 2 + 1], recent: [],
               out: [[i IN range(0, T - 1) | {n: tids[i], a: [i], u: [i]}]]}, level IN range(1, parties) |
    CASE WHEN st.frontier = [] THEN st ELSE
      // [x IN [value] | …][0] names a value inside an expression.
      [step IN [COLLECT {
          UNWIND st.frontier AS cur
          // Each party that sends to the frontier party over a flow without a barrier known.
          UNWIND coalesce(ins[cur.n - base], []) AS c
          WITH cur, c / 2 AS y, c % 2 = 1 AS absent
          // Region 0 goes on only over an absent flow; region 1 over either.
          UNWIND CASE WHEN absent THEN [t IN cur.a | [t, 0]] ELSE [] END + [t IN cur.u | [t, 1]] AS tr
          WITH y, tr[0] AS t, tr[1] AS r, (y * T + tr[0]) * 2 + tr[1] AS key
          WHERE NOT key IN st.old AND NOT key IN st.recent
          RETURN [y, t, r, key] AS e ORDER BY key
        }] |
        // Sorted by key: a party's new states are consecutive, and so are repeats.
        [fresh IN [[i IN range(0, size(step) - 1) WHERE i = 0 OR step[i][3] <> step[i - 1][3] | step[i]]] |
          [starts IN [[i IN range(0, size(fresh) - 1) WHERE i = 0 OR fresh[i][0] <> fresh[i - 1][0] | i]] |
            [next IN [[j IN range(0, size(starts) - 1) |
                [run IN [fresh[starts[j]..coalesce(starts[j + 1], size(fresh))]] |
                  {n: run[0][0], a: [e IN run WHERE e[2] = 0 | e[1]], u: [e IN run WHERE e[2] = 1 | e[1]]}][0]]] |
              // The new keys join recent; recent joins old when it has grown to a quarter of old.
              CASE WHEN size(st.recent) + size(fresh) > size(st.old) / 4
                THEN {frontier: next, old: st.old + st.recent + [e IN fresh | e[3]], recent: [], out: st.out + [next]}
                ELSE {frontier: next, old: st.old, recent: st.recent + [e IN fresh | e[3]], out: st.out + [next]} END
            ][0]][0]][0]][0]
    END).out AS levels
// Every pair: missing when the origin reached the target in region 0; unknown-barrier when only in
// region 1. (levels[d]: the parties (ids) reached at level d, with the targets they reached there
// in region 0, a, and in region 1, u; level 0: the targets themselves.) A pair found in region r at
// level d is coded ((place of the origin in origins * T + target) * 2 + r) * L + d, so that sorted
// codes put the pairs by origin id (origins are in id order), then target id (so are targets), and
// a pair's entry of region 0 just before its entry of region 1. (A CALL, not a COLLECT: Neo4j 5.26
// charges every row an aggregation inside a COLLECT keeps with the lists it reads.)
WITH wanted, strong, origins, targets, T, M, rank, base, levels, size(levels) AS L
CALL (levels, T, rank, base, L) {
  UNWIND [0, 1] AS r
  UNWIND range(1, L - 1) AS d
  UNWIND levels[d] AS e
  WITH r, d, e WHERE rank[e.n - base] >= 0
  UNWIND [e.a, e.u][r] AS t
  WITH ((rank[e.n - base] * T + t) * 2 + r) * L + d AS code ORDER BY code
  WITH collect(code) AS codes
  RETURN [c IN codes WHERE (c / L) % 2 = 0] AS missing,
         [i IN range(0, size(codes) - 1) WHERE (codes[i] / L) % 2 = 1
                                           AND (i = 0 OR codes[i - 1] / (2 * L) <> codes[i] / (2 * L)) | codes[i]]
           AS unknown_barrier
}
WITH wanted, strong, origins, targets, T, M, levels, size(missing) AS n_missing, size(unknown_barrier) AS n_unknown,
     [r IN [0, 1] | [c IN CASE WHEN $limit IS NULL THEN [missing, unknown_barrier][r]
                               ELSE [missing, unknown_barrier][r][..$limit] END |
                      {o: origins[c / L / 2 / T], t: (c / L / 2) % T, d: c % L}]] AS shown
WITH wanted, strong, origins, targets, T, M, levels, n_missing, n_unknown, shown[0] AS missing,
     shown[1] AS unknown_barrier
// The witness of each pair shown: from the origin at level d, the flow of the pair's kind to a party
// at level d - 1 with the smallest (party id, flow id), and so on down to the target - the searches'
// own tie-break. levelled[r]: the states of region r as (id(party) * T + target) * M + level.
WITH wanted, strong, origins, targets, T, M, n_missing, n_unknown, missing, unknown_barrier,
     [r IN [0, 1] | CASE WHEN [missing, unknown_barrier][r] = [] THEN [] ELSE COLLECT {
       UNWIND range(0, size(levels) - 1) AS d UNWIND levels[d] AS e UNWIND [e.a, e.u][r] AS t
       RETURN (e.n * T + t) * M + d } END] AS levelled
WITH wanted, strong, origins, targets, n_missing, n_unknown,
     [r IN [0, 1] | [x IN [missing, unknown_barrier][r] | {
       kind: ['missing', 'unknown-barrier'][r], o: x.o, t: targets[x.t],
       walk: reduce(w = {at: x.o, path: [], alt: []}, d IN range(x.d, 1, -1) |
         [cands IN [COLLECT {
             WITH w.at AS u
             MATCH (u:Party)-[f:FLOW]->(y:Party)
             WHERE f.firewall IN [['absent'], ['absent', 'unknown']][r]
               AND (id(y) * T + x.t) * M + d - 1 IN levelled[r]
               AND ($as_of IS NULL OR (
                     coalesce(f.status, '') <> 'proposed'
                     AND (f.start IS NULL OR f.start <= left($as_of, size(f.start)))
                     AND (f.end IS NULL OR left($as_of, size(f.end)) <= f.end)))
               AND (wanted IS NULL OR any(c IN f.categories WHERE c IN wanted))
               AND (strong IS NULL OR any(i IN range(0, size(f.citation_ids) - 1)
                                          WHERE f.citation_claims[i] = 'record' AND f.citation_ids[i] IN strong))
             RETURN {y: y, f: f, yid: y.id, fid: f.id} AS c }] |
           [best IN [reduce(best = null, c IN cands |
             CASE WHEN best IS NULL OR c.yid < best.yid OR (c.yid = best.yid AND c.fid < best.fid)
                  THEN c ELSE best END)] |
             // alt: another flow of the kind leads one level nearer the target, so this hop is no cut.
             {at: best.y, path: w.path + [best.f], alt: w.alt + [size(cands) > 1]}][0]][0])}]] AS picked
WITH origins, targets, wanted, strong, n_missing, n_unknown, picked[0] + picked[1] AS shown
// One row per pair shown, so that what each pair looks up sees only that pair.
UNWIND CASE WHEN shown = [] THEN [null] ELSE shown END AS pair
OPTIONAL CALL (pair, wanted, strong) {
  WITH pair WHERE pair IS NOT NULL
  WITH pair.kind AS kind, pair.o AS o, pair.t AS t, pair.walk.path AS path, pair.walk.alt AS alt,
       CASE pair.kind WHEN 'missing' THEN ['absent'] ELSE ['absent', 'unknown'] END AS allowed
  // A witness hop is a cut flow when no route of the kind of the pair avoids it (for missing pairs,
  // also tested against every absent-or-unknown route).
  WITH t, kind, o, path, alt, CASE kind WHEN 'missing' THEN [allowed, ['absent', 'unknown']] ELSE [allowed] END AS rules
  WITH t, kind, o, path, [ri IN range(0, size(rules) - 1) | [h IN range(0, size(path) - 1) WHERE NOT alt[h] AND NOT EXISTS {
         MATCH SHORTEST 1 (o)((:Party)-[f:FLOW]->(y:Party)
           WHERE f <> path[h] AND f.firewall IN rules[ri]
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
         )+(t) } | path[h].id]] AS cuts
  WITH kind, path, cuts, {origin: o.id, origin_label: o.name, target: t.id, target_label: t.name, kind: kind} AS ends
  RETURN ends {.*, witness: {length: size(path), flows: [f IN path | f.id], hops: [f IN path | {
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
           }]},
           cut_flows: COLLECT { UNWIND cuts[0] AS id RETURN id ORDER BY id }} AS record,
         CASE kind WHEN 'missing' THEN COLLECT { UNWIND cuts[1] AS id RETURN id ORDER BY id } END AS unbarred
}
WITH origins, targets, n_missing, n_unknown,
     collect(CASE WHEN record IS NOT NULL THEN
       CASE record.kind WHEN 'missing' THEN record {.*, cut_flows_unbarred: unbarred} ELSE record END END) AS records
WITH origins, targets, n_missing, n_unknown,
     [r IN records WHERE r.kind = 'missing'] AS missing, [r IN records WHERE r.kind = 'unknown-barrier'] AS unknown_barrier
RETURN COLLECT { UNWIND $public_sectors AS x RETURN DISTINCT x ORDER BY x } AS public_sectors,
       COLLECT { UNWIND $enforcement_sectors AS x RETURN DISTINCT x ORDER BY x } AS enforcement_sectors,
       [p IN origins | p.id] AS origins, [p IN targets | p.id] AS enforcement_parties,
       {missing: n_missing, unknown_barrier: n_unknown} AS counts, missing, unknown_barrier
