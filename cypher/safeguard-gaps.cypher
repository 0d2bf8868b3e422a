// name: safeguard-gaps
// title: Safeguard gaps
// description: Flows without a known sharing agreement (its status is not yes) or with an unknown legal basis, sorted by flow id; and systems without a known DPIA, EIA, operating procedure or independent review, sorted by id. Each gap carries its status and what the sources say: for status no, the note and the citations; for unknown, 'unknown' — the sources are silent, which is itself the finding. One row per flow (kind flow) or system (kind system), each with flow_count and system_count: how many there are in all (also when limit lists fewer); with limit 0, one row carries only the counts. The same answer as 'dataflows safeguards' (dataflows.analyses.safeguards).
// param: as_of (date) Only flows and systems in force that day.
// param: limit (int) At most this many flows and this many systems listed, the first by id (default: all); the counts always count every one.
// mode: read

// The flows and systems with a gap, in id order: all of them are counted; with a limit, only the
// first of each kind are spelled out. (The tests here are those that build each gap list below,
// 'found': a change to what counts as a gap changes both.)
CALL () {
  MATCH (a:Party)-[f:FLOW]->(b:Party)
  WHERE ($as_of IS NULL OR (
          coalesce(f.status, '') <> 'proposed'
          AND (f.start IS NULL OR f.start <= left($as_of, size(f.start)))
          AND (f.end IS NULL OR left($as_of, size(f.end)) <= f.end)
          AND all(p IN [a, b] WHERE NOT p:System OR (
                coalesce(p.status, '') <> 'proposed'
                AND (p.start IS NULL OR p.start <= left($as_of, size(p.start)))
                AND (p.end IS NULL OR left($as_of, size(p.end)) <= p.end)))))
    AND (coalesce(f.safeguard_sharing_agreement, 'unknown') <> 'yes' OR coalesce(f.legal_basis, 'unknown') = 'unknown')
  WITH f ORDER BY f.id
  RETURN collect(f) AS flows
}
CALL () {
  MATCH (sy:System)
  WHERE ($as_of IS NULL OR (
          coalesce(sy.status, '') <> 'proposed'
          AND (sy.start IS NULL OR sy.start <= left($as_of, size(sy.start)))
          AND (sy.end IS NULL OR left($as_of, size(sy.end)) <= sy.end)))
    AND any(k IN ['dpia', 'eia', 'operating_procedure', 'independent_review']
            WHERE coalesce(sy['safeguard_' + k], 'unknown') <> 'yes')
  WITH sy ORDER BY sy.id
  RETURN collect(sy) AS systems
}
WITH size(flows) AS flow_count, size(systems) AS system_count,
     CASE WHEN $limit IS NULL THEN flows ELSE flows[..$limit] END AS flows,
     CASE WHEN $limit IS NULL THEN systems ELSE systems[..$limit] END AS systems
// Every citation in full, by id: a flow's citations are found in it by bisection (log2 of their
// number) rather than by a lookup per citation.
WITH flow_count, system_count, flows, systems, COLLECT { MATCH (c:Citation)-[:CITES]->(s:Source)
               RETURN [c.id, {source: c.source, title: s.title, publisher: s.publisher, file: s.file, url: s.url,
                              locator: c.locator, quote: c.quote, evidence_type: c.evidence_type,
                              confidence: c.confidence, note: c.note}] AS x ORDER BY x[0] } AS cites
