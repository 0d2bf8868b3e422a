// name: who-shares
// title: Who shares what with whom
// description: Every flow that passes all the filters given, one row per flow, sorted by flow id: sender and recipient, data categories, purpose, legal basis, mechanism, firewall, safeguards, period, jurisdiction, every (source, locator) behind it and its own citations in full; total: how many flows pass (all of them, also when limit lists fewer). With limit 0 one row carries only total. The same answer as 'dataflows flows' (dataflows.analyses.sharing).
// param: party (string) Only flows sent or received by this agency or system id.
// param: category (string) Only flows carrying this data category or a narrower one.
// param: jurisdiction (string) Only flows in this jurisdiction or one inside it.
// param: sector (string) Only flows whose sender or recipient is in this sector (an agency's own; a system's, from the agencies that operate, own or use it).
// param: as_of (date) Only what was in force that day (flows, operator relations, systems).
// param: limit (int) At most this many flows listed, the first by flow id (default: all); total always counts every one.
// mode: read

// The categories and jurisdictions a filter admits: the one named and everything under it.
WITH CASE WHEN $category IS NULL THEN null ELSE COLLECT {
       MATCH (c:DataCategory)((:DataCategory)-[:BROADER]->(:DataCategory))*(:DataCategory {id: $category})
       RETURN c.id } END AS wanted_categories,
     CASE WHEN $jurisdiction IS NULL THEN null ELSE COLLECT {
       MATCH (j:Jurisdiction)((:Jurisdiction)-[:WITHIN]->(:Jurisdiction))*(:Jurisdiction {id: $jurisdiction})
       RETURN j.id } END AS wanted_places

// Anchor on the named party when there is one; otherwise every flow.
CALL () {
  MATCH (a:Party {id: $party})-[f:FLOW]->(b:Party)
  RETURN a, f, b
  UNION
  MATCH (a:Party)-[f:FLOW]->(b:Party {id: $party})
  RETURN a, f, b
  UNION
  MATCH (a:Party)-[f:FLOW]->(b:Party)
  WHERE $party IS NULL
  RETURN a, f, b
}
WITH a, f, b, wanted_categories, wanted_places
// As of a day: the flow, and each system at either end, in force (proposed never is; an unknown
// start or end is open; a partial date covers its whole year or month, compared as text).
WHERE ($as_of IS NULL OR (
        coalesce(f.status, '') <> 'proposed'
        AND (f.start IS NULL OR f.start <= left($as_of, size(f.start)))
        AND (f.end IS NULL OR left($as_of, size(f.end)) <= f.end)
        AND all(p IN [a, b] WHERE NOT p:System OR (
              coalesce(p.status, '') <> 'proposed'
              AND (p.start IS NULL OR p.start <= left($as_of, size(p.start)))
              AND (p.end IS NULL OR left($as_of, size(p.end)) <= p.end)))))
  AND (wanted_categories IS NULL OR any(c IN f.categories WHERE c IN wanted_categories))
  AND (wanted_places IS NULL OR f.jurisdiction IN wanted_places)
  // A system takes the sectors of the agencies that operate, own or use it (in force that day).
  AND ($sector IS NULL OR any(p IN [a, b] WHERE (p:Agency AND p.sector = $sector) OR EXISTS {
        MATCH (ag:Agency)-[o:OPERATES]->(p)
        WHERE ag.sector = $sector AND o.role IN ['operator', 'owner', 'user']
          AND ($as_of IS NULL OR (
                coalesce(o.status, '') <> 'proposed'
                AND (o.start IS NULL OR o.start <= left($as_of, size(o.start)))
                AND (o.end IS NULL OR left($as_of, size(o.end)) <= o.end))) }))
// Every flow that passes is counted; with a limit only the first, by flow id, are spelled out.
WITH f ORDER BY f.id
WITH collect(f) AS passed
WITH size(passed) AS total, CASE WHEN $limit IS NULL THEN passed ELSE passed[..$limit] END AS listed
// Every citation in full, by id: a flow's citations are found in it by bisection (log2 of their
// number) rather than by a lookup per citation.
WITH total, listed, COLLECT { MATCH (c:Citation)-[:CITES]->(s:Source)
                RETURN [c.id, {source: c.source, title: s.title, publisher: s.publisher, file: s.file, url: s.url,
                               locator: c.locator, quote: c.quote, evidence_type: c.evidence_type,
                               confidence: c.confidence, note: c.note}] AS x ORDER BY x[0] } AS cites
WITH total, listed, cites, [e IN range(toInteger(ceil(log(size(cites) + 1) / log(2))), 0, -1) | toInteger(2 ^ e)] AS steps
// (With limit 0 and flows passing, one row of nulls carries the total.)
UNWIND CASE WHEN listed = [] AND total > 0 THEN [null] ELSE listed END AS f
WITH total, cites, steps, startNode(f) AS a, f, endNode(f) AS b
RETURN f.id AS flow,
       a.id AS from, a.name AS from_label, b.id AS to, b.name AS to_label,
       f.categories AS categories,
       coalesce(f.purpose, 'unknown') AS purpose, f.collected_for AS collected_for,
       {status: coalesce(f.legal_basis, 'unknown'), text: f.legal_basis_text} AS legal_basis,
       f.mechanism AS mechanism,
       coalesce(f.firewall, 'unknown') AS firewall,
       // [name, status] of each safeguard (stored as safeguard_NAME and safeguard_NAME_note), by name
       COLLECT {
         UNWIND keys(f) AS k
         WITH k WHERE k STARTS WITH 'safeguard_' AND NOT k ENDS WITH '_note'
         RETURN [substring(k, size('safeguard_')), f[k]] AS safeguard ORDER BY k
       } AS safeguards,
       f.status AS status,
       {start: f.start, end: f.end} AS period,
       f.jurisdiction AS jurisdiction,
       // Every (source, locator) behind the flow, its legal basis, firewall and safeguards.
       COLLECT {
         UNWIND f.citation_ids AS id
         WITH cites[reduce(lo = -1, j IN steps | CASE WHEN lo + j < size(cites) AND cites[lo + j][0] <= id THEN lo + j ELSE lo END)][1] AS c
         WITH DISTINCT c.source AS source, c.locator AS locator
         RETURN {source: source, locator: locator} ORDER BY source, locator
       } AS sources,
       // The own citations of the flow, in full and in the order of the map.
       [i IN range(0, coalesce(size(f.citation_ids), 0) - 1) WHERE f.citation_claims[i] = 'record' |
        cites[reduce(lo = -1, j IN steps | CASE WHEN lo + j < size(cites) AND cites[lo + j][0] <= f.citation_ids[i] THEN lo + j ELSE lo END)][1]] AS citations,
       total
// No ORDER BY here: the rows leave in the order of 'listed', which is sorted by flow id, and
// nothing above reorders them (UNWIND keeps a list's order; the subqueries are per row; the
// parity tests check the order against the embedded engine's). Sorting them again made Neo4j
// hold every row before sending the first: listing the million flows of the synthetic map took
// 39-43 s so, and 32.5-33.6 s with the rows streamed as they are made (measured, runs alternated).