WITH flow_count, system_count, flows, systems, cites, [e IN range(toInteger(ceil(log(size(cites) + 1) / log(2))), 0, -1) | toInteger(2 ^ e)] AS steps
CALL (flows, systems, flow_count, system_count, cites, steps) {
  UNWIND flows AS f
  WITH cites, steps, startNode(f) AS a, f, endNode(f) AS b
  WITH cites, steps, a, f, b,
       [g IN [{safeguard: 'sharing_agreement', status: coalesce(f.safeguard_sharing_agreement, 'unknown'),
               note: f.safeguard_sharing_agreement_note, claim: 'safeguards.sharing_agreement'}]
        WHERE g.status <> 'yes']
       + CASE WHEN coalesce(f.legal_basis, 'unknown') = 'unknown'
              THEN [{safeguard: 'legal_basis', status: 'unknown'}] ELSE [] END AS found
  RETURN 'flow' AS kind, f.id AS id, a.id AS from, b.id AS to, null AS label,
         [g IN found | CASE WHEN g.status = 'unknown'
           THEN {safeguard: g.safeguard, status: g.status, says: 'unknown', citations: [], sources: []}
           ELSE {safeguard: g.safeguard, status: g.status, says: coalesce(g.note, ''),
                 // The citations of a flow are listed on it, in order, with the claim each supports.
                 citations: [i IN range(0, size(f.citation_ids) - 1) WHERE f.citation_claims[i] = g.claim |
                   cites[reduce(lo = -1, j IN steps | CASE WHEN lo + j < size(cites) AND cites[lo + j][0] <= f.citation_ids[i] THEN lo + j ELSE lo END)][1]],
                 sources: COLLECT {
                   UNWIND range(0, size(f.citation_ids) - 1) AS i
                   WITH i WHERE f.citation_claims[i] = g.claim
                   WITH cites[reduce(lo = -1, j IN steps | CASE WHEN lo + j < size(cites) AND cites[lo + j][0] <= f.citation_ids[i] THEN lo + j ELSE lo END)][1] AS c
                   WITH DISTINCT c.source AS source, c.locator AS locator
                   RETURN {source: source, locator: locator} ORDER BY source, locator }}
           END] AS gaps
  UNION ALL
  UNWIND systems AS sy
  WITH sy, [g IN [
         {safeguard: 'dpia', status: coalesce(sy.safeguard_dpia, 'unknown'), note: sy.safeguard_dpia_note},
         {safeguard: 'eia', status: coalesce(sy.safeguard_eia, 'unknown'), note: sy.safeguard_eia_note},
         {safeguard: 'operating_procedure', status: coalesce(sy.safeguard_operating_procedure, 'unknown'),
          note: sy.safeguard_operating_procedure_note},
         {safeguard: 'independent_review', status: coalesce(sy.safeguard_independent_review, 'unknown'),
          note: sy.safeguard_independent_review_note}]
       WHERE g.status <> 'yes'] AS found
  RETURN 'system' AS kind, sy.id AS id, null AS from, null AS to, sy.name AS label,
         [g IN found | CASE WHEN g.status = 'unknown'
           THEN {safeguard: g.safeguard, status: g.status, says: 'unknown', citations: [], sources: []}
           ELSE {safeguard: g.safeguard, status: g.status, says: coalesce(g.note, ''),
                 // The citations of a system support it, each with its claim and its place in the list.
                 citations: COLLECT {
                   MATCH (sy)<-[sp:SUPPORTS]-(c:Citation)-[:CITES]->(src:Source)
                   WHERE sp.claim = 'safeguards.' + g.safeguard
                   RETURN {source: c.source, title: src.title, publisher: src.publisher, file: src.file,
                           url: src.url, locator: c.locator, quote: c.quote, evidence_type: c.evidence_type,
                           confidence: c.confidence, note: c.note} ORDER BY sp.pos },
                 sources: COLLECT {
                   MATCH (sy)<-[sp:SUPPORTS]-(c:Citation)
                   WHERE sp.claim = 'safeguards.' + g.safeguard
                   WITH DISTINCT c.source AS source, c.locator AS locator
                   RETURN {source: source, locator: locator} ORDER BY source, locator }}
           END] AS gaps
  UNION ALL
  // With limit 0 and gaps found, one row of nulls carries the counts.
  WITH flows, systems, flow_count, system_count
  WHERE flows = [] AND systems = [] AND flow_count + system_count > 0
  RETURN null AS kind, null AS id, null AS from, null AS to, null AS label, [] AS gaps
}
// No ORDER BY here: the flows come first, then the systems (UNION ALL keeps its branches' order),
// each in the order of its list, which is sorted by id; the parity tests check the order against
// the embedded engine's. Sorting the rows again made Neo4j hold every row before sending the
// first: at a million flows (812,870 rows) the answer took 27.8-28.0 s so, and 17.0-17.7 s with
// the rows streamed as they are made (measured, runs alternated).
RETURN kind, id, from, to, label, gaps, flow_count, system_count
